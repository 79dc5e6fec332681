import { schedule, type ScheduledTask } from 'node-cron'
import { and, eq } from 'drizzle-orm'
import type { Logger } from 'pino'
import { schema, type Db } from '../db/client.js'
import type { AppConfig } from './config.js'
import { BUSINESS_TZ, type Clock } from './core/clock.js'
import type { Channel } from './channels/types.js'
import type { Job, JobContext } from '../schedules/types.js'
import { nextFire, previousFire } from './core/cron.js'
import { recordGroupAccounts } from './services/pushes.js'

export { nextFire, previousFire }

export interface SchedulerDeps {
  db: Db
  config: AppConfig
  clock: Clock
  logger: Logger
  jobs: Job[]
  instanceId: string
  /** wakes the outbox sender after a job wrote rows */
  kick(): void
  /** the channel this instance holds: its group chats are recorded before each run, so pushes name their account */
  channel?: Channel
}

export const cronOf = (job: Job, config: AppConfig): string => (typeof job.cron === 'function' ? job.cron(config) : job.cron)

/**
 * Runs the jobs of `schedules/` on node-cron (Asia/Shanghai). Every instance schedules every job; before acting
 * a run claims (job, period) in `job_runs` with a unique insert in the same transaction as the job's writes, so
 * a restart or a second instance never runs a period twice, and a failed run leaves no claim behind.
 */
export class Scheduler {
  private tasks: ScheduledTask[] = []
  private readonly inFlight = new Set<Promise<unknown>>()
  private stopped = false
  private recordedAt = -Infinity

  constructor(private readonly d: SchedulerDeps) {}

  /**
   * Schedules the jobs (unless SCHEDULES_ENABLED is off) and starts catching up the latest missed period of
   * each in the background: start-up (and /health) does not wait for a month's Word report to be written.
   * A database where no job ever ran is a first start: nothing was missed, nothing is caught up.
   * Resolves with the catch-up's promise, for callers that want to wait for it (stop() waits for it too).
   */
  async start(): Promise<{ caughtUp: Promise<string[]> }> {
    if (!this.d.config.SCHEDULES_ENABLED) return { caughtUp: Promise.resolve([]) }
    this.stopped = false
    for (const job of this.d.jobs) {
      const task = schedule(cronOf(job, this.d.config), () => this.track(this.fire(job, this.d.clock.now(), 'cron')), {
        timezone: BUSINESS_TZ,
        name: job.name,
        noOverlap: true,
      })
      this.tasks.push(task)
    }
    const [ever] = await this.d.db.select({ job: schema.jobRuns.job }).from(schema.jobRuns).limit(1)
    if (!ever) {
      this.d.logger.info('first start on this database: no missed periods to catch up')
      return { caughtUp: Promise.resolve([]) }
    }
    const caughtUp = this.track(
      this.catchUp(this.d.clock.now()).catch((err: unknown) => {
        this.d.logger.error({ err }, 'catching up missed periods failed; the next fires run as usual')
        return [] as string[]
      }),
    )
    return { caughtUp }
  }

  /** Runs, once, the latest missed period of each job whose `catchUp` says it is still relevant. */
  async catchUp(now: Date): Promise<string[]> {
    const ran: string[] = []
    for (const job of this.d.jobs) {
      if (this.stopped) break
      if (!job.catchUp) continue
      const last = previousFire(cronOf(job, this.d.config), now)
      if (!last) continue
      const period = job.period(last)
      if (!job.catchUp(period, now)) continue
      const [done] = await this.d.db
        .select({ job: schema.jobRuns.job })
        .from(schema.jobRuns)
        .where(and(eq(schema.jobRuns.job, job.name), eq(schema.jobRuns.period, period)))
      if (done) continue
      this.d.logger.info({ job: job.name, period }, 'catching up a missed period')
      if (await this.track(this.fire(job, last, 'catch-up'))) ran.push(job.name)
    }
    return ran
  }

  /**
   * Claims the job's period for `at` and runs it with that time, in one transaction (claim and writes commit
   * together, so the claim row itself says the period is done). Returns false when the
   * period was claimed before (by this or another instance) or the run failed (its claim is rolled back).
   */
  async fire(job: Job, at: Date, reason: 'cron' | 'catch-up' | 'manual' = 'manual'): Promise<boolean> {
    const { db, config, clock, logger, instanceId } = this.d
    const period = job.period(at)
    const log = logger.child({ job: job.name, period })
    await this.recordAccount(at)
    let wrote = false
    try {
      const ran = await db.transaction(async (tx) => {
        const claimed = await tx
          .insert(schema.jobRuns)
          .values({ job: job.name, period, instanceId, reason, startedAt: clock.now() })
          .onConflictDoNothing()
          .returning({ job: schema.jobRuns.job })
        if (!claimed.length) return false
        const ctx: JobContext = { db: tx as unknown as Db, config, clock, logger: log, kick: () => void (wrote = true) }
        await job.run(ctx, at)
        return true
      })
      // the rows are visible to the sender once committed
      if (wrote) this.d.kick()
      if (!ran) log.debug('period already claimed')
      return ran
    } catch (err) {
      log.error({ err }, 'scheduled job failed; its period stays unclaimed')
      return false
    }
  }

  private async recordAccount(now: Date) {
    const ch = this.d.channel
    const account = ch?.account()
    if (!ch?.listGroups || !account) return
    // the group chats change slowly: look again at most once a minute (real time)
    if (performance.now() - this.recordedAt < 60_000) return
    this.recordedAt = performance.now()
    try {
      await recordGroupAccounts(this.d.db, ch.name, account, await ch.listGroups(), now)
    } catch (err) {
      this.d.logger.warn({ err }, 'could not record the group chats of this account')
    }
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p)
    void p.finally(() => this.inFlight.delete(p))
    return p
  }

  /** Stops the cron tasks and waits for runs in progress. */
  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    for (const t of this.tasks.splice(0)) await t.destroy()
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight])
  }
}
