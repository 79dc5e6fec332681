import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import pino from 'pino'
import { startTestApp, seedBasics, type TestApp, type Seed } from '../helpers/app.js'
import { buildHttp } from '../../src/http/server.js'
import { createMetrics } from '../../src/metrics.js'
import type { Channel } from '../../src/channels/types.js'

/**
 * Issue 7, health and metrics: /metrics parses as Prometheus text and its counters move as a scripted
 * conversation runs; liveness and readiness answer; metrics are for loopback clients or a METRICS_TOKEN.
 */

/** Prometheus text format: `name{label="value",…} number` lines, keyed by name and sorted labels. */
function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line)
    if (!m) throw new Error(`not a Prometheus sample line: ${JSON.stringify(line)}`)
    const labels = m[2]
      ? [...m[2].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((l) => `${l[1]}="${l[2]}"`).sort().join(',')
      : ''
    const value = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3])
    // prom-client writes NaN as "Nan"; Prometheus (Go's ParseFloat) reads NaN in any case
    if (Number.isNaN(value) && m[3].toLowerCase() !== 'nan') throw new Error(`bad value in ${JSON.stringify(line)}`)
    out.set(labels ? `${m[1]}{${labels}}` : m[1], value)
  }
  return out
}

describe('ops: health and metrics', () => {
  let t: TestApp
  let s: Seed
  beforeAll(async () => {
    t = await startTestApp()
    s = await seedBasics(t)
  })
  afterAll(async () => t?.close())

  async function scrape(): Promise<Map<string, number>> {
    const r = await t.app.http.inject({ method: 'GET', url: '/metrics' })
    expect(r.statusCode, r.body).toBe(200)
    expect(r.headers['content-type']).toMatch(/^text\/plain/)
    return parseMetrics(r.body)
  }
  const v = (m: Map<string, number>, key: string) => m.get(key) ?? 0

  it('when a conversation runs, then messages, commands by outcome and sent replies move in /metrics', async () => {
    const before = await scrape()
    // default process metrics are there, and the outbox gauges
    expect(before.has('process_cpu_user_seconds_total')).toBe(true)
    expect(before.has('nodejs_heap_size_used_bytes')).toBe(true)
    expect(before.get('outbox_depth')).toBe(0)
    expect(before.get('outbox_oldest_pending_seconds')).toBe(0)

    expect(await t.say('owner', s.group, '#隐患 后厨燃气软管老化开裂 地点：一楼后厨')).toBe('handled')
    const code = /已登记隐患 (\S+?)(?:【|（)/.exec(t.botSaid(s.group)[0].text ?? '')![1]
    expect(await t.say('officer', s.group, `#受理 ${code} 七天`)).toBe('handled')
    expect(await t.say('passer', s.group, `#受理 ${code}`)).toBe('refused')
    expect(await t.say('owner', s.group, '#隐患')).toBe('usage')
    expect(await t.say('owner', s.group, '今天天气不错')).toBe('ignored')
    expect(await t.say('owner', s.group, '#隐患 安全出口堆放杂物', { messageId: 'ops-dup' })).toBe('handled')
    expect(await t.say('owner', s.group, '#隐患 安全出口堆放杂物', { messageId: 'ops-dup' })).toBe('duplicate')
    await t.settle()

    const after = await scrape()
    const delta = (key: string) => v(after, key) - v(before, key)
    expect(delta('messages_in_total{kind="text"}')).toBe(7)
    expect(delta('commands_total{command="report",outcome="handled"}')).toBe(2)
    expect(delta('commands_total{command="report",outcome="usage"}')).toBe(1)
    expect(delta('commands_total{command="report",outcome="duplicate"}')).toBe(1)
    expect(delta('commands_total{command="accept",outcome="handled"}')).toBe(1)
    expect(delta('commands_total{command="accept",outcome="refused"}')).toBe(1)
    // a message not for the bot is no command
    expect([...after.keys()].filter((k) => k.startsWith('commands_total') && k.includes('ignored'))).toEqual([])
    // every answer went out: one each for the two reports, the acceptance, the refusal and the usage answer
    expect(delta('outbox_sent_total{priority="reply"}')).toBeGreaterThanOrEqual(5)
    expect(v(after, 'outbox_send_failures_total')).toBe(0)
    expect(v(after, 'outbox_dead_letters_total')).toBe(0)
    expect(after.get('outbox_depth')).toBe(0)
  })

  it('when the app runs, then /health/live and /health/ready answer 200 and /health is unchanged', async () => {
    const live = await t.app.http.inject({ method: 'GET', url: '/health/live' })
    expect(live.statusCode).toBe(200)
    const ready = await t.app.http.inject({ method: 'GET', url: '/health/ready' })
    expect(ready.statusCode, ready.body).toBe(200)
    expect(ready.json()).toMatchObject({ ok: true, db: true, channel: true })
    const health = await t.app.http.inject({ method: 'GET', url: '/health' })
    expect(health.statusCode).toBe(200)
    expect(health.json()).toEqual({ ok: true, db: true, channel: true })
  })

  it('when a client is not on loopback and no METRICS_TOKEN is set, then /metrics answers 403', async () => {
    const r = await t.app.http.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.0.0.5' })
    expect(r.statusCode).toBe(403)
    expect(r.body).not.toContain('commands_total')
    // liveness stays open for probes from anywhere
    expect((await t.app.http.inject({ method: 'GET', url: '/health/live', remoteAddress: '10.0.0.5' })).statusCode).toBe(200)
  })
})

describe('ops: metrics behind METRICS_TOKEN, readiness while stopping', () => {
  const TOKEN = 'metrics-token-0123456789'
  let t: TestApp
  beforeAll(async () => {
    t = await startTestApp({ config: { METRICS_TOKEN: TOKEN } })
  })
  afterAll(async () => t?.close())

  it('when METRICS_TOKEN is set, then /metrics needs it as a bearer token, from loopback too', async () => {
    expect((await t.app.http.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401)
    expect((await t.app.http.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong-token-0123456789' } })).statusCode).toBe(401)
    const ok = await t.app.http.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.0.0.5', headers: { authorization: `Bearer ${TOKEN}` } })
    expect(ok.statusCode).toBe(200)
    expect(parseMetrics(ok.body).has('outbox_depth')).toBe(true)
  })

  it('when the channel is not logged in, then /health/ready answers 503 and /health/live still 200', async () => {
    // a second HTTP app over the same database with a channel that never logged in (and its own metrics registry)
    const loggedOut = { account: () => undefined } as unknown as Channel
    const http = await buildHttp({
      db: t.database.db,
      config: t.config,
      clock: t.clock,
      logger: pino({ level: 'silent' }),
      channel: loggedOut,
      metrics: createMetrics(t.database.db),
    })
    try {
      const ready = await http.inject({ method: 'GET', url: '/health/ready' })
      expect(ready.statusCode, ready.body).toBe(503)
      expect(ready.json()).toMatchObject({ ok: false, db: true, channel: false })
      expect((await http.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200)
    } finally {
      await http.close()
    }
  })
})
