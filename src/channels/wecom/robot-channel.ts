/**
 * The group robot (群机器人 webhook) as an outbox channel: push only, one robot per group (the group's
 * `webhook_key`). Rows name channel `wecom-robot`, account `robot` and the group's external id as the chat.
 * The intelligent bot uses the same `RobotPush` as its fallback for groups it cannot push to.
 *
 * Pacing is per robot key (20 a minute, on the injected clock) and shared by every sender in the process.
 * A long text goes in parts; the parts already delivered are recorded per outbox row (`outbox_parts`), so a
 * retry after a failure resumes at the next part. Rate limits and network errors are retried (a rate limit
 * after the wait WeCom implies); an invalid key or any other refusal is a dead letter at once, with its reason.
 */
import { and, desc, eq, isNotNull, sql } from 'drizzle-orm'
import type { Logger } from 'pino'
import { schema, type Db } from '../../../db/client.js'
import type { Clock } from '../../core/clock.js'
import type { Channel, InboundMessage, OutboundMessage, Pacer } from '../types.js'
import { SendError } from '../send-error.js'
import { markdownText } from './bot-common.js'
import { ROBOT_ACCOUNT, ROBOT_CHANNEL } from '../../core/messages.js'
import { createRobotSender, keyFingerprint, robotPacer, robotPayloads, type RobotMessage, type RobotPacer, type RobotSender } from './robot.js'

export { ROBOT_ACCOUNT, ROBOT_CHANNEL }
const KEY_TTL_MS = 30_000

export interface RobotPushOptions {
  db: Db
  clock: Clock
  logger: Logger
  baseUrl?: string
  perMinute?: number
  fetch?: typeof globalThis.fetch
}

/** Sends outbox messages to groups by their robot; shared by the robot channel and the bot's fallback. */
export class RobotPush {
  readonly sender: RobotSender
  readonly pacer: RobotPacer
  /** chat → key, learned on lookup, so pacing can be asked synchronously */
  private readonly keys = new Map<string, string>()
  /** lookups for a short while (an admin's change of a key counts within KEY_TTL_MS) */
  private readonly looked = new Map<string, { key: string | null; at: number }>()
  /** rows with parts recorded in outbox_parts */
  private readonly partial = new Set<number>()

  constructor(private readonly o: RobotPushOptions) {
    this.pacer = robotPacer({ perMinute: o.perMinute })
    this.sender = createRobotSender({
      baseUrl: o.baseUrl,
      clock: o.clock,
      fetch: o.fetch,
      logger: o.logger,
      pacer: this.pacer,
      // the outbox reschedules a paced row itself: never sleep in a send
      maxWaitMs: 0,
    })
  }

  /** The webhook key of a group, preferring the row of `channel` when two channels know the same chat id. */
  async keyFor(chatId: string, channel = ROBOT_CHANNEL): Promise<string | null> {
    const now = this.o.clock.now().getTime()
    const hit = this.looked.get(`${channel}\u0000${chatId}`)
    if (hit && Math.abs(now - hit.at) < KEY_TTL_MS) return hit.key
    const g = schema.groups
    const [row] = await this.o.db
      .select({ key: g.webhookKey })
      .from(g)
      .where(and(eq(g.externalId, chatId), isNotNull(g.webhookKey)))
      .orderBy(desc(sql`${g.channel} = ${channel}`))
      .limit(1)
    const key = row?.key?.trim() || null
    if (key) this.keys.set(chatId, key)
    else this.keys.delete(chatId)
    this.looked.set(`${channel}\u0000${chatId}`, { key, at: now })
    return key
  }

  /** Pacing for the outbox: by the chat's robot once its key is known. */
  delay(chatId: string, now: Date): number {
    const key = this.keys.get(chatId)
    return key ? this.pacer.delay(key, now) : 0
  }

  /**
   * Sends one outbox message by the group's robot: its rich form (markdown, news) when it has one, else its text;
   * then its picture. Throws SendError on failure.
   */
  async send(out: OutboundMessage, key: string): Promise<void> {
    const messages: RobotMessage[] = []
    const mentions = out.isGroup ? out.mentionIds : []
    if (out.rich?.type === 'markdown') {
      // markdown has no mentioned_list: mentions are <@userid> in the text
      messages.push({ type: 'markdown', content: markdownText(out) })
    } else if (out.rich?.type === 'news') {
      messages.push({ type: 'news', articles: out.rich.articles })
    } else if (out.text !== undefined && out.text.trim()) {
      messages.push({ type: 'text', content: out.text, ...(mentions.length ? { mentionedList: mentions } : {}) })
    }
    if (out.image) messages.push({ type: 'image', bytes: out.image.bytes })
    if (!messages.length) throw new SendError('nothing to send to a group robot', { permanent: true })
    // refuse the whole row before anything is sent when a part of it cannot go (a picture over 2 MB, …)
    const counts = messages.map((m) => {
      try {
        return robotPayloads(m).length
      } catch (err) {
        throw new SendError(`refused before sending: ${(err as Error).message}`, { permanent: true })
      }
    })
    const id = out.outboxId
    let done = id === undefined ? 0 : await this.progress(id)
    const resumed = done > 0
    let offset = 0
    for (let i = 0; i < messages.length; i++) {
      const parts = counts[i]
      if (done >= offset + parts) {
        offset += parts
        continue
      }
      const r = await this.sender.send(key, messages[i], { startPart: Math.max(0, done - offset) })
      if (!r.ok) {
        const sentNow = offset + r.sentParts
        if (id !== undefined && sentNow > done) await this.saveProgress(id, sentNow)
        // pacing between the parts of a split text (or before the first): later, not a failure
        if (r.retry && r.reason.startsWith('paced')) throw new SendError(r.reason, { deferred: true, retryAfterMs: r.retryAfterMs })
        if (r.retry) throw new SendError(r.reason, { retryAfterMs: r.retryAfterMs })
        throw new SendError(r.reason, { permanent: true })
      }
      offset += parts
      done = offset
      if (id !== undefined && i < messages.length - 1) await this.saveProgress(id, done)
    }
    if (id !== undefined && (resumed || this.partial.has(id))) {
      await this.o.db.delete(schema.outboxParts).where(eq(schema.outboxParts.outboxId, id))
      this.partial.delete(id)
    }
    this.o.logger.debug({ robot: keyFingerprint(key), outboxId: id }, 'sent by group robot')
  }

  private async progress(outboxId: number): Promise<number> {
    const [row] = await this.o.db.select().from(schema.outboxParts).where(eq(schema.outboxParts.outboxId, outboxId))
    return row?.sentParts ?? 0
  }

  private async saveProgress(outboxId: number, sentParts: number): Promise<void> {
    const updatedAt = this.o.clock.now()
    this.partial.add(outboxId)
    await this.o.db
      .insert(schema.outboxParts)
      .values({ outboxId, sentParts, updatedAt })
      .onConflictDoUpdate({ target: schema.outboxParts.outboxId, set: { sentParts, updatedAt } })
  }
}

/** The robot as a push-only channel of its own (groups that have only a webhook). */
export function robotChannel(push: RobotPush): Channel {
  const pacer: Pacer = {
    delay: (chatId, now) => push.delay(chatId, now),
    // the robot sender records every part it sends itself
    record: () => {},
  }
  return {
    name: ROBOT_CHANNEL,
    account: () => ROBOT_ACCOUNT,
    pacer,
    async send(out) {
      const key = await push.keyFor(out.chatId)
      if (!key) throw new SendError(`group ${out.chatId} has no webhook key`, { permanent: true })
      await push.send(out, key)
    },
    onMessage(_h: (m: InboundMessage) => Promise<void>) {
      // push only: a group robot receives nothing
    },
    async start() {},
    async stop() {},
  }
}
