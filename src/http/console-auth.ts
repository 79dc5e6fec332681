import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import cookie from '@fastify/cookie'
import formbody from '@fastify/formbody'
import rateLimit from '@fastify/rate-limit'
import type { Db } from '../../db/client.js'
import type { AppConfig } from '../config.js'
import type { Clock } from '../core/clock.js'
import { loadSession, type SessionActor } from '../services/console-auth.js'

export const SESSION_COOKIE = 'csb_session'
export const CSRF_HEADER = 'x-csrf-token'

declare module 'fastify' {
  interface FastifyRequest {
    /** the console session behind the request's cookie, when signed in */
    consoleSession?: { id: string; actor: SessionActor }
  }
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])

function same(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** Secure when CONSOLE_COOKIE_SECURE says so, or when the request came over HTTPS (behind a trusted proxy: X-Forwarded-Proto). */
export function sessionCookieOptions(config: AppConfig, req?: { protocol: string }) {
  const secure = config.CONSOLE_COOKIE_SECURE || req?.protocol === 'https'
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure, maxAge: config.CONSOLE_SESSION_HOURS * 3600 }
}

/**
 * Installed on the root instance before any route, so every route (the console's, the admin API, exports)
 * sees a signed-in session through `apiActor` and every state-changing request it authenticates needs the
 * session's CSRF token. Bearer-token requests carry no cookie authority and are exempt.
 */
export async function installConsoleAuth(app: FastifyInstance, deps: { db: Db; config: AppConfig; clock: Clock }): Promise<void> {
  await app.register(cookie)
  await app.register(formbody)
  await app.register(rateLimit, { global: false })

  // the admin API and the console's API: requests per minute per client address (sign-in has its own, lower limit)
  const apiLimit = app.rateLimit({
    max: deps.config.API_PER_MINUTE,
    timeWindow: 60_000,
    errorResponseBuilder: () => ({ statusCode: 429, error: 'rate_limited', message: '请求过于频繁，请 1 分钟后再试' }),
  })
  app.addHook('onRequest', async (req, reply) => {
    if (req.url.startsWith('/api/') || req.url.startsWith('/console/api/')) return apiLimit.call(app, req, reply)
  })

  app.addHook('onRequest', async (req) => {
    const id = req.cookies[SESSION_COOKIE]
    if (!id) return
    const actor = await loadSession(deps.db, id, deps.clock.now())
    if (actor) req.consoleSession = { id, actor }
  })

  // after body parsing, so a urlencoded form may send the token as the field _csrf
  app.addHook('preValidation', async (req: FastifyRequest, reply: FastifyReply) => {
    if (SAFE.has(req.method)) return
    if (req.headers.authorization?.startsWith('Bearer ')) return
    if (req.consoleSession) {
      const sent = req.headers[CSRF_HEADER] ?? (req.body as { _csrf?: unknown } | undefined)?._csrf
      if (typeof sent === 'string' && same(sent, req.consoleSession.actor.csrfToken)) return
      return reply.code(403).send({ error: 'csrf', message: '页面已过期或来源不明，请刷新页面后重试' })
    }
    // no cookie authority, but a browser says another site sent it (the loopback admin of simulator mode)
    if (req.headers['sec-fetch-site'] === 'cross-site') {
      return reply.code(403).send({ error: 'csrf', message: '拒绝来自其他网站的请求' })
    }
  })
}
