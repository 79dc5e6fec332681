import { describe, it, expect, beforeAll } from 'vitest'
import { schema } from '../../db/client.js'
import { useSeededApp, type Seed, type TestApp } from '../helpers/app.js'
import { consoleUser, signInAs, type Session } from '../helpers/console.js'

const ADMIN = { authorization: 'Bearer admin-token-0123456789' }

/** 方案 3 (safety requirements in industrial policy) and 方案 12 (publicity): each has its register. */
describe('policy measures and publicity', () => {
  let t: TestApp
  let s: Seed
  let hs: Session // officer of 红山街道
  useSeededApp(
    (app, seed) => {
      t = app
      s = seed
    },
    { config: { ADMIN_TOKENS: [{ token: 'admin-token-0123456789', role: 'admin', name: '管理员' }] } },
  )
  const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => t.app.http.inject({ method, url, headers: ADMIN, payload: payload as object })
  beforeAll(async () => {
    await consoleUser(t.database.db, 'zhaohong', { role: 'officer', personId: s.otherOfficer.id })
    hs = await signInAs(t.app.http, 'zhaohong')
  })

  const brand = (businessId: number, outcome: 'supported' | 'refused', extra: object = {}) => ({
    programme: 'time_honoured_brand',
    title: '2026年老字号示范创建',
    businessId,
    safetyRequirement: '近三年未发生生产安全事故，全员安全生产责任制已核验',
    document: '凌商发〔2026〕3号',
    decidedOn: '2026-10-15',
    outcome,
    ...extra,
  })

  it('when a measure supports a business, then it is recorded with its safety requirement; an officer may record only for businesses of the township', async () => {
    const r = await api('POST', '/api/policy-supports', brand(s.other.id, 'supported'))
    expect(r.statusCode).toBe(201)
    expect(r.json()).toMatchObject({ outcome: 'supported', recordedBy: '管理员' })
    expect((await hs.call({ method: 'POST', url: '/api/policy-supports', payload: brand(s.shop.id, 'supported') })).statusCode).toBe(403)
    const mine = await hs.call({ method: 'POST', url: '/api/policy-supports', payload: brand(s.other.id, 'supported', { programme: 'catering_quality', title: '餐饮业高质量发展示范店' }) })
    expect(mine.statusCode).toBe(201)
    // the officer of 红山街道 sees only its businesses' measures
    const list = (await hs.call({ method: 'GET', url: '/api/policy-supports' })).json()
    expect(list.map((x: { businessName: string }) => x.businessName)).toEqual(['红山羊汤馆', '红山羊汤馆'])
    expect(list[0]).toMatchObject({ programmeLabel: expect.any(String), responsibility: 'not_started', excludedNow: null })
    const bad = await api('POST', '/api/policy-supports', brand(s.other.id, 'refused'))
    expect(bad.statusCode).toBe(400)
    expect(bad.json().message).toBe('不予支持的，请写明原因')
    const badProgramme = await api('POST', '/api/policy-supports', brand(s.other.id, 'supported', { programme: 'lottery' }))
    expect(badProgramme.statusCode).toBe(400)
    expect(JSON.stringify(badProgramme.json().details)).toContain('老字号示范创建')
  })

  it('when a business had a larger accident, then it cannot be recorded as supported (三(三)), only as refused, and an earlier support is flagged', async () => {
    const before = await api('POST', '/api/policy-supports', brand(s.shop.id, 'supported', { decidedOn: '2026-03-01' }))
    expect(before.statusCode).toBe(201)
    const acc = await api('POST', '/api/accidents', { businessId: s.shop.id, occurredOn: '2026-05-01', level: 'larger', description: '燃气爆炸致3人死亡', sourceDepartment: '市应急管理局', sourceDocument: '凌应急罚〔2026〕9号' })
    expect(acc.statusCode).toBe(201)
    const excluded = (await t.database.db.select().from(schema.policyExclusions)).find((e) => e.businessId === s.shop.id)!
    const r = await api('POST', '/api/policy-supports', brand(s.shop.id, 'supported', { decidedOn: excluded.decidedOn }))
    expect(r.statusCode).toBe(409)
    expect(r.json().message).toContain('在不再给予政策支持名单上')
    expect(r.json().message).toContain('凌应急罚〔2026〕9号')
    const refused = await api('POST', '/api/policy-supports', brand(s.shop.id, 'refused', { decidedOn: excluded.decidedOn, reason: '发生较大事故，不予支持' }))
    expect(refused.statusCode).toBe(201)
    const list = (await api('GET', '/api/policy-supports?programme=time_honoured_brand')).json()
    const earlier = list.find((x: { id: number }) => x.id === before.json().id)
    expect(earlier.excludedNow).toContain('发生较大及以上安全生产事故')
    // a correction of the earlier support is refused too while the entry is in force
    expect((await api('PUT', `/api/policy-supports/${before.json().id}`, brand(s.shop.id, 'supported', { decidedOn: '2026-11-01' }))).statusCode).toBe(409)
    const figures = (await api('GET', '/api/policy-supports/figures')).json()
    expect(figures).toContainEqual({ programme: 'time_honoured_brand', label: '老字号示范创建', year: 2026, supported: 2, refused: 1 })
    const audit = (await t.database.db.select().from(schema.auditLog)).filter((a) => a.action === 'policy_support.record')
    expect(audit).toHaveLength(4)
  })

  const month = (extra: object = {}) => ({
    kind: 'safety_month',
    title: '2026年“安全生产月”商业街区宣传',
    heldOn: '2026-06-16',
    organiser: '市商务局',
    place: '红山步行街',
    forms: ['大屏滚动', '横幅'],
    reach: 300,
    ...extra,
  })

  it('when publicity is recorded, then the year’s summary counts it by kind, reach and 五进; officers record only in their township, city-wide ones only the bureau', async () => {
    expect((await api('POST', '/api/publicity', month())).statusCode).toBe(201)
    expect((await hs.call({ method: 'POST', url: '/api/publicity', payload: month() })).statusCode).toBe(403)
    expect((await hs.call({ method: 'POST', url: '/api/publicity', payload: month({ townshipId: s.town.id }) })).statusCode).toBe(403)
    const five = await hs.call({ method: 'POST', url: '/api/publicity', payload: month({ kind: 'five_into', title: '安全宣传进社区', townshipId: s.town2.id, forms: ['进社区', '进家庭'], reach: 120 }) })
    expect(five.statusCode).toBe(201)
    const shop = await api('POST', '/api/publicity', month({ kind: 'warning_education', title: '燃气事故警示教育', businessId: s.shop.id, organiser: '城关老街饭店', forms: ['讲座'], reach: 15 }))
    expect(shop.statusCode).toBe(201)
    expect(shop.json().townshipId).toBe(s.town.id)
    const bad = await api('POST', '/api/publicity', month({ forms: ['跳舞'] }))
    expect(bad.statusCode).toBe(400)
    expect(bad.json().message).toContain('形式“跳舞”不对')
    expect((await api('POST', '/api/publicity', month({ heldOn: '2027-01-01' }))).json().message).toBe('活动日期不能晚于今天')

    const sum = (await api('GET', '/api/publicity/summary?year=2026')).json()
    expect(sum).toMatchObject({ year: 2026, activities: 3, reach: 435, safetyMonth: 1 })
    expect(sum.byKind.find((k: { kind: string }) => k.kind === 'five_into')).toMatchObject({ activities: 1, reach: 120 })
    expect(sum.fiveInto.filter((f: { activities: number }) => f.activities).map((f: { form: string }) => f.form)).toEqual(['进社区', '进家庭'])
    // the officer of 红山街道 reads the city-wide activity and its own, not 城关街道's
    const theirs = (await hs.call({ method: 'GET', url: '/api/publicity' })).json()
    expect(theirs.map((a: { title: string }) => a.title).sort()).toEqual(['2026年“安全生产月”商业街区宣传', '安全宣传进社区'].sort())
    // corrections: the officer may correct its own township's record, not another's
    expect((await hs.call({ method: 'PUT', url: `/api/publicity/${five.json().id}`, payload: month({ kind: 'five_into', title: '安全宣传进社区', townshipId: s.town2.id, forms: ['进社区'], reach: 150 }) })).statusCode).toBe(200)
    expect((await hs.call({ method: 'PUT', url: `/api/publicity/${shop.json().id}`, payload: month({ townshipId: s.town2.id }) })).statusCode).toBe(403)
    const audit = (await t.database.db.select().from(schema.auditLog)).filter((a) => a.action.startsWith('publicity.'))
    expect(audit.map((a) => a.action)).toEqual(['publicity.record', 'publicity.record', 'publicity.record', 'publicity.update'])
  })
})
