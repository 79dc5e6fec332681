import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { sql } from 'drizzle-orm'
import { query, rows, schema } from '../../db/client.js'
import { testDatabase, type TestDatabase } from '../helpers/db.js'

/**
 * A JS Date bound where drizzle does not know the column's type (a raw statement's parameter, a value in a sql``
 * fragment) reaches the database as a time, on PGlite and on PostgreSQL alike (drizzle's postgres.js client sends
 * such a Date unserialised unless the database layer serialises it).
 */
describe('dates bound outside typed columns', () => {
  let d: TestDatabase
  const at = new Date('2026-12-03T02:00:00.000Z')
  const later = new Date('2026-12-04T10:30:00.000Z')

  beforeAll(async () => {
    d = await testDatabase()
  })
  afterAll(async () => d?.close())

  it('when query() gets a Date parameter, then the statement compares and returns it as that time', async () => {
    const [r] = await query<{ iso: string; before: boolean }>(d.db, `select to_char($1::timestamptz at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') as iso, $1::timestamptz < $2::timestamptz as before`, [at, later])
    expect(r).toEqual({ iso: '2026-12-03T02:00:00', before: true })
  })

  it('when query() gets an array of Dates, then it binds as timestamptz[]', async () => {
    const got = await query<{ iso: string }>(d.db, `select to_char(t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI') as iso from unnest($1::timestamptz[]) as t order by t`, [[later, at]])
    expect(got.map((r) => r.iso)).toEqual(['2026-12-03T02:00', '2026-12-04T10:30'])
  })

  it('when rows() runs a sql fragment holding a Date, then it compares as that time', async () => {
    const got = await rows<{ n: number }>(d.db, sql`select count(*)::int as n from generate_series(${at}::timestamptz, ${later}::timestamptz, interval '1 hour') as t where t > ${at}`)
    expect(got).toEqual([{ n: 32 }])
  })

  it('when the query builder filters with a sql fragment comparing a column with a Date, then the rows on the right side match', async () => {
    const [town] = await d.db.insert(schema.jurisdictions).values({ name: '城关街道', kind: 'township' }).returning()
    const [a, b] = await d.db
      .insert(schema.businesses)
      .values([
        { name: '早登记饭店', industry: 'catering', townshipId: town.id, createdAt: at },
        { name: '晚登记饭店', industry: 'catering', townshipId: town.id, createdAt: later },
      ])
      .returning()
    const since = new Date(at.getTime() + 3_600_000)
    const found = await d.db.select({ id: schema.businesses.id }).from(schema.businesses).where(sql`${schema.businesses.createdAt} >= ${since}`)
    expect(found.map((r) => r.id)).toEqual([b.id])
    expect(found.map((r) => r.id)).not.toContain(a.id)
  })
})
