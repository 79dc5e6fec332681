/** Time is injected: code asks a clock, tests move it. */
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

/** A clock tests can set and advance. */
export class ManualClock implements Clock {
  private t: number
  constructor(start: Date | string | number = Date.now()) {
    this.t = new Date(start).getTime()
  }
  now(): Date {
    return new Date(this.t)
  }
  set(at: Date | string | number): void {
    this.t = new Date(at).getTime()
  }
  advance(ms: number): void {
    this.t += ms
  }
}

export const BUSINESS_TZ = 'Asia/Shanghai'
const SHANGHAI_OFFSET_MS = 8 * 3600_000

/** Calendar parts of an instant in Asia/Shanghai (no DST there, so a fixed offset is exact). */
export function shanghaiParts(d: Date): { year: number; month: number; day: number; hour: number; minute: number } {
  const s = new Date(d.getTime() + SHANGHAI_OFFSET_MS)
  return {
    year: s.getUTCFullYear(),
    month: s.getUTCMonth() + 1,
    day: s.getUTCDate(),
    hour: s.getUTCHours(),
    minute: s.getUTCMinutes(),
  }
}

/** The instant of the end of a Shanghai calendar day (23:59:59). */
export function endOfShanghaiDay(year: number, month: number, day: number): Date {
  return new Date(Date.UTC(year, month - 1, day, 23, 59, 59) - SHANGHAI_OFFSET_MS)
}

/** End of the Shanghai day `days` after the day of `from`. */
export function endOfDayAfter(from: Date, days: number): Date {
  const p = shanghaiParts(from)
  return endOfShanghaiDay(p.year, p.month, p.day + days)
}

export function formatDate(d: Date): string {
  const p = shanghaiParts(d)
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`
}

export function formatDateTime(d: Date): string {
  const p = shanghaiParts(d)
  return `${formatDate(d)} ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`
}
