import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import type { AppConfig } from '../config.js'
import type { Channel } from '../channels/types.js'
import type { Metrics } from '../metrics.js'
import { isDirectLoopback } from './auth.js'

function same(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** METRICS_TOKEN as a bearer token when configured; otherwise clients on this machine only (loopback, no proxy header). */
function metricsAccess(req: FastifyRequest, config: AppConfig): 200 | 401 | 403 {
  if (config.METRICS_TOKEN) {
    const h = req.headers.authorization
    return h?.startsWith('Bearer ') && same(h.slice(7).trim(), config.METRICS_TOKEN) ? 200 : 401
  }
  return isDirectLoopback(req) ? 200 : 403
}

/** Liveness, readiness and Prometheus metrics for operators. */
export function opsRoutes(deps: { db: Db; config: AppConfig; channel: Channel; metrics: Metrics; accepting?: () => boolean }) {
  return async (app: FastifyInstance) => {
    app.get('/health/live', { schema: { tags: ['ops'], summary: '存活检查（进程在运行）' } }, async () => ({ ok: true }))

    /** the database answers and the channel is logged in */
    async function probe() {
      let db = false
      try {
        await deps.db.execute(sql`select 1`)
        db = true
      } catch {
        /* reported as db: false */
      }
      return { db, channel: deps.channel.account() !== undefined && (deps.channel.connected?.() ?? true) }
    }

    app.get('/health', { schema: { tags: ['ops'], summary: '健康检查' } }, async (_req, reply) => {
      const { db, channel } = await probe()
      return reply.code(db && channel ? 200 : 503).send({ ok: db && channel, db, channel })
    })

    app.get('/health/ready', { schema: { tags: ['ops'], summary: '就绪检查（数据库可用且渠道已登录、已连接）' } }, async (_req, reply) => {
      const { db, channel } = await probe()
      const accepting = deps.accepting?.() ?? true
      const ok = db && channel && accepting
      return reply.code(ok ? 200 : 503).send({ ok, db, channel, accepting })
    })

    app.get('/metrics', { schema: { tags: ['ops'], summary: 'Prometheus 指标', security: [{ bearer: [] }] } }, async (req, reply) => {
      const access = metricsAccess(req, deps.config)
      if (access !== 200) {
        return reply
          .code(access)
          .send({ error: access === 401 ? 'unauthorized' : 'forbidden', message: access === 401 ? '需要有效的 METRICS_TOKEN' : '仅限本机访问，或配置 METRICS_TOKEN' })
      }
      const text = await deps.metrics.registry.metrics()
      return reply.type(deps.metrics.registry.contentType).send(text)
    })
  }
}
