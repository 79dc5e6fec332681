import fs from 'node:fs'
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { seedDemo } from '../../db/seed/demo.js'
import { eq } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { ManualClock } from '../../src/core/clock.js'
import { parsePlanFile, type PlanFile } from '../../src/core/plan.js'
import { jobs } from '../../schedules/index.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { testDatabase } from '../helpers/db.js'
import { seedPlanHistory } from '../helpers/plan-history.js'
import { consoleQuery, keepDocument, readDocx, type DocxRead } from '../helpers/docx.js'

const ADMIN = { authorization: 'Bearer docs-admin-token-0123456789' }
const VIEWER = { authorization: 'Bearer docs-viewer-token-0123456789' }
const tokens = {
  ADMIN_TOKENS: [
    { token: 'docs-admin-token-0123456789', role: 'admin' as const, name: '管理员' },
    { token: 'docs-viewer-token-0123456789', role: 'viewer' as const, name: '只读' },
  ],
}
const bundled = JSON.parse(fs.readFileSync('db/plans/lingyuan-2024-2026.json', 'utf8')) as PlanFile
const nextPlan = JSON.parse(fs.readFileSync('docs/plans/example-2027-2029.json', 'utf8')) as PlanFile

/**
 * The Word documents of the demo city with three years of records: the three-year summary, the leaders' monthly
 * report (scheduled and announced), the statistics table, and a second plan loaded from a file. Each document is
 * unzipped and read back: headings in the plan's order, every linked figure equal to the query it names, charts.
 */
describe('documents written from the records', () => {
  let t: TestApp
  const get = (url: string, headers = ADMIN) => t.app.http.inject({ url, headers })

  /** every figure linked to the ledger equals the ledger's total for that filter */
  async function ledgerLinksHold(doc: DocxRead): Promise<number> {
    const ledger = doc.links.filter((l) => l.url.includes('/console#/ledger?'))
    // the check table links each filter's words too
    const words = ledger.filter((l) => !/^\d+$/.test(l.text))
    expect(words.every((l) => l.text.startsWith('隐患台账：'))).toBe(true)
    for (const l of ledger.filter((x) => /^\d+$/.test(x.text))) {
      const { query } = consoleQuery(l.url)
      query.set('pageSize', '1')
      const r = await get(`/api/ledger?${query}`)
      expect(r.statusCode).toBe(200)
      expect({ filter: query.toString(), value: Number(l.text) }).toEqual({ filter: query.toString(), value: r.json().total })
    }
    return ledger.length
  }

  beforeAll(async () => {
    // the demo city before the start, so the simulator has its groups (the leaders' group among them)
    const database = await testDatabase()
    await seedDemo(database.db)
    await seedPlanHistory(database.db, { until: '2027-01-04' })
    t = await startTestApp({ database, clock: new ManualClock('2027-01-05T02:00:00Z'), config: { ...tokens, PUBLIC_URL: 'https://safety.example.gov.cn' } })
  })
  afterAll(async () => t?.close())

  it('when the bureau downloads the three-year summary, then it follows the plan’s sections, its figures equal the ledger filters they name, and it carries charts', async () => {
    const r = await get('/api/documents/summary.docx?plan=lingyuan-2024-2026')
    expect(r.statusCode).toBe(200)
    expect(r.headers['content-type']).toContain('wordprocessingml')
    expect(decodeURIComponent(String(r.headers['content-disposition']))).toContain('凌源市商务局关于全市商务领域安全生产治本攻坚三年行动工作情况的总结.docx')
    keepDocument('summary-2024-2026.docx', r.rawPayload)
    const doc = readDocx(r.rawPayload)

    // 一 targets, 二 each task group and item of the plan in its order, 三 each measure, 四 what is left
    const expected = [
      '一、工作目标完成情况',
      '二、主要任务推进情况',
      ...bundled.outline.tasks.flatMap((g) => [g.heading, ...g.items.map((i) => i.title)]),
      '三、保障措施落实情况',
      ...bundled.outline.measures.map((m) => m.heading),
      '四、存在的问题和下一步打算',
    ]
    expect(doc.headings.map((h) => h.text)).toEqual(expected)
    expect(doc.headings.filter((h) => h.level === 1).map((h) => h.text)).toEqual(['一、工作目标完成情况', '二、主要任务推进情况', '三、保障措施落实情况', '四、存在的问题和下一步打算'])

    // GB/T 9704 page: A4, margins 37/35/28/26 mm, page numbers "— n —" on both sides
    expect(doc.sectPr).toMatch(/<w:pgSz w:w="11906" w:h="16838"/)
    expect(doc.sectPr).toMatch(/w:top="2098"/)
    expect(doc.sectPr).toMatch(/w:bottom="1984"/)
    expect(doc.sectPr).toMatch(/w:left="1587"|w:left="1588"/)
    expect(doc.sectPr).toMatch(/w:right="1474"/)
    expect(doc.footers.filter((f) => f.includes('— ') && f.includes('PAGE'))).toHaveLength(2)
    expect(doc.xml).toContain('w:eastAsia="仿宋_GB2312"')
    expect(doc.xml).toContain('w:eastAsia="方正小标宋简体"')

    // charts: the per-year comparison, the monthly trend and the focus categories, as PNG pictures
    expect(doc.images).toBeGreaterThanOrEqual(3)
    expect(doc.files.filter((f) => f.startsWith('word/media/') && f.endsWith('.png')).length).toBeGreaterThanOrEqual(3)

    // a per-year comparison table: one row per year, the year's figure linked to its ledger filter
    const yearRows = doc.rows.filter((row) => /^202[4-6]年$/.test(row[0]) && row.length === 5)
    expect(yearRows.map((row) => row[0])).toEqual(['2024年', '2025年', '2026年'])

    // every figure linked to the ledger equals the ledger's own total for the filter it names
    expect(await ledgerLinksHold(doc)).toBeGreaterThanOrEqual(30)
    const foundAll = doc.links.find((l) => l.url.endsWith('/console#/ledger?from=2024-01-01&to=2026-12-31'))!
    expect(Number(foundAll.text)).toBe((await t.database.db.select().from(schema.hazards)).filter((h) => h.createdAt < new Date('2027-01-01T00:00:00+08:00')).length)
    expect(doc.links.every((l) => l.url.startsWith('https://safety.example.gov.cn/'))).toBe(true)

    // target figures equal the 规划目标 page for the day named
    const targets = (await get('/api/plan/targets?plan=lingyuan-2024-2026&at=2026-12-31')).json().targets as { title: string; status: string; statusLabel: string; done: number; required: number; kind: string }[]
    const check = doc.rows.filter((row) => row.length === 4 && /^\d+$/.test(row[0]))
    expect(check.length).toBeGreaterThan(40)
    const value = (label: string) => check.find((row) => row[1] === label)?.[2]
    expect(value('目标已完成')).toBe(String(targets.filter((x) => x.status === 'met').length))
    expect(value('目标未按期完成')).toBe(String(targets.filter((x) => x.status === 'missed').length))
    for (const x of targets.filter((y) => y.kind === 'counted')) expect(value(x.title)).toBe(`${x.done}/${x.required}`)
    expect(value('2024年完成专项检查')).toBe(String((await get('/api/inspections?year=2024')).json().done))
    // each row of the check table names its filter, and its link opens that filter
    for (const row of check) expect(row[3].length).toBeGreaterThan(4)

    // registers this system does not keep yet are said to be unrecorded, for the clerk to fill in
    const text = doc.paragraphs.join('\n')
    expect(text).toContain('应急演练：本系统未记录')
    expect(text).toContain('“冬春火灾防控”中发现隐患')
    expect(text).toContain('附件：数据核对表')
  })

  it('when the 1st of the month comes, then the monthly report is written once, kept for download and announced in the leaders’ group', async () => {
    const job = jobs.find((j) => j.name === 'monthly-report')!
    const at = new Date('2026-12-01T08:00:00+08:00')
    expect(job.period(at)).toBe('2026-11')
    t.clock.set(at)
    expect(await t.app.scheduler.fire(job, at)).toBe(true)
    expect(await t.app.scheduler.fire(job, new Date('2026-12-02T09:00:00+08:00'))).toBe(false)
    await t.settle()
    const said = t.transcript('demo-leaders@chatroom').filter((e) => e.bot).map((e) => e.text ?? '')
    const announcement = said.find((x) => x.startsWith('【11月安全生产进展报告】'))
    expect(announcement).toBeDefined()

    const list = (await get('/api/reports')).json() as { id: number; period: string; figures: { found: number; overdue: number } }[]
    expect(list.map((x) => x.period)).toEqual(['2026-11'])
    expect(announcement).toContain(`11月发现隐患 ${list[0].figures.found} 项`)
    expect(announcement).toContain('https://safety.example.gov.cn/console#/reports')
    const file = await get(`/api/reports/${list[0].id}/file`)
    expect(file.statusCode).toBe(200)
    keepDocument('monthly-2026-11.docx', file.rawPayload)
    const doc = readDocx(file.rawPayload)
    expect(doc.headings.filter((h) => h.level === 1).map((h) => h.text)).toEqual(['一、隐患排查整治情况', '二、规划目标进展情况', '三、重点工作开展情况', '四、需要关注的问题'])
    expect(doc.headings.map((h) => h.text)).toContain('（一）全市商务领域安全生产治本攻坚三年行动方案（2024-2026年）')
    expect(doc.images).toBeGreaterThanOrEqual(1)
    t.clock.set('2027-01-05T02:00:00Z')
    // figures as of the day it was written: the ledger agrees on the month's own counts
    const month = doc.links.filter((l) => l.url.includes('from=2026-11-01&to=2026-11-30'))
    expect(month.length).toBeGreaterThanOrEqual(3)
    for (const l of month.filter((x) => !x.url.includes('status=') && /^\d+$/.test(x.text))) {
      const { query } = consoleQuery(l.url)
      expect(Number(l.text)).toBe((await get(`/api/ledger?${query}&pageSize=1`)).json().total)
    }
  })

  it('when a second plan file is loaded, then its targets are on the 规划目标 page and in the monthly report, without a code change', async () => {
    // a bad file is refused, every problem named
    const bad = await t.app.http.inject({ method: 'POST', url: '/api/plans', headers: ADMIN, payload: { ...nextPlan, targets: [{ ...nextPlan.targets[0], kind: 'ratio' }, { ...nextPlan.targets[2], from: '2027-02-30' }] } })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().message).toContain('规划文件有误')
    expect(bad.json().details.join('\n')).toMatch(/targets\.0\.kind：目标类型（kind）只能是 count、share 或 milestone[\s\S]*targets\.1\.from：没有这一天/)
    // a share of a class that cannot hold the record
    const wrongRecord = await t.app.http.inject({ method: 'POST', url: '/api/plans', headers: ADMIN, payload: { ...nextPlan, targets: nextPlan.targets.map((x, i) => (i === 2 ? { ...x, of: 'officials' } : x)) } })
    expect(wrongRecord.json().details).toEqual(['targets.2.record：乡镇街安全管理人员没有“完成自查”这种记录'])
    expect((await t.app.http.inject({ method: 'POST', url: '/api/plans', headers: VIEWER, payload: nextPlan })).statusCode).toBe(403)

    const up = await t.app.http.inject({ method: 'POST', url: '/api/plans', headers: ADMIN, payload: nextPlan })
    expect(up.statusCode).toBe(201)
    expect(up.json()).toMatchObject({ key: 'lingyuan-2027-2029', targets: nextPlan.targets.length, active: true })
    expect((await t.app.http.inject({ method: 'POST', url: '/api/plans', headers: ADMIN, payload: nextPlan })).statusCode).toBe(409)

    // the page picks the plan in force on the day asked, and lists both
    const page = (await get('/api/plan/targets?at=2027-06-30', VIEWER)).json()
    expect(page.plan.key).toBe('lingyuan-2027-2029')
    expect(page.plans.map((p: { key: string }) => p.key)).toEqual(['lingyuan-2024-2026', 'lingyuan-2027-2029'])
    expect(page.targets.map((x: { key: string }) => x.key)).toContain('selfcheck.2027')
    expect(page.targets.find((x: { key: string }) => x.key === 'inspections.2027')).toMatchObject({ required: 8, metric: 'count' })
    expect(page.targets.find((x: { key: string }) => x.key === 'routine_mechanism.2027')).toMatchObject({ kind: 'milestone', done: 0 })
    expect((await get('/api/plan/targets?at=2026-06-30', VIEWER)).json().plan.key).toBe('lingyuan-2024-2026')
    // milestones of the new plan's stages can be recorded now
    const evidence = { name: '制度.pdf', mime: 'application/pdf', base64: Buffer.from('%PDF 制度').toString('base64') }
    const m = await t.app.http.inject({ method: 'POST', url: '/api/plan/milestones', headers: ADMIN, payload: { targetKey: 'routine_mechanism', year: 2027, achievedOn: '2027-01-04', title: '印发常态化制度', evidence } })
    expect(m.statusCode).toBe(201)
    const wrong = await t.app.http.inject({ method: 'POST', url: '/api/plan/milestones', headers: ADMIN, payload: { targetKey: 'routine_mechanism', year: 2030, achievedOn: '2027-01-04', title: '印发', evidence } })
    expect(wrong.statusCode).toBe(400)
    expect(wrong.json().message).toContain('启用的规划里没有这一阶段')

    // the monthly report of January 2027 is the new plan's
    const r = await get('/api/documents/monthly.docx?month=2027-01')
    expect(r.statusCode).toBe(200)
    const doc = readDocx(r.rawPayload)
    expect(doc.headings.map((h) => h.text)).toContain('（一）全市商务领域安全生产常态化监管工作方案（2027-2029年）')
    const titles = doc.rows.map((row) => row[0])
    expect(titles).toContain('2027年八成以上经营主体完成自查')
    expect(titles).toContain('安全生产常态化监管机制：建立隐患排查治理常态化制度')
    expect(titles).not.toContain('2026年专项检查不少于6次')
    await ledgerLinksHold(doc)

    // switched off, it is no longer chosen by date
    expect((await t.app.http.inject({ method: 'PATCH', url: '/api/plans/lingyuan-2027-2029', headers: ADMIN, payload: { active: false } })).json()).toMatchObject({ active: false })
    expect((await get('/api/plan/targets?at=2027-06-30', VIEWER)).json().plan.key).toBe('lingyuan-2024-2026')
    expect((await t.app.http.inject({ method: 'PATCH', url: '/api/plans/lingyuan-2027-2029', headers: ADMIN, payload: { active: true } })).statusCode).toBe(200)
  })

  it('when the quarterly statistics table is downloaded as Word, then it is one landscape table whose linked counts equal the ledger', async () => {
    const r = await get('/api/stats/table.docx?period=2026Q3&by=township')
    expect(r.statusCode).toBe(200)
    keepDocument('stats-2026Q3.docx', r.rawPayload)
    const doc = readDocx(r.rawPayload)
    expect(doc.sectPr).toContain('w:orient="landscape"')
    expect(doc.paragraphs.join('')).toContain('商务领域安全生产隐患排查治理统计表（2026年第三季度）')
    const json = (await get('/api/stats/table?period=2026Q3&by=township')).json()
    const total = doc.rows.find((row) => row[0] === '合计')!
    expect(total.slice(1, 3).map(Number)).toEqual([json.total.period.foundGeneral, json.total.period.foundMajor])
    expect(doc.rows.filter((row) => row.length === 17).length).toBe(json.rows.length + 2)
    expect(await ledgerLinksHold(doc)).toBeGreaterThan(50)
  })

  it('when the documents are asked for without a token, by a township officer’s scope, or with a bad month, then the answer is 401, 403 or 400 in Chinese', async () => {
    expect((await t.app.http.inject({ url: '/api/documents/summary.docx' })).statusCode).toBe(401)
    const bad = await get('/api/documents/monthly.docx?month=2026-13')
    expect(bad.statusCode).toBe(400)
    const period = await get('/api/stats/table.docx?period=2026Q5')
    expect(period.statusCode).toBe(400)
    expect(period.json().message).toContain('统计条件有误')
    expect(parsePlanFile({}).ok).toBe(false)
  })

  it('when the registers hold records, then the summary writes their blocks from them instead of “本系统未记录”', async () => {
    const db = t.database.db
    const [shop, oil] = await db.select().from(schema.businesses).limit(2)
    const now = t.clock.now()
    const [excl] = await db.insert(schema.policyExclusions).values({ businessId: shop.id, reason: 'larger_accident', detail: '较大事故', source: '市应急管理局 凌应急罚〔2025〕7号', decidedOn: '2025-04-02', recordedBy: '自动（事故记录）' }).returning()
    await db.insert(schema.accidents).values([
      { businessId: shop.id, occurredOn: '2025-04-02', level: 'larger', description: '燃气爆燃', sourceDepartment: '市应急管理局', sourceDocument: '凌应急罚〔2025〕7号', exclusionId: excl.id, recordedBy: '管理员' },
      { businessId: oil.id, occurredOn: '2026-03-01', level: 'general', description: '员工摔伤', sourceDepartment: '市应急管理局', sourceDocument: '凌应急〔2026〕2号', recordedBy: '管理员' },
    ])
    await db.insert(schema.licences).values([
      { kind: 'refined_oil_retail', number: '油证001', businessId: oil.id, holder: oil.name, validUntil: '2027-06-30', recordedBy: '管理员' },
      { kind: 'refined_oil_retail', number: '油证002', businessId: oil.id, holder: oil.name, validUntil: '2026-10-31', recordedBy: '管理员' },
    ])
    await db.insert(schema.drills).values([
      { businessId: shop.id, kind: '疏散演练', heldOn: '2024-06-12', participants: 12, recordedBy: '张老板' },
      { businessId: shop.id, kind: '灭火演练', heldOn: '2026-06-12', participants: 8, recordedBy: '张老板' },
      { businessId: oil.id, kind: '卸油泄漏处置演练', heldOn: '2026-09-01', participants: 6, recordedBy: '站长' },
    ])
    const [zone] = await db.insert(schema.zones).values({ name: '凌源经济开发区', kind: 'development_zone', createdBy: '管理员' }).returning()
    await db.insert(schema.zoneMembers).values([{ zoneId: zone.id, businessId: shop.id }])
    await db.insert(schema.associationIssues).values({ kind: 'initiative', title: '倡议', body: '内容', industries: ['catering'], status: 'issued', issuedByName: '市餐饮行业协会', createdAt: new Date('2026-05-10T02:00:00Z') })
    await db.update(schema.regulationItems).set({ status: 'confirmed', lastSentAt: now }).where(eq(schema.regulationItems.key, 'catering-1'))
    await db.insert(schema.policySupports).values([
      { programme: 'time_honoured_brand', title: '老字号示范创建', businessId: oil.id, safetyRequirement: '近三年未发生事故', decidedOn: '2025-09-01', outcome: 'supported', recordedBy: '管理员' },
      { programme: 'time_honoured_brand', title: '老字号示范创建', businessId: shop.id, safetyRequirement: '近三年未发生事故', decidedOn: '2025-09-01', outcome: 'refused', reason: '较大事故', recordedBy: '管理员' },
    ])
    await db.insert(schema.publicityActivities).values([
      { kind: 'safety_month', title: '安全生产月', heldOn: '2024-06-15', organiser: '市商务局', reach: 200, recordedBy: '管理员' },
      { kind: 'five_into', title: '进社区', heldOn: '2026-06-20', organiser: '市商务局', forms: ['进社区'], reach: 80, recordedBy: '管理员' },
    ])

    const r = await get('/api/documents/summary.docx?plan=lingyuan-2024-2026')
    expect(r.statusCode).toBe(200)
    const doc = readDocx(r.rawPayload)
    const text = doc.paragraphs.join('\n')
    for (const what of ['经济开发区、外贸基地、电商基地考核', '行业协会自律倡议、风险提醒、公益培训', '法规标准宣贯', '成品油流通、报废机动车回收拆解许可', '应急演练', '安全生产事故', '产业政策中的安全生产要求', '安全生产宣传活动']) {
      expect(text, what).not.toContain(`${what}：本系统未记录`)
    }
    expect(text).toContain('登记安全生产事故2024年0起、2025年1起、2026年1起，其中较大及以上2024年0起、2025年1起、2026年0起')
    expect(text).toContain('据此不再给予政策支持的企业1家')
    expect(text).toContain('成品油零售经营批准证书2件')
    expect(text).toMatch(/在有效期内1件、已过期1件/)
    expect(text).toContain('登记演练2024年1次、2025年0次、2026年2次')
    expect(text).toContain('在老字号示范创建等工作中明确安全生产要求：支持经营主体2024年0家次、2025年1家次、2026年0家次；因安全生产问题不予支持2024年0家次、2025年1家次')
    expect(text).toContain('开展宣传活动2024年1场、2025年0场、2026年1场，其中“安全生产月”活动2024年1场、2025年0场、2026年0场，“五进”活动2024年0场、2025年0场、2026年1场，覆盖280人次')
    expect(text).toContain('参加26人次')
    expect(text).toContain('凌源经济开发区（成员单位1家）')
    expect(text).toContain('发布自律倡议2024年0次、2025年0次、2026年1次')
    expect(text).toContain('经核对确认1条，已按行业在工作群推送1条')
    // each register figure is in the check table with where to check it
    const check = doc.rows.filter((row) => row.length === 4 && /^\d+$/.test(row[0]))
    expect(check.find((row) => row[1] === '2025年较大及以上安全生产事故')?.[2]).toBe('1')
    expect(check.find((row) => row[1] === '应急演练参加人次')?.[3]).toContain('应急演练记录')
  })
})
