import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { hasControlCharacters } from '../core/text.js'

/** The path (`name`, `items[2].text`) of the first string in `value` holding a control character, or null. */
export function controlCharacterPath(value: unknown, path = '', depth = 0): string | null {
  if (typeof value === 'string') return hasControlCharacters(value) ? path || '/' : null
  if (depth > 32 || value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return null
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const p = controlCharacterPath(v, `${path}[${i}]`, depth + 1)
      if (p) return p
    }
    return null
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const here = path ? `${path}.${k}` : k
    if (hasControlCharacters(k)) return here
    const p = controlCharacterPath(v, here, depth + 1)
    if (p) return p
  }
  return null
}

/**
 * Every text field of every route (body, query, path): control characters other than tab and line breaks are
 * refused with 400 before any handler runs (PostgreSQL refuses NUL; the rest is never meant). Runs as a
 * preHandler, so who asks is still checked first (route preValidation hooks) and the body is parsed.
 */
export function refuseControlCharacters(app: FastifyInstance): void {
  app.addHook('preHandler', async (req: FastifyRequest, reply: FastifyReply) => {
    for (const [part, value] of [
      ['body', req.body],
      ['query', req.query],
      ['params', req.params],
    ] as const) {
      const at = controlCharacterPath(value)
      if (at) return reply.code(400).send({ error: 'bad_request', message: `“${at}”里有看不见的控制字符，请删掉后重试`, details: [`${part} ${at}`] })
    }
  })
}
