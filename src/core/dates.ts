/**
 * Deadlines as people say them, read into a `DateWord` (pure, no clock) and resolved to a Shanghai calendar day
 * against today (pure, the clock's date given). One documented meaning each (README, "期限的写法"):
 *
 * - `7天` `七天内` `15日内` `两周` `两个礼拜` `1个月` `半个月` `3天后`: that many days after today (a week is 7
 *   days, a month 30, 半个月 15); `今天` `明天` `后天` `大后天`.
 * - `本周内` `这周` `周末前`: through this Sunday (weeks run Monday to Sunday); `下周内` `下个礼拜`: through next Sunday.
 * - `下周三` `下礼拜五`: that day of next week; `这周五`: that day of this week; `周五` `礼拜五` alone: the next
 *   Friday from today on (today if it is Friday).
 * - `月底` `这个月底` `本月底` `月末`: the last day of this month; `下月底` `下个月底`: of next month; `年底` `年末`
 *   `今年年底`: December 31.
 * - `15号` `15日`: the 15th of this month, or of next month once it has passed; `下个月15号`: of next month.
 * - `12月31日` `12.31` `2027-01-15` `二〇二七年一月十五日`: that day (a day without a year that has passed means next year).
 * - `X前` `X之前` `X以前` `X内`: through day X, inclusive (`下周三前` = through next Wednesday).
 * - `春节前` `过年前` `国庆前` `十一前` `五一前` `元旦前`: through the last day before the official days off begin,
 *   for a year whose dates the library or the bureau has confirmed; refused otherwise (say the date instead).
 */
import { keyPeriods, addDays, ymd, type DateOverride, type DatedKey } from './calendar.js'
import { parseNumber } from './numbers.js'

export type Holiday = Extract<DatedKey, 'new_year' | 'spring_festival' | 'labour_day' | 'national_day'>

export type DateWord =
  | { days: number }
  | { date: { year?: number; month: number; day: number } }
  | { weekEnd: number }
  /** weekday 1 (Monday) … 7 (Sunday); weeks ahead: 0 this week, 1 next, 2 the week after; null the next such day from today */
  | { weekday: number; weeksAhead: number | null }
  | { monthEnd: number }
  | { yearEnd: number }
  /** monthsAhead null: this month's, or next month's once passed */
  | { dayOfMonth: number; monthsAhead: number | null }
  | { holiday: Holiday }

export const HOLIDAY_NAMES: Record<Holiday, string> = { new_year: '元旦', spring_festival: '春节', labour_day: '五一', national_day: '国庆' }

/** The forms a refusal lists: short, the ones people reach for. */
export const DATE_FORMS = '7天、15天内、本周内、下周三前、月底、下个月15号、12月31日、春节前'

const N = '(\\d{1,4}|[零〇一二两三四五六七八九十百千]+)'
const WEEKDAY: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7, '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, '6': 6, '7': 7 }
const NAMED_DAYS: Record<string, number> = { 今天: 0, 今日: 0, 当天: 0, 当日: 0, 明天: 1, 明日: 1, 后天: 2, 大后天: 3 }
const HOLIDAY_WORDS: [RegExp, Holiday][] = [
  [/^(?:春节|过年|过春节|年前)$/, 'spring_festival'],
  [/^(?:国庆|国庆节|十一|十一长假)$/, 'national_day'],
  [/^(?:五一|劳动节|五一节)$/, 'labour_day'],
  [/^(?:元旦|元旦节)$/, 'new_year'],
]
/** how many weeks or months ahead a prefix means */
const AHEAD: Record<string, number> = { '': 0, 本: 0, 这: 0, 这个: 0, 今: 0, 下: 1, 下个: 1, 下下: 2, 下下个: 2 }

/** 吧, 啊, 哈 … after a date: '月底前吧' */
const PARTICLES = /[吧啊呢了哈呀哦嘛]+$/

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

function validDate(year: number | undefined, month: number, day: number): DateWord | 'invalid' {
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]) return 'invalid'
  if (year !== undefined && (year < 2000 || year > 2100)) return 'invalid'
  if (year !== undefined && month === 2 && day === 29 && !isLeap(year)) return 'invalid'
  return { date: { year, month, day } }
}
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0

/**
 * Reads one deadline expression (one token: `下周三前`, `12月31日`, `7天内整改`); 'invalid' for one shaped like a
 * deadline with impossible values (`0天`, `12月32日`), null for anything else.
 */
export function readDateWord(token: string): DateWord | 'invalid' | null {
  const core = token
    .replace(PARTICLES, '')
    .replace(/^(?:期限|限期|截止|截至|整改期限|时限)[:：]?/, '')
    .replace(/(?:完成整改|整改完成|整改完毕|整改到位|整改|完成|完工|办完)$/, '')
  const end = /(?:之前|以前|前|之内|以内|内|为止)$/.exec(core)?.[0] ?? ''
  const t = core.slice(0, core.length - end.length)
  if (!t) return null
  if (t in NAMED_DAYS) return { days: NAMED_DAYS[t] }
  let m: RegExpExecArray | null
  // 15天, 3日内 = days; 15日, 15日前 = the 15th (below)
  if ((m = new RegExp(`^${N}(?:个)?(天|日)(?:后|之后|以后)?$`).exec(t)) && (m[2] === '天' || end.includes('内') || /后$/.test(t))) return span(m[1], 1)
  if ((m = new RegExp(`^${N}(?:个)?(?:周|星期|礼拜)(?:后|之后)?$`).exec(t))) return span(m[1], 7)
  if ((m = new RegExp(`^${N}(?:个)?月(?:后|之后)?$`).exec(t))) return span(m[1], 30)
  if (/^(?:半个?月|半月)$/.test(t)) return { days: 15 }
  if ((m = /^(本|这|这个|下|下个|下下|下下个)?(?:周|星期|礼拜)(?:末)?$/.exec(t)) && (m[1] || /末$/.test(t) || t === '周末')) return { weekEnd: AHEAD[m[1] ?? ''] }
  if ((m = /^(本|这|这个|下|下个|下下|下下个)?(?:周|星期|礼拜)([一二三四五六日天1-7])$/.exec(t))) return { weekday: WEEKDAY[m[2]], weeksAhead: m[1] === undefined ? null : AHEAD[m[1]] }
  if ((m = /^(本|这|这个|下|下个|下下|下下个)?月(?:底|末)$/.exec(t))) return { monthEnd: AHEAD[m[1] ?? ''] }
  if (/^(?:今|今年|本)?年(?:底|末)$|^今年年(?:底|末)$/.test(t)) return { yearEnd: 0 }
  if (/^明年(?:年)?(?:底|末)$/.test(t)) return { yearEnd: 1 }
  for (const [re, h] of HOLIDAY_WORDS) if (re.test(t)) return { holiday: h }
  if ((m = new RegExp(`^(本月|这个?月|下个?月|下下个?月)?${N}[日号]$`).exec(t))) {
    const day = parseNumber(m[2])
    if (day === null || day < 1 || day > 31) return 'invalid'
    const ahead = m[1] === undefined ? null : m[1].startsWith('下下') ? 2 : m[1].startsWith('下') ? 1 : 0
    return { dayOfMonth: day, monthsAhead: ahead }
  }
  if ((m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?$/.exec(t))) return validDate(Number(m[1]), Number(m[2]), Number(m[3]))
  if ((m = /^(\d{1,2})[-/.月](\d{1,2})[日号]?$/.exec(t))) return validDate(undefined, Number(m[1]), Number(m[2]))
  if ((m = new RegExp(`^(?:${N}年)?${N}月${N}[日号]$`).exec(t))) {
    const y = m[1] ? chineseYear(m[1]) : undefined
    const mo = parseNumber(m[2])
    const d = parseNumber(m[3])
    if ((m[1] && y === null) || mo === null || d === null) return 'invalid'
    return validDate(y ?? undefined, mo, d)
  }
  return null
}

/** 二〇二七 / 2027 (digit by digit) → 2027 */
function chineseYear(s: string): number | null {
  if (/^\d{4}$/.test(s)) return Number(s)
  const digits = Array.from(s).map((c) => parseNumber(c))
  return digits.length === 4 && digits.every((d) => d !== null && d < 10) ? Number(digits.join('')) : null
}

function span(n: string, mult: number): DateWord | 'invalid' {
  const k = parseNumber(n)
  return k !== null && k > 0 && k * mult <= 3650 ? { days: k * mult } : 'invalid'
}

/**
 * Whether a token reads like an attempt at a date (so it is refused with the forms, never taken for a business
 * name): a weekday, a month end, a number of days, a holiday, 前/之前/以内 after a time word.
 */
export function looksLikeDate(token: string): boolean {
  const t = token.replace(PARTICLES, '')
  return (
    /^(?:期限|限期|截止|截至)/.test(t) ||
    /^(?:本|这|上|下+)个?(?:周|星期|礼拜|月)/.test(t) ||
    /^(?:周|星期|礼拜)[一二三四五六七八九日天\d]/.test(t) ||
    new RegExp(`^${N}(?:个)?半?(?:天|日|号|周|星期|礼拜|月|年)半?(?:内|之内|以内|前|之前|以前|后|之后|左右)*$`).test(t) ||
    /(?:天|日|号|周|月|年)(?:内|之内|以内|前|之前|以前|底|末|后|之后)$/.test(t) ||
    /^(?:春节|过年|国庆节?|十一|五一|劳动节|元旦|端午节?|中秋节?|清明节?|节)(?:前|之前|以前|后)?$/.test(t)
  )
}

export type Resolved = { ok: true; date: string } | { ok: false; error: string }

/** Day of week 1 (Monday) … 7 (Sunday) of a 'YYYY-MM-DD'. */
export function weekdayOf(date: string): number {
  const d = new Date(date + 'T00:00:00Z').getUTCDay()
  return d === 0 ? 7 : d
}

const lastDayOf = (year: number, month: number) => ymd(year, month + 1, 0)

/**
 * The Shanghai calendar day a date word means on `today` ('YYYY-MM-DD'); refused when it lies before today or
 * names a holiday whose dates nobody confirmed. `overrides`: the bureau's holiday dates (the calendar's).
 */
export function resolveDateWord(w: DateWord, today: string, overrides: DateOverride[] = []): Resolved {
  const [y, mo, d] = today.split('-').map(Number)
  const ok = (date: string): Resolved => (date < today ? { ok: false, error: '期限不能早于今天' } : { ok: true, date })
  if ('days' in w) return ok(addDays(today, w.days))
  if ('weekEnd' in w) return ok(addDays(today, 7 - weekdayOf(today) + 7 * w.weekEnd))
  if ('weekday' in w) {
    const wd = weekdayOf(today)
    if (w.weeksAhead === null) return ok(addDays(today, (w.weekday - wd + 7) % 7))
    return ok(addDays(today, w.weekday - wd + 7 * w.weeksAhead))
  }
  if ('monthEnd' in w) {
    const idx = mo - 1 + w.monthEnd
    return ok(lastDayOf(y + Math.floor(idx / 12), (idx % 12) + 1))
  }
  if ('yearEnd' in w) return ok(ymd(y + w.yearEnd, 12, 31))
  if ('dayOfMonth' in w) {
    let ahead = w.monthsAhead ?? (w.dayOfMonth >= d ? 0 : 1)
    // the 31st of a month that has 30 days is not a day: the next month that has it, when no month was said
    for (let i = 0; i < 3; i++, ahead++) {
      const idx = mo - 1 + ahead
      const [yy, mm] = [y + Math.floor(idx / 12), (idx % 12) + 1]
      if (w.dayOfMonth <= Number(lastDayOf(yy, mm).slice(8))) return ok(ymd(yy, mm, w.dayOfMonth))
      if (w.monthsAhead !== null) return { ok: false, error: `${mm}月没有${w.dayOfMonth}号` }
    }
    return { ok: false, error: `没有${w.dayOfMonth}号` }
  }
  if ('date' in w) {
    const { month, day } = w.date
    if (w.date.year !== undefined) return ok(ymd(w.date.year, month, day))
    let year = ymd(y, month, day) < today ? y + 1 : y
    if (month === 2 && day === 29) while (!isLeap(year)) year++
    return ok(ymd(year, month, day))
  }
  // a holiday: the last day before its first official day off, this year's or next year's
  for (const year of [y, y + 1]) {
    const p = keyPeriods(year, overrides).find((x) => x.key === w.holiday)!
    if (p.start <= today) continue
    if (p.source === 'default') {
      return { ok: false, error: `${year}年${HOLIDAY_NAMES[w.holiday]}放假日期还没有确认，请写具体日期，如 ${Number(p.start.slice(5, 7))}月${Number(p.start.slice(8))}日前` }
    }
    return ok(addDays(p.start, -1))
  }
  return { ok: false, error: `没有找到${HOLIDAY_NAMES[w.holiday]}的日期，请写具体日期` }
}

/** Whether a date word needs the bureau's holiday dates to resolve (only then are they read). */
export const needsHolidays = (w: DateWord): boolean => 'holiday' in w
