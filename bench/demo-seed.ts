/**
 * How long `npm start -- --demo` spends writing the demo city on a fresh embedded database (PGlite, migrated):
 * the city alone, then its history from January 2024 to today (db/seed/demo-history.ts), and a second start that
 * finds both (idempotent). Median of 3 fresh databases.
 *
 *   npx tsx bench/demo-seed.ts
 */
import { performance } from 'node:perf_hooks'
import { sql } from 'drizzle-orm'
import { openPglite, schema } from '../db/client.js'
import { seedDemo } from '../db/seed/demo.js'
import { median } from './figures.js'

const runs: { city: number; history: number; again: number; hazards: number; events: number }[] = []
for (let i = 0; i < 3; i++) {
  const database = await openPglite({ migrate: true })
  const t0 = performance.now()
  await seedDemo(database.db)
  const t1 = performance.now()
  const r = await seedDemo(database.db, 'wechaty', { history: new Date() })
  const t2 = performance.now()
  await seedDemo(database.db, 'wechaty', { history: new Date() })
  const t3 = performance.now()
  const [e] = await database.db.select({ n: sql<number>`count(*)::int` }).from(schema.hazardEvents)
  runs.push({ city: t1 - t0, history: t2 - t1, again: t3 - t2, hazards: r.hazards, events: e.n })
  await database.close()
}
const ms = (x: number) => `${Math.round(x)} ms`
console.log(`demo seed on PGlite (median of ${runs.length}): city ${ms(median(runs.map((r) => r.city)))}, history ${ms(median(runs.map((r) => r.history)))} (${runs[0].hazards} hazards, ${runs[0].events} steps), second start ${ms(median(runs.map((r) => r.again)))}`)
