/**
 * The calendar of key periods (重点时段), pure: holidays (元旦, 春节 by the lunar calendar, 五一, 十一), the
 * provincial and national Two Sessions, 安全生产月, and the seasons (冬春火灾防控, 高温, 汛期, 冰冻雨雪).
 * Dates are Asia/Shanghai calendar days as 'YYYY-MM-DD'. Official days off come from the bureau's overrides,
 * then from chinese-days for the years it covers (up to LIBRARY_LAST_YEAR), then from plain defaults.
 */
import chineseDays from 'chinese-days'

const { getDayDetail, getSolarDateFromLunar } = chineseDays

export const PERIOD_KEYS = [
  'new_year',
  'spring_festival',
  'labour_day',
  'national_day',
  'two_sessions_provincial',
  'two_sessions_national',
  'safety_month',
  'winter_fire',
  'summer_heat',
  'flood_season',
  'freezing',
] as const
export type PeriodKey = (typeof PERIOD_KEYS)[number]
export type PeriodKind = 'holiday' | 'political' | 'campaign' | 'season'

export const PERIODS: Record<PeriodKey, { name: string; kind: PeriodKind }> = {
  new_year: { name: '元旦', kind: 'holiday' },
  spring_festival: { name: '春节', kind: 'holiday' },
  labour_day: { name: '五一', kind: 'holiday' },
  national_day: { name: '十一', kind: 'holiday' },
  two_sessions_provincial: { name: '省两会', kind: 'political' },
  two_sessions_national: { name: '全国两会', kind: 'political' },
  safety_month: { name: '安全生产月', kind: 'campaign' },
  winter_fire: { name: '冬春火灾防控', kind: 'campaign' },
  summer_heat: { name: '夏季高温', kind: 'season' },
  flood_season: { name: '汛期', kind: 'season' },
  freezing: { name: '冰冻雨雪天气', kind: 'season' },
}

/** Keys whose dates the bureau may set per year. */
export const DATED_KEYS = ['new_year', 'spring_festival', 'labour_day', 'national_day', 'two_sessions_provincial', 'two_sessions_national'] as const
export type DatedKey = (typeof DATED_KEYS)[number]

/** chinese-days carries the State Council's days off up to this year only; never assume later years. */
export const LIBRARY_LAST_YEAR = 2026

export interface DateRange {
  start: string
  end: string
}
export interface DateOverride extends DateRange {
  key: string
  year: number
  /** 'default': seeded for a year the libraries do not cover; 'bureau' (or absent): set by the bureau */
  source?: 'default' | 'bureau'
}
export interface KeyPeriod extends DateRange {
  key: PeriodKey
  name: string
  kind: PeriodKind
  /** the year the period is named after (冬春火灾防控 2026 runs 2026-11-01 … 2027-03-31) */
  year: number
  source: 'bureau' | 'library' | 'default'
  /** the festival day itself where it differs from the first day off (春节: the lunar new year) */
  anchor?: string
}

const pad = (n: number) => String(n).padStart(2, '0')
export const ymd = (y: number, m: number, d: number): string => {
  const t = new Date(Date.UTC(y, m - 1, d))
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`
}
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number)
  return ymd(y, m, d + days)
}
/** Days from a to b (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(b + 'T00:00:00Z') - Date.parse(a + 'T00:00:00Z')) / 86_400_000)
}
export const isDate = (s: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(s) && ymd(...(s.split('-').map(Number) as [number, number, number])) === s

const lunarCache = new Map<number, string>()

/** The lunar new year (正月初一) of a year, from chinese-days' lunar tables. */
export function lunarNewYear(year: number): string {
  let d = lunarCache.get(year)
  if (!d) lunarCache.set(year, (d = getSolarDateFromLunar(`${year}-01-01`).date))
  return d
}

/** Defaults where neither the bureau nor the library gives dates. */
export function defaultDates(key: DatedKey, year: number): DateRange {
  switch (key) {
    case 'new_year':
      return { start: ymd(year, 1, 1), end: ymd(year, 1, 1) }
    case 'spring_festival': {
      const ny = lunarNewYear(year)
      // 除夕 to 初七
      return { start: addDays(ny, -1), end: addDays(ny, 6) }
    }
    case 'labour_day':
      return { start: ymd(year, 5, 1), end: ymd(year, 5, 5) }
    case 'national_day':
      return { start: ymd(year, 10, 1), end: ymd(year, 10, 7) }
    case 'two_sessions_provincial':
      return { start: ymd(year, 1, 13), end: ymd(year, 1, 17) }
    case 'two_sessions_national':
      return { start: ymd(year, 3, 3), end: ymd(year, 3, 11) }
  }
}

const LIBRARY_NAMES: Partial<Record<DatedKey, string>> = { new_year: '元旦', spring_festival: '春节', labour_day: '劳动节', national_day: '国庆' }

const libraryCache = new Map<string, DateRange | null>()

/** Official days off from chinese-days, for the years it covers; null otherwise. */
export function libraryDates(key: DatedKey, year: number): DateRange | null {
  const k = `${key}:${year}`
  if (!libraryCache.has(k)) libraryCache.set(k, scanLibrary(key, year))
  return libraryCache.get(k)!
}

function scanLibrary(key: DatedKey, year: number): DateRange | null {
  const name = LIBRARY_NAMES[key]
  if (!name || year > LIBRARY_LAST_YEAR) return null
  const around = defaultDates(key, year).start
  const days: string[] = []
  for (let i = -12; i <= 14; i++) {
    const d = addDays(around, i)
    const detail = getDayDetail(d)
    if (!detail.work && detail.name.includes(name)) days.push(d)
  }
  if (!days.length) return null
  return { start: days[0], end: days[days.length - 1] }
}

/** Every key period named after `year`, with the bureau's overrides applied. */
export function keyPeriods(year: number, overrides: DateOverride[] = []): KeyPeriod[] {
  const out: KeyPeriod[] = []
  for (const key of DATED_KEYS) {
    const o = overrides.find((x) => x.key === key && x.year === year)
    const lib = o ? null : libraryDates(key, year)
    const r = o ?? lib ?? defaultDates(key, year)
    out.push({
      key,
      ...PERIODS[key],
      year,
      start: r.start,
      end: r.end,
      source: o ? (o.source === 'default' ? 'default' : 'bureau') : lib ? 'library' : 'default',
      ...(key === 'spring_festival' ? { anchor: lunarNewYear(year) } : {}),
    })
  }
  const fixed: [PeriodKey, string, string][] = [
    ['safety_month', ymd(year, 6, 1), ymd(year, 6, 30)],
    ['winter_fire', ymd(year, 11, 1), ymd(year + 1, 3, 31)],
    ['summer_heat', ymd(year, 7, 1), ymd(year, 8, 31)],
    ['flood_season', ymd(year, 6, 1), ymd(year, 9, 30)],
    // 12-01 … the last day of February
    ['freezing', ymd(year, 12, 1), ymd(year + 1, 3, 0)],
  ]
  for (const [key, start, end] of fixed) out.push({ key, ...PERIODS[key], year, start, end, source: 'default' })
  return out
}

/** Periods (of any year) that cover `date`. */
export function periodsOn(date: string, overrides: DateOverride[] = []): KeyPeriod[] {
  const y = Number(date.slice(0, 4))
  return [...keyPeriods(y - 1, overrides), ...keyPeriods(y, overrides)].filter((p) => p.start <= date && date <= p.end)
}

/** Seasons and periods in force on `date`: what tips and cases are picked by. */
export function activeSeasons(date: string, overrides: DateOverride[] = []): PeriodKey[] {
  return [...new Set(periodsOn(date, overrides).map((p) => p.key))]
}

/** Periods starting exactly `days` after `date` (this year's and next year's: 元旦 is announced in December). */
export function periodsStartingIn(date: string, days: number, overrides: DateOverride[] = []): KeyPeriod[] {
  const target = addDays(date, days)
  const y = Number(date.slice(0, 4))
  return [...keyPeriods(y - 1, overrides), ...keyPeriods(y, overrides), ...keyPeriods(y + 1, overrides)].filter((p) => p.start === target)
}

/** Holidays whose first day off is tomorrow: the eve gets the 24-hour duty roster. */
export function holidaysOnEve(date: string, overrides: DateOverride[] = []): KeyPeriod[] {
  return periodsStartingIn(date, 1, overrides).filter((p) => p.kind === 'holiday')
}
