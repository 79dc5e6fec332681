import { and, eq, min, sql } from 'drizzle-orm'
import { schema, type Db } from '../../db/client.js'
import type { ManualClock } from '../../src/core/clock.js'
import type { OutboxSender } from '../../src/outbox-sender.js'
import { isQuiet, quietEnd, parseQuietHours } from '../../src/core/quiet-hours.js'

/**
 * Drains the outbox with a hand-driven sender, moving the injected clock to each next due time (a retry, a
 * pacing slot, the end of quiet hours) but never to `limit` or beyond. No real timers are waited on.
 */
/** Returns whether rows are still pending (held back or due after `limit`). */
export async function drainUntil(o: { db: Db; sender: OutboxSender; clock: ManualClock; account: string; quietHours?: string; limit: Date }): Promise<boolean> {
  const quiet = parseQuietHours(o.quietHours)
  const { outbox } = schema
  for (let guard = 0; guard < 100_000; guard++) {
    const now = o.clock.now()
    const [r] = await o.db
      .select({ next: min(outbox.nextAttemptAt), dueNow: sql<number>`count(*) filter (where ${outbox.nextAttemptAt} <= ${now.toISOString()}::timestamptz)` })
      .from(outbox)
      .where(and(eq(outbox.account, o.account), eq(outbox.status, 'pending')))
    if (!r.next) return false
    if (Number(r.dueNow) > 0 && (await o.sender.drainOnce()) > 0) continue
    // rows due but held back are normal pushes in quiet hours (or over the daily cap): wake when that ends
    let wake = Number(r.dueNow) > 0 ? (isQuiet(quiet, now) ? quietEnd(quiet, now) : new Date(now.getTime() + 60_000)) : new Date(r.next)
    if (wake.getTime() <= now.getTime()) wake = new Date(now.getTime() + 1)
    if (wake.getTime() >= o.limit.getTime()) return true
    o.clock.set(wake)
  }
  throw new Error('outbox never drained')
}
