/**
 * The times a cron expression fires in a window, in Asia/Shanghai: for showing what the scheduler will do next.
 * Fields as node-cron reads them: optional seconds, minute, hour, day of month, month, day of week (0 or 7 is
 * Sunday); each `*`, a number, a range `a-b`, a list `a,b`, or a step `*\/n` / `a-b/n`. Names (MON, JAN) are
 * not used by this project's expressions and are refused.
 */
const LIMITS: [number, number][] = [
  [0, 59],
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
]

function field(text: string, [lo, hi]: [number, number]): Set<number> {
  const out = new Set<number>()
  for (const part of text.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part)
    if (!m) throw new Error(`cron field not understood: ${text}`)
    const from = m[1] === '*' ? lo : Number(m[2])
    const to = m[1] === '*' ? hi : m[3] !== undefined ? Number(m[3]) : m[4] ? hi : from
    const step = m[4] ? Number(m[4]) : 1
    for (let v = from; v <= to; v += step) out.add(v)
  }
  return out
}

export interface CronSpec {
  seconds: Set<number>
  minutes: Set<number>
  hours: Set<number>
  days: Set<number>
  months: Set<number>
  weekdays: Set<number>
  dayStar: boolean
  weekdayStar: boolean
}

export function parseCron(expr: string): CronSpec {
  const parts = expr.trim().split(/\s+/)
  if (parts.length === 5) parts.unshift('0')
  if (parts.length !== 6) throw new Error(`cron expression needs 5 or 6 fields: ${expr}`)
  const [s, mi, h, d, mo, w] = parts.map((p, i) => field(p, LIMITS[i]))
  if (w.has(7)) w.add(0)
  return { seconds: s, minutes: mi, hours: h, days: d, months: mo, weekdays: w, dayStar: parts[3] === '*', weekdayStar: parts[5] === '*' }
}

const OFFSET_MS = 8 * 3600_000

/** Fire times in [from, to), at most `max`; each minute is checked in Shanghai wall time. */
export function cronTimes(expr: string, from: Date, to: Date, max = 500): Date[] {
  const c = parseCron(expr)
  const second = Math.min(...c.seconds)
  const out: Date[] = []
  let t = Math.ceil(from.getTime() / 60_000) * 60_000
  for (; t < to.getTime() && out.length < max; t += 60_000) {
    const local = new Date(t + OFFSET_MS)
    if (!c.minutes.has(local.getUTCMinutes()) || !c.hours.has(local.getUTCHours()) || !c.months.has(local.getUTCMonth() + 1)) continue
    const dom = c.days.has(local.getUTCDate())
    const dow = c.weekdays.has(local.getUTCDay())
    // as cron: when both day fields are restricted, either matches
    const day = c.dayStar && c.weekdayStar ? true : c.dayStar ? dow : c.weekdayStar ? dom : dom || dow
    if (day) out.push(new Date(t + second * 1000))
  }
  return out
}
