import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { sql } from 'drizzle-orm'
import { rows, MIGRATIONS_FOLDER } from '../../db/client.js'
import { codeLevel, SchemaTooNewError } from '../../db/levels.js'
import { createMetrics } from '../../src/metrics.js'
import { testDatabase, usingPostgres, type TestDatabase } from '../helpers/db.js'

/**
 * Issue 7 on one database without an app: job and pool metrics (the API the scheduler calls), and a
 * database newer than the code refusing to start (last: it leaves the database "newer").
 */
describe('ops: metrics of jobs and the database pool; a database newer than the code', () => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await testDatabase()
  })
  afterAll(async () => database?.close())

  it('when jobs run, skip and fail, then job_runs_total counts each outcome and job_duration_seconds each run; the pool gauges show the connection busy while a transaction runs', async () => {
    const m = createMetrics(database.db)
    expect(await m.jobs.time('daily-tips', async () => 'ok')).toBe('ok')
    await m.jobs.time('daily-tips', async () => 'skipped')
    expect(await m.jobs.time('weekly-report', async () => 42)).toBe(42)
    await expect(m.jobs.time('weekly-report', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    m.jobs.record('holiday-reminder', 'ok', 0.3)
    const text = await m.registry.metrics()
    expect(text).toContain('job_runs_total{job="daily-tips",outcome="ok"} 1')
    expect(text).toContain('job_runs_total{job="daily-tips",outcome="skipped"} 1')
    expect(text).toContain('job_runs_total{job="weekly-report",outcome="ok"} 1')
    expect(text).toContain('job_runs_total{job="weekly-report",outcome="failed"} 1')
    expect(text).toContain('job_duration_seconds_count{job="weekly-report"} 2')
    expect(text).toContain('job_duration_seconds_bucket{le="0.5",job="holiday-reminder"} 1')
    expect(text).toContain('job_duration_seconds_bucket{le="0.1",job="holiday-reminder"} 0')

    // PGlite has one connection; postgres.js a pool whose use the server reports (pg_stat_activity for this process)
    const pg = usingPostgres()
    if (pg) {
      expect(text).toMatch(/db_pool_size \d+/)
      expect(text).toMatch(/db_pool_open \d+/)
    } else {
      expect(text).toContain('db_pool_size 1')
      expect(text).toContain('db_pool_open 1')
      expect(text).toContain('db_pool_busy 0')
    }
    const busy = m.registry.getSingleMetric('db_pool_busy')!
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const tx = database.db.transaction(async (t) => {
      await t.execute(sql`select 1`)
      await gate
    })
    await new Promise((r) => setTimeout(r, 20))
    const during = (await busy.get()).values[0].value
    expect(during).toBeGreaterThanOrEqual(1)
    release()
    await tx
    await new Promise((r) => setImmediate(r)) // one sample serves one scrape
    const after = (await busy.get()).values[0].value
    if (pg) expect(after).toBeLessThan(during)
    else expect(after).toBe(0)
  })

  it('when the database has a migration the code does not know, then migrating refuses with both levels named, and a database at the code level passes', async () => {
    await database.migrate() // at the code's level: nothing to do, no refusal
    const code = codeLevel(MIGRATIONS_FOLDER)
    const future = code.lastWhen + 86_400_000
    await rows(database.db, sql`insert into drizzle.__drizzle_migrations (hash, created_at) values ('future', ${future})`)
    const e = (await database.migrate().catch((x: unknown) => x)) as SchemaTooNewError
    expect(e).toBeInstanceOf(SchemaTooNewError)
    expect(e.exitCode).toBe(4)
    expect(e.database.count).toBe(code.count + 1)
    expect(e.code.count).toBe(code.count)
    expect(e.message).toContain('数据库的结构版本比本程序新')
    expect(e.message).toContain(`数据库已应用 ${code.count + 1} (?, ${new Date(future).toISOString()})`)
    expect(e.message).toContain(`本程序只认识 ${code.count} (${code.lastTag}`)
    expect(e.message).toContain('The database schema is newer than this program')
    // refused before anything ran: the future row is still the last one
    const [r] = await rows<{ n: number }>(database.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`)
    expect(r.n).toBe(code.count + 1)
  })
})
