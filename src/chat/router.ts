import { and, eq, gt, sql } from 'drizzle-orm'
import type { Logger } from 'pino'
import { schema, query, type BulkWrite, type Db, type Tx } from '../../db/client.js'
import type { AppConfig } from '../config.js'
import type { Clock } from '../core/clock.js'
import { AppError, isAppError } from '../core/errors.js'
import { address, normalize, truncate } from '../core/text.js'
import { authorize } from '../core/permissions.js'
import type { InboundMessage, InboundImage } from '../channels/types.js'
import { loadChatActor, findOrCreateGroup, type ChatActor, type GroupRow, type IdentityRow } from '../services/directory.js'
import { TtlCache } from './concurrency.js'
import { enqueue, enqueueMany, type Priority } from '../services/outbox.js'
import { storeAttachment } from '../services/attachments.js'
import { attachPhoto, HazardIdPool } from '../services/hazards.js'
import { usageText, type ChatContext, type AwaitSlot } from './command.js'
import { matchCommand, awaitedReplies, awaitedImages } from '../../commands/index.js'
import { limitsOf, checkText, checkImageSize, checkPhotoRoom, type Exceeded, type LimitKind } from './limits.js'

export const BUSY_REPLY = '系统繁忙，请稍后重发'

const CLAIM = `insert into inbound_messages (channel, message_id, chat_id, sender_id, outcome, received_at)
  values ($1, $2, $3, $4, $5, $6::timestamptz) on conflict do nothing returning 1 as claimed`

const AWAIT_REPLY = `insert into awaiting (channel, chat_id, sender_id, kind, hazard_id, stage, count, data, expires_at)
  values ($1, $2, $3, $4, null, null, 0, $5::jsonb, $6::timestamptz)
  on conflict (channel, chat_id, sender_id) do update
  set kind = excluded.kind, hazard_id = null, stage = null, count = 0, data = excluded.data, expires_at = excluded.expires_at`

const CLEAR_AWAIT = `delete from awaiting where channel = $1 and chat_id = $2 and sender_id = $3`

/** A direct chat's account, so reminders and escalations for what was said there can be sent back. */
const NOTE_DIRECT = `insert into group_accounts (channel, chat_id, account, seen_at) values ($1, $2, $3, $4::timestamptz)
  on conflict (channel, chat_id) do update set account = excluded.account, seen_at = excluded.seen_at`

/** What one transaction learned that only counts once it commits. */
interface Unit {
  directoryChanged: boolean
  /** cache fills: a row read or created in a transaction that rolls back must not be remembered */
  afterCommit: (() => void)[]
  /** the command the message named, for metrics ('photo' for a photo, 'unknown' when none matched) */
  command?: string
}
const newUnit = (): Unit => ({ directoryChanged: false, afterCommit: [] })

/** A batch met something other than a plain handled command: run its messages one by one. */
class Fallback extends Error {}

/** The message id was claimed before: undo everything this delivery did. */
class Duplicate extends Error {}

/** Chatter that looked like an awaited reply but answered nothing open: undo the claim, stay silent. */
class NotAwaited extends Error {}

const CLAIM_MANY = `insert into inbound_messages (channel, message_id, chat_id, sender_id, outcome, received_at)
  select channel, message_id, chat_id, sender_id, outcome, at::timestamptz
  from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) as u(channel, message_id, chat_id, sender_id, outcome, at)
  on conflict do nothing returning channel, message_id`

const AWAIT_PHOTOS_MANY = `insert into awaiting (channel, chat_id, sender_id, kind, hazard_id, stage, count, expires_at)
  select channel, chat_id, sender_id, 'photos', hazard_id::int, stage, 0, expires::timestamptz
  from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) as u(channel, chat_id, sender_id, hazard_id, stage, expires)
  on conflict (channel, chat_id, sender_id) do update
  set kind = excluded.kind, hazard_id = excluded.hazard_id, stage = excluded.stage, count = 0, data = null, expires_at = excluded.expires_at`

/** What a message's handling does to its sender's awaiting slot; each op sets the whole row, so the last one counts. */
type AwaitOp =
  | { op: 'photos'; key: string[]; hazardId: number; stage: string; expiresAt: string }
  | { op: 'reply'; key: string[]; kind: string; data: string; expiresAt: string }
  | { op: 'clear'; key: string[] }

/**
 * A transaction's writes. Single writes start at once without waiting for each other: postgres.js sends
 * what is queued in one tick together, so they cost one round trip. The hot path's writes (message claims,
 * reports, photo slots, replies) are collected instead and go as one statement per kind when flushed, so a
 * batch of a hundred reports costs a handful of statements, not hundreds. Everything is awaited, and
 * failures raised, by flush() before commit.
 */
class Writes {
  private readonly list: Promise<unknown>[] = []
  private claims: { row: string[]; resolve: (claimed: boolean) => void; reject: (e: unknown) => void }[] = []
  private bulks = new Map<BulkWrite<never>, unknown[]>()
  private awaits = new Map<string, AwaitOp>()
  constructor(private readonly tx: Tx) {}

  start<T>(p: PromiseLike<T>): Promise<T> {
    const started = Promise.resolve(p)
    started.catch(() => {}) // raised by flush(); a rollback must not leave an unhandled rejection
    this.list.push(started)
    return started
  }

  private add(p: PromiseLike<unknown>): void {
    void this.start(p)
  }

  /** Claims the message id at flush; resolves false when it was handled before (or twice in this batch). */
  claim(m: InboundMessage, outcome: Outcome, now: Date): Promise<boolean> {
    const p = new Promise<boolean>((resolve, reject) => {
      this.claims.push({ row: [m.channel, m.messageId, m.chatId, m.senderId, outcome, now.toISOString()], resolve, reject })
    })
    p.catch(() => {})
    return p
  }

  later<R>(write: BulkWrite<R>, row: R): void {
    const rows = this.bulks.get(write as BulkWrite<never>)
    if (rows) rows.push(row)
    else this.bulks.set(write as BulkWrite<never>, [row])
  }

  slot(op: AwaitOp): void {
    const k = op.key.join('\u0000')
    this.awaits.delete(k) // re-inserted last, so the order of keys follows the last op
    this.awaits.set(k, op)
  }

  private send(): void {
    const { tx } = this
    if (this.claims.length) {
      const claims = this.claims
      this.claims = []
      const cols = claims[0].row.map((_, i) => claims.map((c) => c.row[i]))
      this.add(
        query<{ channel: string; message_id: string }>(tx, CLAIM_MANY, cols).then(
          (rows) => {
            const won = new Set(rows.map((r) => `${r.channel}\u0000${r.message_id}`))
            for (const c of claims) {
              const k = `${c.row[0]}\u0000${c.row[1]}`
              c.resolve(won.delete(k)) // a second copy in the same batch finds it taken
            }
          },
          (e) => {
            for (const c of claims) c.reject(e)
            throw e
          },
        ),
      )
    }
    if (this.awaits.size) {
      const ops = [...this.awaits.values()]
      this.awaits = new Map()
      const photos = ops.filter((o) => o.op === 'photos')
      if (photos.length) {
        const cols = [0, 1, 2].map((i) => photos.map((o) => o.key[i]))
        this.add(query(tx, AWAIT_PHOTOS_MANY, [...cols, photos.map((o) => String(o.hazardId)), photos.map((o) => o.stage), photos.map((o) => o.expiresAt)]))
      }
      for (const o of ops) {
        if (o.op === 'reply') this.add(query(tx, AWAIT_REPLY, [...o.key, o.kind, o.data, o.expiresAt]))
        else if (o.op === 'clear') this.add(query(tx, CLEAR_AWAIT, o.key))
      }
    }
    if (this.bulks.size) {
      const bulks = [...this.bulks]
      this.bulks = new Map()
      for (const [write, rows] of bulks) this.add(write(tx, rows as never[]))
    }
  }

  async flush(): Promise<void> {
    this.send()
    await Promise.all(this.list.splice(0))
  }
}

/** A command refused with a reason: its writes are undone, the message is claimed and answered. */
class Refusal extends Error {
  constructor(
    readonly reply: string,
    readonly outcome: 'usage' | 'refused',
  ) {
    super(reply)
  }
}
export type Outcome = 'ignored' | 'duplicate' | 'stale' | 'handled' | 'refused' | 'usage' | 'photo' | 'busy'

export interface RouterDeps {
  db: Db
  config: AppConfig
  clock: Clock
  logger: Logger
  /** called after a transaction that wrote outbox rows has committed */
  onOutbox: () => void
  /** direct send, bypassing the outbox: only for when the database cannot be reached */
  sendDirect: (m: InboundMessage, text: string) => Promise<void>
  /** every message for the bot, once handled: which command and how it ended */
  onOutcome?: (command: string, outcome: Outcome) => void
  /** a message past a limit (text length, photo size or count, storage) was refused, once committed */
  onLimit?: (kind: LimitKind) => void
}

/** Whether an inbound message is for the bot, and its command body. */
export function classify(m: InboundMessage, botName: string): { addressed: boolean; body: string } {
  if (m.kind !== 'text') return { addressed: false, body: '' }
  const a = address(normalize(m.text), [botName], m.mentionsBot)
  return { addressed: a.prefixed || a.mentioned || !m.isGroup, body: a.body }
}

export function createRouter(deps: RouterDeps) {
  const { db, config, clock, logger } = deps
  const hazardIds = new HazardIdPool()
  const limits = limitsOf(config)
  const actors = new TtlCache<{ identity: IdentityRow; actor: ChatActor }>(30_000)
  const groups = new TtlCache<GroupRow>(30_000)
  /** direct chats whose account was recorded lately (the row changes only when another account answers) */
  const directs = new TtlCache<true>(3_600_000)
  // a read that started before a change must not refill the cache with the old state
  let generation = 0
  /** forget cached people and groups: after #绑定, #本群登记 or an admin edit */
  function directoryChanged() {
    generation++
    actors.clear()
    groups.clear()
  }

  async function who(tx: Tx, m: InboundMessage, now: Date, unit: Unit) {
    const key = `${m.channel}\u0000${m.senderId}`
    const hit = actors.get(key, now.getTime())
    if (hit && hit.identity.displayName === m.senderName) return hit
    const gen = generation
    const r = await loadChatActor(tx, m.channel, m.senderId, m.senderName)
    unit.afterCommit.push(() => gen === generation && actors.set(key, r, now.getTime()))
    return r
  }

  async function where(tx: Tx, m: InboundMessage, now: Date, unit: Unit): Promise<GroupRow | null> {
    if (!m.isGroup) return null
    const key = `${m.channel}\u0000${m.chatId}`
    const hit = groups.get(key, now.getTime())
    if (hit && hit.name === m.chatName) return hit
    const gen = generation
    const g = await findOrCreateGroup(tx, m.channel, m.chatId, m.chatName)
    unit.afterCommit.push(() => gen === generation && groups.set(key, g, now.getTime()))
    return g
  }

  function noteDirect(tx: Tx, m: InboundMessage, now: Date, unit: Unit, writes: Writes) {
    const key = `${m.channel}\u0000${m.chatId}\u0000${m.account}`
    if (directs.get(key, now.getTime())) return
    void writes.start(query(tx, NOTE_DIRECT, [m.channel, m.chatId, m.account, now.toISOString()]))
    unit.afterCommit.push(() => directs.set(key, true, now.getTime()))
  }

  function committed(unit: Unit) {
    for (const f of unit.afterCommit) f()
    if (unit.directoryChanged) directoryChanged()
  }

  function replyItem(m: InboundMessage, text: string, also: string[] = [], priority: Priority = 'reply') {
    return {
      channel: m.channel,
      account: m.account,
      chatId: m.chatId,
      isGroup: m.isGroup,
      priority,
      text,
      mentionIds: m.isGroup ? [m.senderId, ...also.filter((x) => x !== m.senderId)] : [],
      causeMessageId: m.messageId,
    }
  }

  /** Claims the message id; false when it was handled before (replay or redelivery). */
  async function claim(tx: Tx, m: InboundMessage, outcome: Outcome, now: Date): Promise<boolean> {
    const r = await query(tx, CLAIM, [m.channel, m.messageId, m.chatId, m.senderId, outcome, now.toISOString()])
    return r.length > 0
  }

  async function setOutcome(tx: Tx, m: InboundMessage, outcome: Outcome) {
    await tx
      .update(schema.inboundMessages)
      .set({ outcome })
      .where(and(eq(schema.inboundMessages.channel, m.channel), eq(schema.inboundMessages.messageId, m.messageId)))
  }

  /** What a command or an awaited reply sees; `state` tells afterwards whether it wrote or changed the directory. */
  async function context(tx: Tx, m: InboundMessage, now: Date, unit: Unit, writes: Writes) {
    const { identity, actor } = await who(tx, m, now, unit)
    const group = await where(tx, m, now, unit)
    if (!m.isGroup) noteDirect(tx, m, now, unit, writes)
    const state = { wrote: false, changed: false }
    const ctx: ChatContext = {
      tx,
      now,
      config,
      msg: m,
      identity,
      actor,
      group,
      reply: async (text, also) => {
        state.wrote = true
        writes.later(enqueueMany, { item: replyItem(m, text, also), now })
      },
      post: async (chatId, text, priority) => {
        state.wrote = true
        writes.later(enqueueMany, { item: { channel: m.channel, account: m.account, chatId, isGroup: true, priority, text, causeMessageId: m.messageId }, now })
      },
      awaitPhotos: async (hazardId, stage) => {
        const expiresAt = new Date(now.getTime() + config.PHOTO_WINDOW_MINUTES * 60_000).toISOString()
        writes.slot({ op: 'photos', key: [m.channel, m.chatId, m.senderId], hazardId, stage, expiresAt })
      },
      later: (write, row) => writes.later(write, row),
      awaitReply: async (kind, data, minutes = config.PHOTO_WINDOW_MINUTES) => {
        const expiresAt = new Date(now.getTime() + minutes * 60_000).toISOString()
        writes.slot({ op: 'reply', key: [m.channel, m.chatId, m.senderId], kind, data: JSON.stringify(data), expiresAt })
      },
      clearAwait: async () => {
        writes.slot({ op: 'clear', key: [m.channel, m.chatId, m.senderId] })
      },
      nextHazardId: () => hazardIds.next(tx),
      directoryChanged: () => {
        state.changed = true
      },
    }
    return { ctx, state, actor, group }
  }

  /** The sender's unexpired awaiting slot in the chat. */
  function openSlotOf(m: InboundMessage, now: Date) {
    const a = schema.awaiting
    return and(eq(a.channel, m.channel), eq(a.chatId, m.chatId), eq(a.senderId, m.senderId), gt(a.expiresAt, now))
  }

  async function openSlot(tx: Tx, m: InboundMessage, now: Date, lock: boolean): Promise<AwaitSlot | null> {
    const q = tx
      .select()
      .from(schema.awaiting)
      .where(openSlotOf(m, now))
    const [slot] = lock ? await q.for('update') : await q
    return slot ?? null
  }

  /** Tries the awaited-reply handlers whose text test passed; true when one took the text. */
  async function tryAwaited(tx: Tx, ctx: ChatContext, text: string, now: Date, unit: Unit, writes: Writes): Promise<boolean> {
    const candidates = awaitedReplies.filter((h) => h.matches(text))
    if (!candidates.length) return false
    const slot = candidates.some((h) => h.slotKind) ? await openSlot(tx, ctx.msg, now, true) : null
    for (const h of candidates) {
      if (h.slotKind && slot?.kind !== h.slotKind) continue
      let took: boolean
      try {
        took = await h.onText(ctx, text, h.slotKind ? slot : null)
      } catch (e) {
        if (isAppError(e)) throw new Refusal(e.userMessage, e.code === 'usage' ? 'usage' : 'refused')
        throw e
      }
      if (took) {
        unit.command = h.name
        await writes.flush()
        return true
      }
    }
    return false
  }

  async function handleCommand(
    tx: Tx,
    m: InboundMessage,
    body: string,
    now: Date,
    unit: Unit,
    writes: Writes,
  ): Promise<Outcome> {
    const { ctx, state, actor, group } = await context(tx, m, now, unit, writes)
    const matched = matchCommand(body)
    unit.command = matched?.command.name ?? 'unknown'
    if (!matched && body && (await tryAwaited(tx, ctx, body, now, unit, writes))) {
      if (state.changed) unit.directoryChanged = true
      return 'handled'
    }
    if (!matched) {
      await ctx.reply(body ? `没看懂“${truncate(body, 12)}”。\n发 #帮助 看能用的命令，例如：\n#隐患 后厨燃气软管老化` : '您好！发 #帮助 看能用的命令。')
      return 'usage'
    }
    const { command, rest } = matched
    const allowed = authorize(actor, command.action)
    if (!allowed.ok) {
      const hint = actor.role === 'public' ? '\n如您是单位负责人或监管人员，请先发：#绑定 绑定码' : ''
      await ctx.reply(`${allowed.reason}。${hint}`)
      return 'refused'
    }
    if (command.needsRegisteredGroup && group && !group.registered) {
      await ctx.reply('本群还未登记，暂不能上报。\n请监管人员先发：#本群登记 乡镇名 行业')
      return 'refused'
    }
    if (command.needsRegisteredGroup && !group && actor.role === 'public') {
      await ctx.reply('请在登记过的工作群里上报，或先绑定身份：#绑定 绑定码')
      return 'refused'
    }
    const parsed = command.parse(rest)
    if (!parsed.ok) {
      await ctx.reply(`${parsed.error}。\n${usageText(command)}`)
      return 'usage'
    }
    try {
      await command.run(ctx, parsed.value)
    } catch (e) {
      // the whole transaction rolls back; handle() answers the refusal in a fresh one
      if (isAppError(e)) throw new Refusal(e.code === 'usage' ? `${e.userMessage}\n${usageText(command)}` : e.userMessage, e.code === 'usage' ? 'usage' : 'refused')
      throw e
    }
    if (!state.wrote) logger.warn({ msgId: m.messageId, command: command.name }, 'command answered nothing')
    if (state.changed) unit.directoryChanged = true
    return 'handled'
  }

  async function handlePhoto(tx: Tx, m: InboundMessage, image: InboundImage, now: Date, unit: Unit): Promise<Outcome> {
    const slot = await openSlot(tx, m, now, true)
    if (!slot) return 'ignored'
    const other = awaitedImages.find((h) => h.slotKind === slot.kind)
    if (other) {
      const writes = new Writes(tx)
      const { ctx } = await context(tx, m, now, unit, writes)
      const sha256 = await storeAttachment(tx, image.bytes, image.mime)
      await other.onImage(ctx, { sha256, mime: image.mime }, slot)
      await writes.flush()
      return 'photo'
    }
    if (slot.kind !== 'photos' || slot.hazardId === null) return 'ignored'
    const { actor } = await who(tx, m, now, unit)
    const stage = slot.stage === 'rectification' ? 'rectification' : 'report'
    const [h] = await tx.select({ code: schema.hazards.code }).from(schema.hazards).where(eq(schema.hazards.id, slot.hazardId))
    const over = await checkPhotoRoom(tx, slot.hazardId, stage, h.code, image.bytes.length, limits)
    if (over) return refuseOver(tx, m, over, now, unit)
    const sha = await storeAttachment(tx, image.bytes, image.mime)
    const n = await attachPhoto({ tx, actor, now, sourceMessageId: m.messageId }, slot.hazardId, stage, sha)
    await tx.update(schema.awaiting).set({ count: sql`${schema.awaiting.count} + 1` }).where(
      and(eq(schema.awaiting.channel, m.channel), eq(schema.awaiting.chatId, m.chatId), eq(schema.awaiting.senderId, m.senderId)),
    )
    const text = stage === 'rectification' ? `${h.code} 已收到整改照片 ${n} 张，等待验收。` : `${h.code} 已收到照片 ${n} 张。`
    await enqueue(tx, replyItem(m, text), now)
    return 'photo'
  }

  /** Answers what a limit refused; counted once the transaction commits. */
  async function refuseOver(tx: Tx, m: InboundMessage, over: Exceeded, now: Date, unit: Unit): Promise<Outcome> {
    await enqueue(tx, replyItem(m, over.reply), now)
    unit.afterCommit.push(() => deps.onLimit?.(over.kind))
    return 'refused'
  }

  async function hasPhotoSlot(m: InboundMessage, now: Date): Promise<boolean> {
    const r = await db
      .select({ k: schema.awaiting.kind })
      .from(schema.awaiting)
      .where(openSlotOf(m, now))
    return r.length > 0
  }

  /** Handles one inbound message exactly once; never throws. */
  async function handle(m: InboundMessage): Promise<Outcome> {
    const { addressed, body } = classify(m, config.BOT_NAME)
    const unit = newUnit()
    if (m.kind === 'image') unit.command = 'photo'
    const o = await handleOnce(m, addressed, body, unit)
    // stale and failed messages never reached the command table
    if (o !== 'ignored') deps.onOutcome?.(unit.command ?? matchCommand(body)?.command.name ?? 'unknown', o)
    return o
  }

  async function handleOnce(m: InboundMessage, addressed: boolean, body: string, unit: Unit): Promise<Outcome> {
    const now = clock.now()
    const log = logger.child({ msgId: m.messageId })
    try {
      let image: InboundImage | null = null
      let over: Exceeded | null = null
      if (m.kind === 'image' && m.loadImage) {
        if (!(await hasPhotoSlot(m, now))) return 'ignored'
        image = await m.loadImage()
        over = checkImageSize(image.bytes.length, limits)
      } else if (!addressed) {
        const text = m.kind === 'text' ? normalize(m.text).trim() : ''
        if (!text || text.length > limits.textChars || !awaitedReplies.some((h) => h.matches(text))) return 'ignored'
        return await handleAwaitedChatter(m, text, now, unit)
      } else over = checkText(m.text, limits)
      const stale = now.getTime() - m.sentAt.getTime() > config.MESSAGE_MAX_AGE_SECONDS * 1000
      const outcome = await db
        .transaction(async (tx): Promise<Outcome> => {
          if (stale || m.kind === 'image' || over) {
            if (!(await claim(tx, m, 'handled', now))) return 'duplicate'
            let o: Outcome
            if (stale) {
              await enqueue(tx, replyItem(m, `这条消息发出已超过${Math.round(config.MESSAGE_MAX_AGE_SECONDS / 60)}分钟，为免重复办理未处理。\n如仍需要，请重新发送。`), now)
              o = 'stale'
            } else if (over) o = await refuseOver(tx, m, over, now, unit)
            else if (image) o = await handlePhoto(tx, m, image, now, unit)
            else o = 'ignored'
            if (o !== 'handled') await setOutcome(tx, m, o)
            return o
          }
          // the claim goes out with the command's first statements; a duplicate is rolled back whole
          const writes = new Writes(tx)
          const claimed = writes.claim(m, 'handled', now)
          const o = await handleCommand(tx, m, body, now, unit, writes)
          await writes.flush()
          if (!(await claimed)) throw new Duplicate()
          if (o !== 'handled') await setOutcome(tx, m, o)
          return o
        })
        .then((o) => {
          committed(unit)
          return o
        })
        .catch(async (e) => {
          if (e instanceof Duplicate) return 'duplicate' as const
          if (!(e instanceof Refusal)) throw e
          return answerRefusal(m, e, now)
        })
      if (outcome !== 'duplicate' && outcome !== 'ignored') deps.onOutbox()
      log.debug({ outcome }, 'inbound handled')
      return outcome
    } catch (e) {
      log.error({ err: e }, 'inbound failed')
      if (addressed) {
        try {
          await deps.sendDirect(m, isAppError(e) ? e.userMessage : BUSY_REPLY)
        } catch (e2) {
          log.error({ err: e2 }, 'direct reply failed')
        }
      }
      return 'busy'
    }
  }

  /** A refused message: its writes were rolled back; claim it and answer the reason in a fresh transaction. */
  function answerRefusal(m: InboundMessage, e: Refusal, now: Date): Promise<Outcome> {
    return db.transaction(async (tx): Promise<Outcome> => {
      if (!(await claim(tx, m, e.outcome, now))) return 'duplicate'
      await enqueue(tx, replyItem(m, e.reply), now)
      return e.outcome
    })
  }

  /** Chatter that may answer what the bot awaits (收到, a checklist answer): acted on only when it does. */
  async function handleAwaitedChatter(m: InboundMessage, text: string, now: Date, unit: Unit): Promise<Outcome> {
    if (now.getTime() - m.sentAt.getTime() > config.MESSAGE_MAX_AGE_SECONDS * 1000) return 'ignored'
    try {
      await db.transaction(async (tx) => {
        const writes = new Writes(tx)
        const claimed = writes.claim(m, 'handled', now)
        const { ctx, state } = await context(tx, m, now, unit, writes)
        if (!(await tryAwaited(tx, ctx, text, now, unit, writes))) throw new NotAwaited()
        await writes.flush()
        if (!(await claimed)) throw new Duplicate()
        if (state.changed) unit.directoryChanged = true
      })
    } catch (e) {
      if (e instanceof NotAwaited) return 'ignored'
      if (e instanceof Duplicate) return 'duplicate'
      if (!(e instanceof Refusal)) throw e
      const o = await answerRefusal(m, e, now)
      if (o !== 'duplicate') deps.onOutbox()
      return o
    }
    committed(unit)
    deps.onOutbox()
    return 'handled'
  }

  /** A plain text command for the bot, recent enough to act on: may share a transaction with others. */
  function batchable(m: InboundMessage, now: Date, addressed = classify(m, config.BOT_NAME).addressed): boolean {
    return m.kind === 'text' && addressed && now.getTime() - m.sentAt.getTime() <= config.MESSAGE_MAX_AGE_SECONDS * 1000 && !checkText(m.text, limits)
  }

  /**
   * Several messages in one transaction (group commit): under a burst the commit, its disk sync and the
   * round trips are shared. Only the plain path is batched: a refusal, a usage answer, a duplicate, a
   * directory change or any error rolls the batch back and every message runs again on its own.
   */
  async function handleBatch(ms: InboundMessage[]): Promise<Outcome[]> {
    const now = clock.now()
    const bodies = ms.map((m) => classify(m, config.BOT_NAME))
    if (ms.length < 2 || !ms.every((m, i) => batchable(m, now, bodies[i].addressed))) {
      const out: Outcome[] = []
      for (const m of ms) out.push(await handle(m))
      return out
    }
    const units = ms.map(() => newUnit())
    try {
      await db.transaction(async (tx) => {
        const writes = new Writes(tx)
        const claims: Promise<boolean>[] = []
        for (let i = 0; i < ms.length; i++) {
          claims.push(writes.claim(ms[i], 'handled', now))
          const o = await handleCommand(tx, ms[i], bodies[i].body, now, units[i], writes)
          if (o !== 'handled' || units[i].directoryChanged) throw new Fallback()
        }
        await writes.flush()
        if (!(await Promise.all(claims)).every(Boolean)) throw new Fallback()
      })
    } catch (e) {
      if (!(e instanceof Fallback || e instanceof Refusal || e instanceof Duplicate)) logger.warn({ err: e, msgIds: ms.map((m) => m.messageId) }, 'batch failed; handling one by one')
      const out: Outcome[] = []
      for (const m of ms) out.push(await handle(m))
      return out
    }
    units.forEach(committed)
    deps.onOutbox()
    for (const u of units) deps.onOutcome?.(u.command ?? 'unknown', 'handled')
    return ms.map(() => 'handled')
  }

  return { handle, handleBatch, batchable: (m: InboundMessage) => batchable(m, clock.now()), directoryChanged }
}

export type Router = ReturnType<typeof createRouter>
export { AppError }
