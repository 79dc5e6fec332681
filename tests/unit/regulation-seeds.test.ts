import { describe, it, expect } from 'vitest'
import { regulationSeeds } from '../../db/content/regulations.js'
import { INDUSTRIES } from '../../src/core/domain.js'

describe('the regulations series as shipped', () => {
  it('when counted, then there are at least 24 short items with unique keys, known industries and no article numbers', () => {
    expect(regulationSeeds.length).toBeGreaterThanOrEqual(24)
    expect(new Set(regulationSeeds.map((r) => r[0])).size).toBe(regulationSeeds.length)
    for (const [key, regulation, title, body, industries] of regulationSeeds) {
      expect(regulation, key).toMatch(/^《.+》$|^安全生产标准化$/)
      expect(title.length, key).toBeLessThanOrEqual(20)
      expect(body.length, key).toBeLessThanOrEqual(120)
      // article numbers only where sure of them: none are
      expect(body + title, key).not.toMatch(/第[一二三四五六七八九十百\d]+条/)
      for (const i of industries) expect(Object.keys(INDUSTRIES), key).toContain(i)
    }
  })
})
