import { quietEnd, type QuietHours } from './quiet-hours.js'

/** How a channel paces its sends, as the outbox sender applies it. */
export interface Pacing {
  /** ms between two sends of the puppet account (0: unpaced, as the simulator) */
  intervalMs: number
  /** sends a Shanghai day of the puppet account for normal messages; undefined: no cap */
  dailyCap?: number
  /** a WeCom robot's sends a minute (one robot, one group) */
  robotPerMinute: number
  quiet: QuietHours | null
}

export interface Batch {
  /** when the notice is due */
  start: Date
  priority: 'normal' | 'urgent'
  /** groups the puppet account sends to, and messages per group (2 with a picture) */
  puppetGroups: number
  robotGroups: number
  perGroup: number
  /** messages already waiting for the puppet account ahead of this notice */
  backlog: number
  /** normal messages the puppet account already sent today */
  sentToday?: number
}

/**
 * When the last group will have the notice: normal pushes wait for the quiet hours to end; the puppet account
 * sends one message per interval after what is already waiting, and at most its daily cap a day; each robot
 * serves its own group at its per-minute rate. An estimate: retries and other senders can only make it later.
 */
export function lastDeliveryAt(b: Batch, p: Pacing): Date {
  const begin = b.priority === 'normal' ? quietEnd(p.quiet, b.start) : b.start
  let last = begin.getTime()
  if (b.robotGroups > 0) last = Math.max(last, begin.getTime() + Math.max(0, b.perGroup - 1) * Math.ceil(60_000 / p.robotPerMinute))
  if (b.puppetGroups > 0) {
    const sends = b.backlog + b.puppetGroups * b.perGroup
    let t = begin.getTime() + Math.max(0, sends - 1) * p.intervalMs
    if (b.priority === 'normal' && p.dailyCap) {
      // past the cap the rest waits for the next day(s), after that day's quiet hours
      const days = Math.floor(((b.sentToday ?? 0) + sends - 1) / p.dailyCap)
      if (days > 0) {
        const left = ((b.sentToday ?? 0) + sends - 1) % p.dailyCap
        const next = quietEnd(p.quiet, new Date(dayStart(begin.getTime()) + days * 86_400_000))
        t = next.getTime() + left * p.intervalMs
      }
    }
    last = Math.max(last, t)
  }
  return new Date(last)
}

const OFFSET_MS = 8 * 3600_000
const dayStart = (t: number) => Math.floor((t + OFFSET_MS) / 86_400_000) * 86_400_000 - OFFSET_MS
