import fs from 'node:fs'
import path from 'node:path'
import { describe, it, expect } from 'vitest'
import { eq } from 'drizzle-orm'
import ExcelJS from 'exceljs'
import { schema } from '../../db/client.js'
import type { Actor } from '../../src/core/permissions.js'
import { ledgerPage, ledgerPageSchema, ledgerRows, ledgerFilterSchema } from '../../src/services/ledger.js'
import { overview, statsTable } from '../../src/services/stats.js'
import { LEDGER_HEADERS } from '../../src/services/exports.js'
import { weeklyChartData } from '../../src/services/charts.js'
import { useSeededApp, type Seed, type TestApp } from '../helpers/app.js'
import { seedLedger } from '../helpers/ledger-data.js'

const ADMIN = 'admin-token-0123456789'
const VIEWER = 'viewer-token-0123456789'
const MEMBER = 'member-token-0123456789'
const ASSOC = 'assoc-token-0123456789'
const bearer = (t: string) => ({ authorization: `Bearer ${t}`, host: 'console.example:8080' })

describe('ledger, overview, statistics table and exports', () => {
  let t: TestApp
  let s: Seed
  let data: Awaited<ReturnType<typeof seedLedger>>
  useSeededApp(
    (app, seed) => {
      t = app
      s = seed
    },
    {
      config: {
        ADMIN_TOKENS: [
          { token: ADMIN, role: 'admin', name: '运维' },
          { token: VIEWER, role: 'viewer', name: '只读' },
          { token: MEMBER, role: 'member', name: '商户' },
          { token: ASSOC, role: 'association', name: '协会' },
        ],
      },
    },
  )
  const get = async (url: string, token = ADMIN) => t.app.http.inject({ method: 'GET', url, headers: bearer(token) })
  const officerOf = (townshipId: number): Actor => ({ role: 'officer', personId: 1, identityId: null, businessIds: [], townshipId, industries: [] })
  const admin: Actor = { role: 'admin', personId: null, identityId: null, businessIds: [], townshipId: null, industries: [] }
  const page = (actor: Actor, q: Record<string, unknown> = {}) => ledgerPage(t.database.db, actor, ledgerPageSchema.parse(q), t.clock.now())

  it('when the known ledger is loaded, then the page lists it newest first with names, labels and overdue', async () => {
    data = await seedLedger(t.database.db, s)
    const r = await get('/api/ledger')
    expect(r.statusCode).toBe(200)
    const body = r.json()
    expect(body.total).toBe(8)
    expect(body.page).toBe(1)
    expect(body.pageSize).toBe(20)
    expect(body.items.map((i: { code: string }) => i.code)).toEqual(['g', 'f', 'h', 'd', 'b', 'a', 'c', 'e'].map((k) => data.ids[k].code))
    const b = body.items.find((i: { code: string }) => i.code === data.ids.b.code)
    expect(b).toMatchObject({ status: 'rectifying', grade: 'major', townshipName: '城关街道', businessName: '城关老街饭店', overdue: true, listedSupervision: '挂牌督办', responsibleName: '李明' })
    const g = body.items.find((i: { code: string }) => i.code === data.ids.g.code)
    expect(g).toMatchObject({ businessName: '待认定', townshipName: null, overdue: false })
  })

  it('when filtering by each field (identifiers or Chinese labels), then only matching hazards come back and totals agree', async () => {
    const codes = async (qs: string) => {
      const r = await get(`/api/ledger?pageSize=200&${qs}`)
      expect(r.statusCode).toBe(200)
      const b = r.json()
      expect(b.total).toBe(b.items.length)
      return b.items.map((i: { code: string }) => i.code).sort()
    }
    const c = (...ks: string[]) => ks.map((k) => data.ids[k].code).sort()
    expect(await codes('status=closed')).toEqual(c('a', 'e', 'h'))
    expect(await codes(`status=${encodeURIComponent('已销号')}`)).toEqual(c('a', 'e', 'h'))
    expect(await codes('status=open')).toEqual(c('b', 'c', 'd', 'f', 'g'))
    expect(await codes('status=overdue')).toEqual(c('b'))
    expect(await codes(`grade=${encodeURIComponent('重大')}`)).toEqual(c('b', 'e'))
    expect(await codes('category=gas&status=open')).toEqual(c('b'))
    expect(await codes(`townshipId=${s.town2.id}`)).toEqual(c('d', 'e'))
    expect(await codes(`businessId=${s.shop.id}&grade=general`)).toEqual(c('a', 'c', 'f', 'h'))
    expect(await codes(`campaign=${encodeURIComponent('冬春火灾防控')}`)).toEqual(c('d'))
    expect(await codes('from=2026-11-01&to=2026-11-18')).toEqual(c('f', 'h'))
    expect(await codes(`q=${encodeURIComponent('灭火器')}`)).toEqual(c('a', 'f'))
    expect(await codes(`q=${encodeURIComponent('红山羊汤')}`)).toEqual(c('d', 'e'))
    expect(await codes(`q=${data.ids.c.code.toLowerCase()}`)).toEqual(c('c'))
    expect(await codes('q=%25')).toEqual([])
    expect(await codes('industry=catering')).toEqual(c('a', 'b', 'c', 'd', 'e', 'f', 'h'))
  })

  it('when sorting and paging, then pages follow the order without gaps', async () => {
    const r1 = (await get('/api/ledger?sort=deadline&order=asc&pageSize=3&page=1')).json()
    const r2 = (await get('/api/ledger?sort=deadline&order=asc&pageSize=3&page=2')).json()
    expect(r1.total).toBe(8)
    expect(r1.items.map((i: { code: string }) => i.code)).toEqual([data.ids.c.code, data.ids.a.code, data.ids.b.code])
    expect(r2.items[0].code).toBe(data.ids.f.code)
    const all = (await get('/api/ledger?sort=code&order=asc&pageSize=200')).json()
    expect(all.items.map((i: { id: number }) => i.id)).toEqual(Object.values(data.ids).map((x) => x.id).sort((a, b) => a - b))
  })

  it('when filters are bad, then 400 with a Chinese message naming the field', async () => {
    for (const [qs, word] of [
      ['grade=huge', '等级'],
      ['status=lost', '状态'],
      ['townshipId=abc', '乡镇街'],
      ['from=2026/11/01', '起始日期'],
      ['from=2026-11-10&to=2026-11-01', '不能晚于'],
      ['pageSize=5000', '每页条数'],
      ['sort=colour', '排序'],
    ]) {
      const r = await get(`/api/ledger?${qs}`)
      expect(r.statusCode, qs).toBe(400)
      expect(r.json().message, qs).toContain(word)
      expect(r.json().message, qs).toMatch(/^筛选条件有误/)
    }
    const bad = await get('/api/stats/table?period=2026Q5')
    expect(bad.statusCode).toBe(400)
    expect(bad.json().message).toContain('2026Q3')
  })

  it('when there is no token, a wrong one or a role without the right, then 401 or 403 on every route', async () => {
    const routes = ['/api/charts/weekly.png', '/api/ledger', '/api/ledger/export.csv', '/api/ledger/export.xlsx', '/api/stats/overview', '/api/stats/table?period=2026', '/api/stats/table.xlsx?period=2026']
    for (const url of routes) {
      expect((await t.app.http.inject({ method: 'GET', url })).statusCode, url).toBe(401)
      expect((await get(url, 'wrong-token-0123456789')).statusCode, url).toBe(401)
      const m = await get(url, MEMBER)
      expect(m.statusCode, url).toBe(403)
      expect(m.json().message).toMatch(/不能/)
    }
    // an association may read its scope but not export
    expect((await get('/api/ledger', ASSOC)).statusCode).toBe(200)
    expect((await get('/api/ledger/export.csv', ASSOC)).statusCode).toBe(403)
    expect((await get('/api/stats/table.xlsx?period=2026', ASSOC)).statusCode).toBe(403)
    expect((await get('/api/ledger/export.csv', VIEWER)).statusCode).toBe(200)
    // importing businesses takes the manage right
    const form = new FormData()
    form.append('file', new Blob(['单位名称,行业\n某饭店,餐饮\n']), 'a.csv')
    const imp = await t.app.http.inject({ method: 'POST', url: '/api/businesses/import', payload: form, headers: bearer(VIEWER) })
    expect(imp.statusCode).toBe(403)
    expect((await t.app.http.inject({ method: 'POST', url: '/api/businesses/import', payload: form })).statusCode).toBe(401)
  })

  it('when an officer of another township asks, then it sees nothing of this township (ledger, totals, overview, table, export)', async () => {
    const red = officerOf(s.town2.id)
    const mine = await page(red, { pageSize: 200 })
    expect(mine.items.map((i) => i.code).sort()).toEqual([data.ids.d.code, data.ids.e.code].sort())
    expect(mine.total).toBe(2)
    expect((await page(red, { townshipId: s.town.id })).total).toBe(0)
    expect((await page(red, { townshipId: s.town.id })).items).toEqual([])
    expect((await page(red, { status: 'open' })).total).toBe(1)
    const o = await overview(t.database.db, red, t.clock.now())
    expect(o.total).toBe(2)
    expect(o.byTownship.map((x) => x.name)).toEqual(['红山街道'])
    expect(o.overdueList).toEqual([])
    const table = await statsTable(t.database.db, red, { period: '2026', by: 'township' }, t.clock.now())
    expect(table.rows.map((r) => r.name)).toEqual(['红山街道'])
    expect(table.total.ytd.foundMajor).toBe(1)
    const exported: string[] = []
    for await (const b of ledgerRows(t.database.db, red, ledgerFilterSchema.parse({}), t.clock.now(), 1)) exported.push(...b.map((r) => r.code))
    expect(exported.sort()).toEqual([data.ids.d.code, data.ids.e.code].sort())
    const cg = await page(officerOf(s.town.id), { pageSize: 200 })
    expect(cg.items.every((i) => i.townshipId === s.town.id)).toBe(true)
    expect(cg.total).toBe(5)
  })

  it('when the overview is asked, then its figures match the known ledger', async () => {
    const r = await get('/api/stats/overview')
    expect(r.statusCode).toBe(200)
    const o = r.json()
    expect(o).toMatchObject({ total: 8, open: 5, overdue: 1, major: 1, closedThisMonth: 1, rectificationRate: 37.5, avgDaysToClose: 8.3 })
    expect(o.overdueList.map((i: { code: string }) => i.code)).toEqual([data.ids.b.code])
    expect(o.byCategory.find((c: { key: string }) => c.key === 'fire')).toMatchObject({ name: '消防', count: 4, open: 2 })
    expect(o.byIndustry.find((c: { key: string }) => c.key === 'catering')).toMatchObject({ name: '餐饮', count: 7, open: 4 })
    expect(o.byTownship).toEqual(
      expect.arrayContaining([
        { key: s.town.id, name: '城关街道', count: 5, open: 3 },
        { key: s.town2.id, name: '红山街道', count: 2, open: 1 },
        { key: null, name: '未定乡镇', count: 1, open: 1 },
      ]),
    )
    expect(o.byMonth).toHaveLength(12)
    expect(o.byMonth.at(-1)).toEqual({ month: '2026-11', found: 3, closed: 1 })
    expect(o.byMonth.find((m: { month: string }) => m.month === '2026-08')).toEqual({ month: '2026-08', found: 1, closed: 1 })
  })

  it('when a hazard changes through the chat, then the counters follow in the same transaction', async () => {
    const before = (await get('/api/stats/overview')).json()
    expect(await t.say('owner', s.group, '#隐患 后厨燃气瓶未固定')).toBe('handled')
    const code = /Y\d+/.exec(t.botSaid(s.group)[0].text!)![0]
    await t.say('officer', s.group, `#受理 ${code} 三天`)
    const after = (await get('/api/stats/overview')).json()
    expect(after.total).toBe(before.total + 1)
    expect(after.open).toBe(before.open + 1)
    const ledger = (await get(`/api/ledger?status=rectifying&townshipId=${s.town.id}&pageSize=200`)).json()
    expect(ledger.items.map((i: { code: string }) => i.code)).toContain(code)
    expect(ledger.total).toBe(ledger.items.length)
    await t.database.db.delete(schema.hazardEvents).where(eq(schema.hazardEvents.hazardId, Number(code.slice(1))))
    await t.database.db.delete(schema.hazards).where(eq(schema.hazards.code, code))
    expect((await get('/api/stats/overview')).json().total).toBe(before.total)
  })

  it('when the weekly chart is asked, then it counts the last seven Shanghai days and comes as a PNG', async () => {
    const w = await weeklyChartData(t.database.db, admin, t.clock.now())
    expect(w.title).toBe('本周隐患（11月14日—11月20日）')
    expect(w.days.map((d) => d.label)).toEqual(['11/14', '11/15', '11/16', '11/17', '11/18', '11/19', '11/20'])
    expect(w.days.map((d) => d.found)).toEqual([0, 0, 0, 0, 1, 1, 0])
    expect(w.byCategory).toEqual(expect.arrayContaining([{ name: '消防', count: 1 }, { name: '其他', count: 1 }]))
    expect((await weeklyChartData(t.database.db, officerOf(s.town2.id), t.clock.now())).days.every((d) => d.found === 0)).toBe(true)
    const r = await get('/api/charts/weekly.png')
    expect(r.statusCode).toBe(200)
    expect(r.headers['content-type']).toBe('image/png')
    expect([...r.rawPayload.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47])
  })

  it('when the statistics table for 2026Q3 is asked by township, then each figure matches the known ledger', async () => {
    const r = await get('/api/stats/table?period=2026Q3&by=township')
    expect(r.statusCode).toBe(200)
    const tb = r.json()
    expect(tb.label).toBe('2026年第三季度')
    const cg = tb.rows.find((x: { name: string }) => x.name === '城关街道')
    expect(cg.period).toEqual({ foundGeneral: 2, foundMajor: 1, rectifiedGeneral: 1, rectifiedMajor: 0, rectificationRate: 33.3, overdue: 1, transferred: 1, listed: 1 })
    expect(cg.ytd).toEqual(cg.period)
    const hs = tb.rows.find((x: { name: string }) => x.name === '红山街道')
    expect(hs.period).toEqual({ foundGeneral: 0, foundMajor: 0, rectifiedGeneral: 0, rectifiedMajor: 0, rectificationRate: null, overdue: 0, transferred: 0, listed: 0 })
    expect(hs.ytd).toEqual({ foundGeneral: 0, foundMajor: 1, rectifiedGeneral: 0, rectifiedMajor: 1, rectificationRate: 100, overdue: 0, transferred: 0, listed: 1 })
    expect(tb.total.ytd).toMatchObject({ foundGeneral: 2, foundMajor: 2, rectifiedGeneral: 1, rectifiedMajor: 1, rectificationRate: 50 })
    const byIndustry = (await get('/api/stats/table?period=2026&by=industry')).json()
    expect(byIndustry.rows.find((x: { key: string }) => x.key === 'catering').period).toMatchObject({ foundGeneral: 5, foundMajor: 2, rectifiedGeneral: 2, rectifiedMajor: 1 })
    expect(byIndustry.rows.find((x: { name: string }) => x.name === '未定行业').period.foundGeneral).toBe(1)
  })

  it('when the statistics table is exported, then the xlsx reads back with its title, headers and figures, and is audited', async () => {
    const r = await get('/api/stats/table.xlsx?period=2026Q3&by=township')
    expect(r.statusCode).toBe(200)
    expect(r.headers['content-disposition']).toContain(encodeURIComponent('隐患统计表'))
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer)
    const ws = wb.getWorksheet('隐患统计表')!
    expect(String(ws.getCell('A1').value)).toContain('2026年第三季度')
    expect(ws.getRow(3).getCell(2).value).toBe('排查隐患·一般')
    const cg = ws.getColumn(1).values.indexOf('城关街道')
    expect(ws.getRow(cg).values).toEqual([undefined, '城关街道', 2, 1, 1, 0, 33.3, 1, 1, 1, 2, 1, 1, 0, 33.3, 1, 1, 1])
    const audits = await t.database.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'stats.export'))
    expect(audits.at(-1)).toMatchObject({ actorKind: 'token', actorName: '运维', detail: { format: 'xlsx', period: '2026Q3', by: 'township' } })
  })

  it('when the ledger is exported as CSV, then it has a BOM, Chinese headers, local times, photo links, text as typed, and is audited', async () => {
    const r = await get(`/api/ledger/export.csv?townshipId=${s.town.id}&sort=code&order=asc`)
    expect(r.statusCode).toBe(200)
    expect(r.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(r.headers['content-disposition']).toContain("filename*=UTF-8''" + encodeURIComponent('隐患台账-2026-11-20.csv'))
    const raw = r.rawPayload
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = raw.toString('utf8').slice(1)
    const lines = text.split('\n')
    expect(lines[0].split(',')).toEqual(LEDGER_HEADERS)
    expect(lines[0]).toBe('编号,状态,等级,类别,行业,乡镇街,单位,隐患描述,位置,上报人,责任人,整改期限,上报时间,销号时间,是否逾期,挂牌督办,专项行动,移交部门,移交结果,整改措施,上报照片,整改照片')
    expect(lines.filter(Boolean)).toHaveLength(1 + 5)
    const a = lines.find((l) => l.startsWith(data.ids.a.code + ','))!
    expect(a).toContain('已销号,一般隐患,消防,餐饮,城关街道,城关老街饭店,灭火器过期')
    expect(a).toContain('2026-08-05 10:00')
    expect(a).toContain('2026-08-10 10:00')
    expect(a).toContain(`http://console.example:8080/api/attachments/${data.sha256}`)
    expect(text).toContain('"<script>alert(1)</script> ""后厨"" 灭火器🔥不足, 待补"')
    const audits = await t.database.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'ledger.export'))
    expect(audits.at(-1)).toMatchObject({ actorName: '运维', detail: { format: 'csv', filter: { townshipId: String(s.town.id), sort: 'code', order: 'asc' } } })
  })

  it('when a description looks like a formula, then the CSV keeps it as text', async () => {
    const r = await get('/api/ledger/export.csv?q=HYPERLINK')
    const line = r.rawPayload.toString('utf8').split('\n')[1]
    expect(line).toContain(`"'=HYPERLINK(""http://x"")"`)
  })

  it('when the ledger is exported as xlsx, then exceljs reads back every row with Shanghai times and photo hyperlinks', async () => {
    const r = await get('/api/ledger/export.xlsx?sort=code&order=asc')
    expect(r.statusCode).toBe(200)
    expect(r.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer)
    const ws = wb.getWorksheet('隐患台账')!
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(LEDGER_HEADERS)
    expect(ws.actualRowCount).toBe(1 + 8)
    const row = ws.getRow(2)
    expect(row.getCell(1).value).toBe(data.ids.a.code)
    expect(row.getCell(8).value).toBe('灭火器过期')
    // Excel dates carry no zone: the cell shows Shanghai wall time
    expect((row.getCell(13).value as Date).toISOString()).toBe('2026-08-05T10:00:00.000Z')
    expect(row.getCell(13).numFmt).toBe('yyyy-mm-dd hh:mm')
    // the photo link is a HYPERLINK formula (clickable, nothing kept per row while streaming) showing the link
    const link = `http://console.example:8080/api/attachments/${data.sha256}`
    expect(row.getCell(21).value).toEqual({ formula: `HYPERLINK("${link}","${link}")`, result: link })
    expect(row.getCell(22).value).toBeNull()
    const f = ws.getRow(1 + Object.keys(data.ids).indexOf('f') + 1)
    expect(f.getCell(8).value).toBe('<script>alert(1)</script> "后厨" 灭火器🔥不足, 待补')
  })

  it('when exporting on PGlite in small batches, then keyset pages return every row once in order for each sort', async () => {
    for (const sort of ['createdAt', 'deadline', 'closedAt', 'status', 'grade', 'code'] as const) {
      for (const order of ['asc', 'desc'] as const) {
        const seen: number[] = []
        for await (const b of ledgerRows(t.database.db, admin, ledgerFilterSchema.parse({ sort, order }), t.clock.now(), 3)) seen.push(...b.map((x) => x.id))
        const expected = (await page(admin, { sort, order, pageSize: 200 })).items.map((x) => x.id)
        expect(seen, `${sort} ${order}`).toEqual(expected)
      }
    }
  })
})

describe('importing businesses from Excel or CSV', () => {
  let t: TestApp
  let s: Seed
  useSeededApp((app, seed) => {
    t = app
    s = seed
  })
  const sample = fs.readFileSync(path.join(import.meta.dirname, '../../docs/businesses-import-sample.csv'))
  const upload = async (content: Buffer, filename: string, qs = '', remoteAddress = '127.0.0.1') => {
    const form = new FormData()
    form.append('file', new Blob([new Uint8Array(content)]), filename)
    const r = await t.app.http.inject({ method: 'POST', url: `/api/businesses/import${qs}`, payload: form, remoteAddress })
    return { status: r.statusCode, body: r.json() }
  }
  const businessCount = async () => (await t.database.db.select().from(schema.businesses)).length

  it('when the sample CSV is checked with dryRun, then it passes and nothing is created', async () => {
    const before = await businessCount()
    const r = await upload(sample, '经营主体.csv', '?dryRun=1')
    expect(r.body).toMatchObject({ ok: true, dryRun: true, created: 0, valid: 4, errors: [] })
    expect(r.body.message).toContain('校验通过')
    expect(await businessCount()).toBe(before)
  })

  it('when one row of an xlsx is bad, then nothing is created and the report names that row', async () => {
    const wb = new ExcelJS.Workbook()
    const ws = wb.addWorksheet('单位')
    ws.addRow(['单位名称', '统一社会信用代码', '行业', '乡镇街', '地址', '限上单位'])
    ws.addRow(['城关一号饭店', '', '餐饮', '城关街道', '', '否'])
    ws.addRow(['城关二号饭店', '92211382MA0Y0A011X', '饭店', '城关街道', '', '否'])
    ws.addRow(['城关三号饭店', '', '餐饮', '城关街道', '', ''])
    const before = await businessCount()
    const r = await upload(Buffer.from(await wb.xlsx.writeBuffer()), 'businesses.xlsx')
    expect(r.status).toBe(422)
    expect(r.body.ok).toBe(false)
    expect(r.body.created).toBe(0)
    expect(r.body.errors).toEqual([{ row: 3, message: expect.stringContaining('校验位') }])
    expect(r.body.message).toContain('第 3')
    expect(await businessCount()).toBe(before)
  })

  it('when rows repeat each other or the database, or name unknown industries and townships, then each row says why', async () => {
    const csv = [
      '名称,信用代码,行业,乡镇,限上单位',
      '城关老街饭店,,餐饮,城关街道,否',
      '新开饭店,,烧烤,城关街道,否',
      '另一家饭店,,餐饮,月亮街道,是',
      '重复饭店,,餐饮,,',
      '重复饭店,,餐饮,,maybe',
      ',,餐饮,,',
    ].join('\n')
    const r = await upload(Buffer.from(csv), 'x.csv')
    expect(r.body.ok).toBe(false)
    const byRow = Object.fromEntries(r.body.errors.map((e: { row: number; message: string }) => [e.row, e.message]))
    expect(byRow[2]).toContain('已有同名单位')
    expect(byRow[3]).toContain('行业“烧烤”不在目录里')
    expect(byRow[4]).toContain('没有乡镇街“月亮街道”')
    expect(byRow[6]).toContain('与第 5 行重复')
    expect(byRow[6]).toContain('“是”或“否”')
    expect(byRow[7]).toContain('单位名称不能为空')
    expect(byRow[5]).toBeUndefined()
  })

  it('when the file is wrong (no name column, wrong type, empty, GBK CSV), then a Chinese answer says what to fix', async () => {
    expect((await upload(Buffer.from('地址,行业\n某地,餐饮\n'), 'a.csv')).body.errors[0].message).toContain('表头缺少“单位名称”')
    const xls = await upload(Buffer.from('not a spreadsheet'), 'a.xls')
    expect(xls.status).toBe(400)
    expect(xls.body.message).toContain('.xlsx')
    expect((await upload(Buffer.from(''), 'a.csv')).body.errors[0].message).toContain('文件是空的')
    const gbk = Buffer.from([...Buffer.from('\xb5\xa5\xce\xbb\xc3\xfb\xb3\xc6,\xd0\xd0\xd2\xb5\n', 'latin1'), ...Buffer.from('\xb9\xf0\xbb\xa8\xb7\xb9\xb5\xea,\xb2\xcd\xd2\xfb\n', 'latin1')])
    const g = await upload(gbk, 'gbk.csv', '?dryRun=1')
    expect(g.body).toMatchObject({ ok: true, valid: 1 })
  })

  it('when the sample CSV is imported, then every business exists with its township and flags, and the import is audited', async () => {
    const r = await upload(sample, '经营主体.csv')
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ ok: true, created: 4, errors: [] })
    const [b] = await t.database.db.select().from(schema.businesses).where(eq(schema.businesses.name, '红山永兴加油站'))
    expect(b).toMatchObject({ industry: 'refined_oil', townshipId: s.town2.id, aboveQuota: true, creditCode: '91211382MA0Y0B0222' })
    const [q] = await t.database.db.select().from(schema.businesses).where(eq(schema.businesses.name, '城关“好日子”超市'))
    expect(q).toMatchObject({ industry: 'mall', creditCode: null, aboveQuota: false })
    const audits = await t.database.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'business.import'))
    expect(audits).toHaveLength(1)
    expect(audits[0].detail).toEqual({ fileName: '经营主体.csv', created: 4 })
    const again = await upload(sample, '经营主体.csv')
    expect(again.body.errors).toHaveLength(4)
  })

  it('when a client that is neither loopback nor holds a token uploads, then 401', async () => {
    expect((await upload(sample, 'a.csv', '', '10.0.0.9')).status).toBe(401)
  })
})
