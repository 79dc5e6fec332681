/**
 * The intelligent bot (智能机器人) in HTTP callback mode, as a channel.
 *
 * A callback is decrypted by the route (src/http/wecom-routes.ts) and handed to `receive`: its messages go through
 * the app's one handler (dedupe, router, commands); the router writes the answers to the outbox as for every
 * channel, and the outbox sender delivers them through `send`. While the callback is still open (up to
 * WECOM_PASSIVE_REPLY_MS; WeCom waits 5 s), `send` hands an answer to that callback, which returns it as the
 * encrypted passive reply (a finished stream message). Later answers use the message's `response_url` (once,
 * within an hour); pushes to a group go by its group robot, the bot in this mode cannot start a message.
 * So every answer is an outbox row, sent exactly once and recorded like any other.
 */
import { randomBytes } from 'node:crypto'
import { and, eq, gt, inArray, isNull, lt, sql } from 'drizzle-orm'
import type { Logger } from 'pino'
import { decryptFile } from '@wecom/aibot-node-sdk'
import { schema, type Db } from '../../../db/client.js'
import type { Clock } from '../../core/clock.js'
import type { Channel, InboundImage, InboundMessage, OutboundMessage } from '../types.js'
import { noPacing } from '../types.js'
import { SendError } from '../send-error.js'
import { parseAibotBody, sniffImageMime, toInboundMessages, WECOM_CHANNEL, type AibotBody, type AibotImage } from './aibot-message.js'
import { chatName, dispatch, markdownBody, markdownText, md5, robotFallback } from './bot-common.js'
import type { RobotPush } from './robot-channel.js'
import { KeyedQueue } from '../../chat/concurrency.js'

const RESPONSE_URL_TTL_MS = 3600_000

export interface CallbackBotOptions {
  db: Db
  clock: Clock
  logger: Logger
  account: string
  botName: string
  encodingAesKey: string
  /** how long a callback waits for its answers; 0: never answer passively */
  passiveReplyMs: number
  robot?: RobotPush
  fetch?: typeof globalThis.fetch
}

export interface CallbackBot extends Channel {
  /** Handles one decrypted callback; returns the plaintext JSON of the passive reply, or null for none. */
  receive(plain: string): Promise<string | null>
}

interface Collector {
  chatId: string
  open: boolean
  texts: string[]
  images: Buffer[]
}

export function callbackBot(o: CallbackBotOptions): CallbackBot {
  const doFetch = o.fetch ?? globalThis.fetch
  let handler: ((m: InboundMessage) => Promise<void>) | null = null
  /** answers being collected for a callback still open, by cause message id */
  const collectors = new Map<string, Collector>()
  /** passive replies given, by msgid: a callback WeCom retries (it missed our answer) gets the same answer */
  const answered = new Map<string, { json: string; at: number }>()

  let received = 0
  const inOrder = new KeyedQueue(100)
  async function prune(now: number) {
    for (const [k, v] of answered) if (now - v.at > 10 * 60_000) answered.delete(k)
    if (++received % 200 === 1) {
      const r = schema.wecomResponseUrls
      await o.db.delete(r).where(lt(r.receivedAt, new Date(now - 2 * RESPONSE_URL_TTL_MS)))
    }
  }

  /** Takes a message's response_url for one answer to its chat (any instance, once). */
  async function takeResponseUrl(messageId: string, chatId: string): Promise<string | null> {
    const r = schema.wecomResponseUrls
    const now = o.clock.now()
    const [row] = await o.db
      .update(r)
      .set({ usedAt: now })
      .where(and(eq(r.messageId, messageId), eq(r.chatId, chatId), isNull(r.usedAt), gt(r.receivedAt, new Date(now.getTime() - RESPONSE_URL_TTL_MS))))
      .returning({ url: r.url })
    return row?.url ?? null
  }

  async function loadImage(img: AibotImage): Promise<InboundImage> {
    const res = await doFetch(img.url, { signal: AbortSignal.timeout(15_000) })
    if (!res.ok) throw new Error(`picture download failed: HTTP ${res.status}`)
    const raw = Buffer.from(await res.arrayBuffer())
    // pictures are encrypted with the EncodingAESKey (callback mode) or the message's own aeskey
    const bytes = decryptFile(raw, img.aeskey ?? o.encodingAesKey + '=')
    return { bytes, mime: sniffImageMime(bytes) }
  }

  /** Waits until the outbox holds no unsent answer of these messages to this chat, or the deadline. */
  async function answersSettled(ids: string[], chatId: string, deadline: number): Promise<void> {
    const ob = schema.outbox
    while (Date.now() < deadline) {
      const [r] = await o.db
        .select({ n: sql<number>`count(*)::int` })
        .from(ob)
        .where(
          and(
            eq(ob.channel, WECOM_CHANNEL),
            eq(ob.account, o.account),
            eq(ob.chatId, chatId),
            inArray(ob.causeMessageId, ids),
            inArray(ob.status, ['pending', 'sending']),
          ),
        )
      if (!r || r.n === 0) return
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  }

  async function postResponseUrl(url: string, body: unknown): Promise<number> {
    let res: Response
    try {
      res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      })
    } catch (err) {
      throw new SendError(`response_url: network error: ${(err as Error).message}`)
    }
    if (res.status >= 500) throw new SendError(`response_url: HTTP ${res.status}`)
    const j = (await res.json().catch(() => ({}))) as { errcode?: number }
    return Number(j.errcode ?? (res.ok ? 0 : -2))
  }

  /** Records the reply route, maps the body and runs its messages through the app, collecting their answers. */
  async function take(body: AibotBody, chat: string, now: Date): Promise<{ collector: Collector; ids: string[] } | null> {
    if (typeof body.response_url === 'string' && /^https?:\/\//.test(body.response_url)) {
      await o.db
        .insert(schema.wecomResponseUrls)
        .values({ messageId: body.msgid, chatId: chat, url: body.response_url, receivedAt: now })
        .onConflictDoNothing()
    }
    const ms = toInboundMessages(body, {
      account: o.account,
      botName: o.botName,
      chatName: await chatName(o.db, chat, body.chattype === 'group', body.from?.userid ?? chat),
      now,
      loadImage,
    })
    if (!ms.length) return null
    const collector: Collector = { chatId: ms[0].chatId, open: o.passiveReplyMs > 0, texts: [], images: [] }
    const ids = ms.map((m) => m.messageId)
    for (const id of ids) collectors.set(id, collector)
    await dispatch(handler, ms, o.logger)
    return { collector, ids }
  }

  const channel: CallbackBot = {
    name: WECOM_CHANNEL,
    account: () => o.account,
    pacer: noPacing,
    onMessage(h) {
      handler = h
    },
    async start() {},
    async stop() {},
    async send(out: OutboundMessage) {
      const cause = out.causeMessageId
      const c = cause ? collectors.get(cause) : undefined
      if (c && c.open && c.chatId === out.chatId) {
        if (out.text) c.texts.push(markdownBody(out))
        if (out.image) c.images.push(out.image.bytes)
        return
      }
      const url = cause && out.text && !out.image ? await takeResponseUrl(cause.split('#')[0], out.chatId) : null
      if (url) {
        const errcode = await postResponseUrl(url, { msgtype: 'markdown', markdown: { content: markdownText(out) } })
        if (errcode === 0) return
        o.logger.warn({ errcode, chatId: out.chatId }, 'response_url refused the answer; trying the group robot')
      }
      await robotFallback(o.robot, out, 'the intelligent bot in callback mode can only answer a message')
    },
    async receive(plain) {
      const body = parseAibotBody(plain)
      if (!body) {
        o.logger.warn('WeCom callback without a message body')
        return null
      }
      const now = o.clock.now()
      await prune(now.getTime())
      if (body.msgtype === 'event' || body.msgtype === 'stream') return null
      const started = Date.now()
      const chat = body.chattype === 'group' ? body.chatid : body.from?.userid
      if (!chat) return null
      // one sender's callbacks in one chat are taken in the order they came (a report before its photo)
      const taken = await inOrder.run(`${chat}\u0000${body.from?.userid}`, () => take(body, chat, now))
      if (!taken) return null
      const { collector, ids } = taken
      try {
        if (collector.open) await answersSettled(ids, collector.chatId, started + o.passiveReplyMs)
      } finally {
        collector.open = false
        for (const id of ids) collectors.delete(id)
      }
      if (!collector.texts.length && !collector.images.length) return answered.get(body.msgid)?.json ?? null
      const stream: Record<string, unknown> = { id: randomBytes(8).toString('hex'), finish: true, content: collector.texts.join('\n\n') }
      if (collector.images.length) {
        stream.msg_item = collector.images.map((b) => ({ msgtype: 'image', image: { base64: b.toString('base64'), md5: md5(b) } }))
      }
      const json = JSON.stringify({ msgtype: 'stream', stream })
      answered.set(body.msgid, { json, at: now.getTime() })
      return json
    },
  }
  return channel
}
