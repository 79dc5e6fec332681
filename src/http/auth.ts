import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppConfig } from '../config.js'
import type { Actor, Action } from '../core/permissions.js'
import { authorize } from '../core/permissions.js'
import { timingSafeEqual } from 'node:crypto'

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1'])
const FORWARDED = ['forwarded', 'x-forwarded-for', 'x-real-ip']

/**
 * A client on this machine talking to the app directly: a loopback peer and no proxy header. A same-host
 * reverse proxy makes every visitor a loopback peer, but it says so in Forwarded / X-Forwarded-For / X-Real-IP.
 */
export function isDirectLoopback(req: FastifyRequest): boolean {
  return LOOPBACK.has(req.ip) && LOOPBACK.has(req.socket.remoteAddress ?? '') && !FORWARDED.some((h) => req.headers[h] !== undefined)
}

export interface ApiActor extends Actor {
  name: string
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * Bearer tokens map to roles (ADMIN_TOKENS); a signed-in console session (loaded by console-auth.ts) is its
 * person, with the person's township and industries as scope. In simulator mode with no token configured,
 * clients on this machine (loopback, no proxy header) act as admin so a newcomer can try everything.
 */
export function apiActor(req: FastifyRequest, config: AppConfig, simulatorMode: boolean): ApiActor | null {
  const h = req.headers.authorization
  if (h?.startsWith('Bearer ')) {
    const token = h.slice(7).trim()
    const t = config.ADMIN_TOKENS.find((x) => same(x.token, token))
    if (!t) return null
    return { role: t.role, name: t.name, personId: null, identityId: null, businessIds: [], townshipId: null, industries: [] }
  }
  const s = req.consoleSession
  if (s) {
    const a = s.actor
    return { role: a.role, name: a.name, personId: a.personId, identityId: null, businessIds: [], townshipId: a.townshipId, industries: a.industries }
  }
  if (simulatorMode && config.ADMIN_TOKENS.length === 0 && isDirectLoopback(req)) {
    return { role: 'admin', name: '本机管理员', personId: null, identityId: null, businessIds: [], townshipId: null, industries: [] }
  }
  return null
}

/** A route hook (preValidation or onRequest: who asks is checked before what they send) answering 401 without a valid token and 403 for a role that may not do `action`. */
export function requireAction(action: Action, config: AppConfig, simulatorMode: boolean) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const actor = apiActor(req, config, simulatorMode)
    if (!actor) return reply.code(401).send({ error: 'unauthorized', message: '请先登录控制台，或带上有效的访问令牌（Authorization: Bearer …）' })
    const d = authorize(actor, action)
    if (!d.ok) return reply.code(403).send({ error: 'forbidden', message: d.reason })
    ;(req as FastifyRequest & { actor: ApiActor }).actor = actor
  }
}

export function actorOf(req: FastifyRequest): ApiActor {
  return (req as FastifyRequest & { actor: ApiActor }).actor
}
