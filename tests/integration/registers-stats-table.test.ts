import { describe, it, expect, beforeAll } from 'vitest'
import ExcelJS from 'exceljs'
import { fileUpload } from '../helpers/multipart.js'
import { useSeededApp, type Seed, type TestApp } from '../helpers/app.js'
import { consoleUser, signInAs, type Session } from '../helpers/console.js'

const ADMIN = { authorization: 'Bearer admin-token-0123456789' }

const upload = (name: string, bytes: Buffer) => fileUpload(name, bytes, ADMIN)

/** The quarterly/yearly hazard statistics table (安监总局令第16号) limited to a campaign or a zone. */
describe('the statistics table by campaign and by zone', () => {
  let t: TestApp
  let s: Seed
  let hs: Session
  let zoneId: number
  useSeededApp(
    (app, seed) => {
      t = app
      s = seed
    },
    { config: { ADMIN_TOKENS: [{ token: 'admin-token-0123456789', role: 'admin', name: '管理员' }] } },
  )
  const get = (url: string, headers: Record<string, string> = ADMIN) => t.app.http.inject({ url, headers })

  beforeAll(async () => {
    const zone = await t.app.http.inject({ method: 'POST', url: '/api/zones', headers: ADMIN, payload: { name: '凌源经济开发区', kind: 'development_zone', businessIds: [s.shop.id] } })
    zoneId = zone.json().id
    // 2025 history: Q1 and Q3, two campaigns, both townships
    const csv = [
      '状态,等级,单位,隐患描述,上报时间,销号时间,专项行动,移交部门,挂牌督办',
      '已销号,一般隐患,城关老街饭店,燃气软管老化,2025-02-01,2025-02-05,城镇燃气安全专项整治,,',
      '整改中,重大隐患,城关老街饭店,燃气管道锈蚀,2025-03-10,,城镇燃气安全专项整治,住建/燃气,局长督办',
      '已销号,一般隐患,红山羊汤馆,液化气瓶无检验标识,2025-08-02,2025-08-04,城镇燃气安全专项整治,,',
      '已销号,一般隐患,城关老街饭店,灭火器压力不足,2025-08-03,2025-08-10,冬春火灾防控,,',
      '整改中,一般隐患,红山羊汤馆,疏散通道堵塞,2025-09-01,,,,',
    ].join('\n')
    const r = await t.app.http.inject({ method: 'POST', url: '/api/import/hazards', ...upload('h.csv', Buffer.from(csv)) })
    expect(r.json()).toMatchObject({ ok: true, created: 5 })
    await consoleUser(t.database.db, 'zhaohong', { role: 'officer', personId: s.otherOfficer.id })
    hs = await signInAs(t.app.http, 'zhaohong')
  })

  it('when the year table is limited to a campaign, then it counts only that campaign’s hazards, by township, period and year to date', async () => {
    const all = (await get('/api/stats/table?period=2025&by=township')).json()
    expect(all.slice).toBeNull()
    expect(all.total.period).toMatchObject({ foundGeneral: 4, foundMajor: 1 })
    const gas = (await get(`/api/stats/table?period=2025&by=township&campaign=${encodeURIComponent('城镇燃气安全专项整治')}`)).json()
    expect(gas.slice).toEqual({ campaign: '城镇燃气安全专项整治', name: '城镇燃气安全专项整治' })
    expect(gas.total.period).toEqual({ foundGeneral: 2, foundMajor: 1, rectifiedGeneral: 2, rectifiedMajor: 0, rectificationRate: 66.7, overdue: 0, transferred: 1, listed: 1 })
    const town = gas.rows.find((r: { name: string }) => r.name === '城关街道')
    expect(town.period).toMatchObject({ foundGeneral: 1, foundMajor: 1, transferred: 1, listed: 1 })
    // the ledger with the same filter gives the same count
    const ledger = (await get(`/api/ledger?campaign=${encodeURIComponent('城镇燃气安全专项整治')}&from=2025-01-01&to=2025-12-31`)).json()
    expect(ledger.total).toBe(3)

    const q3 = (await get(`/api/stats/table?period=2025Q3&by=industry&campaign=${encodeURIComponent('城镇燃气安全专项整治')}`)).json()
    expect(q3.label).toBe('2025年第三季度')
    expect(q3.total.period).toMatchObject({ foundGeneral: 1, foundMajor: 0 })
    expect(q3.total.ytd).toMatchObject({ foundGeneral: 2, foundMajor: 1 })
  })

  it('when the table is limited to a zone, then only its member businesses count; with a campaign too, both apply', async () => {
    const zone = (await get(`/api/stats/table?period=2025&zoneId=${zoneId}`)).json()
    expect(zone.slice).toEqual({ zoneId, name: '凌源经济开发区' })
    expect(zone.total.period).toMatchObject({ foundGeneral: 2, foundMajor: 1, rectifiedGeneral: 2 })
    expect(zone.rows.find((r: { name: string }) => r.name === '红山街道').period.foundGeneral).toBe(0)
    const both = (await get(`/api/stats/table?period=2025&zoneId=${zoneId}&campaign=${encodeURIComponent('冬春火灾防控')}`)).json()
    expect(both.slice.name).toBe('凌源经济开发区·冬春火灾防控')
    expect(both.total.period).toMatchObject({ foundGeneral: 1, foundMajor: 0 })
    expect((await get('/api/stats/table?period=2025&zoneId=9999')).statusCode).toBe(404)
    expect((await get('/api/stats/table?period=2025&zoneId=abc')).statusCode).toBe(400)
  })

  it('when a township officer asks for a campaign table, then only the hazards of the township count', async () => {
    const r = await hs.call({ method: 'GET', url: `/api/stats/table?period=2025&campaign=${encodeURIComponent('城镇燃气安全专项整治')}` })
    expect(r.statusCode).toBe(200)
    expect(r.json().total.period).toMatchObject({ foundGeneral: 1, foundMajor: 0 })
    expect(r.json().rows.map((x: { name: string }) => x.name)).toEqual(['红山街道'])
  })

  it('when the campaign table is exported, then the workbook and the Word table are titled with the campaign and carry its figures', async () => {
    const q = `period=2025&campaign=${encodeURIComponent('城镇燃气安全专项整治')}`
    const x = await get(`/api/stats/table.xlsx?${q}`)
    expect(x.statusCode).toBe(200)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer)
    const ws = wb.worksheets[0]
    expect(String(ws.getCell(1, 1).value)).toBe('商务领域安全生产隐患排查治理统计表（2025年·城镇燃气安全专项整治）')
    const total = ws.getRow(ws.rowCount - 2)
    expect(total.getCell(1).value).toBe('合计')
    expect([total.getCell(2).value, total.getCell(3).value]).toEqual([2, 1])
    const d = await get(`/api/stats/table.docx?${q}`)
    expect(d.statusCode).toBe(200)
    expect(decodeURIComponent(String(d.headers['content-disposition']))).toContain('城镇燃气安全专项整治')
  })
})
