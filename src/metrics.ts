import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { sql } from 'drizzle-orm'
import { rows, poolStatsOf, type Db } from '../db/client.js'
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
 * What the job runner reports for each run of a job in `schedules/` (job_runs_total{job,outcome},
 * job_duration_seconds{job}). Outcomes are short words: 'ok', 'skipped' (the period was claimed already,
 * e.g. by another instance), 'failed'.
 *
 *   await metrics.jobs.time(job.name, async () => { … return claimed ? 'ok' : 'skipped' })
 *   metrics.jobs.record('daily-tips', 'ok', 0.42)
 */
export interface JobMetrics {
  /** one finished run and how long it took */
  record(job: string, outcome: string, seconds: number): void
  /**
   * Runs `fn` and records it: its outcome is what `fn` resolves to when that is a string ('ok' otherwise),
   * 'failed' when it throws (the error is rethrown).
   */
  time<T>(job: string, fn: () => Promise<T>): Promise<T>
}

/**
 * One registry per app (not prom-client's global one), so tests can build several apps in one process.
 * Outbox depth and age are read from the database when scraped, with one query.
 */
export function createMetrics(db: Db) {
  const registry = new Registry()
  // the event-loop delay is sampled every 100 ms, not prom-client's 10 ms: each sample wakes the process, and on a
  // small virtual machine a hundred wake-ups a second cost a mostly idle bot more CPU than its messages (bench/sensors.ts)
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 })
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
  const codeWait = new Histogram({
    name: 'hazard_code_wait_seconds',
    help: 'How long taking hazard codes from the counter took (waiting for another transaction that holds it)',
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
    registers: [registry],
  })
  const jobRuns = new Counter({ name: 'job_runs_total', help: 'Scheduled job runs by job and outcome (ok, skipped, failed)', labelNames: ['job', 'outcome'], registers: [registry] })
  const jobDuration = new Histogram({
    name: 'job_duration_seconds',
    help: 'How long scheduled job runs took, by job',
    labelNames: ['job'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [registry],
  })
  const jobs: JobMetrics = {
    record(job, outcome, seconds) {
      jobRuns.inc({ job, outcome })
      jobDuration.observe({ job }, seconds)
    },
    async time(job, fn) {
      const started = performance.now()
      let outcome = 'failed'
      try {
        const r = await fn()
        outcome = typeof r === 'string' ? r : 'ok'
        return r
      } finally {
        jobs.record(job, outcome, (performance.now() - started) / 1000)
      }
    },
  }
  // database connections: postgres.js's pool as the server sees it, PGlite's one connection busy or not
  const pool = poolStatsOf(db)
  let poolPending: ReturnType<NonNullable<typeof pool>['sample']> | null = null
  const poolState = () =>
    (poolPending ??= pool!.sample().finally(() => setImmediate(() => (poolPending = null))))
  if (pool) {
    new Gauge({ name: 'db_pool_size', help: 'Database connections the pool may open', registers: [registry] }).set(pool.size)
    new Gauge({
      name: 'db_pool_open',
      help: 'Database connections open',
      registers: [registry],
      async collect() {
        this.set((await poolState()).open)
      },
    })
    new Gauge({
      name: 'db_pool_busy',
      help: 'Database connections running a statement or a transaction (the scrape itself not counted)',
      registers: [registry],
      async collect() {
        this.set((await poolState()).busy)
      },
    })
  }
  const sender: SenderMetrics = {
    sent: (p) => outboxSent.inc({ priority: priorityLabel(p) }),
    failed: () => sendFailures.inc(),
    dead: () => deadLetters.inc(),
  }
  return { registry, messagesIn, commands, sender, limitsExceeded, codeWait, jobRuns, jobDuration, jobs }
}

export type Metrics = ReturnType<typeof createMetrics>
