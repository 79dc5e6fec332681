import { describe, it, expect, beforeAll } from 'vitest'
import { and, eq } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { useSeededApp, type Seed, type TestApp } from '../helpers/app.js'
import { consoleUser, signInAs, type Session } from '../helpers/console.js'
import { cronOf, nextFire } from '../../src/scheduler.js'
import { registerJobs } from '../../schedules/index.js'
import { formatDate } from '../../src/core/clock.js'

const ADMIN = { authorization: 'Bearer admin-token-0123456789' }
const at = (local: string) => new Date(local + '+08:00')

/** 方案 6: licences with their validity; reminders 60/30/7 days before expiry; a lapsed licence flagged on the business and in the ledger. */
describe('licences register', () => {
  let t: TestApp
  let s: Seed
  let cg: Session
  let oil: { id: number }
  let scrap: { id: number }
  let licenceId: number
  useSeededApp(
    (app, seed) => {
      t = app
      s = seed
    },
    { config: { ADMIN_TOKENS: [{ token: 'admin-token-0123456789', role: 'admin', name: '管理员' }] } },
  )
  const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => t.app.http.inject({ method, url, headers: ADMIN, payload: payload as object })
  const licence = (o: object = {}) => ({ kind: 'refined_oil_retail', number: '辽油零售〔2022〕018号', businessId: oil.id, holder: '城关加油站', scope: '汽油、柴油零售', validUntil: '2027-01-31', ...o })

  beforeAll(async () => {
    const db = t.database.db
    ;[oil] = await db.insert(schema.businesses).values({ name: '城关加油站', industry: 'refined_oil', townshipId: s.town.id }).returning()
    ;[scrap] = await db.insert(schema.businesses).values({ name: '红山报废车回收站', industry: 'scrap_vehicle', townshipId: s.town2.id }).returning()
    await consoleUser(db, 'liming', { role: 'officer', personId: s.officer.id })
    cg = await signInAs(t.app.http, 'liming')
  })

  it('when a licence is registered, then it is listed with its state; a wrong industry, a duplicate or another township is refused', async () => {
    expect((await api('POST', '/api/licences', licence({ businessId: s.shop.id }))).json().message).toContain('只登记成品油行业的单位')
    const r = await cg.call({ method: 'POST', url: '/api/licences', payload: licence() })
    expect(r.statusCode).toBe(201)
    licenceId = r.json().id
    expect((await api('POST', '/api/licences', licence())).statusCode).toBe(409)
    const other = await cg.call({ method: 'POST', url: '/api/licences', payload: licence({ kind: 'scrap_vehicle_recycling', number: '辽报废〔2023〕3号', businessId: scrap.id, holder: '红山报废车回收站' }) })
    expect(other.statusCode).toBe(403)
    const list = (await api('GET', '/api/licences')).json()
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({ kindLabel: '成品油零售经营批准证书', state: 'valid', daysLeft: 72, businessName: '城关加油站' })
  })

  it('when the days pass, then the reminder goes out 60, 30 and 7 days before expiry and once lapsed, each once, to the group and the officer', async () => {
    const db = t.database.db
    const job = registerJobs.find((j) => j.name === 'licence-reminders')!
    const end = at('2027-02-10T23:59:59')
    for (let when = nextFire(cronOf(job, t.config), t.clock.now()); when <= end; when = nextFire(cronOf(job, t.config), when)) {
      t.clock.set(when)
      expect(await t.app.scheduler.fire(job, when, 'cron')).toBe(true)
    }
    const sent = await db.select().from(schema.licenceReminders).where(eq(schema.licenceReminders.licenceId, licenceId))
    expect(sent.map((r) => [r.threshold, formatDate(r.sentAt)])).toEqual([
      [60, '2026-12-02'],
      [30, '2027-01-01'],
      [7, '2027-01-24'],
      [0, '2027-02-01'],
    ])
    const toGroup = await db.select().from(schema.outbox).where(and(eq(schema.outbox.chatId, s.group), eq(schema.outbox.isGroup, true)))
    const texts = toGroup.map((o) => o.text ?? '').filter((x) => x.includes('辽油零售'))
    expect(texts).toHaveLength(4)
    expect(texts[0]).toContain('还有60天')
    expect(texts[3]).toContain('【许可证已过期】')
    const toOfficer = await db.select().from(schema.outbox).where(and(eq(schema.outbox.chatId, 'officer'), eq(schema.outbox.isGroup, false)))
    expect(toOfficer.filter((o) => (o.text ?? '').includes('辽油零售'))).toHaveLength(4)
    // 红山's officer is not told about 城关's licence
    expect(await db.select().from(schema.outbox).where(eq(schema.outbox.chatId, 'officer2'))).toEqual([])
  })

  it('when the licence has lapsed, then the ledger flags the business’s hazards, until the licence is renewed', async () => {
    const db = t.database.db
    await db.insert(schema.hazards).values({ businessId: oil.id, townshipId: s.town.id, industry: 'refined_oil', reporterName: '李明', reporterKind: 'officer', description: '卸油区静电接地线断开', category: 'hazardous', grade: 'general', status: 'reported' })
    const flag = async () => (await api('GET', `/api/ledger?businessId=${oil.id}`)).json().items[0].licenceLapsed
    expect(await flag()).toBe(true)
    expect((await api('GET', '/api/licences?state=lapsed')).json().map((l: { id: number }) => l.id)).toEqual([licenceId])
    const renewed = await api('PUT', `/api/licences/${licenceId}`, licence({ validUntil: '2030-01-31' }))
    expect(renewed.statusCode).toBe(200)
    expect(await flag()).toBe(false)
    const audit = await db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'licence.update'))
    expect(audit[0].detail).toMatchObject({ before: { validUntil: '2027-01-31' }, after: { validUntil: '2030-01-31' } })
  })
})
