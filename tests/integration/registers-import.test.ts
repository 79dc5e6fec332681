import { describe, it, expect, afterAll } from 'vitest'
import { like } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { fileUpload } from '../helpers/multipart.js'
import { useSeededApp, type Seed, type TestApp } from '../helpers/app.js'
import { testDatabase, type TestDatabase } from '../helpers/db.js'
import { seedLedger } from '../helpers/ledger-data.js'
import { ledgerPage, type LedgerItem } from '../../src/services/ledger.js'
import { importHazardHistory, readHistoryTable } from '../../src/services/registers/history-import.js'
import type { Actor } from '../../src/core/permissions.js'

const ADMIN = { authorization: 'Bearer admin-token-0123456789' }
const admin: Actor = { role: 'admin', personId: null, identityId: null, businessIds: [], townshipId: null, industries: [] }

const upload = (name: string, bytes: Buffer) => fileUpload(name, bytes, ADMIN)

/** What two ledgers must agree on: everything but ids, codes and photos, times to the minute. */
const comparable = (items: LedgerItem[]) =>
  items
    .map((i) => ({
      status: i.status,
      grade: i.grade,
      category: i.category,
      industry: i.industry,
      township: i.townshipName,
      business: i.businessName,
      description: i.description,
      place: i.place,
      reporter: i.reporterName,
      responsible: i.responsibleName,
      deadline: i.deadline?.toISOString().slice(0, 16) ?? null,
      createdAt: i.createdAt.toISOString().slice(0, 16),
      closedAt: i.closedAt?.toISOString().slice(0, 16) ?? null,
      overdue: i.overdue,
      listed: i.listedSupervision,
      campaign: i.campaign,
      transfer: i.transferDepartment,
      transferResult: i.transferResult,
      measures: i.measures,
    }))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))

/** 2024–2026 history from Excel: the template, all-or-nothing per file, every bad row listed, audited; export → import → the same ledger. */
describe('importing the years before this system', () => {
  let t: TestApp
  let s: Seed
  let empty: TestDatabase | undefined
  useSeededApp(
    (app, seed) => {
      t = app
      s = seed
    },
    { config: { ADMIN_TOKENS: [{ token: 'admin-token-0123456789', role: 'admin', name: '管理员' }] } },
  )
  afterAll(async () => empty?.close())

  it('when the ledger is exported and imported into an empty database, then the ledger there is the same', async () => {
    await seedLedger(t.database.db, s)
    const xlsx = await t.app.http.inject({ url: '/api/ledger/export.xlsx', headers: ADMIN })
    expect(xlsx.statusCode).toBe(200)
    empty = await testDatabase()
    // the same directory (ids kept), no hazards
    await empty.db.insert(schema.jurisdictions).values(await t.database.db.select().from(schema.jurisdictions))
    await empty.db.insert(schema.businesses).values(await t.database.db.select().from(schema.businesses))
    const table = await readHistoryTable(xlsx.rawPayload, '隐患台账.xlsx')
    const r = await importHazardHistory(empty.db, table, { dryRun: false, now: t.clock.now(), audit: { actorKind: 'token', actorName: '管理员', fileName: '隐患台账.xlsx' } })
    expect(r.errors).toEqual([])
    expect(r.created).toBe(8)
    const page = { sort: 'createdAt', order: 'desc', page: 1, pageSize: 100 } as const
    const before = await ledgerPage(t.database.db, admin, page, t.clock.now())
    const after = await ledgerPage(empty.db, admin, page, t.clock.now())
    expect(comparable(after.items)).toEqual(comparable(before.items))
    // statistics count the imported hazards like any other
    const open = await ledgerPage(empty.db, admin, { ...page, status: 'open' }, t.clock.now())
    expect(open.total).toBe((await ledgerPage(t.database.db, admin, { ...page, status: 'open' }, t.clock.now())).total)
    const events = await empty.db.select().from(schema.hazardEvents).where(like(schema.hazardEvents.action, 'import%'))
    expect(events.filter((e) => e.action === 'import')).toHaveLength(8)
    expect(events.every((e) => (e.data as { imported?: boolean }).imported === true)).toBe(true)
  })

  it('when the template is downloaded and a file with bad rows is uploaded, then nothing is imported and every bad row is listed', async () => {
    const tpl = await t.app.http.inject({ url: '/api/import/templates/hazards.xlsx', headers: ADMIN })
    expect(tpl.statusCode).toBe(200)
    const table = await readHistoryTable(tpl.rawPayload, 'tpl.xlsx')
    expect(table[0].slice(0, 7)).toEqual(['状态', '等级', '类别', '行业', '乡镇街', '单位', '隐患描述'])
    const csv = [
      '状态,等级,单位,隐患描述,上报时间,销号时间',
      '已销号,一般隐患,城关老街饭店,灭火器压力不足,2025-04-01 09:00,2025-04-03 10:00',
      '整改中,重大,不存在的饭店,燃气泄漏,2025-05-01,',
      '已销号,一般隐患,城关老街饭店,疏散通道堵塞,2025-05-02,',
      '随便,一般隐患,待认定,电线老化,2023-12-31,',
      '整改中,一般隐患,城关老街饭店,灭火器压力不足,2025-04-01 09:00,',
    ].join('\n')
    const before = (await t.database.db.select().from(schema.hazards)).length
    const r = await t.app.http.inject({ method: 'POST', url: '/api/import/hazards', ...upload('2025年台账.csv', Buffer.from(csv)) })
    expect(r.statusCode).toBe(422)
    const body = r.json()
    expect(body.message).toBe('有 4 行需要修改（第 3、4、5、6 行），整批未导入')
    expect(body.errors.map((e: { row: number }) => e.row)).toEqual([3, 4, 5, 6])
    expect(body.errors[0].message).toContain('没有单位“不存在的饭店”')
    expect(body.errors[1].message).toContain('已销号的隐患请填销号时间')
    expect(body.errors[2].message).toContain('状态“随便”不对')
    expect(body.errors[2].message).toContain('上报时间应在 2024-01-01 到今天之间')
    expect(body.errors[3].message).toContain('与第 2 行重复')
    expect((await t.database.db.select().from(schema.hazards)).length).toBe(before)
  })

  it('when a good file is uploaded, then all of it comes in, audited as imported; uploading it again changes nothing', async () => {
    const csv = ['状态,等级,单位,隐患描述,上报时间,销号时间,专项行动', '已销号,一般隐患,城关老街饭店,灭火器压力不足,2025-04-01 09:00,2025-04-03 10:00,冬春火灾防控', '已上报待受理,重大隐患,红山羊汤馆,燃气报警器损坏,2025-06-01,,'].join('\n')
    const dry = await t.app.http.inject({ method: 'POST', url: '/api/import/hazards?dryRun=1', ...upload('a.csv', Buffer.from(csv)) })
    expect(dry.json().message).toBe('校验通过：2 条隐患可以导入')
    const r = await t.app.http.inject({ method: 'POST', url: '/api/import/hazards', ...upload('a.csv', Buffer.from(csv)) })
    expect(r.json()).toMatchObject({ ok: true, created: 2, message: '已导入 2 条历史隐患' })
    const audit = (await t.database.db.select().from(schema.auditLog)).filter((a) => a.action === 'hazard.import')
    expect(audit.map((a) => a.detail)).toEqual([{ fileName: 'a.csv', created: 2, skipped: 0, imported: true }])
    const ledger = (await t.app.http.inject({ url: `/api/ledger?campaign=${encodeURIComponent('冬春火灾防控')}&from=2025-01-01&to=2025-12-31`, headers: ADMIN })).json()
    expect(ledger.items.map((i: { description: string; status: string }) => [i.description, i.status])).toEqual([['灭火器压力不足', 'closed']])
    const again = await t.app.http.inject({ method: 'POST', url: '/api/import/hazards', ...upload('a.csv', Buffer.from(csv)) })
    expect(again.json()).toMatchObject({ ok: true, created: 0, skipped: 2, message: '没有新的记录：2 行系统里都已有' })
    const plusOne = csv + '\n已上报待受理,一般隐患,红山羊汤馆,安全出口指示灯不亮,2025-06-02,,'
    const more = await t.app.http.inject({ method: 'POST', url: '/api/import/hazards?dryRun=1', ...upload('a.csv', Buffer.from(plusOne)) })
    expect(more.json().message).toBe('校验通过：1 条隐患可以导入，2 行系统里已有（跳过）')
    expect((await t.database.db.select().from(schema.hazards)).filter((h) => h.reporterKind === 'import')).toHaveLength(2)
  })
})
