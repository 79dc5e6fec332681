/**
 * WeCom group robot webhook (消息推送 / 群机器人): push-only messages to one group per webhook key.
 *
 * POST {baseUrl}/cgi-bin/webhook/send?key=KEY with a JSON body per msgtype (text, markdown, image, news).
 * Limits from WeCom's documentation: text ≤ 2,048 bytes UTF-8, markdown ≤ 4,096 bytes, image ≤ 2 MB before
 * Base64 (JPG or PNG), news 1–8 articles (title ≤ 128 bytes, description ≤ 512, cut beyond), 20 messages a minute per robot (errcode 45009 / 130101 beyond).
 *
 * The key is a bearer secret sitting in the URL: it is never logged. Logs name a robot by a short, one-way
 * fingerprint of its key, and any URL by `redactWebhookUrl`.
 */
import { createHash } from 'node:crypto'
import type { Logger } from 'pino'
import type { Clock } from '../../core/clock.js'
import { systemClock } from '../../core/clock.js'
import type { Pacer } from '../types.js'

export const TEXT_MAX_BYTES = 2048
export const MARKDOWN_MAX_BYTES = 4096
export const IMAGE_MAX_BYTES = 2 * 1024 * 1024
export const NEWS_MAX_ARTICLES = 8
export const NEWS_TITLE_MAX_BYTES = 128
export const NEWS_DESCRIPTION_MAX_BYTES = 512
export const ROBOT_PER_MINUTE = 20

/** errcodes WeCom answers when a robot (or the caller) sends too fast: retry later. */
export const RATE_LIMIT_ERRCODES: ReadonlySet<number> = new Set([45009, 45033, 130101])
/** -1: "system busy, retry later" per WeCom's global error codes. */
export const TRANSIENT_ERRCODES: ReadonlySet<number> = new Set([-1])

export type RobotMessage =
  | {
      type: 'text'
      content: string
      /** userids to @ (or '@all'); put on the first part of a split text */
      mentionedList?: string[]
      mentionedMobileList?: string[]
    }
  | { type: 'markdown'; content: string }
  | { type: 'image'; bytes: Buffer }
  | { type: 'news'; articles: Array<{ title: string; url: string; description?: string; picurl?: string }> }

export type RobotResult =
  | { ok: true; parts: number }
  | {
      ok: false
      /** true: try again later (rate limit, network, 5xx); false: a dead letter, sending again will not help */
      retry: boolean
      reason: string
      errcode?: number
      status?: number
      /** a hint for the retry: when the robot may send again */
      retryAfterMs?: number
      /** parts of a split message already delivered; pass as `startPart` to resume without repeats */
      sentParts: number
      parts: number
    }

export interface RobotSendOptions {
  /** skip the first parts of a split message (delivered by an earlier attempt) */
  startPart?: number
}

export interface RobotSenderOptions {
  baseUrl?: string
  clock?: Clock
  fetch?: typeof globalThis.fetch
  logger: Pick<Logger, 'debug' | 'info' | 'warn'>
  /** per-key pacing; default `robotPacer()` (20 a minute) */
  pacer?: RobotPacer
  /**
   * longest pacing wait `send` sits out itself; a longer one returns `{ retry: true, retryAfterMs }` instead.
   * Default: no limit (wait). Set 0 for an outbox that reschedules rows itself.
   */
  maxWaitMs?: number
  /** how the sender waits for the clock to move; default real timers, re-reading the clock after each nap */
  sleep?: (ms: number) => Promise<void>
  timeoutMs?: number
}

export interface RobotSender {
  send(key: string, message: RobotMessage, opts?: RobotSendOptions): Promise<RobotResult>
  readonly pacer: RobotPacer
}

// ——— key and URL hygiene ———

/** Replaces the webhook key in a URL (or any text holding one) with "***". */
export function redactWebhookUrl(url: string): string {
  return String(url).replace(/([?&]key=)[^&#\s"']*/gi, '$1***')
}

/** A short one-way name for a key, safe to log. */
export function keyFingerprint(key: string): string {
  return 'robot:' + createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 8)
}

/** Accepts a bare key or the full webhook URL an operator copies from the WeCom console. */
export function parseWebhookKey(input: string): string {
  const s = String(input ?? '').trim()
  let key = s
  if (/^https?:\/\//i.test(s)) {
    let u: URL
    try {
      u = new URL(s)
    } catch {
      throw new Error('webhook URL is not a valid URL')
    }
    key = u.searchParams.get('key') ?? ''
  }
  if (!/^[A-Za-z0-9-]{8,128}$/.test(key)) throw new Error('webhook key must be 8–128 letters, digits or hyphens (the "key" of the webhook URL)')
  return key
}

// ——— pacing ———

export interface RobotPacer extends Pacer {
  /** WeCom said "too fast" (another sender shares the key?): hold the key until `until` */
  block(key: string, until: Date): void
}

/** At most `perMinute` messages per key in any sliding `windowMs`, on the caller's clock. */
export function robotPacer(opts: { perMinute?: number; windowMs?: number } = {}): RobotPacer {
  const limit = opts.perMinute ?? ROBOT_PER_MINUTE
  const windowMs = opts.windowMs ?? 60_000
  const sent = new Map<string, number[]>()
  const blocked = new Map<string, number>()
  const prune = (key: string, t: number): number[] => {
    const list = (sent.get(key) ?? []).filter((x) => x > t - windowMs)
    if (list.length) sent.set(key, list)
    else sent.delete(key)
    return list
  }
  return {
    delay(key, now) {
      const t = now.getTime()
      const until = blocked.get(key) ?? 0
      if (until <= t) blocked.delete(key)
      const list = prune(key, t)
      const byWindow = list.length >= limit ? list[list.length - limit] + windowMs - t : 0
      return Math.max(0, byWindow, until - t)
    },
    record(key, now) {
      const t = now.getTime()
      const list = prune(key, t)
      list.push(t)
      sent.set(key, list)
    },
    block(key, until) {
      blocked.set(key, Math.max(blocked.get(key) ?? 0, until.getTime()))
    },
  }
}

// ——— splitting ———

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/** Splits text into parts of at most maxBytes UTF-8 bytes: at line breaks, else between characters. */
export function splitUtf8(text: string, maxBytes: number): string[] {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return [text]
  const parts: string[] = []
  let cur = ''
  let curBytes = 0
  const flush = () => {
    if (cur) parts.push(cur)
    cur = ''
    curBytes = 0
  }
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const bytes = Buffer.byteLength(line, 'utf8')
    const sep = cur ? 1 : 0
    if (curBytes + sep + bytes <= maxBytes) {
      if (sep) cur += '\n'
      cur += line
      curBytes += sep + bytes
      continue
    }
    flush()
    if (bytes <= maxBytes) {
      cur = line
      curBytes = bytes
      continue
    }
    // a line longer than a part: cut between graphemes (between code points for a monster grapheme)
    for (const { segment } of segmenter.segment(line)) {
      const units = Buffer.byteLength(segment, 'utf8') <= maxBytes ? [segment] : Array.from(segment)
      for (const u of units) {
        const b = Buffer.byteLength(u, 'utf8')
        if (curBytes + b > maxBytes) flush()
        cur += u
        curBytes += b
      }
    }
  }
  flush()
  return parts.length ? parts : ['']
}

// ——— payloads ———

type Payload = Record<string, unknown>

class InvalidMessage extends Error {}

const isJpegOrPng = (b: Buffer) =>
  (b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) ||
  (b.length > 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))

/** The JSON bodies to POST for a message, in order (several for a long text). */
export function robotPayloads(message: RobotMessage): Payload[] {
  switch (message.type) {
    case 'text': {
      if (typeof message.content !== 'string' || !message.content.trim()) throw new InvalidMessage('text message is empty')
      // `<@userid>` in a robot's text mentions that person: text users typed (a hazard's description) must not
      return splitUtf8(message.content.replace(/<@/g, '＜@'), TEXT_MAX_BYTES).map((content, i) => {
        const text: Payload = { content }
        if (i === 0 && message.mentionedList?.length) text.mentioned_list = message.mentionedList
        if (i === 0 && message.mentionedMobileList?.length) text.mentioned_mobile_list = message.mentionedMobileList
        return { msgtype: 'text', text }
      })
    }
    case 'markdown': {
      if (typeof message.content !== 'string' || !message.content.trim()) throw new InvalidMessage('markdown message is empty')
      return splitUtf8(message.content, MARKDOWN_MAX_BYTES).map((content) => ({ msgtype: 'markdown', markdown: { content } }))
    }
    case 'image': {
      const b = message.bytes
      if (!Buffer.isBuffer(b) || b.length === 0) throw new InvalidMessage('image is empty')
      if (b.length > IMAGE_MAX_BYTES) throw new InvalidMessage(`image is ${b.length} bytes; a group robot takes at most ${IMAGE_MAX_BYTES} (2 MB)`)
      if (!isJpegOrPng(b)) throw new InvalidMessage('image must be JPG or PNG for a group robot')
      return [{ msgtype: 'image', image: { base64: b.toString('base64'), md5: createHash('md5').update(b).digest('hex') } }]
    }
    case 'news': {
      const a = message.articles
      if (!Array.isArray(a) || a.length < 1 || a.length > NEWS_MAX_ARTICLES) {
        throw new InvalidMessage(`news must have 1 to ${NEWS_MAX_ARTICLES} articles`)
      }
      for (const x of a) if (!x?.title || !x?.url) throw new InvalidMessage('every news article needs a title and a url')
      for (const x of a) if (!/^https?:\/\/\S+$/i.test(x.url)) throw new InvalidMessage('a news article url must be an http(s) link')
      // WeCom cuts a longer title or description anywhere, mid-character too: cut it between characters first
      const cut = (text: string, max: number) => splitUtf8(text.replace(/\s*\n\s*/g, ' '), max)[0]
      return [
        {
          msgtype: 'news',
          news: {
            articles: a.map((x) => ({
              title: cut(x.title, NEWS_TITLE_MAX_BYTES),
              url: x.url,
              ...(x.description ? { description: cut(x.description, NEWS_DESCRIPTION_MAX_BYTES) } : {}),
              ...(x.picurl ? { picurl: x.picurl } : {}),
            })),
          },
        },
      ]
    }
    default:
      throw new InvalidMessage(`unknown message type ${(message as { type?: unknown }).type as string}`)
  }
}

// ——— sending ———

type Attempt = { ok: true } | { ok: false; retry: boolean; reason: string; errcode?: number; status?: number; rateLimited?: boolean }

const realSleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms)
  })

export function createRobotSender(opts: RobotSenderOptions): RobotSender {
  const baseUrl = (opts.baseUrl ?? 'https://qyapi.weixin.qq.com').replace(/\/+$/, '')
  const clock = opts.clock ?? systemClock
  const doFetch = opts.fetch ?? globalThis.fetch
  const logger = opts.logger
  const pacer = opts.pacer ?? robotPacer()
  const maxWaitMs = opts.maxWaitMs ?? Infinity
  const sleep = opts.sleep ?? realSleep
  const timeoutMs = opts.timeoutMs ?? 10_000
  /** one send at a time per key: keeps a group's messages in order and the pacing exact */
  const queues = new Map<string, Promise<unknown>>()

  const scrub = (text: string, key: string) => redactWebhookUrl(key ? text.split(key).join('***') : text)

  async function post(key: string, body: Payload): Promise<Attempt> {
    const url = `${baseUrl}/cgi-bin/webhook/send?key=${encodeURIComponent(key)}`
    let res: Response
    try {
      res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } }
      const detail = e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err)
      return { ok: false, retry: true, reason: scrub(`network error: ${e?.name === 'TimeoutError' ? 'timed out' : detail}`, key) }
    }
    const text = await res.text().catch(() => '')
    if (!res.ok) {
      const retry = res.status >= 500 || res.status === 408 || res.status === 429
      return { ok: false, retry, status: res.status, reason: `HTTP ${res.status}${retry ? '' : ' (check the webhook base URL)'}` }
    }
    let json: { errcode?: unknown; errmsg?: unknown }
    try {
      json = JSON.parse(text) as typeof json
    } catch {
      return { ok: false, retry: true, status: res.status, reason: 'answer is not JSON' }
    }
    const errcode = Number(json?.errcode ?? NaN)
    const errmsg = scrub(String(json?.errmsg ?? '').slice(0, 200), key)
    if (errcode === 0) return { ok: true }
    if (!Number.isFinite(errcode)) return { ok: false, retry: true, status: res.status, reason: 'answer has no errcode' }
    if (RATE_LIMIT_ERRCODES.has(errcode)) {
      return { ok: false, retry: true, rateLimited: true, errcode, reason: `rate limited by WeCom: errcode ${errcode} ${errmsg}`.trim() }
    }
    if (TRANSIENT_ERRCODES.has(errcode)) return { ok: false, retry: true, errcode, reason: `WeCom busy: errcode ${errcode} ${errmsg}`.trim() }
    const hint = errcode === 93000 ? ' (invalid webhook key: check the group robot URL)' : ''
    return { ok: false, retry: false, errcode, reason: `refused by WeCom: errcode ${errcode} ${errmsg}${hint}`.trim() }
  }

  async function sendNow(key: string, message: RobotMessage, o: RobotSendOptions): Promise<RobotResult> {
    const robot = keyFingerprint(key)
    let payloads: Payload[]
    try {
      payloads = robotPayloads(message)
    } catch (err) {
      if (!(err instanceof InvalidMessage)) throw err
      logger.warn({ robot, msgtype: message.type, reason: err.message }, 'robot message refused before sending')
      return { ok: false, retry: false, reason: err.message, sentParts: 0, parts: 0 }
    }
    const parts = payloads.length
    for (let i = Math.max(0, o.startPart ?? 0); i < parts; i++) {
      for (;;) {
        const wait = pacer.delay(key, clock.now())
        if (wait <= 0) break
        if (wait > maxWaitMs) {
          logger.debug({ robot, waitMs: wait }, 'robot paced: try later')
          return { ok: false, retry: true, reason: `paced: the robot may send again in ${wait} ms`, retryAfterMs: wait, sentParts: i, parts }
        }
        await sleep(wait)
      }
      pacer.record(key, clock.now())
      const r = await post(key, payloads[i])
      if (!r.ok) {
        let retryAfterMs: number | undefined
        if (r.rateLimited) {
          pacer.block(key, new Date(clock.now().getTime() + 60_000))
          retryAfterMs = 60_000
        }
        logger.warn(
          { robot, url: redactWebhookUrl(`${baseUrl}/cgi-bin/webhook/send?key=${key}`), part: i + 1, parts, errcode: r.errcode, status: r.status, retry: r.retry, reason: r.reason },
          r.retry ? 'robot send failed; will retry' : 'robot send refused; dead letter',
        )
        return {
          ok: false,
          retry: r.retry,
          reason: r.reason,
          ...(r.errcode !== undefined ? { errcode: r.errcode } : {}),
          ...(r.status !== undefined ? { status: r.status } : {}),
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
          sentParts: i,
          parts,
        }
      }
      logger.debug({ robot, msgtype: message.type, part: i + 1, parts }, 'robot message sent')
    }
    return { ok: true, parts }
  }

  return {
    pacer,
    send(key, message, o = {}) {
      let k: string
      try {
        k = parseWebhookKey(key)
      } catch (err) {
        return Promise.resolve({ ok: false, retry: false, reason: (err as Error).message, sentParts: 0, parts: 0 })
      }
      const prev = queues.get(k) ?? Promise.resolve()
      const run = prev.then(() => sendNow(k, message, o))
      const tail = run.catch(() => undefined)
      queues.set(k, tail)
      void tail.then(() => {
        if (queues.get(k) === tail) queues.delete(k)
      })
      return run
    },
  }
}
