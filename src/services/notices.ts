import { and, asc, desc, eq, gte, inArray, isNull, isNotNull, lte, or, sql } from 'drizzle-orm'
import { schema, type Db, type Tx } from '../../db/client.js'
import type { ChatMember, NoticeTargets } from '../../db/schema/notices.js'
import { AppError } from '../core/errors.js'
import { formatDateTime } from '../core/clock.js'
import { truncate } from '../core/text.js'
import { enqueue } from './outbox.js'
import { recordAudit } from './audit.js'
import { storeAttachment } from './attachments.js'
import { findTownship, type GroupRow } from './directory.js'
import { targetGroups } from './pushes.js'
import { ROBOT_ACCOUNT, ROBOT_CHANNEL } from '../core/messages.js'
import { lastDeliveryAt, type Pacing } from '../core/delivery-estimate.js'

const { notices, noticeDeliveries, noticeAcks, groups, identities, people } = schema
export type NoticeRow = typeof notices.$inferSelect
export type DeliveryRow = typeof noticeDeliveries.$inferSelect

export const NOTICE_CODE = /^[Nn]\d{1,9}$/

export interface NoticeInput {
  text: string
  image?: { bytes: Buffer; mime: string }
  targets: NoticeTargets
  requiresAck: boolean
  priority: 'normal' | 'urgent'
  /** absent or not after now: send at once */
  sendAt?: Date
}

export interface Sender {
  channel: string
  /** the logged-in account that sends; undefined while not logged in */
  account: string | undefined
  listMembers?: (chatId: string) => Promise<ChatMember[]>
}

export interface ApiWho {
  kind: 'token' | 'person'
  id?: string | number | null
  name: string
  requestId?: string
}

/** A group a notice goes to; `robotOnly`: a push-only group served by its WeCom robot, which cannot see replies. */
export type NoticeGroup = Pick<GroupRow, 'id' | 'externalId' | 'name' | 'channel' | 'townshipId'> & { robotOnly: boolean }

/** the channels a notice from `channel` reaches: its own groups and the push-only robot groups */
const noticeChannels = (channel: string) => [...new Set([channel, ROBOT_CHANNEL])]

/**
 * The groups a notice's targets name: named groups, or every registered group, or those of the townships (not
 * the city-wide ones) and industries, chosen as every push chooses them. Push-only groups served by a WeCom robot
 * are included: they receive the notice, though nobody there can acknowledge it.
 */
export async function resolveTargetGroups(db: Tx, channel: string, t: NoticeTargets): Promise<NoticeGroup[]> {
  const channels = noticeChannels(channel)
  const mark = <T extends { channel: string }>(g: T) => ({ ...g, robotOnly: g.channel === ROBOT_CHANNEL })
  if (t.groups?.length) {
    const found: GroupRow[] = []
    for (const name of t.groups) {
      const rows = await db
        .select()
        .from(groups)
        .where(and(inArray(groups.channel, channels), or(eq(groups.name, name), eq(groups.externalId, name))))
      if (!rows.length) throw new AppError('not_found', `没有找到群“${name}”`)
      if (rows.length > 1) throw new AppError('conflict', `有多个群叫“${name}”，请用群 id`)
      if (!found.some((g) => g.id === rows[0].id)) found.push(rows[0])
    }
    return found.map(mark)
  }
  if (t.all) return (await targetGroups(db, { channels })).map(mark)
  if (!t.townships?.length && !t.industries?.length) throw new AppError('usage', '请选择发送范围：all、townships、industries 或 groups')
  const townshipIds: number[] = []
  for (const w of t.townships ?? []) {
    const town = await findTownship(db, w)
    if (!town) throw new AppError('not_found', `没有找到乡镇“${w}”`)
    townshipIds.push(town.id)
  }
  // a group of every industry (none listed) gets every industry's notices
  return (await targetGroups(db, { channels, townshipIds, industries: t.industries, cityWide: false })).map(mark)
}

/** Who a notice would reach before it is sent: each group, its members (when the channel can list them), robot-only groups marked. */
export async function previewNotice(db: Db, sender: Sender, targets: NoticeTargets) {
  const chosen = await resolveTargetGroups(db, sender.channel, targets)
  const towns = new Map((await db.select({ id: schema.jurisdictions.id, name: schema.jurisdictions.name }).from(schema.jurisdictions)).map((t) => [t.id, t.name]))
  const list = await Promise.all(
    chosen.map(async (g) => ({
      name: g.name,
      township: g.townshipId === null ? '全市' : (towns.get(g.townshipId) ?? ''),
      robotOnly: g.robotOnly,
      members: g.robotOnly || !sender.listMembers ? null : (await sender.listMembers(g.externalId)).length,
    })),
  )
  return {
    groups: list,
    groupCount: list.length,
    robotOnly: list.filter((g) => g.robotOnly).length,
    people: list.reduce((n, g) => n + (g.members ?? 0), 0),
  }
}

/** What the group reads. */
export function noticeMessage(n: Pick<NoticeRow, 'code' | 'text' | 'priority' | 'requiresAck'>): string {
  const head = n.priority === 'urgent' ? `【紧急通知 ${n.code}】` : `【通知 ${n.code}】`
  const tail = n.requiresAck ? `\n请回复“收到”确认（或发：确认 ${n.code}）。` : ''
  return `${head}\n${n.text}${tail}`
}

/**
 * Writes the notice and one delivery row per target group (with who is expected to acknowledge), audits it,
 * and sends at once unless it is for later. Members are asked from the channel before the transaction.
 */
export async function createNotice(db: Db, sender: Sender, input: NoticeInput, who: ApiWho, now: Date) {
  const chosen = await resolveTargetGroups(db, sender.channel, input.targets)
  if (!chosen.length) throw new AppError('not_found', '没有符合条件的群')
  if (!sender.account && chosen.some((g) => !g.robotOnly)) throw new AppError('unavailable', '机器人还未登录，暂不能发通知')
  const members = new Map<number, ChatMember[]>()
  for (const g of chosen) members.set(g.id, sender.listMembers && !g.robotOnly ? await sender.listMembers(g.externalId) : [])
  const sendAt = input.sendAt && input.sendAt > now ? input.sendAt : now
  // robot-only groups are sent by their robot; the notice names the puppet account for the others
  const account = sender.account ?? ROBOT_ACCOUNT
  return db.transaction(async (tx) => {
    const imageSha256 = input.image ? await storeAttachment(tx, input.image.bytes, input.image.mime) : null
    const [notice] = await tx
      .insert(notices)
      .values({
        text: input.text,
        imageSha256,
        priority: input.priority,
        requiresAck: input.requiresAck,
        targets: input.targets,
        sendAt,
        channel: sender.channel,
        account,
        createdByName: who.name,
        createdAt: now,
      })
      .returning()
    await tx.insert(noticeDeliveries).values(
      chosen.map((g) => ({ noticeId: notice.id, groupId: g.id, chatId: g.externalId, chatName: g.name, expected: members.get(g.id) ?? [] })),
    )
    await recordAudit(
      tx,
      {
        actorKind: who.kind,
        actorId: who.id,
        actorName: who.name,
        action: 'notice.create',
        targetType: 'notice',
        targetId: notice.code,
        detail: {
          text: truncate(input.text, 200),
          image: imageSha256,
          targets: input.targets,
          groups: chosen.map((g) => g.name),
          requiresAck: input.requiresAck,
          priority: input.priority,
          sendAt: sendAt.toISOString(),
        },
        requestId: who.requestId,
      },
      now,
    )
    const sent = sendAt <= now ? await deliverPending(tx, notice, now) : 0
    return { notice, groups: chosen.map((g) => g.name), sent, scheduled: sendAt > now }
  })
}

/**
 * Sends a notice to each of its groups not sent to yet: a delivery is marked sent only while still unsent,
 * in the transaction that writes its outbox row, so a second run (or instance) finds nothing to do.
 */
async function deliverPending(tx: Tx, notice: NoticeRow, now: Date): Promise<number> {
  const taken = await tx
    .update(noticeDeliveries)
    .set({ deliveredAt: now })
    .where(and(eq(noticeDeliveries.noticeId, notice.id), isNull(noticeDeliveries.deliveredAt)))
    .returning()
  if (!taken.length) return 0
  const robots = new Set(
    (await tx.select({ id: groups.id }).from(groups).where(and(inArray(groups.id, taken.map((d) => d.groupId)), eq(groups.channel, ROBOT_CHANNEL)))).map((g) => g.id),
  )
  for (const d of taken) {
    const robot = robots.has(d.groupId)
    // a robot cannot see replies: its group is not asked to acknowledge
    const text = noticeMessage(robot ? { ...notice, requiresAck: false } : notice)
    await enqueue(
      tx,
      {
        channel: robot ? ROBOT_CHANNEL : notice.channel,
        account: robot ? ROBOT_ACCOUNT : notice.account,
        chatId: d.chatId,
        isGroup: true,
        priority: notice.priority,
        text,
        imageSha256: notice.imageSha256 ?? undefined,
      },
      now,
    )
  }
  return taken.length
}

/** Sends every scheduled notice whose time has come; returns how many group messages it wrote. */
export async function sendDueNotices(db: Db, now: Date): Promise<number> {
  const due = await db
    .selectDistinct({ id: notices.id })
    .from(notices)
    .innerJoin(noticeDeliveries, eq(noticeDeliveries.noticeId, notices.id))
    .where(and(isNull(noticeDeliveries.deliveredAt), lte(notices.sendAt, now)))
    .orderBy(asc(notices.id))
  let n = 0
  for (const { id } of due) {
    n += await db.transaction(async (tx) => {
      // one instance at a time per notice; the other finds its deliveries done
      const [notice] = await tx.select().from(notices).where(eq(notices.id, id)).for('update')
      return deliverPending(tx, notice, now)
    })
  }
  return n
}

export async function noticeByCode(tx: Tx, code: string): Promise<NoticeRow> {
  const [n] = await tx.select().from(notices).where(eq(notices.code, code.toUpperCase()))
  if (!n) throw new AppError('not_found', `没有找到通知 ${code.toUpperCase()}，请检查编号`)
  return n
}

export interface Acknowledger {
  channel: string
  externalId: string
  identityId: number | null
  personId: number | null
  name: string
  chatName: string
  groupId: number | null
  sourceMessageId?: string
}

/** Records who acknowledged, once; false when they had already. */
export async function recordAck(tx: Tx, noticeId: number, who: Acknowledger, now: Date): Promise<boolean> {
  const r = await tx
    .insert(noticeAcks)
    .values({ noticeId, ...who, sourceMessageId: who.sourceMessageId ?? null, at: now })
    .onConflictDoNothing()
    .returning({ id: noticeAcks.id })
  return r.length > 0
}

/**
 * The latest notice sent to this group since `since` that asks for acknowledgement and this sender has not
 * acknowledged.
 */
export async function openNoticeFor(tx: Tx, groupId: number, channel: string, externalId: string, since: Date): Promise<NoticeRow | null> {
  const [r] = await tx
    .select({ notice: notices })
    .from(noticeDeliveries)
    .innerJoin(notices, eq(notices.id, noticeDeliveries.noticeId))
    .leftJoin(
      noticeAcks,
      and(eq(noticeAcks.noticeId, notices.id), eq(noticeAcks.channel, channel), eq(noticeAcks.externalId, externalId)),
    )
    .where(and(eq(noticeDeliveries.groupId, groupId), gte(noticeDeliveries.deliveredAt, since), eq(notices.requiresAck, true), isNull(noticeAcks.id)))
    .orderBy(desc(noticeDeliveries.deliveredAt), desc(notices.id))
    .limit(1)
  return r?.notice ?? null
}

/** 确认 N12 / 收到 N12: acknowledges a named notice; the answer to give. */
export async function acknowledgeByCode(tx: Tx, code: string, who: Acknowledger, now: Date): Promise<string> {
  const n = await noticeByCode(tx, code)
  if (!n.requiresAck) throw new AppError('invalid_state', `通知 ${n.code} 不需要确认`)
  const [sent] = await tx
    .select({ id: noticeDeliveries.id })
    .from(noticeDeliveries)
    .where(and(eq(noticeDeliveries.noticeId, n.id), isNotNull(noticeDeliveries.deliveredAt)))
    .limit(1)
  if (!sent) throw new AppError('invalid_state', `通知 ${n.code} 还未发出`)
  return (await recordAck(tx, n.id, who, now)) ? `已确认收到通知 ${n.code}。` : `您已确认过通知 ${n.code}。`
}

/** Names of chat identities bound to people, for showing 张老板 instead of a chat nickname. */
async function personNames(db: Tx, channel: string, externalIds: string[]): Promise<Map<string, string>> {
  if (!externalIds.length) return new Map()
  const r = await db
    .select({ externalId: identities.externalId, name: people.name })
    .from(identities)
    .innerJoin(people, eq(people.id, identities.personId))
    .where(and(eq(identities.channel, channel), inArray(identities.externalId, externalIds)))
  return new Map(r.map((x) => [x.externalId, x.name]))
}

/** A notice with where and when it went, and who acknowledged and who not (per group). */
export async function noticeReport(db: Tx, notice: NoticeRow, now: Date) {
  const ds = await db.select().from(noticeDeliveries).where(eq(noticeDeliveries.noticeId, notice.id)).orderBy(asc(noticeDeliveries.id))
  const acks = await db.select().from(noticeAcks).where(eq(noticeAcks.noticeId, notice.id)).orderBy(asc(noticeAcks.at), asc(noticeAcks.id))
  const acked = new Set(acks.map((a) => a.externalId))
  const names = await personNames(db, notice.channel, [...new Set(ds.flatMap((d) => d.expected.map((m) => m.id)))])
  const robots = ds.length
    ? new Set((await db.select({ id: groups.id }).from(groups).where(and(inArray(groups.id, ds.map((d) => d.groupId)), eq(groups.channel, ROBOT_CHANNEL)))).map((g) => g.id))
    : new Set<number>()
  const expectedIds = new Set<string>()
  const deliveries = ds.map((d) => {
    for (const m of d.expected) expectedIds.add(m.id)
    const missing = d.expected.filter((m) => !acked.has(m.id))
    return {
      group: d.chatName,
      chatId: d.chatId,
      /** a push-only robot group: it receives the notice but cannot acknowledge (无法回执) */
      robotOnly: robots.has(d.groupId),
      remindedCount: d.remindedCount,
      status: d.deliveredAt ? 'sent' : 'scheduled',
      sentAt: d.deliveredAt,
      remindedAt: d.remindedAt,
      expected: d.expected.length,
      acknowledged: d.expected.length - missing.length,
      nonAcknowledgers: missing.map((m) => ({ id: m.id, name: names.get(m.id) ?? m.name, chatName: m.name })),
    }
  })
  const ackedExpected = [...expectedIds].filter((id) => acked.has(id)).length
  return {
    code: notice.code,
    text: notice.text,
    image: notice.imageSha256 ? `/api/attachments/${notice.imageSha256}` : null,
    priority: notice.priority,
    requiresAck: notice.requiresAck,
    targets: notice.targets,
    sendAt: notice.sendAt,
    createdAt: notice.createdAt,
    createdBy: notice.createdByName,
    status: ds.every((d) => d.deliveredAt) ? 'sent' : ds.some((d) => d.deliveredAt) ? 'sending' : notice.sendAt > now ? 'scheduled' : 'due',
    deliveries,
    ack: notice.requiresAck
      ? {
          expected: expectedIds.size,
          acknowledged: ackedExpected,
          rate: expectedIds.size ? Math.round((ackedExpected / expectedIds.size) * 1000) / 10 : null,
          nonAcknowledgers: deliveries.flatMap((d) => d.nonAcknowledgers.map((m) => ({ group: d.group, ...m }))),
          acks: acks.map((a) => ({ name: a.name, chatName: a.chatName, group: ds.find((d) => d.groupId === a.groupId)?.chatName ?? null, personId: a.personId, externalId: a.externalId, at: a.at })),
        }
      : null,
  }
}

export async function listNotices(db: Tx, now: Date, limit: number, offset: number) {
  const ns = await db.select().from(notices).orderBy(desc(notices.id)).limit(limit).offset(offset)
  const out = []
  for (const n of ns) {
    const r = await noticeReport(db, n, now)
    out.push({ ...r, deliveries: r.deliveries.map(({ nonAcknowledgers: _, ...d }) => d), ack: r.ack && { expected: r.ack.expected, acknowledged: r.ack.acknowledged, rate: r.ack.rate } })
  }
  return out
}

/**
 * Reminds the members of one delivery who have not acknowledged: one group message @-mentioning them. Unless
 * `again`, only a delivery not reminded yet (the scheduled reminder, once); returns 1 when a reminder was written.
 */
async function remindDelivery(tx: Tx, deliveryId: number, now: Date, again: boolean): Promise<number> {
  const [d] = await tx
    .update(noticeDeliveries)
    .set({ remindedAt: now })
    .where(and(eq(noticeDeliveries.id, deliveryId), isNotNull(noticeDeliveries.deliveredAt), again ? undefined : isNull(noticeDeliveries.remindedAt)))
    .returning()
  if (!d) return 0
  const [notice] = await tx.select().from(notices).where(eq(notices.id, d.noticeId))
  const acked = new Set(
    (await tx.select({ externalId: noticeAcks.externalId }).from(noticeAcks).where(eq(noticeAcks.noticeId, notice.id))).map((a) => a.externalId),
  )
  const missing = d.expected.filter((m) => !acked.has(m.id))
  await tx.update(noticeDeliveries).set({ remindedCount: missing.length }).where(eq(noticeDeliveries.id, d.id))
  if (!missing.length) return 0
  const text = `请回复“收到”确认通知 ${notice.code}（${formatDateTime(d.deliveredAt!)} 发）：\n${truncate(notice.text, 40)}`
  await enqueue(
    tx,
    { channel: notice.channel, account: notice.account, chatId: d.chatId, isGroup: true, priority: 'normal', text, mentionIds: missing.map((m) => m.id) },
    now,
  )
  return 1
}

/**
 * Reminds, once per notice and group, the members who have not acknowledged `hours` after it went out:
 * one group message @-mentioning them. Returns how many groups were reminded.
 */
export async function remindNonAcknowledgers(db: Db, now: Date, hours: number): Promise<number> {
  const before = new Date(now.getTime() - hours * 3600_000)
  const due = await db
    .select({ id: noticeDeliveries.id })
    .from(noticeDeliveries)
    .innerJoin(notices, eq(notices.id, noticeDeliveries.noticeId))
    .where(and(eq(notices.requiresAck, true), isNull(noticeDeliveries.remindedAt), lte(noticeDeliveries.deliveredAt, before)))
    .orderBy(asc(noticeDeliveries.id))
  let n = 0
  for (const { id } of due) n += await db.transaction((tx) => remindDelivery(tx, id, now, false))
  return n
}

/** 提醒未确认的人: reminds now, in every group it went to, those who have not acknowledged; audited. Returns groups reminded. */
export async function remindNow(db: Db, code: string, who: ApiWho, now: Date): Promise<{ code: string; groups: number }> {
  return db.transaction(async (tx) => {
    const notice = await noticeByCode(tx, code)
    if (!notice.requiresAck) throw new AppError('invalid_state', `通知 ${notice.code} 不需要确认，无需提醒`)
    const ds = await tx
      .select({ id: noticeDeliveries.id })
      .from(noticeDeliveries)
      .where(and(eq(noticeDeliveries.noticeId, notice.id), isNotNull(noticeDeliveries.deliveredAt)))
      .orderBy(asc(noticeDeliveries.id))
    if (!ds.length) throw new AppError('invalid_state', `通知 ${notice.code} 还未发出`)
    let n = 0
    for (const d of ds) n += await remindDelivery(tx, d.id, now, true)
    await recordAudit(
      tx,
      { actorKind: who.kind, actorId: who.id, actorName: who.name, action: 'notice.remind', targetType: 'notice', targetId: notice.code, detail: { groups: n }, requestId: who.requestId },
      now,
    )
    return { code: notice.code, groups: n }
  })
}

/**
 * When the last group has (or will have) a notice: once every message of it is sent, the time of the last; else
 * an estimate from the channel's pacing, behind what already waits for the same account.
 */
export async function noticeTiming(db: Tx, notice: NoticeRow, pacing: Pacing, now: Date): Promise<{ lastAt: Date | null; estimated: boolean; waiting: number }> {
  const ds = await db.select().from(noticeDeliveries).where(eq(noticeDeliveries.noticeId, notice.id))
  if (!ds.length) return { lastAt: null, estimated: false, waiting: 0 }
  const robots = new Set((await db.select({ id: groups.id }).from(groups).where(and(inArray(groups.id, ds.map((d) => d.groupId)), eq(groups.channel, ROBOT_CHANNEL)))).map((g) => g.id))
  const o = schema.outbox
  const delivered = ds.filter((d) => d.deliveredAt)
  const rows = delivered.length
    ? await db
        .select({ status: o.status, sentAt: o.sentAt, chatId: o.chatId })
        .from(o)
        .where(and(inArray(o.chatId, delivered.map((d) => d.chatId)), gte(o.createdAt, notice.sendAt), lte(o.createdAt, new Date(Math.max(...delivered.map((d) => d.deliveredAt!.getTime())))), sql`cardinality(${o.mentionIds}) = 0`))
    : []
  const mine = rows.filter((r) => delivered.some((d) => d.chatId === r.chatId))
  const waiting = mine.filter((r) => r.status === 'pending' || r.status === 'sending').length
  const undelivered = ds.filter((d) => !d.deliveredAt)
  if (!undelivered.length && !waiting && mine.length) {
    return { lastAt: new Date(Math.max(...mine.map((r) => r.sentAt?.getTime() ?? 0))), estimated: false, waiting: 0 }
  }
  // every group had it and nothing waits, but its messages are no longer in the outbox (history, an imported
  // notice): the last hand-over is as near as we know, never a fresh estimate in the future
  if (!undelivered.length && !waiting) return { lastAt: new Date(Math.max(...delivered.map((d) => d.deliveredAt!.getTime()))), estimated: false, waiting: 0 }
  const [{ backlog }] = await db
    .select({ backlog: sql<number>`count(*)`.mapWith(Number) })
    .from(o)
    .where(and(eq(o.channel, notice.channel), eq(o.account, notice.account), inArray(o.status, ['pending', 'sending'])))
  const todo = undelivered.length ? undelivered : delivered
  const lastAt = lastDeliveryAt(
    {
      start: notice.sendAt > now ? notice.sendAt : now,
      priority: notice.priority,
      puppetGroups: todo.filter((d) => !robots.has(d.groupId)).length,
      robotGroups: todo.filter((d) => robots.has(d.groupId)).length,
      perGroup: notice.imageSha256 ? 2 : 1,
      backlog: undelivered.length ? backlog : Math.max(0, backlog - todo.length),
    },
    pacing,
  )
  return { lastAt, estimated: true, waiting: waiting + undelivered.length }
}
