import { parse } from 'node-cron'

/** Asia/Shanghai has no DST: a fixed offset is exact. */
const OFFSET_MS = 8 * 3600_000
const DAY_MS = 86_400_000

interface Fields {
  second: number[]
  minute: number[]
  hour: number[]
  dayOfMonth: Set<number>
  month: Set<number>
  dayOfWeek: Set<number>
}

const cache = new Map<string, Fields>()

function fieldsOf(expr: string): Fields {
  let f = cache.get(expr)
  if (!f) {
    const p = parse(expr)
    const nums = (xs: (number | string)[]) => xs.map(Number).filter((n) => Number.isFinite(n))
    f = {
      second: nums(p.second).sort((a, b) => a - b),
      minute: nums(p.minute).sort((a, b) => a - b),
      hour: nums(p.hour).sort((a, b) => a - b),
      dayOfMonth: new Set(nums(p.dayOfMonth)),
      month: new Set(nums(p.month)),
      // 7 is Sunday too
      dayOfWeek: new Set(nums(p.dayOfWeek).map((d) => d % 7)),
    }
    cache.set(expr, f)
  }
  return f
}

/** Times of day (ms after Shanghai midnight) the expression fires on a matching day, ascending. */
function timesOfDay(f: Fields): number[] {
  const out: number[] = []
  for (const h of f.hour) for (const m of f.minute) for (const s of f.second) out.push(((h * 60 + m) * 60 + s) * 1000)
  return out
}

function dayMatches(f: Fields, localMidnight: number): boolean {
  const d = new Date(localMidnight)
  // node-cron requires day-of-month and day-of-week to match both (AND), as its own matcher does
  return f.month.has(d.getUTCMonth() + 1) && f.dayOfMonth.has(d.getUTCDate()) && f.dayOfWeek.has(d.getUTCDay())
}

/**
 * The first instant strictly after `after` at which the node-cron expression fires in Asia/Shanghai.
 * Pure: the year-long simulation steps its clock with it, and the runner uses it for catch-up.
 */
export function nextFire(expr: string, after: Date): Date {
  const f = fieldsOf(expr)
  const times = timesOfDay(f)
  const local = after.getTime() + OFFSET_MS
  let midnight = Math.floor(local / DAY_MS) * DAY_MS
  for (let i = 0; i < 366 * 8; i++, midnight += DAY_MS) {
    if (!dayMatches(f, midnight)) continue
    for (const t of times) if (midnight + t > local) return new Date(midnight + t - OFFSET_MS)
  }
  throw new Error(`cron expression never fires: ${expr}`)
}

/** The last instant at or before `at` at which the expression fired (within ~8 years), or null. */
export function previousFire(expr: string, at: Date): Date | null {
  const f = fieldsOf(expr)
  const times = timesOfDay(f)
  const local = at.getTime() + OFFSET_MS
  let midnight = Math.floor(local / DAY_MS) * DAY_MS
  for (let i = 0; i < 366 * 8; i++, midnight -= DAY_MS) {
    if (!dayMatches(f, midnight)) continue
    for (let k = times.length - 1; k >= 0; k--) if (midnight + times[k] <= local) return new Date(midnight + times[k] - OFFSET_MS)
  }
  return null
}
