import { describe, it, expect } from 'vitest'
import { lastDeliveryAt, type Pacing } from '../../src/core/delivery-estimate.js'
import { parseQuietHours } from '../../src/core/quiet-hours.js'

const quiet = parseQuietHours('21:00-08:00')
const puppet: Pacing = { intervalMs: 2_000, robotPerMinute: 20, quiet }
const at = (s: string) => new Date(s)

describe('when the last group will have a notice', () => {
  it('when a puppet account sends to 30 groups at 2 s apart in the day, then the last one goes 58 s after the start', () => {
    const t = lastDeliveryAt({ start: at('2026-12-03T10:00:00+08:00'), priority: 'normal', puppetGroups: 30, robotGroups: 0, perGroup: 1, backlog: 0 }, puppet)
    expect(t.toISOString()).toBe(at('2026-12-03T10:00:58+08:00').toISOString())
  })

  it('when messages are already waiting, then they go first', () => {
    const t = lastDeliveryAt({ start: at('2026-12-03T10:00:00+08:00'), priority: 'normal', puppetGroups: 10, robotGroups: 0, perGroup: 2, backlog: 5 }, puppet)
    expect(t.getTime() - at('2026-12-03T10:00:00+08:00').getTime()).toBe(24 * 2_000)
  })

  it('when a normal notice is sent at night, then it waits for the quiet hours to end; an urgent one does not', () => {
    const night = at('2026-12-03T22:30:00+08:00')
    expect(lastDeliveryAt({ start: night, priority: 'normal', puppetGroups: 1, robotGroups: 0, perGroup: 1, backlog: 0 }, puppet).toISOString()).toBe(at('2026-12-04T08:00:00+08:00').toISOString())
    expect(lastDeliveryAt({ start: night, priority: 'urgent', puppetGroups: 1, robotGroups: 0, perGroup: 1, backlog: 0 }, puppet).toISOString()).toBe(night.toISOString())
  })

  it('when the daily cap is passed, then the rest goes the next morning', () => {
    const t = lastDeliveryAt({ start: at('2026-12-03T20:00:00+08:00'), priority: 'normal', puppetGroups: 10, robotGroups: 0, perGroup: 1, backlog: 0, sentToday: 95 }, { ...puppet, dailyCap: 100 })
    // 5 today, the other 5 from 08:00 tomorrow: the last at 08:00:08
    expect(t.toISOString()).toBe(at('2026-12-04T08:00:08+08:00').toISOString())
  })

  it('when only robots serve the groups, then each has it at once, a picture 3 s after the text', () => {
    const start = at('2026-12-03T10:00:00+08:00')
    expect(lastDeliveryAt({ start, priority: 'urgent', puppetGroups: 0, robotGroups: 40, perGroup: 2, backlog: 0 }, puppet).getTime() - start.getTime()).toBe(3_000)
  })
})
