import { and, eq, gt, lt, desc, ne, isNotNull } from 'drizzle-orm'
import { schema, type Db, type Tx } from '../../db/client.js'
import type { InboundMessage } from '../channels/types.js'
import type { Recognition } from '../core/recogniser.js'
import { DANGER_LABELS, type DangerKind } from '../core/urgent-guidance.js'
import { truncate } from '../core/text.js'
import { enqueue } from './outbox.js'
import { groupRoute } from './pushes.js'
import { guidanceFor } from './urgent-guidance.js'

const { plainDrafts, urgentAlerts, people, identities } = schema
export type PlainDraft = typeof plainDrafts.$inferSelect

/** The same danger in the same chat within this many minutes gets no second guidance or officer notice. */
export const URGENT_REPEAT_MINUTES = 10

const minutesAgo = (now: Date, m: number) => new Date(now.getTime() - m * 60_000)

/** Opens a draft for the sender: what the recogniser understood of their words (or nothing yet, for a photo). */
export async function openDraft(
  tx: Tx,
  m: InboundMessage,
  r: Pick<Recognition, 'category' | 'place' | 'major' | 'urgent'> | null,
  text: string | null,
  origin: PlainDraft['origin'],
  now: Date,
  minutes: number,
  photos: string[] = [],
): Promise<PlainDraft> {
  const [row] = await tx
    .insert(plainDrafts)
    .values({
      channel: m.channel,
      account: m.account,
      chatId: m.chatId,
      isGroup: m.isGroup,
      senderId: m.senderId,
      senderName: m.senderName,
      text,
      category: r?.category ?? 'other',
      place: r?.place ?? null,
      major: r?.major ?? false,
      urgent: r?.urgent ?? null,
      origin,
      photos,
      sourceMessageId: m.messageId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + minutes * 60_000),
    })
    .returning()
  return row
}

/** Another draft of the same sender in the same chat still waiting for 1 or 2 (told two hazards in a row). */
export async function otherOpenDraft(tx: Tx, m: Pick<InboundMessage, 'channel' | 'chatId' | 'senderId'>, exceptId: number, now: Date): Promise<PlainDraft | null> {
  const [d] = await tx
    .select()
    .from(plainDrafts)
    .where(
      and(
        eq(plainDrafts.channel, m.channel),
        eq(plainDrafts.chatId, m.chatId),
        eq(plainDrafts.senderId, m.senderId),
        eq(plainDrafts.status, 'open'),
        ne(plainDrafts.id, exceptId),
        isNotNull(plainDrafts.text),
        gt(plainDrafts.expiresAt, now),
      ),
    )
    .orderBy(desc(plainDrafts.id))
    .limit(1)
  return d ?? null
}

/** The place an owner corrects on an open draft (地点：前厅). */
export async function setDraftPlace(tx: Tx, id: number, place: string): Promise<PlainDraft> {
  const [d] = await tx.update(plainDrafts).set({ place }).where(eq(plainDrafts.id, id)).returning()
  return d
}

export async function openDraftById(tx: Tx, id: number): Promise<PlainDraft | null> {
  const [d] = await tx.select().from(plainDrafts).where(and(eq(plainDrafts.id, id), eq(plainDrafts.status, 'open'))).for('update')
  return d ?? null
}

/** The words for a draft that waited for them (a photo came first); the draft's time starts again. */
export async function describeDraft(tx: Tx, id: number, text: string, r: Pick<Recognition, 'category' | 'place' | 'major' | 'urgent'>, now: Date, minutes: number): Promise<PlainDraft> {
  const [d] = await tx
    .update(plainDrafts)
    .set({ text, category: r.category, place: r.place, major: r.major, urgent: r.urgent, expiresAt: new Date(now.getTime() + minutes * 60_000) })
    .where(eq(plainDrafts.id, id))
    .returning()
  return d
}

export async function addDraftPhoto(tx: Tx, id: number, sha256: string): Promise<number> {
  const [d] = await tx.select({ photos: plainDrafts.photos }).from(plainDrafts).where(eq(plainDrafts.id, id)).for('update')
  const photos = d.photos.includes(sha256) ? d.photos : [...d.photos, sha256]
  await tx.update(plainDrafts).set({ photos }).where(eq(plainDrafts.id, id))
  return photos.length
}

export async function closeDraft(tx: Tx, id: number, status: 'filed' | 'dropped', now: Date, hazardId?: number): Promise<void> {
  await tx
    .update(plainDrafts)
    .set({ status, closedAt: now, hazardId: hazardId ?? null })
    .where(eq(plainDrafts.id, id))
}

/** Whether the sender was prompted in this chat within the last `minutes` (one prompt per sender per chat then). */
export async function promptedLately(tx: Tx, m: InboundMessage, now: Date, minutes: number): Promise<boolean> {
  const [d] = await tx
    .select({ id: plainDrafts.id })
    .from(plainDrafts)
    .where(and(eq(plainDrafts.channel, m.channel), eq(plainDrafts.chatId, m.chatId), eq(plainDrafts.senderId, m.senderId), eq(plainDrafts.origin, 'prompt'), gt(plainDrafts.createdAt, minutesAgo(now, minutes))))
    .limit(1)
  return !!d
}

/**
 * Closes the drafts whose time ran out and tells each sender that theirs was not filed (a report is never lost in
 * silence). Returns how many.
 */
export async function expireDrafts(db: Db, now: Date): Promise<number> {
  return db.transaction(async (tx) => {
    const due = await tx
      .update(plainDrafts)
      .set({ status: 'expired', closedAt: now })
      .where(and(eq(plainDrafts.status, 'open'), lt(plainDrafts.expiresAt, now)))
      .returning()
    for (const d of due) {
      const what = d.text ? `“${truncate(d.text, 20)}”` : `您发的${d.photos.length}张照片`
      await enqueue(
        tx,
        {
          channel: d.channel,
          account: d.account,
          chatId: d.chatId,
          isGroup: d.isGroup,
          priority: 'reply',
          mentionIds: d.isGroup ? [d.senderId] : [],
          text: `刚才${what}没有上报（未回复1，已过时）。\n如要上报，请再说一遍，或发：#隐患 情况`,
        },
        now,
      )
    }
    return due.length
  })
}

/**
 * An urgent danger heard in a chat: the safety guidance there at once, and the township's officers told (directly
 * where they have a chat identity on this channel and the channel can start a direct chat, else in the bureau's
 * group, by its robot if need be). The same danger in the same chat within URGENT_REPEAT_MINUTES is not repeated.
 * Returns whether guidance went out.
 */
export async function raiseUrgent(
  tx: Tx,
  m: InboundMessage,
  kind: DangerKind,
  text: string,
  townshipId: number | null,
  now: Date,
  opts: { bureauGroup: string; robotsOn: boolean; /** false: this channel only answers (WeCom's bot in callback mode) */ directChats: boolean },
): Promise<boolean> {
  const [recent] = await tx
    .select({ id: urgentAlerts.id })
    .from(urgentAlerts)
    .where(and(eq(urgentAlerts.channel, m.channel), eq(urgentAlerts.chatId, m.chatId), eq(urgentAlerts.kind, kind), gt(urgentAlerts.createdAt, minutesAgo(now, URGENT_REPEAT_MINUTES))))
    .limit(1)
  if (recent) return false
  // a reply in the chat it came from, ahead of the prompt or draft written after it
  await enqueue(tx, { channel: m.channel, account: m.account, chatId: m.chatId, isGroup: m.isGroup, priority: 'reply', text: await guidanceFor(tx, kind), causeMessageId: m.messageId }, now)
  const where = m.isGroup ? `“${m.chatName}”群里` : '私聊中'
  const notice = [`【紧急·未确认】${DANGER_LABELS[kind]}`, `${where}${m.senderName}说：“${truncate(text, 60)}”`, '已自动发出安全提示。请马上电话核实。'].join('\n')
  // an officer this channel cannot start a chat with is not reached directly: the bureau's group is told instead
  const officers =
    townshipId && opts.directChats
      ? await tx
          .select({ name: people.name, externalId: identities.externalId })
          .from(people)
          .innerJoin(identities, eq(identities.personId, people.id))
          .where(and(eq(people.role, 'officer'), eq(people.townshipId, townshipId), eq(identities.channel, m.channel)))
          .orderBy(desc(identities.id))
      : []
  let notified: string | null = null
  const reached = officers.filter((o, i) => officers.findIndex((x) => x.externalId === o.externalId) === i)
  if (reached.length) {
    for (const o of reached) await enqueue(tx, { channel: m.channel, account: m.account, chatId: o.externalId, isGroup: false, priority: 'urgent', text: notice, causeMessageId: m.messageId }, now)
    notified = [...new Set(reached.map((o) => o.name))].join('、')
  } else {
    const to = await groupRoute(tx, opts.bureauGroup, m, opts.robotsOn)
    if (to) {
      await enqueue(tx, { ...to, isGroup: true, priority: 'urgent', text: notice, causeMessageId: m.messageId }, now)
      notified = opts.bureauGroup
    }
  }
  await tx.insert(urgentAlerts).values({ channel: m.channel, chatId: m.chatId, chatName: m.isGroup ? m.chatName : null, kind, senderName: m.senderName, text, townshipId, notified, sourceMessageId: m.messageId, createdAt: now })
  return true
}
