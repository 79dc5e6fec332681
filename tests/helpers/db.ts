import fs from 'node:fs'
import { randomBytes } from 'node:crypto'
import { inject } from 'vitest'
import { openPglite, openPostgres, type Database } from '../../db/client.js'

/** The server the Postgres runs use (`npm run test:pg`). */
export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

export const usingPostgres = () => process.env.TEST_DB === 'postgres'

export interface TestDatabase extends Database {
  /** the database URL when on Postgres */
  url?: string
}

/** A fresh, migrated database: a PGlite clone of the template, or a new database on the real PostgreSQL. */
export async function testDatabase(): Promise<TestDatabase> {
  if (usingPostgres()) return freshPostgres()
  const file = inject('pgliteTemplate')
  const blob = new Blob([fs.readFileSync(file)], { type: 'application/x-gzip' })
  return openPglite({ loadDataDir: blob, migrate: false })
}

/** A new database on the PostgreSQL server; fails loudly when the server is not there. */
export async function freshPostgres(): Promise<TestDatabase> {
  const { default: postgres } = await import('postgres')
  const admin = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {}, connect_timeout: 5 })
  const name = `csb_test_${randomBytes(6).toString('hex')}`
  try {
    await admin.unsafe(`create database ${name}`)
  } catch (e) {
    throw new Error(`PostgreSQL is needed at ${PG_ADMIN_URL} for this suite (start it: pg_ctlcluster --skip-systemctl-redirect 15 main start): ${(e as Error).message}`, { cause: e })
  } finally {
    await admin.end({ timeout: 5 })
  }
  const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`)
  const database = await openPostgres(url, { max: 10 })
  return {
    ...database,
    url,
    async close() {
      await database.close()
      const a = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {} })
      await a.unsafe(`drop database if exists ${name} with (force)`)
      await a.end({ timeout: 5 })
    },
  }
}
