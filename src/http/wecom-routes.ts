/**
 * The intelligent bot's HTTP callback (智能机器人 / 接收消息, callback mode):
 * GET  — URL verification: check msg_signature and the timestamp, decrypt echostr, answer its plaintext;
 * POST — a message: check msg_signature and the timestamp (window on the injected clock), decrypt the JSON
 *        `encrypt` field (receive id empty), hand it to the channel; answer the encrypted passive reply or an
 *        empty 200. A refused callback is a 4xx and stores nothing.
 */
import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import type { Clock } from '../core/clock.js'
import { openMessage, sealReply, verifyUrl, WecomCryptoError } from '../channels/wecom/crypto.js'
import type { CallbackBot } from '../channels/wecom/bot-callback.js'

const signed = z.object({
  msg_signature: z.string().min(1).max(128),
  timestamp: z.string().min(1).max(20),
  nonce: z.string().min(1).max(64),
})

export function wecomRoutes(o: {
  path: string
  token: string
  encodingAesKey: string
  maxSkewSeconds: number
  clock: Clock
  bot: CallbackBot
}): FastifyPluginAsync {
  return async (app) => {
    // WeCom's content type is not promised: take the body as text whatever it says
    app.removeAllContentTypeParsers()
    app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 1024 * 1024 }, (_req, body, done) => done(null, body))

    const refuse = (err: unknown) => {
      if (err instanceof WecomCryptoError) {
        const status = err.code === 'bad_signature' || err.code === 'stale' || err.code === 'bad_receive_id' ? 401 : 400
        return { status, body: { error: err.code, message: err.message } }
      }
      throw err
    }

    app.get(o.path, { schema: { hide: true, querystring: signed.extend({ echostr: z.string().min(1).max(1024) }) } }, async (req, reply) => {
      const q = req.query as z.infer<typeof signed> & { echostr: string }
      try {
        const plain = verifyUrl({
          token: o.token,
          encodingAesKey: o.encodingAesKey,
          msgSignature: q.msg_signature,
          timestamp: q.timestamp,
          nonce: q.nonce,
          echostr: q.echostr,
          now: o.clock.now(),
          maxSkewSeconds: o.maxSkewSeconds,
          receiveId: '',
        })
        return reply.type('text/plain; charset=utf-8').send(plain)
      } catch (err) {
        const r = refuse(err)
        req.log.warn({ code: r.body.error }, 'WeCom URL verification refused')
        return reply.code(r.status).send(r.body)
      }
    })

    app.post(o.path, { schema: { hide: true, querystring: signed } }, async (req, reply) => {
      const q = req.query as z.infer<typeof signed>
      let plain: string
      try {
        plain = openMessage({
          token: o.token,
          encodingAesKey: o.encodingAesKey,
          msgSignature: q.msg_signature,
          timestamp: q.timestamp,
          nonce: q.nonce,
          body: typeof req.body === 'string' ? req.body : '',
          now: o.clock.now(),
          maxSkewSeconds: o.maxSkewSeconds,
        }).message
      } catch (err) {
        const r = refuse(err)
        req.log.warn({ code: r.body.error }, 'WeCom callback refused')
        return reply.code(r.status).send(r.body)
      }
      const answer = await o.bot.receive(plain)
      if (answer === null) return reply.type('text/plain; charset=utf-8').send('')
      return reply.send(sealReply({ token: o.token, encodingAesKey: o.encodingAesKey, message: answer, now: o.clock.now() }))
    })
  }
}
