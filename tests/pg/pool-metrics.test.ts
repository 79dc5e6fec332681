import { describe, it, expect } from 'vitest'
import { sql } from 'drizzle-orm'
import { createMetrics } from '../../src/metrics.js'
import { freshPostgres } from '../helpers/db.js'

describe('ops: database pool metrics on PostgreSQL', () => {
  it('when statements run on the pool, then db_pool_open and db_pool_busy show this process’s connections as the server sees them', async () => {
    const database = await freshPostgres()
    try {
      const m = createMetrics(database.db)
      const value = async (name: string) => {
        await new Promise((r) => setImmediate(r))
        return (await m.registry.getSingleMetric(name)!.get()).values[0].value
      }
      expect(await value('db_pool_size')).toBe(10)
      // two statements sleeping at once hold two connections
      const sleeping = Promise.all([database.db.execute(sql`select pg_sleep(0.6)`), database.db.execute(sql`select pg_sleep(0.6)`)])
      await new Promise((r) => setTimeout(r, 250))
      expect(await value('db_pool_busy')).toBe(2)
      expect(await value('db_pool_open')).toBeGreaterThanOrEqual(3)
      await sleeping
      expect(await value('db_pool_busy')).toBe(0)
    } finally {
      await database.close()
    }
  })
})
