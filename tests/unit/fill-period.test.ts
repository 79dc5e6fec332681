import { describe, it, expect } from 'vitest'
import { fillPeriod } from '../../src/services/pushes.js'
import { periodTexts } from '../../db/content/periods.js'
import { keyPeriods } from '../../src/core/calendar.js'

const template = (key: string) => periodTexts.find((i) => i.key === `period:${key}`)!.body

describe('a period reminder names its dates', () => {
  it('when 元旦 2027 is not confirmed (one default day), then it reads 元旦（1月1日）, not 1月1日至1月1日', () => {
    const p = keyPeriods(2027).find((x) => x.key === 'new_year')!
    expect(p.source).toBe('default')
    const text = fillPeriod(template('new_year'), p)
    expect(text).toContain('元旦（1月1日）将至')
    expect(text).not.toContain('至1月1日')
  })

  it('when the library knows the days off (元旦 2026), then the range is kept', () => {
    const p = keyPeriods(2026).find((x) => x.key === 'new_year')!
    expect(fillPeriod(template('new_year'), p)).toContain(`（${Number(p.start.slice(5, 7))}月${Number(p.start.slice(8, 10))}日至`)
  })

  it('when the bureau confirms a range for 2027, then the range is said', () => {
    const p = keyPeriods(2027, [{ key: 'new_year', year: 2027, start: '2027-01-01', end: '2027-01-03' }]).find((x) => x.key === 'new_year')!
    expect(fillPeriod(template('new_year'), p)).toContain('元旦假期（1月1日至1月3日）')
  })
})
