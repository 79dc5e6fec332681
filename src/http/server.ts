import { randomUUID } from 'node:crypto'
import Fastify, { LogController, type FastifyInstance, type FastifyBaseLogger } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { serializerCompiler, validatorCompiler, jsonSchemaTransform, hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import type { Logger } from 'pino'
import type { Db } from '../../db/client.js'
import type { AppConfig } from '../config.js'
import type { Clock } from '../core/clock.js'
import { isAppError, type ErrorCode } from '../core/errors.js'
import type { Channel } from '../channels/types.js'
import type { Simulator } from '../channels/simulator.js'
import type { DemoDeviceFeed } from '../sensors/demo-feed.js'
import { adminRoutes } from './admin-routes.js'
import { simRoutes } from './sim-routes.js'
import { opsRoutes } from './ops-routes.js'
import { privacyRoutes, auditPersonalDataReads } from './privacy-routes.js'
import { contentRoutes } from './content-routes.js'
import { noticeRoutes } from './notice-routes.js'
import { programmeRoutes } from './programme-routes.js'
import { registerRoutes } from './register-routes.js'
import { planRoutes } from './plan-routes.js'
import { documentRoutes } from './document-routes.js'
import { installConsoleAuth } from './console-auth.js'
import { refuseControlCharacters } from './text-guard.js'
import { consoleRoutes } from './console-routes.js'
import { ledgerRoutes } from './ledger-routes.js'
import type { Metrics } from '../metrics.js'

const STATUS: Partial<Record<ErrorCode, number>> = { not_found: 404, forbidden: 403, conflict: 409, invalid_state: 409 }

/** The SQLSTATE of a PostgreSQL data exception (class 22) anywhere in an error's cause chain, else null. */
export function dataException(err: unknown): string | null {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as typeof e, i++) {
    if (typeof e.code === 'string' && /^22[0-9A-Z]{3}$/.test(e.code)) return e.code
  }
  return null
}

/** A unique (23505) or foreign-key (23503) violation in an error's cause chain: ids or names the caller sent. */
function constraintViolation(err: unknown): '23505' | '23503' | null {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as typeof e, i++) {
    if (e.code === '23505' || e.code === '23503') return e.code
  }
  return null
}

export async function buildHttp(deps: {
  db: Db
  config: AppConfig
  clock: Clock
  logger: Logger
  channel: Channel
  simulator?: Simulator
  onDirectoryChange?: () => void
  /** outbox rows were committed: the sender may start at once */
  onOutbox?: () => void
  metrics: Metrics
  /** false once shutting down: readiness answers 503 */
  accepting?: () => boolean
  /** demo mode: the simulator's 设备模拟 fires these devices' events */
  demoDevices?: DemoDeviceFeed | null
}): Promise<FastifyInstance> {
  const trust = deps.config.TRUST_PROXY
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'http' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 16 * 1024 * 1024,
    // behind nginx: req.ip (sign-in rate limit, loopback checks, logs), req.protocol and req.host from X-Forwarded-*
    trustProxy: typeof trust === 'number' ? (_address: string, hop: number) => hop < trust : trust,
    // every line a request logs carries its id (reqId): a proxy's X-Request-Id when it looks like one, else a new one
    requestIdHeader: false,
    genReqId: (req) => {
      const h = req.headers['x-request-id']
      return typeof h === 'string' && /^[\w.:-]{8,80}$/.test(h) ? h : randomUUID()
    },
  })
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id)
  })
  // one access line per request; probes and scrapes only at debug
  app.addHook('onResponse', async (req, reply) => {
    const quiet = req.url.startsWith('/health') || req.url === '/metrics'
    req.log[quiet ? 'debug' : 'info']({ method: req.method, url: req.url, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request')
  })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)

  // one boundary: coded errors become clear Chinese answers, anything else a 500 without details
  app.setErrorHandler((err, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      return reply.code(400).send({ error: 'bad_request', message: '参数有误', details: err.validation.map((v) => `${v.instancePath || '/'} ${v.message}`) })
    }
    if (isAppError(err)) return reply.code(STATUS[err.code] ?? 400).send({ error: err.code, message: err.userMessage })
    // the database refused a value (class 22: a number out of range, bad text, an invalid date …): the caller's input
    const constraint = constraintViolation(err)
    if (constraint === '23505') return reply.code(409).send({ error: 'conflict', message: '已有相同的记录' })
    if (constraint === '23503') return reply.code(404).send({ error: 'not_found', message: '引用的记录不存在' })
    if (dataException(err)) {
      req.log.info({ code: dataException(err) }, 'value refused by the database')
      return reply.code(400).send({ error: 'bad_request', message: '参数有误：有数值超出范围或格式不对' })
    }
    const e = err as { statusCode?: number; message?: string }
    if (e.statusCode && e.statusCode < 500) return reply.code(e.statusCode).send({ error: 'bad_request', message: e.message })
    req.log.error({ err }, 'request failed')
    return reply.code(500).send({ error: 'internal', message: '服务器内部错误，请稍后再试' })
  })

  await app.register(swagger, {
    openapi: {
      info: { title: '商务安全生产群助手 API', version: '0.1.0', description: '隐患闭环、人员与绑定码、模拟器' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  })
  // the docs page gets swagger-ui's own Content-Security-Policy (its scripts and styles by hash), and no framing
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true })
  app.addHook('onSend', async (req, reply) => {
    if (req.url.startsWith('/docs')) {
      if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', "default-src 'self'; img-src 'self' data: https:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
      reply.header('x-frame-options', 'DENY')
    }
  })

  // before every route: console sessions count as API actors, and their state-changing requests need the CSRF token
  await installConsoleAuth(app, { db: deps.db, config: deps.config, clock: deps.clock })
  refuseControlCharacters(app)

  await app.register(opsRoutes({ db: deps.db, config: deps.config, channel: deps.channel, metrics: deps.metrics, accepting: deps.accepting }))

  auditPersonalDataReads(app, { db: deps.db, config: deps.config, clock: deps.clock, simulatorMode: !!deps.simulator })
  await app.register(privacyRoutes({ db: deps.db, config: deps.config, clock: deps.clock, simulatorMode: !!deps.simulator, onDirectoryChange: deps.onDirectoryChange }))
  await app.register(
    adminRoutes({ db: deps.db, config: deps.config, clock: deps.clock, simulatorMode: !!deps.simulator, onDirectoryChange: deps.onDirectoryChange }),
  )
  await app.register(
    contentRoutes({ db: deps.db, config: deps.config, clock: deps.clock, channel: deps.channel, simulatorMode: !!deps.simulator, onOutbox: deps.onOutbox }),
  )
  await app.register(
    noticeRoutes({ db: deps.db, config: deps.config, clock: deps.clock, channel: deps.channel, simulatorMode: !!deps.simulator, onOutbox: deps.onOutbox }),
  )
  await app.register(
    programmeRoutes({ db: deps.db, config: deps.config, clock: deps.clock, simulatorMode: !!deps.simulator, account: () => deps.channel.account(), onOutbox: deps.onOutbox }),
  )
  await app.register(
    registerRoutes({ db: deps.db, config: deps.config, clock: deps.clock, simulatorMode: !!deps.simulator, channel: deps.channel, onOutbox: deps.onOutbox }),
  )
  await app.register(consoleRoutes({ db: deps.db, config: deps.config, clock: deps.clock, simulatorMode: !!deps.simulator, onDirectoryChange: deps.onDirectoryChange, channel: deps.channel, onOutbox: deps.onOutbox }))
  await app.register(planRoutes({ db: deps.db, config: deps.config, clock: deps.clock, simulatorMode: !!deps.simulator }))
  await app.register(
    documentRoutes({ db: deps.db, config: deps.config, clock: deps.clock, simulatorMode: !!deps.simulator, account: () => deps.channel.account(), onOutbox: deps.onOutbox }),
  )
  await app.register(ledgerRoutes({ db: deps.db, config: deps.config, clock: deps.clock, simulatorMode: !!deps.simulator, onDirectoryChange: deps.onDirectoryChange }))
  if (deps.simulator) {
    await app.register(simRoutes({ sim: deps.simulator, config: deps.config, devices: deps.demoDevices ?? null }))
    app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/sim'))
  }
  return app
}
