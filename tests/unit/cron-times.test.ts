import { describe, it, expect } from 'vitest'
import { cronTimes } from '../../src/core/cron-times.js'

const sh = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')
const from = new Date('2026-12-03T00:00:00+08:00')
const to = new Date('2026-12-17T00:00:00+08:00')

describe('when a cron expression fires in the next two weeks (Shanghai time)', () => {
  it('when tips go on Tuesdays and Fridays at 9:30, then four times', () => {
    expect(cronTimes('0 30 9 * * 2,5', from, to).map(sh)).toEqual(['2026-12-04 09:30', '2026-12-08 09:30', '2026-12-11 09:30', '2026-12-15 09:30'])
  })

  it('when a job runs every day at 9, then fourteen times; on the 1st of the month, once in January', () => {
    expect(cronTimes('0 0 9 * * *', from, to)).toHaveLength(14)
    expect(cronTimes('0 0 8 1 * *', from, new Date('2027-01-10T00:00:00+08:00')).map(sh)).toEqual(['2027-01-01 08:00'])
  })

  it('when five fields and steps are used, then they read as node-cron reads them', () => {
    expect(cronTimes('*/10 * * * *', from, new Date('2026-12-03T01:00:00+08:00'))).toHaveLength(6)
    expect(cronTimes('0 10 20 * *', from, new Date('2027-01-01T00:00:00+08:00')).map(sh)).toEqual(['2026-12-20 10:00'])
  })

  it('when the expression is not understood, then it says so', () => {
    expect(() => cronTimes('0 9 * * MON', from, to)).toThrow(/not understood/)
  })
})
