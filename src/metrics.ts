import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client'
import { sql } from 'drizzle-orm'
import { rows, type Db } from '../db/client.js'
import { PRIORITY } from './services/outbox.js'

const PRIORITY_NAME: Record<number, string> = Object.fromEntries(Object.entries(PRIORITY).map(([k, v]) => [v, k]))

/** The priority label of an outbox row's numeric priority. */
export function priorityLabel(p: number): string {
  return PRIORITY_NAME[p] ?? String(p)
}

/** Hooks the outbox sender calls; all optional so the sender works without metrics. */
export interface SenderMetrics {
  sent(priority: number): void
  failed(): void
  dead(): void
}

/**
 * One registry per app (not prom-client's global one), so tests can build several apps in one process.
 * Outbox depth and age are read from the database when scraped, with one query.
 */
export function createMetrics(db: Db) {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const messagesIn = new Counter({ name: 'messages_in_total', help: 'Inbound chat messages by kind', labelNames: ['kind'], registers: [registry] })
  const commands = new Counter({
    name: 'commands_total',
    help: "Inbound messages for the bot by command and the router's outcome",
    labelNames: ['command', 'outcome'],
    registers: [registry],
  })
  const outboxSent = new Counter({ name: 'outbox_sent_total', help: 'Replies and pushes sent, by priority', labelNames: ['priority'], registers: [registry] })
  const sendFailures = new Counter({ name: 'outbox_send_failures_total', help: 'Failed send attempts', registers: [registry] })
  const deadLetters = new Counter({ name: 'outbox_dead_letters_total', help: 'Outbox rows given up after the last attempt', registers: [registry] })
  let pending: Promise<{ depth: number; oldest: number }> | null = null
  // both gauges are collected by one query per scrape
  const outboxState = () =>
    (pending ??= (async () => {
      try {
        const [r] = await rows<{ depth: number | string; oldest: number | string | null }>(
          db,
          sql`select count(*)::int as depth, extract(epoch from (now() - min(created_at)))::float8 as oldest from outbox where status = 'pending'`,
        )
        return { depth: Number(r?.depth ?? 0), oldest: r?.oldest == null ? 0 : Math.max(0, Number(r.oldest)) }
      } finally {
        setImmediate(() => (pending = null))
      }
    })())
  new Gauge({
    name: 'outbox_depth',
    help: 'Outbox rows pending (waiting to be sent)',
    registers: [registry],
    async collect() {
      this.set((await outboxState()).depth)
    },
  })
  new Gauge({
    name: 'outbox_oldest_pending_seconds',
    help: 'Age of the oldest pending outbox row; 0 when none',
    registers: [registry],
    async collect() {
      this.set((await outboxState()).oldest)
    },
  })
  const limitsExceeded = new Counter({
    name: 'limits_exceeded_total',
    help: 'Chat messages refused past a limit, by kind (text_length, image_size, image_count, storage)',
    labelNames: ['kind'],
    registers: [registry],
  })
  const sender: SenderMetrics = {
    sent: (p) => outboxSent.inc({ priority: priorityLabel(p) }),
    failed: () => sendFailures.inc(),
    dead: () => deadLetters.inc(),
  }
  return { registry, messagesIn, commands, sender, limitsExceeded }
}

export type Metrics = ReturnType<typeof createMetrics>
