import { describe, it, expect } from 'vitest'
import { readDateWord, resolveDateWord, looksLikeDate, type DateWord } from '../../src/core/dates.js'
import type { DateOverride } from '../../src/core/calendar.js'

/** The four days the issue names: a Friday, a Sunday, the last day of a year, the last day of a short February. */
const FRI = '2026-12-04'
const SUN = '2026-12-06'
const DEC31 = '2026-12-31'
const FEB28 = '2027-02-28'
const DAYS = [FRI, SUN, DEC31, FEB28] as const

const NOT_BEFORE = '期限不能早于今天'

/** form → the day it means on FRI, SUN, DEC31, FEB28 (an Error: refused with that message) */
const TABLE: [string, (string | Error)[]][] = [
  ['7天', ['2026-12-11', '2026-12-13', '2027-01-07', '2027-03-07']],
  ['七天内', ['2026-12-11', '2026-12-13', '2027-01-07', '2027-03-07']],
  ['3日内', ['2026-12-07', '2026-12-09', '2027-01-03', '2027-03-03']],
  ['十五天内', ['2026-12-19', '2026-12-21', '2027-01-15', '2027-03-15']],
  ['半个月', ['2026-12-19', '2026-12-21', '2027-01-15', '2027-03-15']],
  ['两个礼拜', ['2026-12-18', '2026-12-20', '2027-01-14', '2027-03-14']],
  ['两周', ['2026-12-18', '2026-12-20', '2027-01-14', '2027-03-14']],
  ['一个月', ['2027-01-03', '2027-01-05', '2027-01-30', '2027-03-30']],
  ['今天', [FRI, SUN, DEC31, FEB28]],
  ['明天', ['2026-12-05', '2026-12-07', '2027-01-01', '2027-03-01']],
  ['后天', ['2026-12-06', '2026-12-08', '2027-01-02', '2027-03-02']],
  // weeks run Monday to Sunday
  ['本周内', ['2026-12-06', '2026-12-06', '2027-01-03', '2027-02-28']],
  ['这周内', ['2026-12-06', '2026-12-06', '2027-01-03', '2027-02-28']],
  ['这个星期', ['2026-12-06', '2026-12-06', '2027-01-03', '2027-02-28']],
  ['周末前', ['2026-12-06', '2026-12-06', '2027-01-03', '2027-02-28']],
  ['下周内', ['2026-12-13', '2026-12-13', '2027-01-10', '2027-03-07']],
  ['下个礼拜', ['2026-12-13', '2026-12-13', '2027-01-10', '2027-03-07']],
  ['下周三', ['2026-12-09', '2026-12-09', '2027-01-06', '2027-03-03']],
  ['下周三前', ['2026-12-09', '2026-12-09', '2027-01-06', '2027-03-03']],
  ['下礼拜五之前', ['2026-12-11', '2026-12-11', '2027-01-08', '2027-03-05']],
  ['礼拜五之前', ['2026-12-04', '2026-12-11', '2027-01-01', '2027-03-05']],
  ['周日', ['2026-12-06', '2026-12-06', '2027-01-03', '2027-02-28']],
  ['这周五', ['2026-12-04', new Error(NOT_BEFORE), '2027-01-01', new Error(NOT_BEFORE)]],
  // X前 = through day X
  ['月底', ['2026-12-31', '2026-12-31', '2026-12-31', '2027-02-28']],
  ['这个月底', ['2026-12-31', '2026-12-31', '2026-12-31', '2027-02-28']],
  ['月底前', ['2026-12-31', '2026-12-31', '2026-12-31', '2027-02-28']],
  ['月底前吧', ['2026-12-31', '2026-12-31', '2026-12-31', '2027-02-28']],
  ['下月底', ['2027-01-31', '2027-01-31', '2027-01-31', '2027-03-31']],
  ['下个月底', ['2027-01-31', '2027-01-31', '2027-01-31', '2027-03-31']],
  ['年底', ['2026-12-31', '2026-12-31', '2026-12-31', '2027-12-31']],
  ['年底前', ['2026-12-31', '2026-12-31', '2026-12-31', '2027-12-31']],
  ['下个月15号', ['2027-01-15', '2027-01-15', '2027-01-15', '2027-03-15']],
  ['15号', ['2026-12-15', '2026-12-15', '2027-01-15', '2027-03-15']],
  ['15日前', ['2026-12-15', '2026-12-15', '2027-01-15', '2027-03-15']],
  ['31号', ['2026-12-31', '2026-12-31', '2026-12-31', '2027-03-31']],
  ['12月31日', ['2026-12-31', '2026-12-31', '2026-12-31', '2027-12-31']],
  ['12月31日前完成整改', ['2026-12-31', '2026-12-31', '2026-12-31', '2027-12-31']],
  ['1月5日', ['2027-01-05', '2027-01-05', '2027-01-05', '2028-01-05']],
  ['2月29日', ['2028-02-29', '2028-02-29', '2028-02-29', '2028-02-29']],
  ['2027-01-15', ['2027-01-15', '2027-01-15', '2027-01-15', new Error(NOT_BEFORE)]],
  ['二〇二七年一月十五日', ['2027-01-15', '2027-01-15', '2027-01-15', new Error(NOT_BEFORE)]],
]

function resolve(form: string, today: string, overrides: DateOverride[] = []): string | Error {
  const w = readDateWord(form)
  if (w === null || w === 'invalid') throw new Error(`${form} was not read`)
  const r = resolveDateWord(w, today, overrides)
  return r.ok ? r.date : new Error(r.error)
}

describe('deadlines as people say them', () => {
  for (const [form, want] of TABLE) {
    it(`when an officer writes ${form}, then on ${DAYS.join(', ')} it means ${want.map(String).join(', ')}`, () => {
      DAYS.forEach((today, i) => expect(resolve(form, today), `${form} on ${today}`).toEqual(want[i]))
    })
  }

  it('when a form has impossible values, then it is invalid rather than something else', () => {
    for (const f of ['0天', '12月32日', '2月30日', '32号', '13月1日', '2027年2月29日']) expect(readDateWord(f), f).toBe('invalid')
  })

  it('when a token is a business name, then it is neither a date nor date-like', () => {
    for (const name of ['城关老街饭店', '周记烧烤', '日月饭店', '年年红超市', '十一街小吃', '五一广场店', '万达广场']) {
      expect(readDateWord(name), name).toBeNull()
      expect(looksLikeDate(name), name).toBe(false)
    }
  })

  it('when a token tries to be a date but is not one the bot reads, then it is date-like (refused with the forms)', () => {
    for (const t of ['下下下周', '上周', '礼拜八', '大后天之后吧', '端午前', '中秋节前', '三天半内', '期限随便']) {
      const w = readDateWord(t)
      expect(w === null || w === 'invalid', t).toBe(true)
      expect(looksLikeDate(t), t).toBe(true)
    }
  })

  describe('holidays: from the calendar, only for years whose dates are confirmed', () => {
    const bureau2027: DateOverride[] = [
      { key: 'spring_festival', year: 2027, start: '2027-02-05', end: '2027-02-13', source: 'bureau' },
      { key: 'national_day', year: 2027, start: '2027-10-01', end: '2027-10-07', source: 'bureau' },
      { key: 'labour_day', year: 2027, start: '2027-05-01', end: '2027-05-05', source: 'bureau' },
      { key: 'new_year', year: 2027, start: '2027-01-01', end: '2027-01-01', source: 'bureau' },
    ]
    const seeded2027 = bureau2027.map((o) => ({ ...o, source: 'default' as const }))

    it('when the library covers the year, then 国庆前 is the day before the first day off', () => {
      expect(resolve('国庆前', '2026-09-01')).toBe('2026-09-30')
      expect(resolve('五一前', '2026-03-01')).toBe('2026-04-30')
      expect(resolve('春节前', '2026-01-10')).toBe('2026-02-14')
    })

    it('when the bureau has set next year, then 春节前, 国庆前, 五一前 and 元旦前 come from its dates', () => {
      expect(resolve('春节前', FRI, bureau2027)).toBe('2027-02-04')
      expect(resolve('过年前', DEC31, bureau2027)).toBe('2027-02-04')
      expect(resolve('国庆前', FEB28, bureau2027)).toBe('2027-09-30')
      expect(resolve('五一前', FEB28, bureau2027)).toBe('2027-04-30')
      expect(resolve('元旦前', FRI, bureau2027)).toBe('2026-12-31')
    })

    it('when the year is not confirmed (only seeded defaults), then it is refused with a date to write instead', () => {
      for (const o of [[], seeded2027]) {
        const r = resolve('春节前', FRI, o) as Error
        expect(r).toBeInstanceOf(Error)
        expect(r.message).toBe('2027年春节放假日期还没有确认，请写具体日期，如 2月5日前')
        expect((resolve('国庆前', FEB28, o) as Error).message).toContain('2027年国庆放假日期还没有确认')
      }
    })
  })

  it('when a deadline is read, then what it was read as is one of the documented kinds', () => {
    const kinds = (w: DateWord) => Object.keys(w)[0]
    expect(kinds(readDateWord('7天') as DateWord)).toBe('days')
    expect(kinds(readDateWord('本周内') as DateWord)).toBe('weekEnd')
    expect(kinds(readDateWord('下周三前') as DateWord)).toBe('weekday')
    expect(kinds(readDateWord('月底') as DateWord)).toBe('monthEnd')
    expect(kinds(readDateWord('年底前') as DateWord)).toBe('yearEnd')
    expect(kinds(readDateWord('15号') as DateWord)).toBe('dayOfMonth')
    expect(kinds(readDateWord('12月31日') as DateWord)).toBe('date')
    expect(kinds(readDateWord('春节前') as DateWord)).toBe('holiday')
  })
})
