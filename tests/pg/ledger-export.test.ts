import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { sql } from 'drizzle-orm'
import { openPostgres, rows } from '../../db/client.js'
import type { Actor } from '../../src/core/permissions.js'
import { ledgerFilterSchema, ledgerPage, ledgerPageSchema, ledgerRows } from '../../src/services/ledger.js'
import { overview } from '../../src/services/stats.js'
import ExcelJS from 'exceljs'
import { LEDGER_HEADERS, ledgerCsv, ledgerXlsx } from '../../src/services/exports.js'
import { freshPostgres, type TestDatabase } from '../helpers/db.js'

const N = 5_000
const admin: Actor = { role: 'admin', personId: null, identityId: null, businessIds: [], townshipId: null, industries: [] }
const now = new Date('2026-11-20T02:00:00Z')

describe('ledger exports and counters on PostgreSQL', () => {
  let d: TestDatabase
  beforeAll(async () => {
    d = await freshPostgres()
    await d.db.execute(sql`insert into jurisdictions (name, kind) select '镇' || g, 'township' from generate_series(1, 3) g`)
    await d.db.execute(sql`insert into hazards (township_id, industry, reporter_name, reporter_kind, description, category, grade, status, deadline, created_at, updated_at, closed_at)
      select 1 + g % 3, 'catering', '人' || g, 'member', '描述' || g, 'fire', case when g % 10 = 0 then 'major' else 'general' end,
        case when g % 4 = 0 then 'closed' else 'rectifying' end, timestamptz '2026-11-01' + (g % 40) * interval '1 day',
        timestamptz '2026-01-01' + g * interval '1 hour', timestamptz '2026-01-01' + g * interval '1 hour',
        case when g % 4 = 0 then timestamptz '2026-01-03' + g * interval '1 hour' end
      from generate_series(1, ${N}) g`)
  })
  afterAll(async () => d?.close())

  it('when every row is exported, then a server-side cursor hands them over in batches, in order', async () => {
    const ids: number[] = []
    let batches = 0
    for await (const b of ledgerRows(d.db, admin, ledgerFilterSchema.parse({ sort: 'code', order: 'asc' }), now, 700)) {
      expect(b.length).toBeLessThanOrEqual(700)
      batches++
      ids.push(...b.map((r) => r.id))
    }
    expect(batches).toBe(Math.ceil(N / 700))
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    expect(new Set(ids).size).toBe(N)
  })

  it('when a download stops half way, then the cursor lets go of its connection', async () => {
    // one connection: the next statement would wait forever if the cursor kept it
    const one = await openPostgres(d.url!, { max: 1, migrate: false })
    try {
      const gen = ledgerRows(one.db, admin, ledgerFilterSchema.parse({}), now, 100)
      expect((await gen.next()).value).toHaveLength(100)
      await gen.return(undefined)
      const [r] = await rows<{ n: string }>(one.db, sql`select count(*) as n from hazards`)
      expect(Number(r.n)).toBe(N)
      // the CSV's COPY, stopped after its first chunks, leaves no connection in COPY mode either
      const csv = ledgerCsv(one.db, admin, ledgerFilterSchema.parse({}), now, { photoUrl: (s) => s })
      let chunks = 0
      for await (const chunk of csv) {
        expect(chunk.length).toBeGreaterThan(0)
        if (++chunks === 2) break // destroys the stream, as a closed download does
      }
      const [again] = await rows<{ n: string }>(one.db, sql`select count(*) as n from hazards`)
      expect(Number(again.n)).toBe(N)
    } finally {
      await one.close()
    }
  })

  it('when the ledger is exported as xlsx on PostgreSQL, then exceljs reads back one row per hazard, in order, with clickable photo links', async () => {
    await d.db.execute(sql`insert into attachments (sha256, mime, size, bytes) values (repeat('e', 64), 'image/png', 1, decode('00', 'hex')), (repeat('f', 64), 'image/png', 1, decode('00', 'hex'))`)
    await d.db.execute(sql`insert into hazard_attachments (hazard_id, sha256, stage) values (2, repeat('e', 64), 'report'), (2, repeat('f', 64), 'report'), (3, repeat('f', 64), 'rectification')`)
    try {
      const chunks: Buffer[] = []
      const photoUrl = (x: string) => `https://x.example/api/attachments/${x}`
      // a sheet of 2,000 rows here (a million in use): the rest goes on in 隐患台账2, 隐患台账3
      for await (const c of ledgerXlsx(d.db, admin, ledgerFilterSchema.parse({ sort: 'code', order: 'asc' }), now, { photoUrl, batch: 300, sheetRows: 2000 })) chunks.push(c as Buffer)
      const wb = new ExcelJS.Workbook()
      await wb.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer)
      expect(wb.worksheets.map((w) => w.name)).toEqual(['隐患台账', '隐患台账2', '隐患台账3'])
      const codes: string[] = []
      for (const ws of wb.worksheets) {
        expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(LEDGER_HEADERS)
        ws.eachRow((row, i) => i > 1 && codes.push(String(row.getCell(1).value)))
      }
      expect(codes).toEqual(Array.from({ length: N }, (_, i) => `Y${i + 1}`))
      const ws = wb.worksheets[0]
      const [e, f] = ['e', 'f'].map((x) => photoUrl(x.repeat(64)))
      // every link shown, one per line; the click opens the first
      expect(ws.getRow(3).getCell(21).value).toEqual({ formula: `HYPERLINK("${e}","${e}"&CHAR(10)&"${f}")`, result: `${e}\n${f}` })
      expect(ws.getRow(4).getCell(22).value).toEqual({ formula: `HYPERLINK("${f}","${f}")`, result: f })
      expect(ws.getRow(4).getCell(21).value).toBeNull()
      // 描述1 was created 2026-01-01 01:00 UTC: 09:00 in Shanghai
      expect((ws.getRow(2).getCell(13).value as Date).toISOString()).toBe('2026-01-01T09:00:00.000Z')
    } finally {
      await d.db.execute(sql`delete from hazard_attachments`)
    }
  })

  it('when an xlsx download stops half way, then the cursor lets go of its connection', async () => {
    const one = await openPostgres(d.url!, { max: 1, migrate: false })
    try {
      let chunks = 0
      for await (const chunk of ledgerXlsx(one.db, admin, ledgerFilterSchema.parse({}), now, { photoUrl: (s) => s, batch: 100 })) {
        expect((chunk as Buffer).length).toBeGreaterThan(0)
        if (++chunks === 1) break // destroys the stream, as a closed download does
      }
      const [r] = await rows<{ n: string }>(one.db, sql`select count(*) as n from hazards`)
      expect(Number(r.n)).toBe(N)
    } finally {
      await one.close()
    }
  })

  it('when the ledger is exported as CSV on PostgreSQL, then it has one line per hazard in the township', async () => {
    let text = ''
    for await (const c of ledgerCsv(d.db, admin, ledgerFilterSchema.parse({ townshipId: '2' }), now, { photoUrl: (s) => s, batch: 500 })) text += c
    const lines = text.split('\n').filter(Boolean)
    expect(lines[0].startsWith('\uFEFF编号,状态')).toBe(true)
    expect(lines).toHaveLength(1 + Math.floor((N + 2) / 3))
  })

  it('when the CSV comes through COPY, then it is byte for byte what the row-by-row path writes (labels, times, quotes, formulas, photos)', async () => {
    await d.db.execute(sql`insert into hazards (township_id, industry, reporter_name, reporter_kind, description, place, category, grade, status, created_at, updated_at)
      values (2, null, '=cmd', 'public', ${'含"引号",逗号\n换行 🔥 <b>x</b>'}, '', 'gas', 'major', 'transferred', '2026-11-19T16:30:00Z', '2026-11-19T16:30:00Z'),
             (3, 'mall', '-1+1', 'member', '@SUM(A1)', '二楼', 'special_equipment', 'general', 'awaiting_verification', '2026-11-19T15:59:00Z', '2026-11-19T15:59:00Z')`)
    const [h] = await rows<{ id: number }>(d.db, sql`select max(id) as id from hazards`)
    await d.db.execute(sql`insert into attachments (sha256, mime, size, bytes) values (repeat('a', 64), 'image/png', 1, decode('00', 'hex')), (repeat('b', 64), 'image/png', 1, decode('00', 'hex'))`)
    await d.db.execute(sql`insert into hazard_attachments (hazard_id, sha256, stage) values (${h.id}, repeat('a', 64), 'report'), (${h.id}, repeat('b', 64), 'report'), (${h.id}, repeat('b', 64), 'rectification')`)
    const read = async (copy: boolean, q: Record<string, string>) => {
      const chunks: Buffer[] = []
      for await (const c of ledgerCsv(d.db, admin, ledgerFilterSchema.parse(q), now, { photoUrl: (s) => `https://x.example/api/attachments/${s}`, copy })) chunks.push(Buffer.from(c))
      return Buffer.concat(chunks).toString('utf8')
    }
    const queries: Record<string, string>[] = [{ sort: 'code', order: 'desc' }, { q: '引号' }, { townshipId: '3', sort: 'deadline', order: 'asc' }]
    for (const q of queries) {
      const viaCopy = await read(true, q)
      expect(viaCopy).toBe(await read(false, q))
      expect(viaCopy.split('\n').length).toBeGreaterThan(2)
    }
    const top = await read(true, { sort: 'code', order: 'desc' })
    expect(top).toContain(`${'Y' + h.id},整改完成待验收,一般隐患,特种设备,商场综合体,镇3,待认定,'@SUM(A1),二楼,'-1+1,,,2026-11-19 23:59`)
    expect(top).toContain(`"https://x.example/api/attachments/${'a'.repeat(64)}\nhttps://x.example/api/attachments/${'b'.repeat(64)}"`)
    expect(top).toContain('"含""引号"",逗号\n换行 🔥 <b>x</b>"')
    expect(top).toContain(',重大隐患,燃气,—,')
    expect(top).toContain('2026-11-20 00:30')
    await d.db.execute(sql`delete from hazard_attachments`)
    await d.db.execute(sql`delete from hazards where id > ${N}`)
  })

  it('when hazards were inserted in one statement and changed in another, then the counters agree with counting the rows', async () => {
    await d.db.execute(sql`update hazards set status = 'closed', closed_at = ${now.toISOString()}::timestamptz where id % 7 = 0 and status <> 'closed'`)
    const o = await overview(d.db, admin, now)
    const [c] = await rows<{ open: string; major: string; overdue: string }>(
      d.db,
      sql`select count(*) filter (where status <> 'closed') as open, count(*) filter (where status <> 'closed' and grade = 'major') as major,
        count(*) filter (where status in ('reported', 'rectifying') and deadline < ${now.toISOString()}::timestamptz) as overdue from hazards`,
    )
    expect(o.total).toBe(N)
    expect(o.open).toBe(Number(c.open))
    expect(o.major).toBe(Number(c.major))
    expect(o.overdue).toBe(Number(c.overdue))
    const p = await ledgerPage(d.db, admin, ledgerPageSchema.parse({ status: 'open', townshipId: '1' }), now)
    const [x] = await rows<{ n: string }>(d.db, sql`select count(*) as n from hazards where status <> 'closed' and township_id = 1`)
    expect(p.total).toBe(Number(x.n))
  })
})
