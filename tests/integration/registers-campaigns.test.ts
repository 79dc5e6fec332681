import { describe, it, expect, beforeAll } from 'vitest'
import { eq } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { useSeededApp, reportCode, withoutMentions, type Seed, type TestApp } from '../helpers/app.js'
import { consoleUser, signInAs, type Session } from '../helpers/console.js'

const ADMIN = { authorization: 'Bearer admin-token-0123456789' }

/** 专项行动: the bureau defines one, chat reports and inspections tag hazards, the ledger, overview and exports filter by it. */
describe('campaigns (专项行动)', () => {
  let t: TestApp
  let s: Seed
  let cg: Session // officer of 城关街道
  let campaignId: number
  useSeededApp(
    (app, seed) => {
      t = app
      s = seed
    },
    { config: { ADMIN_TOKENS: [{ token: 'admin-token-0123456789', role: 'admin', name: '管理员' }] } },
  )
  const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => t.app.http.inject({ method, url, headers: ADMIN, payload: payload as object })
  const hazard = async (code: string) => (await t.database.db.select().from(schema.hazards).where(eq(schema.hazards.code, code)))[0]

  beforeAll(async () => {
    await consoleUser(t.database.db, 'liming', { role: 'officer', personId: s.officer.id })
    cg = await signInAs(t.app.http, 'liming')
  })

  it('when the bureau defines a campaign, then it is listed; a township officer may not define one (a city-wide record)', async () => {
    const body = { name: '城镇燃气安全专项整治', shortName: '燃气', startsOn: '2026-06-01', endsOn: '2026-12-31', industries: ['catering'], categories: ['gas'] }
    const refused = await cg.call({ method: 'POST', url: '/api/campaigns', payload: body })
    expect(refused.statusCode).toBe(403)
    const made = await api('POST', '/api/campaigns', body)
    expect(made.statusCode).toBe(201)
    campaignId = made.json().id
    expect((await api('POST', '/api/campaigns', { ...body, name: '另一个专项' })).statusCode).toBe(409)
    expect((await api('POST', '/api/campaigns', { ...body, name: '坏日期', shortName: '坏', endsOn: '2026-01-01' })).json().message).toContain('结束日期不能早于开始日期')
    expect((await api('GET', '/api/campaigns')).json().map((c: { shortName: string }) => c.shortName)).toEqual(['燃气'])
    const logged = await t.database.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'campaign.create'))
    expect(logged).toHaveLength(1)
  })

  it('when an owner reports with 专项:燃气, then the hazard carries the campaign and the reply names it', async () => {
    const code = await reportCode(t, 'owner', s.group, '#隐患 气瓶间没有燃气报警器 专项:燃气')
    expect(withoutMentions(t.transcript(s.group).filter((e) => e.bot).at(-1)?.text)).toContain('专项：城镇燃气安全专项整治')
    const h = await hazard(code)
    expect(h.campaign).toBe('城镇燃气安全专项整治')
    expect(h.description).toBe('气瓶间没有燃气报警器')
  })

  it('when a report names an unknown campaign, then it is still filed, untagged, and the reply lists the campaigns', async () => {
    const code = await reportCode(t, 'owner', s.group, '#隐患 灭火器过期 专项:防汛')
    expect(t.transcript(s.group).filter((e) => e.bot).at(-1)?.text).toContain('没有找到专项“防汛”，未标记（现有专项：燃气）')
    expect((await hazard(code)).campaign).toBeNull()
  })

  it("when an inspection of the campaign records hazards, then they are tagged by themselves", async () => {
    const code = await reportCode(t, 'officer', s.group, '#隐患 后厨液化气钢瓶未固定')
    expect((await hazard(code)).campaign).toBeNull()
    const plan = await api('POST', '/api/inspections', { plannedOn: '2026-11-25', theme: '燃气专项检查', businessIds: [s.shop.id], campaignId })
    expect(plan.statusCode).toBe(201)
    const rec = await api('POST', `/api/inspections/${plan.json().id}/record`, { doneOn: '2026-11-25', hazardCodes: [code] })
    expect(rec.statusCode).toBe(200)
    expect(rec.json().campaignTagged).toBe(1)
    expect((await hazard(code)).campaign).toBe('城镇燃气安全专项整治')
  })

  it('when the ledger, overview, statistics and export are asked for the campaign, then only its hazards count', async () => {
    const name = encodeURIComponent('城镇燃气安全专项整治')
    const ledger = (await api('GET', `/api/ledger?campaign=${name}`)).json()
    expect(ledger.total).toBe(2)
    const all = (await api('GET', '/api/ledger')).json()
    expect(all.total).toBe(3)
    const ov = (await api('GET', `/api/stats/overview?campaign=${name}`)).json()
    expect(ov).toMatchObject({ total: 2, open: 2, slice: { campaign: '城镇燃气安全专项整治' } })
    expect(ov.byCategory.map((c: { key: string }) => c.key)).toEqual(['gas'])
    const st = (await api('GET', `/api/campaigns/${campaignId}/stats`)).json()
    expect(st).toMatchObject({ inspections: 1, figures: { total: 2, open: 2, closed: 0 } })
    const csv = (await api('GET', `/api/ledger/export.csv?campaign=${name}`)).body
    expect(csv.trim().split('\n')).toHaveLength(3)
    expect(csv).toContain('城镇燃气安全专项整治')
    expect(csv).not.toContain('灭火器过期')
  })

  it('when a campaign is renamed, then its hazards follow the new name', async () => {
    const r = await api('PUT', `/api/campaigns/${campaignId}`, { name: '燃气和醇基燃料安全整治', shortName: '燃气', startsOn: '2026-06-01', endsOn: '2026-12-31' })
    expect(r.statusCode).toBe(200)
    expect((await api('GET', `/api/ledger?campaign=${encodeURIComponent('燃气和醇基燃料安全整治')}`)).json().total).toBe(2)
  })
})
