import { describe, it, expect, beforeAll } from 'vitest'
import { eq, like } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { useSeededApp, type Seed, type TestApp } from '../helpers/app.js'
import { consoleUser, signInAs, type Session } from '../helpers/console.js'

const ADMIN = { authorization: 'Bearer admin-token-0123456789' }

/** 三(三): the bureau records accidents; 较大+ or a recorded refusal to rectify excludes the business by itself, and a correction or deletion lifts it. */
describe('accidents and the automatic exclusion list', () => {
  let t: TestApp
  let s: Seed
  let cg: Session
  useSeededApp(
    (app, seed) => {
      t = app
      s = seed
    },
    { config: { ADMIN_TOKENS: [{ token: 'admin-token-0123456789', role: 'admin', name: '管理员' }] } },
  )
  const api = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) => t.app.http.inject({ method, url, headers: ADMIN, payload: payload as object })
  const exclusions = async () => (await api('GET', '/api/policy-exclusions')).json() as { businessId: number; reason: string; source: string; active: boolean; liftedOn: string | null }[]
  const base = () => ({ businessId: s.shop.id, occurredOn: '2026-10-08', description: '后厨燃气泄漏引发火灾，2人受伤', sourceDepartment: '市应急管理局', sourceDocument: '凌应急罚〔2026〕12号' })

  beforeAll(async () => {
    await consoleUser(t.database.db, 'liming', { role: 'officer', personId: s.officer.id })
    cg = await signInAs(t.app.http, 'liming')
  })

  it('when a 一般 accident is recorded, then it is listed but excludes nobody', async () => {
    const r = await api('POST', '/api/accidents', { ...base(), level: 'general' })
    expect(r.statusCode).toBe(201)
    expect(r.json()).toMatchObject({ level: 'general', exclusionId: null })
    expect(await exclusions()).toEqual([])
  })

  it('when a 较大 accident is recorded, then the business is on the exclusion list with its source, audited, and flagged among candidates', async () => {
    const r = await api('POST', '/api/accidents', { ...base(), level: 'larger' })
    expect(r.statusCode).toBe(201)
    expect(r.json().exclusionId).toEqual(expect.any(Number))
    const list = await exclusions()
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({ businessId: s.shop.id, reason: 'larger_accident', source: '市应急管理局 凌应急罚〔2026〕12号', active: true })
    const cand = (await api('GET', '/api/commendations/candidates')).json() as { businessId: number; excluded: boolean }[]
    expect(cand.find((c) => c.businessId === s.shop.id)?.excluded).toBe(true)
    const audit = await t.database.db.select().from(schema.auditLog).where(like(schema.auditLog.action, 'exclusion.auto%'))
    expect(audit.map((a) => a.action)).toEqual(['exclusion.auto_record'])
  })

  it('when the 较大 accident is corrected to 一般, then the automatic entry is lifted (audited); corrected back, a new entry is in force', async () => {
    const id = (await api('GET', '/api/accidents')).json().find((a: { level: string }) => a.level === 'larger').id
    const down = await api('PUT', `/api/accidents/${id}`, { ...base(), level: 'general' })
    expect(down.statusCode).toBe(200)
    expect(down.json().exclusionId).toBeNull()
    expect((await exclusions()).map((e) => ({ active: e.active, liftedOn: e.liftedOn }))).toEqual([{ active: false, liftedOn: '2026-11-20' }])
    const refused = await api('PUT', `/api/accidents/${id}`, { ...base(), level: 'general', refusedRectification: true })
    expect(refused.json().exclusionId).toEqual(expect.any(Number))
    expect((await exclusions()).filter((e) => e.active).map((e) => e.reason)).toEqual(['refused_rectification'])
    const actions = (await t.database.db.select().from(schema.auditLog).where(like(schema.auditLog.action, 'exclusion.auto%'))).map((a) => a.action)
    expect(actions).toEqual(['exclusion.auto_record', 'exclusion.auto_lift', 'exclusion.auto_record'])
  })

  it('when the accident record is deleted, then its entry is lifted and the record leaves the list', async () => {
    const id = (await api('GET', '/api/accidents')).json().find((a: { excludes: boolean }) => a.excludes).id
    expect((await api('DELETE', `/api/accidents/${id}`, {})).statusCode).toBe(400)
    const r = await api('DELETE', `/api/accidents/${id}`, { why: '录入错误，系他单位事故' })
    expect(r.statusCode).toBe(200)
    expect((await exclusions()).filter((e) => e.active)).toEqual([])
    expect((await api('GET', '/api/accidents')).json()).toHaveLength(1)
    const [row] = await t.database.db.select().from(schema.accidents).where(eq(schema.accidents.id, id))
    expect(row.deletedAt).not.toBeNull()
  })

  it("when an officer records an accident of another township's business, or a future date, then it is refused", async () => {
    const other = await cg.call({ method: 'POST', url: '/api/accidents', payload: { ...base(), businessId: s.other.id, level: 'larger' } })
    expect(other.statusCode).toBe(403)
    const future = await cg.call({ method: 'POST', url: '/api/accidents', payload: { ...base(), level: 'general', occurredOn: '2026-12-25' } })
    expect(future.json().message).toBe('事故日期不能晚于今天')
    const bad = await cg.call({ method: 'POST', url: '/api/accidents', payload: { ...base(), level: '大' } })
    expect(bad.statusCode).toBe(400)
    expect((await cg.call({ method: 'POST', url: '/api/accidents', payload: { ...base(), level: 'major' } })).statusCode).toBe(201)
    // 城关's officer sees 城关's records only
    const mine = (await cg.call({ url: '/api/accidents' })).json() as { businessId: number }[]
    expect(mine.every((a) => a.businessId === s.shop.id)).toBe(true)
  })
})
