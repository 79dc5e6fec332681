import { describe, it, expect, afterAll } from 'vitest'
import { startTestApp, seedBasics, type TestApp } from '../helpers/app.js'
import { testConfig } from '../../src/config.js'
import { buildApp } from '../../src/app.js'
import pino from 'pino'
import { testDatabase } from '../helpers/db.js'

describe('a restart on the same data', () => {
  it('when a new app starts on the same database, then hazards, timeline, simulator groups and bindings are all there', async () => {
    const first = await startTestApp()
    const s = await seedBasics(first)
    await first.say('owner', s.group, '#隐患 后厨排烟管道油污严重')
    const code = /Y\d+/.exec(first.botSaid(s.group)[0].text!)![0]
    await first.photo('owner', s.group)
    await first.say('officer', s.group, `#受理 ${code} 5天`)
    await first.close({ keepDatabase: true })

    const second = await startTestApp({ database: first.database, clock: first.clock })
    try {
      expect(second.app.simulator!.group(s.group)?.name).toBe('城关商户安全群')
      expect(second.app.simulator!.contacts().map((c) => c.id)).toContain('owner')
      await second.say('officer', s.group, `#查询 ${code}`)
      const reply = second.botSaid(s.group)[0].text!
      expect(reply).toContain('整改中')
      expect(reply).toContain('整改前 1 张')
      expect(reply).toContain('李明 受理')
      await second.say('owner', s.group, `#整改 ${code} 已清洗排烟管道`)
      expect(second.botSaid(s.group)[0].text).toContain('已记录')
    } finally {
      await second.close()
    }
  })
})

describe('admin API', () => {
  let t: TestApp
  afterAll(async () => t?.close())

  it('when tokens are configured, then no token is 401, a viewer may read but not write (403), an admin may write', async () => {
    const database = await testDatabase()
    const config = testConfig({
      ADMIN_TOKENS: [
        { token: 'admin-token-0123456789', role: 'admin', name: 'ops' },
        { token: 'viewer-token-0123456789', role: 'viewer', name: 'v' },
      ],
    })
    const app = await buildApp({ config, db: database.db, logger: pino({ level: 'silent' }) })
    try {
      const h = app.http
      expect((await h.inject({ url: '/api/businesses' })).statusCode).toBe(401)
      expect((await h.inject({ url: '/api/businesses', headers: { authorization: 'Bearer wrong-token-0123456789' } })).statusCode).toBe(401)
      const viewer = { authorization: 'Bearer viewer-token-0123456789' }
      const admin = { authorization: 'Bearer admin-token-0123456789' }
      expect((await h.inject({ url: '/api/businesses', headers: viewer })).statusCode).toBe(200)
      const denied = await h.inject({ method: 'POST', url: '/api/businesses', headers: viewer, payload: { name: '某饭店', industry: 'catering' } })
      expect(denied.statusCode).toBe(403)
      const bad = await h.inject({ method: 'POST', url: '/api/businesses', headers: admin, payload: { name: '某饭店', industry: 'bakery' } })
      expect(bad.statusCode).toBe(400)
      expect(bad.json().message).toBe('参数有误')
      const ok = await h.inject({ method: 'POST', url: '/api/businesses', headers: admin, payload: { name: '某饭店', industry: 'catering' } })
      expect(ok.statusCode).toBe(201)
      const dup = await h.inject({ method: 'POST', url: '/api/businesses', headers: admin, payload: { name: '某饭店', industry: 'catering' } })
      expect(dup.statusCode).toBe(409)
      expect(dup.json().message).toContain('已有同名')
      // with tokens configured, even loopback needs one, and the simulator is closed
      expect((await h.inject({ url: '/sim/api/state' })).statusCode).toBe(401)
      expect((await h.inject({ url: '/sim/api/state', headers: admin })).statusCode).toBe(200)
      const docs = await h.inject({ url: '/docs/json' })
      expect(docs.statusCode).toBe(200)
      expect(Object.keys(docs.json().paths)).toEqual(expect.arrayContaining(['/api/hazards', '/api/hazards/{code}', '/sim/api/messages', '/health']))
    } finally {
      await app.close()
      await database.close()
    }
  })

  it('when the ledger is read through the API, then filters, one hazard with its timeline and photos, and the transfer result route work', async () => {
    t = await startTestApp()
    const s = await seedBasics(t)
    await t.say('owner', s.group, '#隐患 电梯年检标志过期 地点:东侧客梯')
    const code = /Y\d+/.exec(t.botSaid(s.group)[0].text!)![0]
    await t.photo('owner', s.group)
    await t.say('officer', s.group, `#受理 ${code}`)
    await t.say('officer', s.group, `#移交 ${code} 市场监管`)
    const h = t.app.http
    expect((await h.inject({ url: '/health' })).json()).toEqual({ ok: true, db: true, channel: true })
    const list = (await h.inject({ url: '/api/hazards?status=transferred' })).json()
    expect(list.total).toBe(1)
    expect(list.items[0]).toMatchObject({ code, category: 'special_equipment', businessName: '城关老街饭店', transferDepartment: '市场监管' })
    expect((await h.inject({ url: '/api/hazards?status=closed' })).json().total).toBe(0)
    const one = (await h.inject({ url: `/api/hazards/${code.toLowerCase()}` })).json()
    expect(one.events.map((e: { action: string }) => e.action)).toEqual(['report', 'accept', 'transfer'])
    expect(one.photos).toHaveLength(1)
    const img = await h.inject({ url: one.photos[0].url })
    expect(img.statusCode).toBe(200)
    expect(img.headers['content-type']).toBe('image/png')
    const r = await h.inject({ method: 'POST', url: `/api/hazards/${code}/transfer-result`, payload: { result: '已责令停用并完成检验' } })
    expect(r.statusCode).toBe(200)
    expect(r.json().transferResult).toBe('已责令停用并完成检验')
    const again = await h.inject({ method: 'POST', url: `/api/hazards/Y99999/transfer-result`, payload: { result: '结果' } })
    expect(again.statusCode).toBe(404)
    expect(again.json().message).toContain('没有找到隐患')
  })
})

describe('the leaders group before anyone wrote in it', () => {
  it('when the bot sits in the leaders group but nobody has written there, then after a start a major hazard still reaches it', async () => {
    const first = await startTestApp()
    const s = await seedBasics(first)
    const quiet = first.app.simulator!.createGroup({ id: 'quiet-leaders', name: '新局领导群', memberIds: ['leader'] }).id
    await first.close({ keepDatabase: true })
    const second = await startTestApp({ database: first.database, clock: first.clock, config: { LEADERS_GROUP: '新局领导群' } })
    try {
      await second.say('owner', s.group, '#隐患 仓库堆放大量液化气钢瓶 重大')
      const [alert] = second.botSaid(quiet)
      expect(alert.text).toContain('【重大隐患·挂牌督办】')
    } finally {
      await second.close()
    }
  })
})
