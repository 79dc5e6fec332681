/**
 * Fakes of WeCom for the channel tests, on loopback:
 * - `FakeWecomHttp`: a small Fastify app with the group-robot webhook (20 a minute per key on the test's
 *   injected clock, 45009 past it, scripted errcodes), `response_url` endpoints and encrypted picture downloads;
 * - `FakeAibotWs`: the intelligent bot's long-connection server, speaking the SDK's protocol (`aibot_subscribe`,
 *   `ping`, `aibot_msg_callback`, `aibot_respond_msg`, `aibot_send_msg`, media upload), built on the `ws`
 *   package the SDK itself uses;
 * - `callbackRequest`: an encrypted, signed intelligent-bot callback as WeCom sends it.
 */
import { createRequire } from 'node:module'
import { createCipheriv, createHash, randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Clock } from '../../src/core/clock.js'
import { encrypt, signature, aesKey } from '../../src/channels/wecom/crypto.js'

export const WECOM_TOKEN = 'QDG6eK'
export const WECOM_AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C'
export const WECOM_BOT_ID = 'aibAbCdEf0123456789'
export const WECOM_SECRET = 'test-secret-0123456789'

/**
 * The app's configuration for the intelligent bot in callback mode, with robots sent to the fake WeCom, and the
 * simulator beside them (mixed channels: the simulator plays the Wechaty groups).
 */
export function callbackConfig(fake: { baseUrl: string }) {
  return {
    SIMULATOR: 'on' as const,
    WECOM_BOT_MODE: 'callback' as const,
    WECOM_BOT_TOKEN: WECOM_TOKEN,
    WECOM_BOT_AES_KEY: WECOM_AES_KEY,
    WECOM_BOT_ID,
    WECOM_ROBOT_ENABLED: true,
    WECOM_API_BASE: fake.baseUrl,
  }
}

/** An intelligent-bot callback: the query string and the JSON body, encrypted and signed at `at` (seconds). */
export function callbackRequest(message: object, at: Date, opts: { token?: string; nonce?: string; timestamp?: string } = {}) {
  const encrypted = encrypt(WECOM_AES_KEY, JSON.stringify(message), '')
  const timestamp = opts.timestamp ?? String(Math.floor(at.getTime() / 1000))
  const nonce = opts.nonce ?? randomBytes(6).toString('hex')
  const sig = signature(opts.token ?? WECOM_TOKEN, timestamp, nonce, encrypted)
  const q = new URLSearchParams({ msg_signature: sig, timestamp, nonce })
  return { query: q.toString(), body: JSON.stringify({ encrypt: encrypted }), encrypted, timestamp, nonce, signature: sig }
}

/** A file encrypted as WeCom serves pictures: AES-256-CBC, IV the key's first 16 bytes, PKCS#7 to 32. */
export function encryptMedia(bytes: Buffer, key: Buffer = aesKey(WECOM_AES_KEY)): Buffer {
  const n = 32 - (bytes.length % 32)
  const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16))
  c.setAutoPadding(false)
  return Buffer.concat([c.update(Buffer.concat([bytes, Buffer.alloc(n, n)])), c.final()])
}

export type RobotAnswer = number | 'destroy' | 'http500'

export interface RobotHit {
  key: string
  at: number
  body: {
    msgtype: string
    text?: { content: string; mentioned_list?: string[] }
    image?: { base64: string; md5: string }
    markdown?: { content: string }
    news?: { articles: Array<{ title: string; url: string; description?: string; picurl?: string }> }
  }
}

const bytes = (s: unknown) => (typeof s === 'string' ? Buffer.byteLength(s, 'utf8') : -1)

/**
 * The shape of a robot message per WeCom's documentation: text ≤ 2,048 bytes, markdown ≤ 4,096 bytes, image
 * base64 of a JPG/PNG ≤ 2 MB with the md5 of the bytes, news 1–8 articles each with a title and an http(s) URL,
 * title ≤ 128 bytes and description ≤ 512 (WeCom cuts longer ones; the fake refuses them, so a test sees the
 * app never leaves the cutting to WeCom). Returns [errcode, reason] for a message the fake refuses, else null.
 */
export function robotShapeError(b: RobotHit['body']): [number, string] | null {
  switch (b?.msgtype) {
    case 'text': {
      const n = bytes(b.text?.content)
      if (n <= 0) return [44004, 'text content empty']
      return n > 2048 ? [45002, `text ${n} bytes > 2048`] : null
    }
    case 'markdown': {
      const n = bytes(b.markdown?.content)
      if (n <= 0) return [44004, 'markdown content empty']
      return n > 4096 ? [45002, `markdown ${n} bytes > 4096`] : null
    }
    case 'image': {
      const raw = Buffer.from(String(b.image?.base64 ?? ''), 'base64')
      if (!raw.length || raw.toString('base64') !== b.image?.base64) return [40058, 'image base64 invalid']
      if (raw.length > 2 * 1024 * 1024) return [40009, `image ${raw.length} bytes > 2 MB`]
      const png = raw.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
      const jpg = raw[0] === 0xff && raw[1] === 0xd8
      if (!png && !jpg) return [40009, 'image is neither JPG nor PNG']
      return createHash('md5').update(raw).digest('hex') === b.image?.md5 ? null : [40058, 'image md5 does not match']
    }
    case 'news': {
      const a = b.news?.articles
      if (!Array.isArray(a) || a.length < 1 || a.length > 8) return [40058, 'news needs 1 to 8 articles']
      for (const x of a) {
        if (!x?.title || bytes(x.title) > 128) return [40058, 'news article title missing or over 128 bytes (WeCom would cut it)']
        if (!/^https?:\/\//.test(String(x?.url ?? ''))) return [40058, 'news article url missing']
        if (x.description !== undefined && bytes(x.description) > 512) return [40058, 'news article description over 512 bytes (WeCom would cut it)']
      }
      return null
    }
    default:
      return [40008, `invalid message type ${String(b?.msgtype)}`]
  }
}

export class FakeWecomHttp {
  readonly app: FastifyInstance = Fastify()
  /** accepted robot messages */
  readonly robot: RobotHit[] = []
  /** robot requests refused with 45009 for going past the limit */
  limitRefusals: Array<{ key: string; at: number }> = []
  /** robot requests refused for their shape (what WeCom's checks would refuse) */
  readonly shapeRefusals: Array<{ key: string; errcode: number; reason: string }> = []
  readonly robotScript = new Map<string, RobotAnswer[]>()
  readonly responses: Array<{ id: string; body: { msgtype: string; markdown?: { content: string } } }> = []
  readonly media = new Map<string, Buffer>()
  baseUrl = ''

  constructor(private readonly clock: Clock) {
    this.app.post('/cgi-bin/webhook/send', async (req, reply) => {
      const key = String((req.query as { key?: string }).key ?? '')
      const at = this.clock.now().getTime()
      const scripted = this.robotScript.get(key)?.shift()
      if (scripted === 'destroy') {
        req.raw.socket.destroy()
        return reply
      }
      if (scripted === 'http500') return reply.code(502).send('bad gateway')
      let errcode = scripted ?? 0
      const bad = errcode === 0 ? robotShapeError(req.body as RobotHit['body']) : null
      if (bad) {
        this.shapeRefusals.push({ key, errcode: bad[0], reason: bad[1] })
        return { errcode: bad[0], errmsg: bad[1] }
      }
      if (errcode === 0 && this.robot.filter((r) => r.key === key && r.at > at - 60_000).length >= 20) {
        errcode = 45009
        this.limitRefusals.push({ key, at })
      }
      if (errcode === 0) this.robot.push({ key, at, body: req.body as RobotHit['body'] })
      const errmsg = errcode === 0 ? 'ok' : errcode === 45009 ? 'api freq out of limit' : errcode === 93000 ? 'invalid webhook url' : 'error'
      return { errcode, errmsg }
    })
    this.app.post('/response/:id', async (req) => {
      this.responses.push({ id: (req.params as { id: string }).id, body: req.body as FakeWecomHttp['responses'][number]['body'] })
      return { errcode: 0, errmsg: 'ok' }
    })
    this.app.get('/media/:id', async (req, reply) => {
      const b = this.media.get((req.params as { id: string }).id)
      if (!b) return reply.code(404).send('not found')
      return reply.type('application/octet-stream').send(b)
    })
  }

  async start(): Promise<void> {
    await this.app.listen({ port: 0, host: '127.0.0.1' })
    this.baseUrl = `http://127.0.0.1:${(this.app.server.address() as AddressInfo).port}`
  }

  close(): Promise<void> {
    return this.app.close()
  }

  ofKey(key: string): RobotHit[] {
    return this.robot.filter((r) => r.key === key)
  }
}

// ——— the long-connection fake ———

interface WsLike {
  on(ev: 'message', f: (data: Buffer) => void): void
  on(ev: 'close', f: () => void): void
  send(data: string): void
  close(): void
  terminate(): void
}
interface WssLike {
  on(ev: 'connection', f: (ws: WsLike) => void): void
  on(ev: 'listening', f: () => void): void
  address(): AddressInfo
  close(cb?: () => void): void
  clients: Set<WsLike>
}
// the SDK's own WebSocket package (no type declarations installed: the few members used are typed above)
const { WebSocketServer } = createRequire(import.meta.url)('ws') as { WebSocketServer: new (o: { port: number; host: string }) => WssLike }

export interface WsFrameIn {
  cmd?: string
  headers: { req_id: string }
  body?: Record<string, unknown> & { chatid?: string; msgtype?: string; stream?: { id: string; finish: boolean; content: string; msg_item?: unknown[] } }
}

/** WeCom's long-connection server as the SDK sees it. */
export class FakeAibotWs {
  private wss!: WssLike
  /** frames the server accepted (acknowledged) */
  readonly frames: WsFrameIn[] = []
  /** frames that arrived as the server dropped the connection (never acknowledged) */
  readonly dropped: WsFrameIn[] = []
  readonly subscribed: Array<{ bot_id: string; secret: string }> = []
  /** connections opened (a reconnect opens another) */
  connections = 0
  /** the next client frame passing this test is not acknowledged: the connection drops instead (once) */
  dropOn: ((f: WsFrameIn) => boolean) | null = null
  private readonly waiters: Array<{ test: (f: WsFrameIn) => boolean; resolve: (f: WsFrameIn) => void }> = []
  private readonly subscribers: Array<() => void> = []
  url = ''
  private port = 0

  constructor(private readonly creds: { botId: string; secret: string }) {}

  async start(): Promise<void> {
    // a restart listens on the port it had, as a server restarting behind one address does
    this.wss = new WebSocketServer({ port: this.port, host: '127.0.0.1' })
    await new Promise<void>((r) => this.wss.on('listening', r))
    this.port = this.wss.address().port
    this.url = `ws://127.0.0.1:${this.port}`
    this.wss.on('connection', (ws) => {
      this.connections++
      ws.on('message', (data) => {
        const f = JSON.parse(data.toString('utf8')) as WsFrameIn
        if (f.cmd !== 'ping' && this.dropOn?.(f)) {
          this.dropOn = null
          this.dropped.push(f)
          ws.terminate()
          return
        }
        const ack = (extra: object = {}) => ws.send(JSON.stringify({ headers: { req_id: f.headers.req_id }, errcode: 0, errmsg: 'ok', ...extra }))
        if (f.cmd === 'aibot_subscribe') {
          const b = f.body as { bot_id: string; secret: string }
          this.subscribed.push(b)
          if (b.bot_id !== this.creds.botId || b.secret !== this.creds.secret) {
            ws.send(JSON.stringify({ headers: { req_id: f.headers.req_id }, errcode: 40058, errmsg: 'invalid bot_id or secret' }))
            return
          }
          ack()
          for (const w of this.subscribers.splice(0)) w()
          return
        }
        if (f.cmd === 'ping') return ack()
        this.frames.push(f)
        if (f.cmd === 'aibot_upload_media_init') ack({ body: { upload_id: 'up1' } })
        else if (f.cmd === 'aibot_upload_media_finish') ack({ body: { media_id: 'media1', type: 'image' } })
        else ack()
        for (const w of this.waiters.splice(0)) {
          if (w.test(f)) w.resolve(f)
          else this.waiters.push(w)
        }
      })
    })
  }

  /** Pushes a message frame to every connected client. */
  deliver(reqId: string, body: object, cmd = 'aibot_msg_callback'): void {
    for (const ws of this.wss.clients) ws.send(JSON.stringify({ cmd, headers: { req_id: reqId }, body }))
  }

  /** Resolves with the first frame (already received or coming) that passes `test`. */
  next(test: (f: WsFrameIn) => boolean, timeoutMs = 10_000): Promise<WsFrameIn> {
    const seen = this.frames.find(test)
    if (seen) return Promise.resolve(seen)
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no such frame from the client')), timeoutMs)
      this.waiters.push({
        test,
        resolve: (f) => {
          clearTimeout(t)
          resolve(f)
        },
      })
    })
  }

  /** Drops every connection, as a network failure or a server-side close would. */
  drop(): void {
    for (const ws of this.wss.clients) ws.terminate()
  }

  /** Resolves at the next successful subscription (a client connecting or reconnecting). */
  nextSubscription(timeoutMs = 15_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('the client did not subscribe again')), timeoutMs)
      this.subscribers.push(() => {
        clearTimeout(t)
        resolve()
      })
    })
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate()
    await new Promise<void>((r) => this.wss.close(() => r()))
  }
}
