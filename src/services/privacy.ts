import { and, asc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm'
import { schema, type Tx } from '../../db/client.js'
import { AppError } from '../core/errors.js'

/**
 * Personal data (个人信息保护法): everything held about one person, and its erasure. Erasure anonymises
 * names, phone numbers and chat identities everywhere they are copied (hazards, events, sent messages) and
 * unbinds the chat identities, but keeps every hazard, event and photo, so the ledger and its counts stay whole.
 */

const { people, memberships, businesses, identities, bindCodes, hazards, hazardEvents, auditLog, inboundMessages, outbox, awaiting } = schema

/** What an erased person is called from then on. */
export const erasedName = (personId: number) => `已注销用户${personId}`

async function personOrThrow(tx: Tx, personId: number) {
  const [p] = await tx.select().from(people).where(eq(people.id, personId))
  if (!p) throw new AppError('not_found', `没有编号为 ${personId} 的人员`)
  return p
}

/** Rows about the person or their chat identities: hazards they reported or are responsible for, events they acted in. */
function mine(personId: number, identityIds: number[]) {
  const ids = identityIds.length ? identityIds : [-1]
  return {
    hazards: or(eq(hazards.reporterPersonId, personId), inArray(hazards.reporterIdentityId, ids), eq(hazards.responsiblePersonId, personId)) as SQL,
    events: or(eq(hazardEvents.actorPersonId, personId), inArray(hazardEvents.actorIdentityId, ids)) as SQL,
  }
}

export async function personalData(tx: Tx, personId: number) {
  const person = await personOrThrow(tx, personId)
  const ms = await tx
    .select({ businessId: memberships.businessId, businessName: businesses.name, role: memberships.role })
    .from(memberships)
    .innerJoin(businesses, eq(businesses.id, memberships.businessId))
    .where(eq(memberships.personId, personId))
  const ids = await tx.select().from(identities).where(eq(identities.personId, personId)).orderBy(asc(identities.id))
  const codes = await tx
    .select({ code: bindCodes.code, expiresAt: bindCodes.expiresAt, usedAt: bindCodes.usedAt, usedByIdentityId: bindCodes.usedByIdentityId, createdAt: bindCodes.createdAt })
    .from(bindCodes)
    .where(eq(bindCodes.personId, personId))
    .orderBy(asc(bindCodes.createdAt))
  const w = mine(
    personId,
    ids.map((i) => i.id),
  )
  const hs = await tx.select().from(hazards).where(w.hazards).orderBy(asc(hazards.id))
  const evs = await tx.select().from(hazardEvents).where(w.events).orderBy(asc(hazardEvents.id))
  const audit = await tx
    .select()
    .from(auditLog)
    .where(
      or(
        and(eq(auditLog.targetType, 'person'), eq(auditLog.targetId, String(personId))),
        and(eq(auditLog.actorKind, 'person'), eq(auditLog.actorId, String(personId))),
      ),
    )
    .orderBy(asc(auditLog.id))
  const externalIds = ids.map((i) => i.externalId)
  const [msgs] = externalIds.length
    ? await tx.select({ n: sql<number>`count(*)::int` }).from(inboundMessages).where(inArray(inboundMessages.senderId, externalIds))
    : [{ n: 0 }]
  return {
    person,
    memberships: ms,
    identities: ids,
    bindCodes: codes,
    hazardsReported: hs.filter((h) => h.reporterPersonId === personId || ids.some((i) => i.id === h.reporterIdentityId)),
    hazardsResponsible: hs.filter((h) => h.responsiblePersonId === personId),
    eventsActed: evs,
    auditEntries: audit,
    inboundMessages: Number(msgs.n),
  }
}

/** Replaces `from` with `to` in outbox texts (sent messages that named the person); names of one character are left alone. */
async function scrubTexts(tx: Tx, names: string[], to: string): Promise<number> {
  let n = 0
  for (const from of new Set(names)) {
    if (from.length < 2 || from === to) continue
    const r = await tx
      .update(outbox)
      .set({ text: sql`replace(${outbox.text}, ${from}, ${to})` })
      .where(sql`strpos(${outbox.text}, ${from}) > 0`)
      .returning({ id: outbox.id })
    n += r.length
  }
  return n
}

/**
 * Anonymises one person in the caller's transaction. Returns how many rows of each kind changed; hazards,
 * events and photos are changed in place, never deleted.
 */
export async function erasePerson(tx: Tx, personId: number, now: Date) {
  const person = await personOrThrow(tx, personId)
  const anon = erasedName(personId)
  const ids = await tx.select().from(identities).where(eq(identities.personId, personId))
  const w = mine(
    personId,
    ids.map((i) => i.id),
  )
  const hazardsReporter = await tx
    .update(hazards)
    .set({ reporterName: anon })
    .where(or(eq(hazards.reporterPersonId, personId), inArray(hazards.reporterIdentityId, ids.length ? ids.map((i) => i.id) : [-1])))
    .returning({ id: hazards.id })
  const hazardsResponsible = await tx.update(hazards).set({ responsibleName: anon }).where(eq(hazards.responsiblePersonId, personId)).returning({ id: hazards.id })
  const events = await tx.update(hazardEvents).set({ actorName: anon }).where(w.events).returning({ id: hazardEvents.id })
  const messages = await scrubTexts(tx, [person.name, ...ids.map((i) => i.displayName)], anon)
  for (const i of ids) {
    // the chat id is personal data too; a later message from it starts a new, unbound identity
    const erasedId = `erased:${i.id}`
    await tx.update(inboundMessages).set({ senderId: erasedId }).where(and(eq(inboundMessages.channel, i.channel), eq(inboundMessages.senderId, i.externalId)))
    await tx.update(outbox).set({ mentionIds: sql`array_replace(${outbox.mentionIds}, ${i.externalId}, ${erasedId})` }).where(sql`${i.externalId} = any(${outbox.mentionIds})`)
    await tx.update(outbox).set({ chatId: erasedId }).where(and(eq(outbox.channel, i.channel), eq(outbox.chatId, i.externalId), eq(outbox.isGroup, false)))
    await tx.delete(awaiting).where(and(eq(awaiting.channel, i.channel), eq(awaiting.senderId, i.externalId)))
    await tx.update(identities).set({ externalId: erasedId, displayName: anon, personId: null, boundAt: null }).where(eq(identities.id, i.id))
  }
  const codes = await tx
    .update(bindCodes)
    .set({ expiresAt: now })
    .where(and(eq(bindCodes.personId, personId), isNull(bindCodes.usedAt), sql`${bindCodes.expiresAt} > ${now.toISOString()}::timestamptz`))
    .returning({ code: bindCodes.code })
  await tx.update(people).set({ name: anon, phone: null }).where(eq(people.id, personId))
  return {
    person: 1,
    identities: ids.length,
    hazardsReporter: hazardsReporter.length,
    hazardsResponsible: hazardsResponsible.length,
    events: events.length,
    messages,
    bindCodesRevoked: codes.length,
  }
}
