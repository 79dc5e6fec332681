import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createHash } from 'node:crypto'
import pino from 'pino'
import { ManualClock } from '../../src/core/clock.js'
import { mulberry32 } from '../helpers/random.js'
import {
  createRobotSender,
  keyFingerprint,
  parseWebhookKey,
  redactWebhookUrl,
  robotPacer,
  splitUtf8,
  type RobotSenderOptions,
} from '../../src/channels/wecom/robot.js'

// ——— a fake WeCom group-robot endpoint on loopback ———

type Answer = number | 'http500' | 'http404' | 'destroy' | 'hang' | 'html'

/** A robot message body as the fake parsed it (only the fields of its msgtype are present). */
interface Body {
  msgtype: string
  text: { content: string; mentioned_list?: string[]; mentioned_mobile_list?: string[] }
  markdown: { content: string }
  image: { base64: string; md5: string }
  news: { articles: unknown[] }
}

interface Received {
  method: string
  path: string
  key: string
  contentType: string
  body: Body
  /** the sender's clock when it called fetch (stamped by the test's fetch wrapper) */
  at: number
}

/**
 * Records every request and answers like WeCom: errcode 0, or what a test scripted for a key; past 20 messages
 * in a sliding minute per key (on the sender's injected clock) it answers 45009 like the real service.
 */
class FakeWecom {
  readonly requests: Received[] = []
  /** per key: answers to give, in order, before the normal ones */
  readonly script = new Map<string, Answer[]>()
  /** per key: the answer every time */
  readonly always = new Map<string, Answer>()
  refusals = 0
  private server = http.createServer((req, res) => this.handle(req, res))
  baseUrl = ''

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r))
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((r) => this.server.close(() => r()))
  }

  reset(): void {
    this.requests.length = 0
    this.script.clear()
    this.always.clear()
    this.refusals = 0
  }

  ofKey(key: string): Received[] {
    return this.requests.filter((r) => r.key === key)
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x')
      const key = url.searchParams.get('key') ?? ''
      const at = Number(req.headers['x-fake-now'] ?? Date.now())
      const answer = this.script.get(key)?.shift() ?? this.always.get(key) ?? 0
      if (answer === 'destroy') return req.socket.destroy()
      if (answer === 'hang') return
      if (answer === 'http500') return res.writeHead(502).end('bad gateway')
      if (answer === 'http404') return res.writeHead(404).end('not found')
      if (answer === 'html') return res.writeHead(200, { 'content-type': 'text/html' }).end('<html>gateway</html>')
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body
      const r: Received = { method: req.method ?? '', path: url.pathname, key, contentType: String(req.headers['content-type']), body, at }
      let errcode = answer
      if (errcode === 0) {
        const recent = this.requests.filter((x) => x.key === key && x.at > at - 60_000)
        if (recent.length >= 20) errcode = 45009
      }
      if (errcode === 0) this.requests.push(r)
      else this.refusals++
      const errmsg = errcode === 0 ? 'ok' : errcode === 45009 ? 'api freq out of limit' : errcode === 93000 ? 'invalid webhook url' : 'error'
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ errcode, errmsg }))
    })
  }
}

// ——— the sender under test, its clock and a captured logger ———

const KEY = '693a91f6-7aaa-4bc4-97a0-0ec2f1a5aaaa'
const OTHER = '11111111-2222-4333-8444-555555555555'
const DEAD = 'deadbeef-0000-4000-8000-000000000000'
const ALL_KEYS = () => [KEY, OTHER, DEAD, ...groupKeys]
const groupKeys = Array.from({ length: 50 }, (_, i) => `${String(i).padStart(8, '0')}-aaaa-4bbb-8ccc-dddddddddddd`)

const fake = new FakeWecom()
let clock: ManualClock
const logLines: string[] = []
const logger = pino({ level: 'debug' }, { write: (s: string) => void logLines.push(s) })

/** The test's fetch: the real one, stamping the sender's clock so the fake judges the limit on that clock. */
const stampedFetch: typeof fetch = (input, init) =>
  fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), 'x-fake-now': String(clock.now().getTime()) } })

/** Virtual time: a pacing wait moves the injected clock instead of the wall clock. */
const virtualSleep = async (ms: number) => {
  clock.advance(ms)
  await new Promise((r) => setImmediate(r))
}

const sender = (o: Partial<RobotSenderOptions> = {}) =>
  createRobotSender({ baseUrl: fake.baseUrl, clock, fetch: stampedFetch, logger, sleep: virtualSleep, ...o })

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR fake png body')])

beforeAll(async () => {
  await fake.start()
})
afterAll(async () => {
  await fake.close()
  // whatever happened above: not one log line may carry a webhook key
  const all = logLines.join('')
  for (const k of ALL_KEYS()) expect(all).not.toContain(k)
})
beforeEach(() => {
  fake.reset()
  clock = new ManualClock('2026-11-28T08:00:00Z')
})

describe('request shape per message type', () => {
  it('text, with mentions on the message', async () => {
    const r = await sender().send(KEY, { type: 'text', content: '已登记隐患 Y1（燃气）', mentionedList: ['zhangjianguo'], mentionedMobileList: ['13800001111'] })
    expect(r).toEqual({ ok: true, parts: 1 })
    const [req] = fake.requests
    expect(req.method).toBe('POST')
    expect(req.path).toBe('/cgi-bin/webhook/send')
    expect(req.key).toBe(KEY)
    expect(req.contentType).toMatch(/^application\/json/)
    expect(req.body).toEqual({
      msgtype: 'text',
      text: { content: '已登记隐患 Y1（燃气）', mentioned_list: ['zhangjianguo'], mentioned_mobile_list: ['13800001111'] },
    })
  })

  it('markdown', async () => {
    const content = '### 逾期隐患\n> <font color="warning">Y3</font> 城关老街饭店'
    expect((await sender().send(KEY, { type: 'markdown', content })).ok).toBe(true)
    expect(fake.requests[0].body).toEqual({ msgtype: 'markdown', markdown: { content } })
  })

  it('image: base64 and md5 of the bytes', async () => {
    expect((await sender().send(KEY, { type: 'image', bytes: PNG })).ok).toBe(true)
    const { body } = fake.requests[0]
    expect(body.msgtype).toBe('image')
    expect(Buffer.from(body.image.base64, 'base64').equals(PNG)).toBe(true)
    expect(body.image.md5).toBe(createHash('md5').update(PNG).digest('hex'))
  })

  it('news: articles', async () => {
    const articles = [
      { title: '隐患 Y1 已销号', description: '城关老街饭店', url: 'https://example.org/y1', picurl: 'https://example.org/y1.png' },
      { title: '本周台账', url: 'https://example.org/week' },
    ]
    expect((await sender().send(KEY, { type: 'news', articles })).ok).toBe(true)
    expect(fake.requests[0].body).toEqual({ msgtype: 'news', news: { articles } })
  })

  it('refuses, without a request, what WeCom would refuse: a too-big or non-JPG/PNG image, empty text, 9 articles', async () => {
    const s = sender()
    const big = Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024)])
    const cases = [
      await s.send(KEY, { type: 'image', bytes: big }),
      await s.send(KEY, { type: 'image', bytes: Buffer.from('GIF89a....') }),
      await s.send(KEY, { type: 'text', content: '  ' }),
      await s.send(KEY, { type: 'news', articles: Array.from({ length: 9 }, (_, i) => ({ title: `t${i}`, url: 'https://example.org' })) }),
      await s.send(KEY, { type: 'news', articles: [] }),
    ]
    for (const r of cases) expect(r).toMatchObject({ ok: false, retry: false })
    expect(cases[0].ok === false && cases[0].reason).toMatch(/2 MB/)
    expect(fake.requests).toHaveLength(0)
    // exactly 2 MB is fine
    const max = Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024 - PNG.length)])
    expect((await s.send(KEY, { type: 'image', bytes: max })).ok).toBe(true)
  })

  it('accepts the full webhook URL an operator pastes, and refuses a malformed key', async () => {
    const s = sender()
    expect((await s.send(`https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${KEY}`, { type: 'text', content: 'hi' })).ok).toBe(true)
    expect(fake.requests[0].key).toBe(KEY)
    expect(await s.send('not a key!', { type: 'text', content: 'hi' })).toMatchObject({ ok: false, retry: false })
    expect(parseWebhookKey(` ${KEY} `)).toBe(KEY)
  })
})

describe('splitting long text', () => {
  it('a 5,000-byte text goes as several messages of at most 2,048 bytes, cut at line breaks, in order', async () => {
    const lines: string[] = []
    while (Buffer.byteLength(lines.join('\n')) < 4900) lines.push(`第${lines.length + 1}条：后厨燃气软管老化开裂，整改中🔥`)
    lines.push('x'.repeat(5000 - Buffer.byteLength(lines.join('\n')) - 1))
    const text = lines.join('\n')
    expect(Buffer.byteLength(text)).toBe(5000)
    const r = await sender().send(KEY, { type: 'text', content: text, mentionedList: ['@all'] })
    expect(r.ok).toBe(true)
    const parts = fake.requests.map((q) => q.body.text.content)
    expect(parts.length).toBe(3)
    expect(r).toEqual({ ok: true, parts: 3 })
    for (const p of parts) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(2048)
    expect(parts.join('\n')).toBe(text)
    // every part ends at a line end: no line is cut
    for (const p of parts) for (const l of p.split('\n')) expect(lines).toContain(l)
    // the mention rides on the first part only
    expect(fake.requests[0].body.text.mentioned_list).toEqual(['@all'])
    expect(fake.requests[1].body.text.mentioned_list).toBeUndefined()
  })

  it('a 5,000-byte line without breaks is cut between characters, never inside one', async () => {
    const text = '隐患🔥👨‍👩‍👧a'.repeat(200)
    expect(Buffer.byteLength(text)).toBeGreaterThanOrEqual(5000)
    const r = await sender().send(KEY, { type: 'text', content: text })
    expect(r.ok).toBe(true)
    const parts = fake.requests.map((q) => q.body.text.content)
    expect(parts.length).toBeGreaterThan(2)
    expect(parts.join('')).toBe(text)
    for (const p of parts) {
      expect(Buffer.byteLength(p)).toBeLessThanOrEqual(2048)
      expect(p).not.toContain('\uFFFD')
      // no lone surrogate: no emoji was cut in half
      expect(p).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/)
    }
  })

  it('splitUtf8 keeps short text whole and packs lines greedily', () => {
    expect(splitUtf8('短', 2048)).toEqual(['短'])
    expect(splitUtf8('ab\ncd\nef', 5)).toEqual(['ab\ncd', 'ef'])
    expect(splitUtf8('abcdefgh', 3)).toEqual(['abc', 'def', 'gh'])
    expect(splitUtf8('隐患隐', 6)).toEqual(['隐患', '隐'])
  })

  it('a part that fails is reported, and a retry from sentParts delivers each part exactly once', async () => {
    const text = Array.from({ length: 300 }, (_, i) => `line ${i} ${'x'.repeat(20)}`).join('\n')
    fake.script.set(KEY, [0, 45009])
    const s = sender()
    const first = await s.send(KEY, { type: 'text', content: text })
    expect(first).toMatchObject({ ok: false, retry: true, sentParts: 1, errcode: 45009 })
    if (first.ok) throw new Error('unreachable')
    clock.advance(61_000)
    const second = await s.send(KEY, { type: 'text', content: text }, { startPart: first.sentParts })
    expect(second).toEqual({ ok: true, parts: first.parts })
    expect(fake.requests.map((q) => q.body.text.content).join('\n')).toBe(text)
  })
})

describe('pacing: 20 messages a minute per robot, on the injected clock', () => {
  it('the 21st message in a minute waits until the injected clock moves', async () => {
    const naps: number[] = []
    let wake: (() => void) | undefined
    const s = sender({
      // a wall-clock nap that lets the test move the clock
      sleep: (ms) => {
        naps.push(ms)
        return new Promise<void>((r) => (wake = r))
      },
    })
    for (let i = 1; i <= 20; i++) expect((await s.send(KEY, { type: 'text', content: `m${i}` })).ok).toBe(true)
    expect(fake.requests).toHaveLength(20)
    const twentyFirst = s.send(KEY, { type: 'text', content: 'm21' })
    // another robot is not held up
    expect((await s.send(OTHER, { type: 'text', content: 'other' })).ok).toBe(true)
    await new Promise((r) => setTimeout(r, 100))
    expect(fake.ofKey(KEY)).toHaveLength(20)
    expect(naps).toEqual([60_000])
    clock.advance(60_000)
    wake!()
    expect((await twentyFirst).ok).toBe(true)
    expect(fake.ofKey(KEY).map((q) => q.body.text.content)).toEqual(Array.from({ length: 21 }, (_, i) => `m${i + 1}`))
    expect(fake.refusals).toBe(0)
  })

  it('with maxWaitMs 0 (an outbox that reschedules) the 21st returns a retry with the wait instead', async () => {
    const s = sender({ maxWaitMs: 0 })
    for (let i = 0; i < 20; i++) await s.send(KEY, { type: 'text', content: `m${i}` })
    clock.advance(30_000)
    const r = await s.send(KEY, { type: 'text', content: 'late' })
    expect(r).toMatchObject({ ok: false, retry: true, retryAfterMs: 30_000, sentParts: 0 })
    expect(s.pacer.delay(KEY, clock.now())).toBe(30_000)
    clock.advance(30_000)
    expect((await s.send(KEY, { type: 'text', content: 'late' })).ok).toBe(true)
    expect(fake.refusals).toBe(0)
  })

  it('100 messages to one group arrive exactly once, in order, with no limit refusal', async () => {
    const s = sender()
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => s.send(KEY, { type: 'text', content: `#${i}` })))
    expect(results.every((r) => r.ok)).toBe(true)
    expect(fake.ofKey(KEY).map((q) => q.body.text.content)).toEqual(Array.from({ length: 100 }, (_, i) => `#${i}`))
    expect(fake.refusals).toBe(0)
    // 100 messages at 20 a minute: at least four minutes of the injected clock
    expect(clock.now().getTime() - Date.parse('2026-11-28T08:00:00Z')).toBeGreaterThanOrEqual(4 * 60_000)
  })

  it('1,000 messages to 50 groups, sent concurrently, arrive exactly once and in order per group', async () => {
    const s = sender()
    // an uneven spread (seeded): some groups get more than 20, so their robots must wait while others send
    const random = mulberry32(0x3c0de)
    const expected = new Map<string, string[]>(groupKeys.map((k) => [k, []]))
    const sends: Promise<{ ok: boolean }>[] = []
    for (let i = 0; i < 1000; i++) {
      const k = groupKeys[Math.floor(random() * random() * groupKeys.length)]
      const content = `${k.slice(0, 8)}#${expected.get(k)!.length}`
      expected.get(k)!.push(content)
      sends.push(s.send(k, { type: 'text', content }))
    }
    expect(Math.max(...[...expected.values()].map((v) => v.length))).toBeGreaterThan(40)
    const results = await Promise.all(sends)
    expect(results.every((r) => r.ok)).toBe(true)
    expect(fake.requests).toHaveLength(1000)
    for (const k of groupKeys) expect(fake.ofKey(k).map((q) => q.body.text.content)).toEqual(expected.get(k))
    expect(fake.refusals).toBe(0)
  })

  it('robotPacer: a sliding window per key, and a block after WeCom says "too fast"', () => {
    const p = robotPacer({ perMinute: 2, windowMs: 1000 })
    const t = (ms: number) => new Date(ms)
    expect(p.delay('a', t(0))).toBe(0)
    p.record('a', t(0))
    p.record('a', t(400))
    expect(p.delay('a', t(500))).toBe(500)
    expect(p.delay('b', t(500))).toBe(0)
    expect(p.delay('a', t(1000))).toBe(0)
    p.block('a', t(5000))
    expect(p.delay('a', t(2000))).toBe(3000)
    expect(p.delay('a', t(5000))).toBe(0)
  })
})

describe('result classification: retry or dead letter', () => {
  const text = { type: 'text', content: '测试' } as const

  it('rate-limit errcodes are retried later, and hold the robot for a minute', async () => {
    for (const code of [45009, 130101, 45033]) {
      fake.script.set(KEY, [code])
      const s = sender({ maxWaitMs: 0 })
      const r = await s.send(KEY, text)
      expect(r).toMatchObject({ ok: false, retry: true, errcode: code, retryAfterMs: 60_000 })
      expect(r.ok === false && r.reason).toMatch(String(code))
      expect(await s.send(KEY, text)).toMatchObject({ ok: false, retry: true, reason: expect.stringMatching(/^paced/) })
      clock.advance(60_000)
      expect((await s.send(KEY, text)).ok).toBe(true)
    }
  })

  it('network errors, timeouts, 5xx, a busy WeCom and non-JSON answers are retried', async () => {
    const s = sender({ timeoutMs: 300 })
    for (const answer of ['destroy', 'hang', 'http500', 'html', -1] as const) {
      fake.script.set(KEY, [answer])
      const r = await s.send(KEY, text)
      expect(r, String(answer)).toMatchObject({ ok: false, retry: true })
    }
    const closed = new FakeWecom()
    await closed.start()
    const url = closed.baseUrl
    await closed.close()
    const r = await sender({ baseUrl: url }).send(KEY, text)
    expect(r).toMatchObject({ ok: false, retry: true, reason: expect.stringMatching(/network error/) })
  })

  it('an invalid key (93000) and other errcodes are dead letters with a clear reason', async () => {
    fake.always.set(DEAD, 93000)
    const r = await sender().send(DEAD, text)
    expect(r).toMatchObject({ ok: false, retry: false, errcode: 93000 })
    expect(r.ok === false && r.reason).toMatch(/93000.*invalid webhook/)
    fake.script.set(KEY, [40008, 'http404'])
    expect(await sender().send(KEY, text)).toMatchObject({ ok: false, retry: false, errcode: 40008 })
    expect(await sender().send(KEY, text)).toMatchObject({ ok: false, retry: false, status: 404 })
  })
})

describe('the key never reaches a log line', () => {
  it('redactWebhookUrl hides the key wherever it sits in the URL', () => {
    expect(redactWebhookUrl(`https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${KEY}`)).toBe('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***')
    expect(redactWebhookUrl(`https://h/send?debug=1&key=${KEY}&x=2`)).toBe('https://h/send?debug=1&key=***&x=2')
    expect(redactWebhookUrl(`POST https://h/send?KEY=${KEY}#frag failed`)).toBe('POST https://h/send?KEY=***#frag failed')
    expect(redactWebhookUrl('https://h/send')).toBe('https://h/send')
  })

  it('success, refusals, dead letters and network errors log a fingerprint and a redacted URL, not the key', async () => {
    logLines.length = 0
    fake.always.set(DEAD, 93000)
    fake.script.set(KEY, [45009, 'destroy'])
    const s = sender({ maxWaitMs: 0 })
    await s.send(KEY, text())
    clock.advance(60_000)
    await s.send(KEY, text())
    await s.send(KEY, text())
    await s.send(DEAD, text())
    await s.send(KEY, { type: 'image', bytes: Buffer.alloc(3 * 1024 * 1024) })
    const all = logLines.join('')
    expect(logLines.length).toBeGreaterThanOrEqual(5)
    for (const k of ALL_KEYS()) expect(all).not.toContain(k)
    expect(all).toContain(keyFingerprint(KEY))
    expect(all).toContain('key=***')
    expect(all).toContain('dead letter')
    function text() {
      return { type: 'text', content: 'hi' } as const
    }
  })
})
