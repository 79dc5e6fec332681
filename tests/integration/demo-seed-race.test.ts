/**
 * Issue 13 item 5: two instances started together with --demo. Seeding waits on the migration lock inside its
 * transaction and looks again, so the second finds the first's city instead of dying on a duplicate key.
 * (On PGlite both share one connection; with TEST_DB=postgres the two run on separate connections.)
 */
import { describe, it, expect } from 'vitest'
import { eq } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { seedDemo, DEMO_CITY } from '../../db/seed/demo.js'
import { testDatabase } from '../helpers/db.js'

describe('demo data seeded by two instances at once', () => {
  it('when two seed at the same moment, then one creates the city, the other finds it, and nothing is doubled', async () => {
    const database = await testDatabase()
    try {
      const results = await Promise.all([seedDemo(database.db), seedDemo(database.db), seedDemo(database.db)])
      expect(results.filter((r) => r.created)).toHaveLength(1)
      const cities = await database.db.select().from(schema.jurisdictions).where(eq(schema.jurisdictions.name, DEMO_CITY))
      expect(cities).toHaveLength(1)
      const again = await seedDemo(database.db)
      expect(again.created).toBe(false)
    } finally {
      await database.close()
    }
  })
})
