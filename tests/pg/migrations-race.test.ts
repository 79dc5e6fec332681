import fs from 'node:fs'
import { describe, it, expect } from 'vitest'
import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { openPostgres, rows, MIGRATIONS_FOLDER } from '../../db/client.js'
import { sql } from 'drizzle-orm'
import { PG_ADMIN_URL } from '../helpers/db.js'

describe('instances starting together on an empty PostgreSQL', () => {
  it('when two instances migrate the same empty database at the same moment, then both come up on one migrated schema', async () => {
    const admin = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {}, connect_timeout: 5 })
    const name = `csb_race_${randomBytes(5).toString('hex')}`
    await admin.unsafe(`create database ${name}`)
    const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`)
    try {
      const [a, b] = await Promise.all([openPostgres(url, { max: 2 }), openPostgres(url, { max: 2 })])
      try {
        const applied = await rows<{ n: number }>(a.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`)
        const journal = JSON.parse(fs.readFileSync(`${MIGRATIONS_FOLDER}/meta/_journal.json`, 'utf8')) as { entries: unknown[] }
        expect(applied[0].n).toBe(journal.entries.length)
        // both handles see the same tables
        const tables = await rows<{ n: number }>(b.db, sql`select count(*)::int as n from information_schema.tables where table_name = 'hazards'`)
        expect(tables[0].n).toBe(1)
      } finally {
        await a.close()
        await b.close()
      }
    } finally {
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end({ timeout: 5 })
    }
  })
})
