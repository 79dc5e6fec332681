import { formatDate, formatDateTime, shanghaiParts } from '../src/core/clock.js'
import { daysBetween } from '../src/core/calendar.js'

/** Shared period helpers for jobs: one period per Shanghai day, or per fire (minute) for jobs that may fire more often. */
export const byDay = (now: Date): string => formatDate(now)
export const byMinute = (now: Date): string => formatDateTime(now)

/** A missed period is worth catching up when it is at most `days` old (0: only today). */
export function withinDays(days: number) {
  return (period: string, now: Date): boolean => {
    const d = daysBetween(period.slice(0, 10), formatDate(now))
    return d >= 0 && d <= days
  }
}

const pad = (n: number) => String(n).padStart(2, '0')

/** The Shanghai minute of `now`, truncated to a multiple of `step` minutes: '2026-11-28T09:10'. */
export function minuteSlot(now: Date, step = 1): string {
  const p = shanghaiParts(now)
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute - (p.minute % step))}`
}

/** One period per Shanghai month ('2026-11'), caught up only within that month. */
export const byMonth = (now: Date): string => formatDate(now).slice(0, 7)
export const withinMonth = (period: string, now: Date): boolean => formatDate(now).startsWith(period)
