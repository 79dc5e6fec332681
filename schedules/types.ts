import type { Logger } from 'pino'
import type { Db } from '../db/client.js'
import type { AppConfig } from '../src/config.js'
import type { Clock } from '../src/core/clock.js'

/** What a scheduled job may use. */
export interface JobContext {
  db: Db
  config: AppConfig
  clock: Clock
  logger: Logger
  /** wakes the outbox sender after the job wrote rows */
  kick(): void
}

/**
 * One file per job in `schedules/`. The runner fires `run` on the cron expression (Asia/Shanghai) after
 * claiming `(name, period(now))` with a unique insert, so a restart or a second instance never runs a period
 * twice; on start it catches up the latest missed period when `catchUp` says it is still relevant.
 * Tests call `run(ctx, now)` with any time.
 */
export interface Job {
  name: string
  /** node-cron expression in Asia/Shanghai; may depend on the configuration */
  cron: string | ((config: AppConfig) => string)
  /** the period a fire at `now` belongs to, e.g. '2026-11-28' or '2026-W48' */
  period(now: Date): string
  /** whether a missed period is still worth running at `now` (default: no) */
  catchUp?(period: string, now: Date): boolean
  run(ctx: JobContext, now: Date): Promise<void>
}
