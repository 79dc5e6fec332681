import { describe, it, expect } from 'vitest'
import { asc, eq, sql } from 'drizzle-orm'
import { schema, rows } from '../../db/client.js'
import { useSeededApp, type Seed, type TestApp } from '../helpers/app.js'
import { createLogger } from '../../src/logging.js'

const ADMIN = 'admin-token-0123456789abcdef'
const VIEWER = 'viewer-token-0123456789abcdef'
const METRICS = 'metrics-token-0123456789abcdef'
const auth = (token: string) => ({ authorization: `Bearer ${token}` })

/**
 * Issue 7 through the admin API and chat, on one app: 个人信息保护法 (one person's data exported and erased; the
 * ledger stays whole; reads are audited) and logs (ids on every line, no secrets in a capture).
 */
describe('ops: personal data and logs', () => {
  let t: TestApp
  let s: Seed
  const lines: Record<string, unknown>[] = []
  const raw: string[] = []
  const logger = createLogger({
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
  useSeededApp(
    (app, seed) => {
      t = app
      s = seed
    },
    {
      logger,
      config: { ADMIN_TOKENS: [{ token: ADMIN, role: 'admin', name: '信息科' }, { token: VIEWER, role: 'viewer', name: '只读' }], METRICS_TOKEN: METRICS },
    },
  )

  const audit = () => t.database.db.select().from(schema.auditLog).orderBy(asc(schema.auditLog.id))
  const ledgerShape = async () =>
    rows<{ hazards: number; events: number; photos: number; statuses: string }>(
      t.database.db,
      sql`select (select count(*)::int from hazards) as hazards, (select count(*)::int from hazard_events) as events,
                 (select count(*)::int from hazard_attachments) as photos, (select string_agg(code || ':' || status, ',' order by id) from hazards) as statuses`,
    )

  it('when a conversation and admin requests run, then HTTP lines carry the request id, chat lines the message id, and no token, cookie or full phone number is logged', async () => {
    expect(await t.say('other-owner', s.group, '#隐患 门口灭火器过期 联系电话13812341234')).toBe('handled')
    const code = /Y\d+/.exec(t.botSaid(s.group)[0].text!)![0]
    expect(await t.photo('other-owner', s.group)).toBe('photo')
    expect(await t.say('leader', s.group, `#受理 ${code} 七天`)).toBe('handled')
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
    t.botSaid(s.group)
  })

  it('when an admin exports a person, then everything held about them comes back and the read is in the audit log; a viewer may not', async () => {
    await t.database.db.update(schema.people).set({ phone: '13812341234' }).where(eq(schema.people.id, s.owner.id))
    expect(await t.say('owner', s.group, '#隐患 后厨燃气软管老化开裂 地点：一楼后厨')).toBe('handled')
    const code = /Y\d+/.exec(t.botSaid(s.group)[0].text!)![0]
    expect(await t.photo('owner', s.group)).toBe('photo')
    expect(await t.say('officer', s.group, `#受理 ${code} 七天`)).toBe('handled')
    expect(await t.say('owner', s.group, `#整改 ${code} 已更换软管`)).toBe('handled')
    const bind = await t.app.http.inject({ method: 'POST', url: `/api/people/${s.owner.id}/bind-codes`, headers: auth(ADMIN) })
    expect(bind.statusCode).toBe(201)

    const denied = await t.app.http.inject({ method: 'GET', url: `/api/people/${s.owner.id}/personal-data`, headers: auth(VIEWER) })
    expect(denied.statusCode).toBe(403)
    expect((await t.app.http.inject({ method: 'GET', url: `/api/people/${s.owner.id}/personal-data` })).statusCode).toBe(401)
    expect((await t.app.http.inject({ method: 'GET', url: `/api/people/99999/personal-data`, headers: auth(ADMIN) })).statusCode).toBe(404)

    const r = await t.app.http.inject({ method: 'GET', url: `/api/people/${s.owner.id}/personal-data`, headers: auth(ADMIN) })
    expect(r.statusCode, r.body).toBe(200)
    const d = r.json()
    expect(d.person).toMatchObject({ id: s.owner.id, name: '张老板', phone: '13812341234', role: 'member' })
    expect(d.memberships).toEqual([{ businessId: s.shop.id, businessName: '城关老街饭店', role: 'principal' }])
    expect(d.identities.map((i: { externalId: string }) => i.externalId)).toEqual(['owner'])
    expect(d.bindCodes).toHaveLength(1)
    expect(d.hazardsReported.map((h: { code: string }) => h.code)).toEqual([code])
    expect(d.eventsActed.map((e: { action: string }) => e.action)).toEqual(['report', 'rectify'])
    expect(d.inboundMessages).toBe(3)

    const entries = await audit()
    const exp = entries.find((e) => e.action === 'person.export')!
    expect(exp).toMatchObject({ actorKind: 'token', actorName: '信息科', targetType: 'person', targetId: String(s.owner.id) })
    expect(exp.requestId).toBeTruthy()

    // reads of personal data through the admin API are audited too
    const list = await t.app.http.inject({ method: 'GET', url: '/api/people', headers: auth(VIEWER) })
    expect(list.statusCode).toBe(200)
    const codes = await t.app.http.inject({ method: 'GET', url: '/api/bind-codes', headers: auth(ADMIN) })
    expect(codes.statusCode).toBe(200)
    const after = await audit()
    expect(after.slice(entries.length).map((e) => [e.action, e.actorName])).toEqual([
      ['person.list', '只读'],
      ['bind_code.list', '信息科'],
    ])
    // a refused read is no read
    await t.app.http.inject({ method: 'GET', url: '/api/people' })
    expect(await audit()).toHaveLength(after.length)
  })

  it('when an admin erases a person, then their name, phone and chat identity are gone everywhere, the ledger is complete, and the erasure is audited', async () => {
    // a major hazard is announced to the leaders with the reporter's name in the text
    expect(await t.say('owner', s.group, '#隐患 仓库违规存放液化气钢瓶 重大')).toBe('handled')
    expect(t.botSaid(s.leaders).at(-1)!.text).toContain('上报：张老板')
    const [before] = await ledgerShape()
    const noReason = await t.app.http.inject({ method: 'POST', url: `/api/people/${s.owner.id}/erase`, headers: auth(ADMIN), payload: {} })
    expect(noReason.statusCode).toBe(400)
    expect((await t.app.http.inject({ method: 'POST', url: `/api/people/${s.owner.id}/erase`, headers: auth(VIEWER), payload: { reason: '本人申请' } })).statusCode).toBe(403)

    const r = await t.app.http.inject({ method: 'POST', url: `/api/people/${s.owner.id}/erase`, headers: auth(ADMIN), payload: { reason: '本人申请' } })
    expect(r.statusCode, r.body).toBe(200)
    expect(r.json().changed).toMatchObject({ person: 1, identities: 1, hazardsReporter: 2, events: 3, messages: 1, bindCodesRevoked: 1 })

    // the ledger keeps every hazard, event and photo, in the same states
    expect((await ledgerShape())[0]).toEqual(before)
    const anon = `已注销用户${s.owner.id}`
    const [p] = await t.database.db.select().from(schema.people).where(eq(schema.people.id, s.owner.id))
    expect(p).toMatchObject({ name: anon, phone: null })
    // no table holds the name, the phone number or the chat id any more
    const leftovers = await rows<{ n: number }>(
      t.database.db,
      sql`select (select count(*) from hazards where reporter_name = '张老板' or responsible_name = '张老板')
               + (select count(*) from hazard_events where actor_name = '张老板')
               + (select count(*) from outbox where text like '%张老板%' or 'owner' = any(mention_ids))
               + (select count(*) from identities where external_id = 'owner' or display_name = '张老板')
               + (select count(*) from inbound_messages where sender_id = 'owner')
               + (select count(*) from people where phone = '13812341234') as n`,
    )
    expect(Number(leftovers[0].n)).toBe(0)
    const [h] = await t.database.db.select().from(schema.hazards).where(eq(schema.hazards.reporterPersonId, s.owner.id)).orderBy(schema.hazards.id)
    expect(h.reporterName).toBe(anon)

    // the audit log records who erased whom, without the erased name
    const e = (await audit()).find((x) => x.action === 'person.erase')!
    expect(e).toMatchObject({ actorName: '信息科', targetId: String(s.owner.id) })
    expect(JSON.stringify(e.detail)).not.toContain('张老板')
    expect(JSON.stringify(e.detail)).toContain('本人申请')

    // the chat identity is unbound: the same WeChat user is a member of the public now
    const code = h.code
    expect(await t.say('owner', s.group, `#整改 ${code} 再次整改`)).toBe('refused')
    expect(t.botSaid(s.group).at(-1)!.text).toContain('只有隐患所属单位可以报整改')

    const again = await t.app.http.inject({ method: 'GET', url: `/api/people/${s.owner.id}/personal-data`, headers: auth(ADMIN) })
    expect(again.json().identities).toEqual([])
    expect(again.body).not.toContain('13812341234')
  })
})
