import { and, asc, desc, eq, gte, inArray, isNull, isNotNull, lte, or } from 'drizzle-orm'
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

/**
 * The groups a notice's targets name: named groups, or every registered group, or those of the townships (not
 * the city-wide ones) and industries, chosen as every push chooses them.
 */
export async function resolveTargetGroups(db: Tx, channel: string, t: NoticeTargets): Promise<Pick<GroupRow, 'id' | 'externalId' | 'name'>[]> {
  if (t.groups?.length) {
    const found: GroupRow[] = []
    for (const name of t.groups) {
      const rows = await db
        .select()
        .from(groups)
        .where(and(eq(groups.channel, channel), or(eq(groups.name, name), eq(groups.externalId, name))))
      if (!rows.length) throw new AppError('not_found', `没有找到群“${name}”`)
      if (rows.length > 1) throw new AppError('conflict', `有多个群叫“${name}”，请用群 id`)
      if (!found.some((g) => g.id === rows[0].id)) found.push(rows[0])
    }
    return found
  }
  if (t.all) return targetGroups(db, { channel })
  if (!t.townships?.length && !t.industries?.length) throw new AppError('usage', '请选择发送范围：all、townships、industries 或 groups')
  const townshipIds: number[] = []
  for (const w of t.townships ?? []) {
    const town = await findTownship(db, w)
    if (!town) throw new AppError('not_found', `没有找到乡镇“${w}”`)
    townshipIds.push(town.id)
  }
  // a group of every industry (none listed) gets every industry's notices
  return targetGroups(db, { channel, townshipIds, industries: t.industries, cityWide: false })
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
  if (!sender.account) throw new AppError('unavailable', '机器人还未登录，暂不能发通知')
  const chosen = await resolveTargetGroups(db, sender.channel, input.targets)
  if (!chosen.length) throw new AppError('not_found', '没有符合条件的群')
  const members = new Map<number, ChatMember[]>()
  for (const g of chosen) members.set(g.id, sender.listMembers ? await sender.listMembers(g.externalId) : [])
  const sendAt = input.sendAt && input.sendAt > now ? input.sendAt : now
  const account = sender.account
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
  const text = noticeMessage(notice)
  for (const d of taken) {
    await enqueue(
      tx,
      { channel: notice.channel, account: notice.account, chatId: d.chatId, isGroup: true, priority: notice.priority, text, imageSha256: notice.imageSha256 ?? undefined },
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
  const expectedIds = new Set<string>()
  const deliveries = ds.map((d) => {
    for (const m of d.expected) expectedIds.add(m.id)
    const missing = d.expected.filter((m) => !acked.has(m.id))
    return {
      group: d.chatName,
      chatId: d.chatId,
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
          acks: acks.map((a) => ({ name: a.name, chatName: a.chatName, personId: a.personId, externalId: a.externalId, at: a.at })),
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
  for (const { id } of due) {
    n += await db.transaction(async (tx) => {
      const [d] = await tx
        .update(noticeDeliveries)
        .set({ remindedAt: now })
        .where(and(eq(noticeDeliveries.id, id), isNull(noticeDeliveries.remindedAt)))
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
    })
  }
  return n
}
