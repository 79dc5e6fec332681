import { describe, it, expect } from 'vitest'
import cron from 'node-cron'
import { nextFire, previousFire } from '../../src/core/cron.js'
import { eligible, pickNext, type PoolItem } from '../../src/core/rotation.js'
import { isQuiet, parseQuietHours, quietEnd } from '../../src/core/quiet-hours.js'
import { intervalPacer } from '../../src/channels/types.js'
import { seedContent } from '../../db/content/index.js'
import { INDUSTRIES } from '../../src/core/domain.js'
import { PERIOD_KEYS } from '../../src/core/calendar.js'
import { mulberry32 as seededRandom } from '../helpers/random.js'

const at = (local: string) => new Date(local + '+08:00')

describe('next fire time of a cron expression (Asia/Shanghai)', () => {
  it.each(['0 30 9 * * 2,5', '0 0 10 * * 3', '0 0 9 1 * *', '*/20 8-9 * * 1-5', '0 30 8 * * 1'])('when %s, then it agrees with node-cron', (expr) => {
    const task = cron.createTask(expr, () => {}, { timezone: 'Asia/Shanghai' })
    const theirs = task.getNextRuns(5).map((d) => d.toISOString())
    void task.destroy()
    const ours: string[] = []
    let d = new Date()
    for (let i = 0; i < 5; i++) ours.push((d = nextFire(expr, d)).toISOString())
    expect(ours).toEqual(theirs)
  })

  it('when asked from a fire time, then the next is strictly later and the previous is that time', () => {
    const t = at('2026-03-03T09:30:00')
    expect(nextFire('0 30 9 * * 2,5', t)).toEqual(at('2026-03-06T09:30:00'))
    expect(previousFire('0 30 9 * * 2,5', t)).toEqual(t)
    expect(previousFire('0 30 9 * * 2,5', new Date(t.getTime() - 1))).toEqual(at('2026-02-27T09:30:00'))
    expect(nextFire('0 0 0 1 1 *', at('2026-12-31T23:59:59'))).toEqual(at('2027-01-01T00:00:00'))
  })
})

describe('rotation of content per group', () => {
  const item = (id: number, industries: string[] = [], seasons: string[] = []): PoolItem => ({ id, key: `k${id}`, industries, seasons })

  it('when a group is scoped to industries, then only their items and general ones are eligible, and seasonal ones only in season', () => {
    expect(eligible(item(1, ['catering']), { industries: ['refined_oil'] }, [])).toBe(false)
    expect(eligible(item(1, ['catering']), { industries: [] }, [])).toBe(true)
    expect(eligible(item(1, []), { industries: ['refined_oil'] }, [])).toBe(true)
    expect(eligible(item(1, [], ['summer_heat']), { industries: [] }, ['winter_fire'])).toBe(false)
    expect(eligible(item(1, [], ['summer_heat']), { industries: [] }, ['summer_heat', 'flood_season'])).toBe(true)
  })

  it('when items are picked again and again, then none repeats before every other one of the pool was sent', () => {
    const pool = [1, 2, 3, 4, 5].map((i) => item(i))
    const last = new Map<number, number>()
    const order: number[] = []
    for (let t = 1; t <= 15; t++) {
      const p = pickNext(pool, last, [], 'g1')!
      last.set(p.id, t)
      order.push(p.id)
    }
    for (let k = 0; k < 3; k++) expect(new Set(order.slice(k * 5, k * 5 + 5)).size).toBe(5)
    expect(order.slice(5, 10)).toEqual(order.slice(0, 5))
  })

  it('when a season starts, then its items come first among those never sent, and groups get different orders', () => {
    const pool = [item(1), item(2), item(3, [], ['flood_season'])]
    expect(pickNext(pool, new Map(), ['flood_season'], 'g1')!.id).toBe(3)
    const orders = ['g1', 'g2', 'g3', 'g4'].map((salt) => pickNext([1, 2, 3, 4, 5, 6].map((i) => item(i)), new Map(), [], salt)!.id)
    expect(new Set(orders).size).toBeGreaterThan(1)
    expect(pickNext([], new Map(), [], 'g1')).toBeNull()
  })
})

describe('the shipped content library', () => {
  const tips = seedContent.filter((i) => i.kind === 'tip')
  const cases = seedContent.filter((i) => i.kind === 'case')

  it('has at least 60 tips covering every industry and focus, and at least 20 cases with cause and lesson', () => {
    expect(tips.length).toBeGreaterThanOrEqual(60)
    expect(cases.length).toBeGreaterThanOrEqual(20)
    for (const i of Object.keys(INDUSTRIES)) expect(tips.some((t) => t.industries!.includes(i)), i).toBe(true)
    for (const f of ['gas', 'fire', 'hazardous', 'special_equipment', 'building', 'electrical', 'hot_work', 'alcohol_fuel', 'heating', 'heat', 'flood'])
      expect(tips.some((t) => t.focus!.includes(f)), f).toBe(true)
    expect(tips.some((t) => /报警器/.test(t.body) && /软管/.test(tips.map((x) => x.body).join()))).toBe(true)
    for (const c of cases) expect(c.body).toMatch(/^经过：.+\n原因：.+\n教训：.+$/)
  })

  it('has unique keys, known tags and a reminder text for every key period', () => {
    expect(new Set(seedContent.map((i) => i.key)).size).toBe(seedContent.length)
    for (const i of seedContent) {
      for (const x of i.industries ?? []) expect(Object.keys(INDUSTRIES)).toContain(x)
      for (const s of i.seasons ?? []) expect(PERIOD_KEYS).toContain(s)
    }
    for (const k of PERIOD_KEYS) expect(seedContent.some((i) => i.key === `period:${k}`), k).toBe(true)
  })
})

describe('delivery rules', () => {
  it('when quiet hours are 21:00-08:00, then normal pushes wait from 21:00 until 08:00 Shanghai time', () => {
    const q = parseQuietHours('21:00-08:00')
    expect(isQuiet(q, at('2026-03-03T20:59:59'))).toBe(false)
    expect(isQuiet(q, at('2026-03-03T21:00:00'))).toBe(true)
    expect(isQuiet(q, at('2026-03-04T07:59:00'))).toBe(true)
    expect(isQuiet(q, at('2026-03-04T08:00:00'))).toBe(false)
    expect(quietEnd(q, at('2026-03-03T22:30:00'))).toEqual(at('2026-03-04T08:00:00'))
    expect(quietEnd(q, at('2026-03-04T03:00:00'))).toEqual(at('2026-03-04T08:00:00'))
    expect(parseQuietHours('off')).toBeNull()
    expect(isQuiet(parseQuietHours('12:00-14:00'), at('2026-03-04T13:00:00'))).toBe(true)
  })

  it('when sends are jittered, then each falls inside its own slot: the rate holds, gaps stay at least the minimum', () => {
    const p = intervalPacer({ minIntervalMs: 1000, jitterMs: 1000, dailyCap: 10_000, random: seededRandom(7) })
    let t = at('2026-03-03T10:00:00').getTime()
    const sends: number[] = []
    while (sends.length < 200) {
      const d = p.delay('x', new Date(t))
      if (d > 0) {
        t += d
        continue
      }
      p.record('x', new Date(t))
      sends.push(t)
    }
    const gaps = sends.slice(1).map((x, i) => x - sends[i])
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000)
    expect(Math.max(...gaps)).toBeLessThan(3000)
    // 200 sends in 200 slots of 2 s (plus the last slot's jitter): jitter never slows the rate
    expect(sends.at(-1)! - sends[0]).toBeLessThan(199 * 2000 + 1000)
    expect(new Set(gaps).size).toBeGreaterThan(50)
  })

  it('when a sliding-window limit is set, then no window holds more sends than the limit', () => {
    const p = intervalPacer({ minIntervalMs: 1500, jitterMs: 1500, dailyCap: 10_000, random: seededRandom(3), limit: { count: 20, windowMs: 60_000 } })
    let t = 0
    const sends: number[] = []
    while (sends.length < 300) {
      const d = p.delay('x', new Date(t))
      if (d > 0) t += d
      else {
        p.record('x', new Date(t))
        sends.push(t)
      }
    }
    for (let i = 20; i < sends.length; i++) expect(sends[i] - sends[i - 20]).toBeGreaterThanOrEqual(60_000)
    expect(sends.at(-1)!).toBeLessThan(300 * 3000)
  })
})
