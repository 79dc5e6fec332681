import { describe, it, expect, beforeAll } from 'vitest'
import { eq } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { useSeededApp, type Seed, type TestApp } from '../helpers/app.js'
import { consoleUser, signInAs, type Session } from '../helpers/console.js'
import { storeAttachment } from '../../src/services/attachments.js'

const ADMIN = { authorization: 'Bearer admin-token-0123456789' }
const pdf = (s: string) => ({ name: `${s}.pdf`, mime: 'application/pdf', base64: Buffer.from(`%PDF ${s}`).toString('base64') })

/**
 * The programme API keeps to the caller's township as the ledger does: an officer of 城关街道 lists only
 * 城关's businesses and cannot change a record of 红山街道's, nor a record of the whole city.
 */
describe('programme API: an officer reaches only the businesses of the township', () => {
  let t: TestApp
  let s: Seed
  let cg: Session // 李明, officer of 城关街道
  let hs: Session // 赵红, officer of 红山街道
  let viewer: Session
  useSeededApp(
    (app, seed) => {
      t = app
      s = seed
    },
    { config: { ADMIN_TOKENS: [{ token: 'admin-token-0123456789', role: 'admin', name: '管理员' }] } },
  )

  beforeAll(async () => {
    const db = t.database.db
    await consoleUser(db, 'liming', { role: 'officer', personId: s.officer.id })
    await consoleUser(db, 'zhaohong', { role: 'officer', personId: s.otherOfficer.id })
    await consoleUser(db, 'chakan', { role: 'viewer', name: '只读员' })
    cg = await signInAs(t.app.http, 'liming')
    hs = await signInAs(t.app.http, 'zhaohong')
    viewer = await signInAs(t.app.http, 'chakan')
  })

  const names = (list: { name?: string; businessName?: string }[]) => list.map((x) => x.name ?? x.businessName)

  it('when an officer lists programme records, then only the businesses of the township show', async () => {
    const get = async (who: Session, url: string) => {
      const r = await who.call({ url })
      expect(r.statusCode).toBe(200)
      return r.json()
    }
    expect(names(await get(cg, '/api/responsibility'))).toEqual(['城关老街饭店'])
    expect(names(await get(hs, '/api/responsibility'))).toEqual(['红山羊汤馆'])
    expect((await get(cg, '/api/responsibility/coverage')).byTownship.map((x: { township: string }) => x.township)).toEqual(['城关街道'])
    expect(names(await get(cg, '/api/selfchecks/missing'))).toEqual(['城关老街饭店'])
    expect(names(await get(cg, '/api/commendations/candidates'))).toEqual(['城关老街饭店'])
    expect((await get(cg, '/api/gas-conversions')).list.map((x: { name: string }) => x.name)).toEqual(['城关老街饭店'])
    // the viewer reads the whole city
    expect(names(await get(viewer, '/api/responsibility'))).toEqual(['城关老街饭店', '红山羊汤馆'])
    // training coverage counts the township's officials only
    const cov = await get(cg, '/api/trainings/coverage?year=2026')
    expect(cov.officials.total).toBe(1)
    expect(cov.officials.missing.map((p: { name: string }) => p.name)).toEqual(['李明'])
  })

  it("when an officer changes another township's business, then it is refused with 403 and nothing changes", async () => {
    const gas = { fuel: 'bottled_lpg', plan: 'bottle_to_pipe', status: 'in_progress' }
    const refused = await cg.call({ method: 'PUT', url: `/api/gas-conversions/${s.other.id}`, payload: gas })
    expect(refused.statusCode).toBe(403)
    expect(refused.json().message).toContain('不在您负责的范围内')
    expect(await t.database.db.select().from(schema.gasConversions).where(eq(schema.gasConversions.businessId, s.other.id))).toEqual([])
    expect((await cg.call({ method: 'PUT', url: `/api/gas-conversions/${s.shop.id}`, payload: gas })).statusCode).toBe(200)

    const exclusion = { reason: 'refused_rectification', detail: '拒不整改', source: '市应急管理局 凌应急罚〔2026〕3号', decidedOn: '2026-10-01' }
    expect((await cg.call({ method: 'POST', url: '/api/policy-exclusions', payload: { businessId: s.other.id, ...exclusion } })).statusCode).toBe(403)
    const made = await hs.call({ method: 'POST', url: '/api/policy-exclusions', payload: { businessId: s.other.id, ...exclusion } })
    expect(made.statusCode).toBe(201)
    // 城关's officer neither sees it nor lifts it
    expect((await cg.call({ url: '/api/policy-exclusions' })).json()).toEqual([])
    expect((await hs.call({ url: '/api/policy-exclusions' })).json()).toHaveLength(1)
    expect((await cg.call({ method: 'POST', url: `/api/policy-exclusions/${made.json().id}/lift`, payload: { liftedOn: '2026-11-01' } })).statusCode).toBe(403)
    expect((await hs.call({ method: 'POST', url: `/api/policy-exclusions/${made.json().id}/lift`, payload: { liftedOn: '2026-11-01' } })).statusCode).toBe(200)

    // the responsibility system of 红山's business: only 红山's officer may verify it
    await t.database.db.insert(schema.responsibilitySystems).values({ businessId: s.other.id, status: 'revised', submittedAt: t.clock.now() })
    const verify = await cg.call({ method: 'POST', url: `/api/responsibility/${s.other.id}/verify`, payload: {} })
    expect(verify.statusCode).toBe(403)
    expect(verify.json().message).toBe('这不在您负责的范围内')
    expect((await hs.call({ method: 'POST', url: `/api/responsibility/${s.other.id}/verify`, payload: {} })).statusCode).toBe(200)
  })

  it('when officers plan inspections, then each keeps to the businesses of the township and the whole city is the bureau’s', async () => {
    const plan = (who: Session, businessIds: number[]) => who.call({ method: 'POST', url: '/api/inspections', payload: { plannedOn: '2026-11-10', theme: '燃气专项检查', businessIds } })
    expect((await plan(cg, [s.other.id])).statusCode).toBe(403)
    expect((await plan(cg, [s.shop.id, s.other.id])).statusCode).toBe(403)
    const cityWide = await plan(cg, [])
    expect(cityWide.statusCode).toBe(403)
    expect(cityWide.json().message).toContain('全市')
    const mine = await plan(cg, [s.shop.id])
    expect(mine.statusCode).toBe(201)
    // recording it with a business of the other township is refused too
    expect((await cg.call({ method: 'POST', url: `/api/inspections/${mine.json().id}/record`, payload: { doneOn: '2026-11-12', businessIds: [s.other.id] } })).statusCode).toBe(403)
    expect((await hs.call({ method: 'POST', url: `/api/inspections/${mine.json().id}/record`, payload: { doneOn: '2026-11-12' } })).statusCode).toBe(403)
    expect((await cg.call({ method: 'POST', url: `/api/inspections/${mine.json().id}/record`, payload: { doneOn: '2026-11-12' } })).statusCode).toBe(200)
    expect((await t.app.http.inject({ method: 'POST', url: '/api/inspections', headers: ADMIN, payload: { plannedOn: '2026-11-20', theme: '全市联合检查', departments: ['消防'] } })).statusCode).toBe(201)
    const themes = async (who: Session) => (await who.call({ url: '/api/inspections?year=2026' })).json().inspections.map((i: { theme: string }) => i.theme)
    expect(await themes(cg)).toEqual(['燃气专项检查', '全市联合检查'])
    expect(await themes(hs)).toEqual(['全市联合检查'])
  })

  it('when a township officer files a record of the whole city or a training for another township, then it is refused', async () => {
    const milestone = await cg.call({ method: 'POST', url: '/api/plan/milestones', payload: { targetKey: 'four_into', year: 2026, achievedOn: '2026-11-01', title: '“四进”总结', evidence: pdf('总结') } })
    expect(milestone.statusCode).toBe(403)
    expect(milestone.json().message).toContain('全市')
    const exhibition = await cg.call({ method: 'POST', url: '/api/exhibitions', payload: { name: '年货博览会', organiser: '会展公司', startsOn: '2026-12-20', endsOn: '2026-12-25' } })
    expect(exhibition.statusCode).toBe(403)

    const training = { topic: '燃气安全培训', startsAt: '2026-12-01T09:00:00+08:00', endsAt: '2026-12-01T11:00:00+08:00', place: '街道会议室', audience: 'all' }
    const other = await cg.call({ method: 'POST', url: '/api/trainings', payload: { ...training, targetTownships: ['红山街道'] } })
    expect(other.statusCode).toBe(403)
    expect(other.json().message).toContain('红山街道不在您负责的范围内')
    // no township named: the officer's own
    const own = await cg.call({ method: 'POST', url: '/api/trainings', payload: training })
    expect(own.statusCode).toBe(201)
    expect(own.json().targetTownshipIds).toEqual([s.town.id])
    expect((await cg.call({ url: '/api/trainings' })).json().map((x: { topic: string }) => x.topic)).toEqual(['燃气安全培训'])
    expect((await hs.call({ url: '/api/trainings' })).json()).toEqual([])
  })

  it('when the plan targets are read, then counted targets count the caller’s reach and milestones stay the city’s', async () => {
    const targets = async (who: Session) => {
      const r = await who.call({ url: '/api/plan/targets?at=2026-11-28' })
      expect(r.statusCode).toBe(200)
      return Object.fromEntries(r.json().targets.map((x: { key: string }) => [x.key, x]))
    }
    const mine = await targets(cg)
    expect(mine['responsibility.others']).toMatchObject({ required: 1, done: 0, scope: 'reach' })
    expect(mine['joint_mechanism.2026'].scope).toBe('city')
    // 红山's business was verified in this suite, in 2026: after the 2025 deadline, so still not done in time
    expect((await targets(viewer))['responsibility.others']).toMatchObject({ required: 2, done: 0, status: 'missed' })
  })

  it('when the programme API is called without a session, with the wrong role or without the CSRF token, then it answers 401, 403', async () => {
    const h = t.app.http
    for (const url of ['/api/plan/targets', '/api/plan/milestones', '/api/inspections', '/api/trainings', '/api/responsibility', '/api/selfchecks']) {
      expect((await h.inject({ url })).statusCode).toBe(401)
    }
    const body = { targetKey: 'four_into', year: 2026, achievedOn: '2026-11-01', title: '“四进”总结', evidence: pdf('总结') }
    const asViewer = await viewer.call({ method: 'POST', url: '/api/plan/milestones', payload: body })
    expect(asViewer.statusCode).toBe(403)
    expect(asViewer.json().message).toBe('只读用户不能执行这个操作')
    const admin = await signInAs(h, 'liming')
    const noCsrf = await admin.call({ method: 'PUT', url: `/api/gas-conversions/${s.shop.id}`, payload: { fuel: 'electric' }, csrf: false })
    expect(noCsrf.statusCode).toBe(403)
    expect(noCsrf.json().error).toBe('csrf')
  })

  it("when programme files are fetched, then an officer gets the city's milestone evidence and the township's responsibility files only", async () => {
    const db = t.database.db
    const file = (x: string) => storeAttachment(db, Buffer.from(`%PDF ${x}`), 'application/pdf')
    const evidence = await file('联合检查机制建立文件')
    await db.insert(schema.planMilestones).values({ targetKey: 'joint_mechanism', year: 2026, achievedOn: '2026-03-01', title: '联合检查格局', evidenceSha256: evidence, recordedBy: '管理员' })
    const own = await file('城关老街饭店责任制')
    const others = await file('红山羊汤馆责任制')
    await db.insert(schema.responsibilitySystems).values({ businessId: s.shop.id, status: 'revised', attachmentSha256: own }).onConflictDoUpdate({ target: schema.responsibilitySystems.businessId, set: { attachmentSha256: own } })
    await db.insert(schema.responsibilitySystems).values({ businessId: s.other.id, status: 'revised', attachmentSha256: others }).onConflictDoUpdate({ target: schema.responsibilitySystems.businessId, set: { attachmentSha256: others } })
    const status = async (who: Session, sha: string) => (await who.call({ url: `/api/attachments/${sha}` })).statusCode
    expect(await status(cg, evidence)).toBe(200)
    expect(await status(cg, own)).toBe(200)
    expect(await status(cg, others)).toBe(403)
    expect(await status(hs, others)).toBe(200)
    expect(await status(viewer, others)).toBe(200)
    expect((await t.app.http.inject({ url: `/api/attachments/${others}` })).statusCode).toBe(401)
  })
})
