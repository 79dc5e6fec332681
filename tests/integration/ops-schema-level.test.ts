import { describe, it, expect } from 'vitest'
import { sql } from 'drizzle-orm'
import { rows, MIGRATIONS_FOLDER } from '../../db/client.js'
import { codeLevel, SchemaTooNewError } from '../../db/levels.js'
import { testDatabase } from '../helpers/db.js'

/** Issue 7, upgrades: a database newer than the code refuses to start with a message naming both levels. */
describe('ops: a database newer than the code', () => {
  it('when the database has a migration the code does not know, then migrating refuses with both levels named, and a database at the code level passes', async () => {
    const database = await testDatabase()
    try {
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
    } finally {
      await database.close()
    }
  })
})
