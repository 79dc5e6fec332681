/**
 * The intelligent bot (智能机器人) over WeCom's long connection, with the official SDK (`@wecom/aibot-node-sdk`,
 * `WSClient`): the SDK connects (WECOM_WS_URL, default wss://openws.work.weixin.qq.com), subscribes with the
 * BotID and Secret, keeps the heartbeat and reconnects. Messages arrive as `aibot_msg_callback` frames whose
 * body is the same JSON as an HTTP callback's; they go through the app's one handler.
 *
 * Answers come from the outbox like every channel's: the first answer to a message is a finished stream reply
 * on that message's req_id (`aibot_respond_msg`); any other message (a second answer, a push, an announcement
 * in another group) is an active `aibot_send_msg` markdown message to the chat. Pictures: in the stream reply's
 * msg_item (reply), or uploaded as temporary media and sent as an image (push).
 */
import { randomBytes } from 'node:crypto'
import type { Logger } from 'pino'
import { WSClient, type WsFrame } from '@wecom/aibot-node-sdk'
import type { Db } from '../../../db/client.js'
import type { Clock } from '../../core/clock.js'
import type { Channel, InboundImage, InboundMessage, OutboundMessage } from '../types.js'
import { noPacing } from '../types.js'
import { SendError } from '../send-error.js'
import { RATE_LIMIT_ERRCODES, TRANSIENT_ERRCODES } from './robot.js'
import { parseAibotBody, sniffImageMime, toInboundMessages, WECOM_CHANNEL, type AibotBody, type AibotImage } from './aibot-message.js'
import { chatName, dispatch, markdownBody, markdownText, md5 } from './bot-common.js'
import { KeyedQueue } from '../../chat/concurrency.js'

/** WeCom takes a reply on a message's req_id for a limited time; later answers are sent as new messages. */
const REPLY_WINDOW_MS = 5 * 60_000

export interface LongConnBotOptions {
  db: Db
  clock: Clock
  logger: Logger
  botId: string
  secret: string
  botName: string
  wsUrl?: string
  /** SDK tuning (tests shorten them) */
  heartbeatMs?: number
  reconnectMs?: number
  /** how long start() waits for the subscription before going on (the SDK keeps trying) */
  startTimeoutMs?: number
}

export interface LongConnBot extends Channel {
  readonly client: WSClient
  connected(): boolean
}

/** An SDK rejection (an ack frame with a non-zero errcode, or an Error) as a SendError. */
function sendError(err: unknown, what: string): SendError {
  const f = err as { errcode?: unknown; errmsg?: unknown }
  if (f && typeof f === 'object' && typeof f.errcode === 'number') {
    const reason = `${what}: errcode ${f.errcode} ${String(f.errmsg ?? '')}`.trim()
    if (RATE_LIMIT_ERRCODES.has(f.errcode)) return new SendError(`rate limited by WeCom: ${reason}`, { retryAfterMs: 60_000 })
    if (TRANSIENT_ERRCODES.has(f.errcode)) return new SendError(reason)
    return new SendError(`refused by WeCom: ${reason}`, { permanent: true })
  }
  // not connected, ack timeout, connection closed: try again later
  return new SendError(`${what}: ${err instanceof Error ? err.message : String(err)}`)
}

export function longConnBot(o: LongConnBotOptions): LongConnBot {
  let handler: ((m: InboundMessage) => Promise<void>) | null = null
  const log = o.logger
  const client = new WSClient({
    botId: o.botId,
    secret: o.secret,
    ...(o.wsUrl ? { wsUrl: o.wsUrl } : {}),
    heartbeatInterval: o.heartbeatMs ?? 30_000,
    reconnectInterval: o.reconnectMs ?? 1000,
    maxReconnectAttempts: -1,
    logger: {
      // the SDK's debug lines carry message bodies
      debug: (m: string) => log.trace(m),
      info: (m: string) => log.debug(m),
      warn: (m: string) => log.warn(m),
      error: (m: string, ...a: unknown[]) => log.warn({ detail: a.map(String).join(' ').slice(0, 200) }, m),
    },
  })
  let authenticated = false
  /** the frames of recent messages, by message id: a reply goes on the frame's req_id */
  const frames = new Map<string, { frame: WsFrame; chatId: string; at: number; used: boolean }>()

  async function loadImage(img: AibotImage): Promise<InboundImage> {
    const { buffer } = await client.downloadFile(img.url, img.aeskey)
    return { bytes: buffer, mime: sniffImageMime(buffer) }
  }

  /** when the connection was lost (null: up, or never up); reconnects counted for the logs */
  let lostAt: number | null = null
  let reconnects = 0
  client.on('authenticated', () => {
    authenticated = true
    if (lostAt === null) log.info('WeCom long connection subscribed')
    else {
      reconnects++
      log.info({ downMs: Date.now() - lostAt, reconnects }, 'WeCom long connection re-established')
    }
    lostAt = null
  })
  client.on('disconnected', (reason: string) => {
    if (authenticated) {
      log.warn({ reason }, 'WeCom long connection lost; the SDK reconnects')
      lostAt = Date.now()
    }
    authenticated = false
  })
  client.on('reconnecting', (attempt: number) => log.info({ attempt }, 'WeCom long connection: reconnecting'))
  client.on('error', (err: Error) => log.warn({ err: err.message }, 'WeCom long connection error'))
  /** one sender's messages in one chat in the order they came (a report before its photo) */
  const inOrder = new KeyedQueue(100)
  client.on('message', (frame: WsFrame) => {
    const body = frame.body as AibotBody
    const b = body && parseAibotBody(JSON.stringify(body))
    if (!b) return
    const isGroup = b.chattype === 'group'
    const chat = isGroup ? b.chatid : b.from?.userid
    if (!chat) return
    const now = o.clock.now()
    for (const [k, v] of frames) if (now.getTime() - v.at > REPLY_WINDOW_MS) frames.delete(k)
    frames.set(b.msgid, { frame, chatId: chat, at: now.getTime(), used: false })
    void inOrder.run(`${chat}\u0000${b.from?.userid}`, async () => {
      const ms = toInboundMessages(b, {
        account: o.botId,
        botName: o.botName,
        chatName: await chatName(o.db, chat, isGroup, b.from?.userid ?? chat),
        now,
        loadImage,
      })
      await dispatch(handler, ms, log)
    }).catch((err) => log.error({ err }, 'WeCom long-connection message failed'))
  })

  async function push(out: OutboundMessage) {
    if (markdownBody(out).trim()) {
      await client.sendMessage(out.chatId, { msgtype: 'markdown', markdown: { content: markdownText(out) } }).catch((e) => {
        throw sendError(e, 'aibot_send_msg')
      })
    }
    if (out.image) {
      const media = await client.uploadMedia(out.image.bytes, { type: 'image', filename: out.image.name }).catch((e) => {
        throw sendError(e, 'upload media')
      })
      await client.sendMediaMessage(out.chatId, 'image', media.media_id).catch((e) => {
        throw sendError(e, 'aibot_send_msg image')
      })
    }
  }

  return {
    name: WECOM_CHANNEL,
    client,
    connected: () => authenticated && client.isConnected,
    account: () => o.botId,
    pacer: noPacing,
    onMessage(h) {
      handler = h
    },
    async send(out) {
      // not a failed attempt: the answer waits (pending) until the SDK has reconnected
      if (!authenticated || !client.isConnected) throw new SendError('WeCom long connection is not connected', { deferred: true, retryAfterMs: 1000 })
      const cause = out.causeMessageId?.split('#')[0]
      const f = cause ? frames.get(cause) : undefined
      if (f && !f.used && f.chatId === out.chatId && o.clock.now().getTime() - f.at < REPLY_WINDOW_MS) {
        f.used = true
        const items = out.image ? [{ msgtype: 'image' as const, image: { base64: out.image.bytes.toString('base64'), md5: md5(out.image.bytes) } }] : undefined
        try {
          await client.replyStream(f.frame, randomBytes(8).toString('hex'), markdownBody(out), true, items)
          return
        } catch (e) {
          const err = sendError(e, 'aibot_respond_msg')
          // the reply window closed or the req_id is spent: send it as a new message instead
          if (!err.permanent) throw err
          log.warn({ reason: err.message }, 'stream reply refused; sending as a new message')
        }
      }
      await push(out)
    },
    start() {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          cleanup()
          log.warn('WeCom long connection not subscribed yet; it keeps trying')
          resolve()
        }, o.startTimeoutMs ?? 15_000)
        timer.unref?.()
        const ok = () => {
          cleanup()
          resolve()
        }
        const fail = (err: Error) => {
          if (!/Authentication failed|auth failure/i.test(err.message)) return
          cleanup()
          client.disconnect()
          reject(new Error(`WeCom long connection refused the bot: ${err.message} (check WECOM_BOT_ID and WECOM_BOT_SECRET)`))
        }
        const cleanup = () => {
          clearTimeout(timer)
          client.off('authenticated', ok)
          client.off('error', fail)
        }
        client.on('authenticated', ok)
        client.on('error', fail)
        client.connect()
      })
    },
    async stop() {
      authenticated = false
      try {
        client.disconnect()
      } catch {
        /* not connected */
      }
    },
  }
}
