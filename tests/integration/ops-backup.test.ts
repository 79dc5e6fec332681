import { describe, it, expect } from 'vitest'
import { Readable } from 'node:stream'
import { sql } from 'drizzle-orm'
import { schema, rows } from '../../db/client.js'
import { codeLevel } from '../../db/levels.js'
import { MIGRATIONS_FOLDER } from '../../db/client.js'
import { backupDatabase, restoreDatabase, RestoreError } from '../../src/ops/backup.js'
import { useSeededApp, startTestApp, type Seed, type TestApp } from '../helpers/app.js'
import { testDatabase, type TestDatabase } from '../helpers/db.js'
import { buildLedger, ledgerHash, ledgerExport, tableCounts, memoryFile } from '../helpers/ledger.js'
import { recordAudit } from '../../src/services/audit.js'

/** Issue 7: a backup restored into an empty database gives an identical ledger (embedded PGlite). */
describe('ops: backup and restore (PGlite)', () => {
  let t: TestApp
  let s: Seed
  useSeededApp((app, seed) => {
    t = app
    s = seed
  })

  let codes: string[] = []
  let file: ReturnType<typeof memoryFile>
  let target: TestDatabase

  it('when a database with hazards, events, photos, notices and audit rows is backed up and restored into an empty one, then the ledger export is identical', async () => {
    codes = await buildLedger(t, s)
    await recordAudit(t.database.db, { actorKind: 'token', actorName: 'ops', action: 'person.export', targetType: 'person', targetId: 1 }, t.clock.now())
    file = memoryFile()
    const b = await backupDatabase(t.database, file.out)
    expect(b.schema.count).toBe(codeLevel(MIGRATIONS_FOLDER).count)
    expect(b.rows.hazards).toBe(codes.length)
    expect(b.rows.attachments).toBeGreaterThanOrEqual(5)
    expect(b.rows.outbox).toBeGreaterThan(0)
    // foreign-key order: referenced tables come before the tables that reference them
    const order = JSON.parse(file.text().split('\n')[0]).tables as string[]
    for (const [parent, child] of [['jurisdictions', 'businesses'], ['businesses', 'hazards'], ['hazards', 'hazard_events'], ['attachments', 'hazard_attachments'], ['hazard_events', 'hazard_attachments'], ['people', 'memberships']]) {
      expect(order.indexOf(parent), `${parent} before ${child}`).toBeLessThan(order.indexOf(child))
    }

    target = await testDatabase()
    const r = await restoreDatabase(target, file.read())
    expect(r.rows).toEqual(b.rows)
    expect(await ledgerHash(target.db)).toBe(await ledgerHash(t.database.db))
    expect(await ledgerExport(target.db)).toContain(codes[0])
    expect(await tableCounts(target.db)).toEqual(await tableCounts(t.database.db))
    const audit = await target.db.select().from(schema.auditLog)
    expect(audit.map((a) => a.action)).toEqual(['person.export'])
  })

  it('when the restored database runs the bot, then new reports continue the numbering and photos are served; restoring over it needs --force', async () => {
    const restoredApp = await startTestApp({ database: target, clock: t.clock })
    try {
      // the restored bot carries on: sequences were reset, so the next report takes a new number
      restoredApp.app.simulator!.createContact({ id: 'owner', name: '张老板' })
      restoredApp.app.simulator!.createGroup({ id: s.group, name: '城关商户安全群', memberIds: ['owner'] })
      expect(await restoredApp.say('owner', s.group, '#隐患 配电箱门损坏 地点：二楼')).toBe('handled')
      const said = restoredApp.botSaid(s.group).map((x) => x.text).join('\n')
      const next = Number(/Y(\d+)/.exec(said)![1])
      expect(next).toBeGreaterThan(Math.max(...codes.map((c) => Number(c.slice(1)))))
      expect(said).toContain('城关老街饭店')
      // the restored photos are served
      const h = await restoredApp.app.http.inject({ method: 'GET', url: `/api/hazards/${codes[0]}` })
      expect(h.statusCode).toBe(200)
      const photo = await restoredApp.app.http.inject({ method: 'GET', url: h.json().photos[0].url })
      expect(photo.statusCode).toBe(200)
      expect(photo.headers['content-type']).toBe('image/png')

      // restoring over a database that is not empty is refused, and changes nothing
      const before = await ledgerHash(target.db)
      const refused = await restoreDatabase(target, file.read()).catch((e: unknown) => e)
      expect(refused).toBeInstanceOf(RestoreError)
      expect((refused as RestoreError).code).toBe('not_empty')
      expect((refused as RestoreError).exitCode).toBe(5)
      expect((refused as Error).message).toContain('目标数据库不是空的')
      expect((refused as Error).message).toContain('--force')
      expect(await ledgerHash(target.db)).toBe(before)

      // with --force the backup replaces everything (the report made after the restore is gone)
      await restoreDatabase(target, file.read(), { force: true })
      expect(await ledgerHash(target.db)).toBe(await ledgerHash(t.database.db))
    } finally {
      await restoredApp.close()
    }
  })

  it('when the backup comes from a newer schema, is not a backup, or is cut short, then restore refuses and writes nothing', async () => {
    const file = memoryFile()
    await backupDatabase(t.database, file.out)
    const lines = file.text().split('\n')
    const header = JSON.parse(lines[0])
    const target = await testDatabase()
    try {
      const newer = { ...header, schema: { ...header.schema, count: header.schema.count + 1, lastWhen: header.schema.lastWhen + 1000, lastTag: '9999_future' } }
      const e1 = (await restoreDatabase(target, Readable.from([[JSON.stringify(newer), ...lines.slice(1)].join('\n')])).catch((e: unknown) => e)) as RestoreError
      expect(e1.code).toBe('newer_backup')
      expect(e1.exitCode).toBe(4)
      expect(e1.message).toContain('备份来自更新的数据库结构')

      const e2 = (await restoreDatabase(target, Readable.from(['hello\n'])).catch((e: unknown) => e)) as RestoreError
      expect(e2.code).toBe('bad_file')

      // cut before the end marker: the transaction rolls back
      const cut = lines.slice(0, Math.floor(lines.length / 2)).join('\n')
      const e3 = (await restoreDatabase(target, Readable.from([cut])).catch((e: unknown) => e)) as RestoreError
      expect(e3.code).toBe('bad_file')
      expect(e3.message).toContain('不完整')
      expect(Object.values(await tableCounts(target.db)).every((n) => n === 0)).toBe(true)

      // a table another part adds later, referencing itself, with a child stored before its parent: picked up
      // without code changes, and its self-reference is checked at commit instead of by row order
      for (const db of [t.database.db, target.db]) {
        await rows(db, sql`create table ops_test_tree (id serial primary key, parent_id int references ops_test_tree (id), name text not null)`)
      }
      await rows(t.database.db, sql`insert into ops_test_tree (id, parent_id, name) values (2, null, '根')`)
      await rows(t.database.db, sql`insert into ops_test_tree (id, parent_id, name) values (1, 2, '叶'), (3, 1, '叶下')`)
      await rows(t.database.db, sql`select setval('ops_test_tree_id_seq', 3)`)
      const again = memoryFile()
      await backupDatabase(t.database, again.out)
      const r = await restoreDatabase(target, again.read())
      expect(r.rows.ops_test_tree).toBe(3)
      expect(await rows(target.db, sql`select id, parent_id, name from ops_test_tree order by id`)).toEqual([
        { id: 1, parent_id: 2, name: '叶' },
        { id: 2, parent_id: null, name: '根' },
        { id: 3, parent_id: 1, name: '叶下' },
      ])
      expect(await ledgerHash(target.db)).toBe(await ledgerHash(t.database.db))
      // the constraint is back to what it was
      const [c] = await rows<{ deferrable: boolean }>(target.db, sql`select condeferrable as deferrable from pg_constraint where conname = 'ops_test_tree_parent_id_fkey'`)
      expect(c.deferrable).toBe(false)
      const [next] = await rows<{ id: number }>(target.db, sql`insert into ops_test_tree (name) values ('新') returning id`)
      expect(next.id).toBe(4)
    } finally {
      await target.close()
    }
  })
})
