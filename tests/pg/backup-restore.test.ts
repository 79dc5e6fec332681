import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { describe, it, expect, beforeAll, afterAll, inject } from 'vitest'
import postgres from 'postgres'
import { sql } from 'drizzle-orm'
import { openPglite, openPostgres, rows } from '../../db/client.js'
import { backupDatabase, restoreDatabase } from '../../src/ops/backup.js'
import { runCli } from '../../src/ops/cli.js'
import { startTestApp, seedBasics, type TestApp, type Seed } from '../helpers/app.js'
import { freshPostgres, PG_ADMIN_URL, type TestDatabase } from '../helpers/db.js'
import { buildLedger, ledgerHash, tableCounts, memoryFile } from '../helpers/ledger.js'

/** Issue 7 on PostgreSQL: backup and restore through the CLI and the library, into a database with no schema at all. */
describe('ops: backup and restore (PostgreSQL)', () => {
  let t: TestApp
  let s: Seed
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csb-backup-'))
  const created: string[] = []
  beforeAll(async () => {
    t = await startTestApp({ database: await freshPostgres() })
    s = await seedBasics(t)
  })
  afterAll(async () => {
    await t?.close()
    const admin = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {} })
    for (const name of created) await admin.unsafe(`drop database if exists ${name} with (force)`)
    await admin.end({ timeout: 5 })
    fs.rmSync(dir, { recursive: true, force: true })
  })

  /** A database with nothing in it, not even the migrations. */
  async function emptyDatabaseUrl(): Promise<string> {
    const admin = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {} })
    const name = `csb_restore_${randomBytes(5).toString('hex')}`
    await admin.unsafe(`create database ${name}`)
    await admin.end({ timeout: 5 })
    created.push(name)
    return PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`)
  }

  it('when npm run backup and npm run restore carry a ledger into an empty database, then the ledger export is identical', async () => {
    await buildLedger(t, s)
    const file = path.join(dir, 'ledger.jsonl.gz')
    const source = (t.database as TestDatabase).url!
    expect(await runCli(['backup', file], { DATABASE_URL: source })).toBe(0)
    expect(fs.statSync(file).size).toBeGreaterThan(100)

    const url = await emptyDatabaseUrl()
    expect(await runCli(['restore', file], { DATABASE_URL: url })).toBe(0)
    const restored = await openPostgres(url, { max: 2 })
    try {
      expect(await ledgerHash(restored.db)).toBe(await ledgerHash(t.database.db))
      expect(await tableCounts(restored.db)).toEqual(await tableCounts(t.database.db))
      const [m] = await rows<{ n: number }>(restored.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`)
      const [n] = await rows<{ n: number }>(t.database.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`)
      expect(m.n).toBe(n.n)
      const [seq] = await rows<{ id: number }>(restored.db, sql`select nextval('hazards_id_seq')::int as id`)
      const [max] = await rows<{ id: number }>(restored.db, sql`select max(id)::int as id from hazards`)
      expect(seq.id).toBeGreaterThan(max.id)
    } finally {
      await restored.close()
    }
    // a second restore without --force is refused with exit code 5 and leaves the data alone
    expect(await runCli(['restore', file], { DATABASE_URL: url })).toBe(5)
    expect(await runCli(['restore', file, '--force'], { DATABASE_URL: url })).toBe(0)
    // not a backup
    const junk = path.join(dir, 'junk.gz')
    fs.writeFileSync(junk, 'not gzip')
    expect(await runCli(['restore', junk], { DATABASE_URL: await emptyDatabaseUrl() })).toBe(6)
    expect(await runCli(['restore'], { DATABASE_URL: url })).toBe(2)
  })

  it('when a PostgreSQL backup is restored into PGlite, then the ledger is the same (the format is portable)', async () => {
    const file = memoryFile()
    await backupDatabase(t.database, file.out)
    // an empty PGlite from the migrated template (creating one from nothing costs seconds)
    const template = new Blob([fs.readFileSync(inject('pgliteTemplate'))], { type: 'application/x-gzip' })
    const lite = await openPglite({ loadDataDir: template, migrate: false })
    try {
      await restoreDatabase(lite, file.read())
      expect(await ledgerHash(lite.db)).toBe(await ledgerHash(t.database.db))
    } finally {
      await lite.close()
    }
  })
})
