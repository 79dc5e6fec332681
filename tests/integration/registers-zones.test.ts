import { describe, it, expect, beforeAll } from 'vitest'
import ExcelJS from 'exceljs'
import { schema } from '../../db/client.js'
import { useSeededApp, reportCode, type Seed, type TestApp } from '../helpers/app.js'
import { consoleUser, signInAs, type Session } from '../helpers/console.js'

const ADMIN = { authorization: 'Bearer admin-token-0123456789' }

/** 方案 2: zones and bases with their member businesses; ledger and overview filter by them; the assessment record, exportable. */
describe('zones and bases', () => {
  let t: TestApp
  let s: Seed
  let hs: Session // officer of 红山街道
  let zoneId: number
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

  it('when the bureau records a zone with members, then it is listed; an officer may not put another township’s business in', async () => {
    const body = { name: '凌源经济开发区', kind: 'development_zone', businessIds: [s.shop.id] }
    expect((await hs.call({ method: 'POST', url: '/api/zones', payload: { ...body, townshipId: s.town2.id } })).statusCode).toBe(403)
    const r = await api('POST', '/api/zones', body)
    expect(r.statusCode).toBe(201)
    zoneId = r.json().id
    expect((await api('POST', '/api/zones', body)).statusCode).toBe(409)
    expect((await api('GET', '/api/zones')).json()).toMatchObject([{ name: '凌源经济开发区', kindLabel: '经济开发区', members: 1 }])
  })

  it('when hazards, an accident, a drill and a self-check are recorded, then the ledger, the overview and the zone record count only its members', async () => {
    const a = await reportCode(t, 'owner', s.group, '#隐患 后厨燃气软管老化')
    await reportCode(t, 'owner', s.group, '#隐患 安全出口堵塞 重大')
    await reportCode(t, 'other-owner', s.group, '#隐患 灭火器过期')
    await t.say('officer', s.group, `#受理 ${a} 3天`)
    expect((await api('POST', '/api/accidents', { businessId: s.shop.id, occurredOn: '2026-05-01', level: 'general', description: '员工烫伤', sourceDepartment: '市应急管理局', sourceDocument: '凌应急〔2026〕5号' })).statusCode).toBe(201)
    expect((await api('POST', '/api/drills', { businessId: s.shop.id, kind: '疏散演练', heldOn: '2026-06-10', participants: 10 })).statusCode).toBe(201)
    await t.database.db.insert(schema.selfChecks).values({ businessId: s.shop.id, checklistKey: 'catering-gas', title: '燃气自查', items: ['a'], answers: { 1: true }, status: 'done', startedAt: new Date('2026-09-01T02:00:00Z'), completedAt: new Date('2026-09-01T02:10:00Z') })
    // the deadline passes
    t.clock.set(new Date('2026-11-25T02:00:00Z'))

    expect((await api('GET', `/api/ledger?zoneId=${zoneId}`)).json().total).toBe(2)
    expect((await api('GET', '/api/ledger')).json().total).toBe(3)
    const ov = (await api('GET', `/api/stats/overview?zoneId=${zoneId}`)).json()
    expect(ov).toMatchObject({ total: 2, open: 2, major: 1, overdue: 1, slice: { zoneId } })

    const rec = (await api('GET', `/api/zones/${zoneId}/record?from=2026-01-01&to=2026-12-31`)).json()
    expect(rec.totals).toEqual({ businesses: 1, foundGeneral: 1, foundMajor: 1, closed: 0, overdue: 1, accidents: 1, largerAccidents: 0, selfCheckCoverage: 100, trainingCoverage: 0, drillCoverage: 100 })
    expect(rec.members[0]).toMatchObject({ name: '城关老街饭店', drills: 1, selfChecks: 1, trained: false })
  })

  it('when the zone record is exported, then the workbook carries the same figures and the export is audited', async () => {
    const r = await api('GET', `/api/zones/${zoneId}/record.xlsx?from=2026-01-01&to=2026-12-31`)
    expect(r.statusCode).toBe(200)
    expect(decodeURIComponent(String(r.headers['content-disposition']))).toContain('凌源经济开发区安全生产情况-2026-01-01至2026-12-31.xlsx')
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer)
    const sum = wb.getWorksheet('汇总')!
    const value = (label: string) => sum.getRows(1, sum.rowCount)!.find((row) => row.getCell(1).value === label)?.getCell(2).value
    expect([value('发现一般隐患'), value('发现重大隐患'), value('当前逾期未整改'), value('应急演练覆盖率')]).toEqual([1, 1, 1, '100%'])
    const members = wb.getWorksheet('成员单位')!
    expect(members.getRow(2).values).toEqual([undefined, '城关老街饭店', '餐饮', 1, 1, 0, 1, 1, 0, 1, '否', 1, '否'])
    const logged = (await t.database.db.select().from(schema.auditLog)).filter((a) => a.action === 'zone.export')
    expect(logged).toHaveLength(1)
  })

  it('when members change, then added and removed businesses are audited and the record follows', async () => {
    const r = await api('PUT', `/api/zones/${zoneId}`, { name: '凌源经济开发区', kind: 'development_zone', businessIds: [s.other.id] })
    expect(r.statusCode).toBe(200)
    expect((await api('GET', `/api/ledger?zoneId=${zoneId}`)).json().total).toBe(1)
    const logged = (await t.database.db.select().from(schema.auditLog)).find((a) => a.action === 'zone.update')
    expect(logged?.detail).toMatchObject({ added: [s.other.id], removed: [s.shop.id] })
    expect((await api('GET', `/api/zones/${zoneId}/record?from=2026-12-31&to=2026-01-01`)).json().message).toBe('起始日期不能晚于截止日期')
  })
})
