import { and, count, eq, gte, inArray, lt, lte, or, sql } from 'drizzle-orm'
import type { Logger } from 'pino'
import { schema, type Db } from '../db/client.js'
import type { Clock } from './core/clock.js'
import type { Channel } from './channels/types.js'
import { SendError } from './channels/send-error.js'
import { loadAttachment } from './services/attachments.js'
import type { SenderMetrics } from './metrics.js'
import { PRIORITY } from './services/outbox.js'
import { isQuiet, parseQuietHours, shanghaiDayStart, type QuietHours } from './core/quiet-hours.js'
import { splitUtf8 } from './channels/wecom/robot.js'

type OutboxRow = typeof schema.outbox.$inferSelect

export interface SenderOptions {
  db: Db
  channel: Channel
  clock: Clock
  logger: Logger
  instanceId: string
  maxAttempts: number
  /** fallback poll for retries and rows other instances wrote */
  pollMs?: number
  batch?: number
  /** a row left 'sending' longer than this (a crash mid-send) goes back to pending */
  leaseMs?: number
  /** no other process can be sending (embedded PGlite holds a lock): rows left 'sending' at start are a crash's */
  exclusive?: boolean
  /** counters for /metrics */
  metrics?: SenderMetrics
  /** normal pushes wait out these hours ('21:00-08:00', Asia/Shanghai); replies and urgent ones go at once */
  quietHours?: string
  /** sends a Shanghai day for this account (counted in the outbox, so a restart keeps counting); past it normal pushes wait for the next day */
  dailyCap?: number
}

export function backoffMs(attempts: number): number {
  return Math.min(10 * 60_000, 1000 * 2 ** Math.max(0, attempts - 1))
}

/**
 * Drains the outbox for the channel account this instance holds: replies first, then urgent, then normal,
 * paced by the channel's pacer, retried with backoff, dead-lettered after maxAttempts.
 */
export class OutboxSender {
  private running = false
  private again = false
  private stopped = true
  /** set by stop(): finish the row in hand, release the rest */
  private stopping = false
  private timer: NodeJS.Timeout | null = null
  private idle: Promise<void> = Promise.resolve()
  private idleResolve: (() => void) | null = null
  sent = 0
  failed = 0
  /** set when the last drain stopped for the channel's pacing: when the next send may go */
  pacedUntil: Date | null = null
  private readonly quiet: QuietHours | null
  /** today's sends for the daily cap: the Shanghai day start (ms) and the count */
  private capDay = 0
  private capCount = 0

  constructor(private readonly o: SenderOptions) {
    this.quiet = parseQuietHours(o.quietHours)
  }

  /** Normal pushes may go now: outside quiet hours and under the daily cap. */
  private async normalAllowed(account: string, now: Date): Promise<boolean> {
    if (isQuiet(this.quiet, now)) return false
    if (this.o.dailyCap === undefined) return true
    const day = shanghaiDayStart(now).getTime()
    if (day !== this.capDay) {
      const { outbox } = schema
      const [r] = await this.o.db
        .select({ n: count() })
        .from(outbox)
        .where(and(eq(outbox.account, account), eq(outbox.status, 'sent'), gte(outbox.sentAt, new Date(day))))
      this.capDay = day
      this.capCount = Number(r.n)
    }
    return this.capCount < this.o.dailyCap
  }

  start(): void {
    this.stopped = false
    this.stopping = false
    let lastRecovery = 0
    const tick = () => {
      if (this.stopped) return
      // rows a crashed process (or our own failed batch) left 'sending' are picked up again after the lease
      const now = Date.now()
      if (!this.running && now - lastRecovery >= (this.o.leaseMs ?? 30_000) / 3) {
        lastRecovery = now
        void this.recoverStale().catch((err) => this.o.logger.warn({ err }, 'outbox recovery failed'))
      }
      this.kick()
      this.timer = setTimeout(tick, this.o.pollMs ?? 1000)
      this.timer.unref?.()
    }
    if (this.o.exclusive) {
      void this.recoverStale(true)
        .then(() => this.kick())
        .catch((err) => this.o.logger.warn({ err }, 'outbox recovery failed'))
    }
    tick()
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.stopping = true
    if (this.timer) clearTimeout(this.timer)
    await this.idle
  }

  /** Asks for a drain soon; cheap to call after every commit. */
  kick(): void {
    if (this.stopped) return
    if (this.running) {
      this.again = true
      return
    }
    this.running = true
    this.idle = new Promise((r) => (this.idleResolve = r))
    void this.loop()
  }

  /** Resolves when nothing is being sent. */
  whenIdle(): Promise<void> {
    return this.idle
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.again = false
        // a short batch means nothing else was due
        while (!this.stopped && (await this.drainOnce()) >= (this.o.batch ?? 50)) {
          /* keep draining */
        }
      } while (this.again && !this.stopped)
    } catch (err) {
      this.o.logger.warn({ err }, 'outbox drain failed; will retry')
    } finally {
      this.running = false
      this.idleResolve?.()
    }
  }

  /** Rows left 'sending' by a crashed process: they may have gone out already, so they may repeat (logged). */
  async recoverStale(all = false): Promise<number> {
    const account = this.o.channel.account()
    if (!account) return 0
    const { outbox } = schema
    const cutoff = new Date(this.o.clock.now().getTime() - (this.o.leaseMs ?? 30_000))
    // ours are safe to take back whenever no drain is running; another instance's only after the lease
    const whose = all ? undefined : or(lt(outbox.claimedAt, cutoff), this.running ? undefined : eq(outbox.claimedBy, this.o.instanceId))
    const r = await this.o.db
      .update(outbox)
      .set({ status: 'pending', claimedBy: null })
      .where(and(eq(outbox.account, account), eq(outbox.status, 'sending'), whose))
      .returning({ id: outbox.id })
    if (r.length) this.o.logger.warn({ ids: r.map((x) => x.id) }, 'outbox rows were in flight at a crash; they may repeat')
    return r.length
  }

  /** Claims and sends one batch; returns how many rows it handled. */
  async drainOnce(): Promise<number> {
    const account = this.o.channel.account()
    if (!account) return 0
    const now = this.o.clock.now()
    const { outbox } = schema
    // an account-wide pacer says how many may go now: claim no more (claiming 50 to send one costs far more)
    const capacity = this.o.channel.pacer.capacity?.(now)
    if (capacity === 0) {
      const wait = this.o.channel.pacer.delay('', now)
      this.pacedUntil = new Date(now.getTime() + wait)
      this.later(wait)
      return 0
    }
    this.pacedUntil = null
    const normalOk = await this.normalAllowed(account, now)
    const due = this.o.db
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(eq(outbox.account, account), eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now), normalOk ? undefined : lt(outbox.priority, PRIORITY.normal)))
      .orderBy(outbox.priority, outbox.id)
      .limit(Math.min(this.o.batch ?? 50, capacity ?? Infinity))
      .for('update', { skipLocked: true })
    const batch = await this.o.db
      .update(outbox)
      .set({ status: 'sending', claimedAt: now, claimedBy: this.o.instanceId, attempts: sql`${outbox.attempts} + 1` })
      .where(inArray(outbox.id, due))
      .returning()
    if (!batch.length) return 0
    batch.sort((a, b) => a.priority - b.priority || a.id - b.id)
    const sentIds: number[] = []
    const flush = async () => {
      if (!sentIds.length) return
      await this.o.db.update(schema.outbox).set({ status: 'sent', sentAt: this.o.clock.now() }).where(inArray(schema.outbox.id, sentIds.splice(0)))
    }
    for (let i = 0; i < batch.length; i++) {
      const row = batch[i]
      // the batch is sorted by priority: once the daily cap stops a normal push, the rest are normal too
      const capped = row.priority === PRIORITY.normal && this.o.dailyCap !== undefined && this.capCount >= this.o.dailyCap
      const wait = capped ? 0 : this.o.channel.pacer.delay(row.chatId, this.o.clock.now())
      if (wait > 0 || capped || this.stopping) {
        await flush()
        const rest = batch.slice(i).map((r) => r.id)
        await this.o.db
          .update(schema.outbox)
          .set({ status: 'pending', claimedBy: null, attempts: sql`${schema.outbox.attempts} - 1`, nextAttemptAt: new Date(this.o.clock.now().getTime() + wait) })
          .where(inArray(schema.outbox.id, rest))
        if (wait > 0 && !this.stopping) {
          this.pacedUntil = new Date(this.o.clock.now().getTime() + wait)
          this.later(wait)
        }
        return i
      }
      try {
        await this.sendRow(row)
        this.o.channel.pacer.record(row.chatId, this.o.clock.now())
        sentIds.push(row.id)
        this.sent++
        this.capCount++
        this.o.metrics?.sent(row.priority)
      } catch (err) {
        await flush()
        await this.fail(row, err)
      }
    }
    await flush()
    return batch.length
  }

  private later(ms: number) {
    const t = setTimeout(() => this.kick(), Math.min(ms, 60_000))
    t.unref?.()
  }

  private async sendRow(row: OutboxRow): Promise<void> {
    let image
    if (row.imageSha256) {
      const a = await loadAttachment(this.o.db, row.imageSha256)
      if (a) image = { ...a, name: `${row.imageSha256.slice(0, 12)}.${a.mime.split('/')[1] ?? 'png'}` }
    }
    // a text longer than the channel takes goes out in parts, in order, mentions on the first (a channel that
    // splits by itself, resuming after a failed part, declares no maxTextBytes)
    const limit = this.o.channel.maxTextBytes
    const parts = row.text && limit && Buffer.byteLength(row.text) > limit ? splitUtf8(row.text, limit) : [row.text ?? undefined]
    for (let i = 0; i < parts.length; i++) {
      const last = i === parts.length - 1
      await this.o.channel.send({
        chatId: row.chatId,
        isGroup: row.isGroup,
        text: parts[i],
        image: last ? image : undefined,
        // the rich form goes whole, with the first part (channels that take it split it by their own limits)
        rich: i === 0 ? (row.rich ?? undefined) : undefined,
        mentionIds: i === 0 ? row.mentionIds : [],
        outboxId: row.id,
        causeMessageId: row.causeMessageId ?? undefined,
      })
    }
  }

  private async fail(row: OutboxRow, err: unknown): Promise<void> {
    // a channel may say: not a failure, just later (pacing between the parts of a split message)
    if (err instanceof SendError && err.deferred) {
      const at = new Date(this.o.clock.now().getTime() + (err.retryAfterMs ?? 1000))
      await this.o.db
        .update(schema.outbox)
        .set({ status: 'pending', claimedBy: null, attempts: sql`${schema.outbox.attempts} - 1`, nextAttemptAt: at })
        .where(eq(schema.outbox.id, row.id))
      if (!this.stopping) this.later(err.retryAfterMs ?? 1000)
      return
    }
    this.failed++
    // or: sending again will not help (dead letter now), or: retry after the wait the service named
    const dead = row.attempts >= this.o.maxAttempts || (err instanceof SendError && err.permanent)
    const retryMs = err instanceof SendError && err.retryAfterMs !== undefined ? err.retryAfterMs : backoffMs(row.attempts)
    this.o.metrics?.failed()
    if (dead) this.o.metrics?.dead()
    const message = err instanceof Error ? err.message : String(err)
    this.o.logger.warn({ outboxId: row.id, msgId: row.causeMessageId ?? undefined, attempts: row.attempts, dead, err: message }, 'send failed')
    await this.o.db
      .update(schema.outbox)
      .set({
        status: dead ? 'dead' : 'pending',
        lastError: message.slice(0, 500),
        nextAttemptAt: new Date(this.o.clock.now().getTime() + retryMs),
        claimedBy: null,
      })
      .where(eq(schema.outbox.id, row.id))
  }
}
