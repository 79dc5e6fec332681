import { describe, it, expect } from 'vitest'
import { createLogger } from '../../src/logging.js'
import { startTestApp, seedBasics, type TestApp, type Seed } from '../helpers/app.js'
import { beforeAll, afterAll } from 'vitest'

const ADMIN = 'admin-token-0123456789abcdef'
const METRICS = 'metrics-token-0123456789abcdef'

/** Issue 7, logs: a capture of a scripted conversation and API use has ids on every line and no secrets. */
describe('ops: logs of a conversation', () => {
  const lines: Record<string, unknown>[] = []
  const raw: string[] = []
  let t: TestApp
  let s: Seed
  beforeAll(async () => {
    const logger = await createLogger({
      level: 'debug',
      destination: {
        write(chunk: string) {
          for (const l of chunk.split('\n').filter(Boolean)) {
            raw.push(l)
            lines.push(JSON.parse(l) as Record<string, unknown>)
          }
        },
      },
    })
    t = await startTestApp({ logger, config: { ADMIN_TOKENS: [{ token: ADMIN, role: 'admin', name: '信息科' }], METRICS_TOKEN: METRICS } })
    s = await seedBasics(t)
  })
  afterAll(async () => t?.close())

  it('when a conversation and admin requests run, then HTTP lines carry the request id, chat lines the message id, and no token, cookie or full phone number is logged', async () => {
    expect(await t.say('owner', s.group, '#隐患 后厨燃气软管老化开裂 联系电话13812341234')).toBe('handled')
    const code = /Y\d+/.exec(t.botSaid(s.group)[0].text!)![0]
    expect(await t.photo('owner', s.group)).toBe('photo')
    expect(await t.say('officer', s.group, `#受理 ${code} 七天`)).toBe('handled')
    expect(await t.say('passer', s.group, `#受理 ${code}`)).toBe('refused')

    const person = await t.app.http.inject({
      method: 'POST',
      url: '/api/people',
      headers: { authorization: `Bearer ${ADMIN}`, cookie: 'session=cookie-secret-value' },
      payload: { name: '钱会计', role: 'viewer', phone: '13912345678' },
    })
    expect(person.statusCode).toBe(201)
    const mine = await t.app.http.inject({ method: 'GET', url: '/api/people', headers: { authorization: `Bearer ${ADMIN}`, 'x-request-id': 'proxy-req-0001' } })
    expect(mine.headers['x-request-id']).toBe('proxy-req-0001')
    const metrics = await t.app.http.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS}` } })
    expect(metrics.statusCode).toBe(200)
    const bad = await t.app.http.inject({ method: 'GET', url: '/api/people?token=leaked-in-query-string', headers: { authorization: 'Bearer wrong-token-0123456789' } })
    expect(bad.statusCode).toBe(401)

    const http = lines.filter((l) => l.component === 'http')
    expect(http.length).toBeGreaterThanOrEqual(4)
    for (const l of http) expect(l.reqId, JSON.stringify(l)).toBeTruthy()
    expect(http.some((l) => l.reqId === 'proxy-req-0001' && l.statusCode === 200)).toBe(true)
    expect(http.some((l) => l.reqId === person.headers['x-request-id'] && l.method === 'POST')).toBe(true)

    const chat = lines.filter((l) => l.component === 'router')
    expect(chat.length).toBeGreaterThanOrEqual(4)
    for (const l of chat) expect(l.msgId ?? l.msgIds, JSON.stringify(l)).toBeTruthy()

    const all = raw.join('\n')
    for (const secret of [ADMIN, METRICS, 'wrong-token-0123456789', 'cookie-secret-value', 'leaked-in-query-string', '13812341234', '13912345678']) {
      expect(all).not.toContain(secret)
    }
  })
})
