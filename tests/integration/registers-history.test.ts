import { describe, it, expect, afterAll } from 'vitest'
import { schema } from '../../db/client.js'
import { fileUpload } from '../helpers/multipart.js'
import { useSeededApp, type Seed, type TestApp } from '../helpers/app.js'
import { testDatabase, type TestDatabase } from '../helpers/db.js'
import { historyExportXlsx, importHistory, type HistoryKind } from '../../src/services/registers/history-records.js'
import { readHistoryTable } from '../../src/services/registers/history-import.js'
import { bundledPlans, planTargets } from '../../src/services/plans.js'
import { trainingCoverage } from '../../src/services/programmes/trainings.js'

const ADMIN = { authorization: 'Bearer admin-token-0123456789' }

const upload = (name: string, bytes: Buffer) => fileUpload(name, bytes, ADMIN)
const csv = (lines: string[]) => Buffer.from(lines.join('\n'))

/** 2024–2025 records other than hazards, from the bureau's Excel: inspections, trainings with attendance, self-checks, responsibility systems. */
describe('importing the history of inspections, trainings, self-checks and responsibility systems', () => {
  let t: TestApp
  let s: Seed
  useSeededApp(
    (app, seed) => {
      t = app
      s = seed
    },
    { config: { ADMIN_TOKENS: [{ token: 'admin-token-0123456789', role: 'admin', name: '管理员' }] } },
  )
  const post = (kind: string, name: string, body: Buffer, dryRun = false) =>
    t.app.http.inject({ method: 'POST', url: `/api/import/history/${kind}${dryRun ? '?dryRun=1' : ''}`, ...upload(name, body) })

  it('when each template is downloaded, then it has its columns, an example row and the notes', async () => {
    const heads: Record<string, string[]> = {
      inspections: ['检查主题', '计划日期', '检查日期', '联合部门', '检查单位', '备注'],
      trainings: ['培训主题', '开始时间', '结束时间', '地点', '对象', '行业', '参加人', '参加单位'],
      selfchecks: ['单位', '自查日期', '自查表', '检查项数', '不合格项'],
      responsibility: ['单位', '状态', '报送日期', '核验日期', '核验人', '备注'],
    }
    for (const [kind, head] of Object.entries(heads)) {
      const r = await t.app.http.inject({ url: `/api/import/history/${kind}/template.xlsx`, headers: ADMIN })
      expect(r.statusCode).toBe(200)
      expect(r.headers['content-disposition']).toContain('.xlsx')
      const table = await readHistoryTable(r.rawPayload, 'tpl.xlsx')
      expect(table[0]).toEqual(head)
      expect(table[1].length).toBeGreaterThan(2)
    }
    const unknown = await t.app.http.inject({ url: '/api/import/history/parties/template.xlsx', headers: ADMIN })
    expect(unknown.statusCode).toBe(400)
  })

  it('when special inspections are imported, then the dry run lists bad rows in Chinese, the import counts toward the yearly target, and importing again changes nothing', async () => {
    const bad = csv([
      '检查主题,计划日期,检查日期,联合部门,检查单位,备注',
      '春节前燃气安全检查,2025-01-10,2025-01-15,消防、住建,城关老街饭店,',
      '国庆消防检查,,2025-13-01,税务,不存在的店,',
      '春节前燃气安全检查,2025-01-10,2025-01-15,,,',
    ])
    const dry = await post('inspections', 'insp-2025.csv', bad, true)
    expect(dry.statusCode).toBe(422)
    expect(dry.json().message).toBe('有 2 行需要修改（第 3、4 行），整批未导入')
    const [row3, row4] = dry.json().errors
    expect(row3.message).toContain('检查日期不是日期')
    expect(row3.message).toContain('联合部门“税务”不认识')
    expect(row3.message).toContain('没有单位“不存在的店”')
    expect(row4.message).toBe('与第 2 行重复')
    expect(await t.database.db.select().from(schema.specialInspections)).toHaveLength(0)

    const lines = ['检查主题,计划日期,检查日期,联合部门,检查单位,备注']
    for (let m = 1; m <= 6; m++) lines.push(`2025年第${m}次专项检查,,2025-0${m}-15,${m % 2 ? '消防救援' : ''},城关老街饭店,`)
    const good = csv(lines)
    const check = await post('inspections', 'insp-2025.csv', good, true)
    expect(check.json()).toMatchObject({ ok: true, dryRun: true, valid: 6, created: 0, message: '校验通过：6 次专项检查可以导入' })
    expect(await t.database.db.select().from(schema.specialInspections)).toHaveLength(0)
    const r = await post('inspections', 'insp-2025.csv', good)
    expect(r.json()).toMatchObject({ ok: true, created: 6, message: '已导入 6 次专项检查' })
    const rows = await t.database.db.select().from(schema.specialInspections)
    expect(rows.filter((x) => x.departments.includes('消防救援'))).toHaveLength(3)
    expect(rows.every((x) => x.createdBy === '历史导入' && x.businessIds[0] === s.shop.id)).toBe(true)

    // the plan's 2025 target (at least 6 special inspections) counts them like native ones
    const plan = bundledPlans()[0]
    const targets = await planTargets(t.database.db, plan, new Date('2025-12-31T12:00:00+08:00'))
    expect(targets.find((x) => x.key === 'inspections.2025')).toMatchObject({ done: 6, required: 6 })

    const again = await post('inspections', 'insp-2025.csv', good)
    expect(again.json()).toMatchObject({ ok: true, created: 0, skipped: 6, message: '没有新的记录：6 行系统里都已有' })
    expect(await t.database.db.select().from(schema.specialInspections)).toHaveLength(6)
    const audit = (await t.database.db.select().from(schema.auditLog)).filter((a) => a.action === 'history.import.inspections')
    expect(audit).toHaveLength(1)
    expect(audit[0].detail).toMatchObject({ fileName: 'insp-2025.csv', rows: 6, imported: true })
  })

  it('when a training sign-in sheet is imported, then the training and its attendance come in and the officials coverage counts them; a new attendee later joins the same training', async () => {
    const sheet = [
      '培训主题,开始时间,结束时间,地点,对象,行业,参加人,参加单位',
      '乡镇街安全管理人员培训,2024-05-10 09:00,2024-05-10 11:00,市商务局会议室,乡镇街安全管理人员,,李明,',
      '餐饮行业燃气安全培训,2024-06-12 09:00,,城关街道会议室,企业主要负责人,餐饮,张老板,城关老街饭店',
    ]
    const bad = await post('trainings', '签到表.csv', csv([...sheet, '餐饮行业燃气安全培训,2024-06-12 09:00,,,老板们,外星,不认识的人,']), true)
    expect(bad.statusCode).toBe(422)
    const msg = bad.json().errors[0].message as string
    expect(bad.json().errors[0].row).toBe(4)
    expect(msg).toContain('对象“老板们”不对')
    expect(msg).toContain('行业“外星”不对')
    expect(msg).toContain('没有人员“不认识的人”')

    const r = await post('trainings', '签到表.csv', csv(sheet))
    expect(r.json()).toMatchObject({ ok: true, created: 2 })
    const trainings = await t.database.db.select().from(schema.trainings)
    expect(trainings.map((x) => x.topic).sort()).toEqual(['乡镇街安全管理人员培训', '餐饮行业燃气安全培训'])
    expect(trainings.find((x) => x.topic === '餐饮行业燃气安全培训')!.endsAt.toISOString()).toBe('2024-06-12T03:00:00.000Z')
    const cov = await trainingCoverage(t.database.db, 2024)
    expect(cov.officials.trained).toBe(1)
    expect(cov.officials.total).toBe(2)

    // 赵红 was at the first training too: a second sheet adds her, the rest is already there
    const more = await post('trainings', '签到表补.csv', csv([...sheet, '乡镇街安全管理人员培训,2024-05-10 09:00,2024-05-10 11:00,市商务局会议室,乡镇街安全管理人员,,赵红,']))
    expect(more.json()).toMatchObject({ ok: true, created: 1, skipped: 2 })
    expect(await t.database.db.select().from(schema.trainings)).toHaveLength(2)
    expect(await t.database.db.select().from(schema.trainingAttendance)).toHaveLength(3)
    const cov2 = await trainingCoverage(t.database.db, 2024)
    expect(cov2.officials.trained).toBe(2)
  })

  it('when self-checks are imported, then they are done self-checks of the business, failed items recorded, and the self-check list shows them', async () => {
    const lines = ['单位,自查日期,自查表,检查项数,不合格项', '城关老街饭店,2025-05-20,餐饮场所燃气安全自查表,12,燃气软管老化；报警器未通电', '红山羊汤馆,2025-06-02,,8,']
    const bad = await post('selfchecks', '自查.csv', csv([...lines, '红山羊汤馆,2025-06-03,,1,一；二', '城关老街饭店,,,,']), true)
    expect(bad.json().errors.map((e: { row: number; message: string }) => [e.row, e.message])).toEqual([
      [4, '检查项数（1）少于不合格项（2 项）'],
      [5, '自查日期不能为空；请填检查项数（全部合格时）'],
    ])
    const r = await post('selfchecks', '自查.csv', csv(lines))
    expect(r.json()).toMatchObject({ ok: true, created: 2 })
    const checks = await t.database.db.select().from(schema.selfChecks)
    const shop = checks.find((c) => c.businessId === s.shop.id)!
    expect(shop).toMatchObject({ status: 'done', items: ['燃气软管老化', '报警器未通电', '其余 10 项合格'], answers: { 1: false, 2: false, 3: true } })
    expect(checks.find((c) => c.businessId === s.other.id)!.title).toBe('自查自改（历史记录）')
    expect((await post('selfchecks', '自查.csv', csv(lines))).json()).toMatchObject({ created: 0, skipped: 2 })
    const list = await t.app.http.inject({ url: '/api/selfchecks', headers: ADMIN })
    expect(list.statusCode).toBe(200)
    expect(JSON.stringify(list.json())).toContain('餐饮场所燃气安全自查表')
  })

  it('when responsibility systems are imported, then verified ones count toward the plan target, the same file again changes nothing and a different record is never overwritten', async () => {
    const lines = ['单位,状态,报送日期,核验日期,核验人,备注', '城关老街饭店,已核验,2024-11-20,2024-12-05,李明,', '红山羊汤馆,已修订,2025-03-01,,,']
    const bad = await post('responsibility', '责任制.csv', csv([...lines, '城关老街饭店,已核验,2024-11-20,,,']), true)
    expect(bad.json().errors.map((e: { row: number; message: string }) => [e.row, e.message])).toEqual([[4, '已核验的请填核验日期']])
    const r = await post('responsibility', '责任制.csv', csv(lines))
    expect(r.json()).toMatchObject({ ok: true, created: 2 })
    const rows = await t.database.db.select().from(schema.responsibilitySystems)
    expect(rows.find((x) => x.businessId === s.shop.id)).toMatchObject({ status: 'verified', verifiedByName: '李明' })
    expect(rows.find((x) => x.businessId === s.other.id)).toMatchObject({ status: 'revised' })
    const plan = bundledPlans()[0]
    const others = (await planTargets(t.database.db, plan, new Date('2025-12-31T12:00:00+08:00'))).find((x) => x.key === 'responsibility.others')!
    expect(others.done).toBe(1)

    expect((await post('responsibility', '责任制.csv', csv(lines))).json()).toMatchObject({ ok: true, created: 0, skipped: 2 })
    const clash = await post('responsibility', '责任制2.csv', csv(['单位,状态,报送日期', '红山羊汤馆,已修订,2025-04-01']))
    expect(clash.statusCode).toBe(422)
    expect(clash.json().errors[0].message).toBe('系统里这家单位已有责任制记录（已修订待核验），与表中不同：请在“责任制”页核对')
  })

  let empty: TestDatabase | undefined
  afterAll(async () => empty?.close())

  it('when each kind is exported in its template and imported into an empty database, then the records there are the same', async () => {
    const db = t.database.db
    // records the system made itself, beside the imported ones
    const [tr] = await db
      .insert(schema.trainings)
      .values({ topic: '成品油行业安全培训', startsAt: new Date('2025-04-08T01:00:00Z'), endsAt: new Date('2025-04-08T03:00:00Z'), link: 'https://meeting.example/123', audience: 'principals', targetIndustries: ['refined_oil', 'scrap_vehicle'], checkinCode: '1234', createdBy: '李明' })
      .returning()
    await db.insert(schema.trainingAttendance).values({ trainingId: tr.id, personId: s.otherOwner.id, at: new Date('2025-04-08T01:05:00Z') })
    await db.insert(schema.selfChecks).values({ businessId: s.shop.id, checklistKey: 'catering-gas', title: '燃气自查', items: ['燃气阀门是否关闭', '软管是否老化，有无裂纹', '报警器是否通电'], answers: { 1: true, 2: false, 3: true }, status: 'done', startedAt: new Date('2025-09-01T02:00:00Z'), completedAt: new Date('2025-09-01T02:10:00Z') })
    await db.insert(schema.specialInspections).values({ plannedOn: '2025-10-01', doneOn: '2025-10-09', theme: '国庆节前联合检查', departments: ['消防救援', '市场监管'], businessIds: [s.shop.id, s.other.id], note: '发现隐患2处', createdBy: '李明' })

    empty = await testDatabase()
    await empty.db.insert(schema.jurisdictions).values(await db.select().from(schema.jurisdictions))
    await empty.db.insert(schema.businesses).values(await db.select().from(schema.businesses))
    await empty.db.insert(schema.people).values(await db.select().from(schema.people))
    await empty.db.insert(schema.memberships).values(await db.select().from(schema.memberships))
    const tables = { inspections: schema.specialInspections, trainings: schema.trainingAttendance, selfchecks: schema.selfChecks, responsibility: schema.responsibilitySystems }
    for (const kind of ['inspections', 'trainings', 'selfchecks', 'responsibility'] as HistoryKind[]) {
      const out = await t.app.http.inject({ url: `/api/import/history/${kind}/export.xlsx`, headers: ADMIN })
      expect(out.statusCode).toBe(200)
      const table = await readHistoryTable(out.rawPayload, `${kind}.xlsx`)
      const r = await importHistory(empty.db, kind, table, { dryRun: false, now: t.clock.now(), audit: { actorKind: 'token', actorName: '管理员', fileName: `${kind}.xlsx` } })
      expect(r.errors, kind).toEqual([])
      // the same records: the export of the new database is the export of the old one, row for row
      const back = await readHistoryTable((await historyExportXlsx(empty.db, kind)).xlsx, 'back.xlsx')
      expect(back, kind).toEqual(table)
      expect((await empty.db.select().from(tables[kind])).length, kind).toBe((await db.select().from(tables[kind])).length)
    }
    expect(await empty.db.select().from(schema.trainings)).toHaveLength(3)
    // and the plan's figures read the same from both
    const plan = bundledPlans()[0]
    const judge = async (d: typeof db) => (await planTargets(d, plan, new Date('2025-12-31T12:00:00+08:00'))).filter((x) => x.metric !== 'milestone').map((x) => [x.key, x.done])
    expect(await judge(empty.db)).toEqual(await judge(db))
  })

  it('when an officer (not an admin) uploads a history file, then it is refused', async () => {
    const r = await t.app.http.inject({ method: 'POST', url: '/api/import/history/inspections', payload: {}, headers: { authorization: 'Bearer nobody' } })
    expect(r.statusCode).toBe(401)
  })
})
