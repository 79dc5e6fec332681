import { shanghaiParts } from '../src/core/clock.js'

const pad = (n: number) => String(n).padStart(2, '0')

/** The Shanghai minute of `now`, truncated to a multiple of `step` minutes: '2026-11-28T09:10'. */
export function minuteSlot(now: Date, step = 1): string {
  const p = shanghaiParts(now)
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute - (p.minute % step))}`
}
