import { describe, it, expect } from 'vitest'
import { keyPeriods, activeSeasons, periodsStartingIn, holidaysOnEve, lunarNewYear, libraryDates, defaultDates, LIBRARY_LAST_YEAR } from '../../src/core/calendar.js'

const period = (year: number, key: string, overrides = []) => keyPeriods(year, overrides).find((p) => p.key === key)!

describe('the calendar of key periods', () => {
  it('when asked for 春节, then the lunar new year gives the day: 2026-02-17 and 2027-02-06', () => {
    expect(lunarNewYear(2026)).toBe('2026-02-17')
    expect(lunarNewYear(2027)).toBe('2027-02-06')
    expect(period(2026, 'spring_festival').anchor).toBe('2026-02-17')
    expect(period(2027, 'spring_festival').anchor).toBe('2027-02-06')
  })

  it('when the library has the State Council schedule (up to 2026), then the official days off are used', () => {
    expect(period(2026, 'spring_festival')).toMatchObject({ start: '2026-02-15', end: '2026-02-23', source: 'library' })
    expect(period(2026, 'new_year')).toMatchObject({ start: '2026-01-01', end: '2026-01-03', source: 'library' })
    expect(period(2026, 'labour_day')).toMatchObject({ start: '2026-05-01', end: '2026-05-05' })
    expect(period(2026, 'national_day')).toMatchObject({ start: '2026-10-01', end: '2026-10-07' })
  })

  it('when a year is past the library (2027), then defaults are used and never library data', () => {
    expect(LIBRARY_LAST_YEAR).toBe(2026)
    expect(libraryDates('spring_festival', 2027)).toBeNull()
    expect(period(2027, 'spring_festival')).toMatchObject({ start: '2027-02-05', end: '2027-02-12', source: 'default' })
    expect(period(2027, 'new_year')).toMatchObject({ start: '2027-01-01', source: 'default' })
    expect(defaultDates('two_sessions_national', 2027)).toEqual({ start: '2027-03-03', end: '2027-03-11' })
    expect(defaultDates('two_sessions_provincial', 2027).start.slice(0, 7)).toBe('2027-01')
  })

  it('when the bureau overrides dates, then its dates win over library and defaults', () => {
    const o = [
      { key: 'spring_festival', year: 2027, start: '2027-02-04', end: '2027-02-13' },
      { key: 'two_sessions_national', year: 2026, start: '2026-03-05', end: '2026-03-12' },
    ]
    expect(keyPeriods(2027, o).find((p) => p.key === 'spring_festival')).toMatchObject({ start: '2027-02-04', end: '2027-02-13', source: 'bureau', anchor: '2027-02-06' })
    expect(keyPeriods(2026, o).find((p) => p.key === 'two_sessions_national')).toMatchObject({ start: '2026-03-05', source: 'bureau' })
    expect(periodsStartingIn('2026-03-02', 3, o).map((p) => p.key)).toEqual(['two_sessions_national'])
  })

  it('when the seasons are asked for a date, then the campaigns and seasons in force come back', () => {
    expect(activeSeasons('2026-01-10').sort()).toEqual(['freezing', 'winter_fire'])
    expect(activeSeasons('2026-03-31')).toEqual(['winter_fire'])
    expect(activeSeasons('2026-04-01')).toEqual([])
    expect(activeSeasons('2026-06-15').sort()).toEqual(['flood_season', 'safety_month'])
    expect(activeSeasons('2026-07-15').sort()).toEqual(['flood_season', 'summer_heat'])
    expect(activeSeasons('2026-12-15').sort()).toEqual(['freezing', 'winter_fire'])
    expect(activeSeasons('2028-02-29')).toContain('freezing')
    expect(activeSeasons('2026-02-16')).toContain('spring_festival')
  })

  it('when reminders are N days ahead, then 元旦 of next year is found in late December and the eve gives the duty roster', () => {
    expect(periodsStartingIn('2026-12-29', 3).map((p) => `${p.key}:${p.year}`)).toEqual(['new_year:2027'])
    expect(periodsStartingIn('2026-02-12', 3).map((p) => p.key)).toEqual(['spring_festival'])
    expect(periodsStartingIn('2026-02-13', 3)).toEqual([])
    expect(holidaysOnEve('2026-02-14').map((p) => p.key)).toEqual(['spring_festival'])
    expect(holidaysOnEve('2026-05-31')).toEqual([]) // 安全生产月 and 汛期 begin tomorrow but are no holidays
    expect(periodsStartingIn('2026-10-29', 3).map((p) => p.key)).toEqual(['winter_fire'])
  })
})
