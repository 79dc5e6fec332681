import { describe, it, expect } from 'vitest'
import { targetStatus, elapsedShare, yearStart, yearEnd, AT_RISK_LAG_POINTS } from '../../src/core/targets.js'
import { endOfShanghaiDay } from '../../src/core/clock.js'
import { isResponsibilityLate, responsibilityDeadline } from '../../src/core/responsibility.js'

const day = (s: string, time = '12:00:00') => new Date(`${s}T${time}+08:00`)

/** Every dated target of the plan: its period and deadline (end of the deadline day, Shanghai). */
const DEADLINES: [string, Date, Date][] = [
  ['限上单位责任制修订', yearStart(2024), endOfShanghaiDay(2024, 12, 31)],
  ['其他单位责任制覆盖', yearStart(2024), endOfShanghaiDay(2025, 12, 31)],
  ['联合检查机制 2024 初步建立 / 四进梳理', yearStart(2024), yearEnd(2024)],
  ['联合检查机制 2025 常态化 / 四进提升', yearStart(2025), yearEnd(2025)],
  ['联合检查机制 2026 齐抓共管 / 四进见效', yearStart(2026), yearEnd(2026)],
]

describe('plan target status (met, on track, at risk, missed)', () => {
  describe.each(DEADLINES)('%s', (_name, start, deadline) => {
    const d = new Date(deadline.getTime())
    const dayBefore = new Date(d.getTime() - 86_400_000)
    const onTheDay = new Date(d.getTime() - 3600_000)
    const lastSecond = d
    const after = new Date(d.getTime() + 1000)
    const weekAfter = new Date(d.getTime() + 7 * 86_400_000)

    it('when it is done, then it is met before, on and after the deadline', () => {
      for (const at of [dayBefore, onTheDay, lastSecond, after, weekAfter]) expect(targetStatus({ progress: 1, periodStart: start, deadline: d, at })).toBe('met')
    })
    it('when it is not done on the deadline day, then it is at risk (not yet missed)', () => {
      expect(targetStatus({ progress: 0.5, periodStart: start, deadline: d, at: dayBefore })).toBe('at_risk')
      expect(targetStatus({ progress: 0.5, periodStart: start, deadline: d, at: onTheDay })).toBe('at_risk')
      expect(targetStatus({ progress: 0.9, periodStart: start, deadline: d, at: lastSecond })).toBe('on_track')
    })
    it('when it is not done after the deadline, then it is missed', () => {
      expect(targetStatus({ progress: 0.99, periodStart: start, deadline: d, at: after })).toBe('missed')
      expect(targetStatus({ progress: 0, periodStart: start, deadline: d, at: weekAfter })).toBe('missed')
    })
    it('when the period has not started, then nothing is late yet', () => {
      expect(targetStatus({ progress: 0, periodStart: start, deadline: d, at: new Date(start.getTime() - 86_400_000) })).toBe('on_track')
    })
  })

  it('when progress lags the elapsed share by more than 20 points, then it is at risk; by 20 or less, on track', () => {
    const start = yearStart(2026)
    const end = yearEnd(2026)
    const mid = new Date(start.getTime() + (end.getTime() - start.getTime()) / 2)
    expect(elapsedShare(start, end, mid)).toBeCloseTo(0.5, 5)
    expect(AT_RISK_LAG_POINTS).toBe(20)
    expect(targetStatus({ progress: 0.3, periodStart: start, deadline: end, at: mid })).toBe('on_track')
    expect(targetStatus({ progress: 0.29, periodStart: start, deadline: end, at: mid })).toBe('at_risk')
    expect(targetStatus({ progress: 0.6, periodStart: start, deadline: end, at: mid })).toBe('on_track')
  })

  it('when six inspections a year are required, then one by mid-year is at risk and two are on track', () => {
    const at = day('2026-07-02')
    expect(targetStatus({ progress: 1 / 6, periodStart: yearStart(2026), deadline: yearEnd(2026), at })).toBe('at_risk')
    expect(targetStatus({ progress: 2 / 6, periodStart: yearStart(2026), deadline: yearEnd(2026), at })).toBe('on_track')
    expect(targetStatus({ progress: 2 / 6, periodStart: yearStart(2026), deadline: yearEnd(2026), at: day('2026-10-01') })).toBe('at_risk')
    expect(targetStatus({ progress: 3 / 6, periodStart: yearStart(2026), deadline: yearEnd(2026), at })).toBe('on_track')
    expect(targetStatus({ progress: 6 / 6, periodStart: yearStart(2026), deadline: yearEnd(2026), at: day('2026-03-01') })).toBe('met')
    expect(targetStatus({ progress: 5 / 6, periodStart: yearStart(2026), deadline: yearEnd(2026), at: day('2027-01-01', '00:00:00') })).toBe('missed')
  })

  it('when a class reaches its responsibility deadline, then unverified businesses are late only after its last day', () => {
    expect(responsibilityDeadline(true).toISOString()).toBe('2024-12-31T15:59:59.000Z')
    expect(responsibilityDeadline(false).toISOString()).toBe('2025-12-31T15:59:59.000Z')
    expect(isResponsibilityLate(true, 'revised', day('2024-12-31', '23:59:00'))).toBe(false)
    expect(isResponsibilityLate(true, 'revised', day('2025-01-01', '00:00:00'))).toBe(true)
    expect(isResponsibilityLate(true, 'verified', day('2025-06-01'))).toBe(false)
    expect(isResponsibilityLate(false, 'not_started', day('2025-06-01'))).toBe(false)
    expect(isResponsibilityLate(false, 'not_started', day('2026-01-01', '00:00:01'))).toBe(true)
  })
})
