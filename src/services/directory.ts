import { randomInt } from 'node:crypto'
import { and, eq, gt, isNull, sql, or, like, inArray } from 'drizzle-orm'
import { schema, type Tx } from '../../db/client.js'
import { AppError } from '../core/errors.js'
import type { Actor, Role } from '../core/permissions.js'

const { identities, people, memberships, businesses, groups, jurisdictions, bindCodes } = schema

export type IdentityRow = typeof identities.$inferSelect
export type GroupRow = typeof groups.$inferSelect
export type PersonRow = typeof people.$inferSelect
export type BusinessRow = typeof businesses.$inferSelect

export interface ChatActor extends Actor {
  name: string
  /** the businesses a member belongs to */
  businesses?: { id: number; name: string; townshipId: number | null; industry: string }[]
}

/** Records the chat identity (by channel + external id) and returns it with the person it is bound to. */
export async function ensureIdentity(tx: Tx, channel: string, externalId: string, displayName: string): Promise<IdentityRow> {
  const [row] = await tx
    .insert(identities)
    .values({ channel, externalId, displayName })
    .onConflictDoUpdate({ target: [identities.channel, identities.externalId], set: { displayName } })
    .returning()
  return row
}

export async function actorFor(tx: Tx, identity: IdentityRow): Promise<ChatActor> {
  if (identity.personId === null) {
    return { role: 'public', personId: null, identityId: identity.id, businessIds: [], townshipId: null, industries: [], name: identity.displayName }
  }
  const rows = await tx
    .select({ person: people, businessId: memberships.businessId })
    .from(people)
    .leftJoin(memberships, eq(memberships.personId, people.id))
    .where(eq(people.id, identity.personId))
  const p = rows[0].person
  return {
    role: p.role as Role,
    personId: p.id,
    identityId: identity.id,
    businessIds: rows.map((r) => r.businessId).filter((b): b is number => b !== null),
    townshipId: p.townshipId,
    industries: p.industries,
    name: p.name,
  }
}

/**
 * The sender's identity and who it is, in one query on the hot path;
 * the identity row is written only when it is new or its display name changed.
 */
export async function loadChatActor(
  tx: Tx,
  channel: string,
  externalId: string,
  displayName: string,
): Promise<{ identity: IdentityRow; actor: ChatActor }> {
  const rows = await tx
    .select({ identity: identities, person: people, business: businesses })
    .from(identities)
    .leftJoin(people, eq(people.id, identities.personId))
    .leftJoin(memberships, eq(memberships.personId, people.id))
    .leftJoin(businesses, eq(businesses.id, memberships.businessId))
    .where(and(eq(identities.channel, channel), eq(identities.externalId, externalId)))
  if (!rows.length || rows[0].identity.displayName !== displayName) {
    const identity = await ensureIdentity(tx, channel, externalId, displayName)
    return { identity, actor: await actorFor(tx, identity) }
  }
  const { identity, person } = rows[0]
  if (!person) {
    return { identity, actor: { role: 'public', personId: null, identityId: identity.id, businessIds: [], townshipId: null, industries: [], name: identity.displayName } }
  }
  const bs = rows.map((r) => r.business).filter((b): b is BusinessRow => b !== null)
  return {
    identity,
    actor: {
      role: person.role as Role,
      personId: person.id,
      identityId: identity.id,
      businessIds: bs.map((b) => b.id),
      businesses: bs.map((b) => ({ id: b.id, name: b.name, townshipId: b.townshipId, industry: b.industry })),
      townshipId: person.townshipId,
      industries: person.industries,
      name: person.name,
    },
  }
}

/** The group row for a chat, created on first sight; written again only when its name changed. */
export async function findOrCreateGroup(tx: Tx, channel: string, externalId: string, name: string): Promise<GroupRow> {
  const [g] = await tx
    .select()
    .from(groups)
    .where(and(eq(groups.channel, channel), eq(groups.externalId, externalId)))
  if (g && g.name === name) return g
  return ensureGroup(tx, channel, externalId, name)
}

export async function ensureGroup(tx: Tx, channel: string, externalId: string, name: string): Promise<GroupRow> {
  const [row] = await tx
    .insert(groups)
    .values({ channel, externalId, name })
    .onConflictDoUpdate({ target: [groups.channel, groups.externalId], set: { name } })
    .returning()
  return row
}

export async function findTownship(tx: Tx, word: string): Promise<{ id: number; name: string } | null> {
  const w = word.trim()
  const rows = await tx
    .select({ id: jurisdictions.id, name: jurisdictions.name })
    .from(jurisdictions)
    .where(and(eq(jurisdictions.kind, 'township'), or(eq(jurisdictions.name, w), like(jurisdictions.name, `${w}%`))))
  const exact = rows.find((r) => r.name === w)
  if (exact) return exact
  return rows.length === 1 ? rows[0] : null
}

export const WHOLE_CITY = ['全市', '全城', '市级', '全部', '全市范围']

export async function registerGroup(
  tx: Tx,
  group: GroupRow,
  args: { township: string; industries: string[] },
  by: ChatActor,
  now: Date,
): Promise<{ townshipName: string }> {
  let townshipId: number | null = null
  let townshipName = '全市'
  if (!WHOLE_CITY.includes(args.township)) {
    const t = await findTownship(tx, args.township)
    if (!t) {
      const all = await tx.select({ name: jurisdictions.name }).from(jurisdictions).where(eq(jurisdictions.kind, 'township')).limit(8)
      const hint = all.length ? `\n可选：${all.map((a) => a.name).join('、')}、全市` : ''
      throw new AppError('not_found', `没有找到乡镇“${args.township}”${hint}`)
    }
    townshipId = t.id
    townshipName = t.name
  }
  if (by.role === 'officer' && by.townshipId !== null && townshipId !== by.townshipId) {
    throw new AppError('forbidden', '只能登记您负责的乡镇的群')
  }
  await tx
    .update(groups)
    .set({ registered: true, townshipId, industries: args.industries, registeredByPersonId: by.personId, registeredAt: now })
    .where(eq(groups.id, group.id))
  return { townshipName }
}

export async function bindIdentity(tx: Tx, identity: IdentityRow, code: string, now: Date): Promise<PersonRow> {
  const [bc] = await tx
    .update(bindCodes)
    .set({ usedAt: now, usedByIdentityId: identity.id })
    .where(and(eq(bindCodes.code, code), isNull(bindCodes.usedAt), gt(bindCodes.expiresAt, now)))
    .returning()
  if (!bc) throw new AppError('bad_code', '绑定码无效、已用过或已过期，请向管理员重新申请')
  await tx.update(identities).set({ personId: bc.personId, boundAt: now }).where(eq(identities.id, identity.id))
  const [p] = await tx.select().from(people).where(eq(people.id, bc.personId))
  return p
}

export async function issueBindCode(tx: Tx, personId: number, now: Date, ttlHours: number): Promise<{ code: string; expiresAt: Date }> {
  const [p] = await tx.select({ id: people.id }).from(people).where(eq(people.id, personId))
  if (!p) throw new AppError('not_found', '没有这个人员')
  const expiresAt = new Date(now.getTime() + ttlHours * 3600_000)
  for (let i = 0; i < 10; i++) {
    const code = String(randomInt(100000, 1000000))
    const r = await tx.insert(bindCodes).values({ code, personId, expiresAt }).onConflictDoNothing().returning()
    if (r.length) return { code, expiresAt }
  }
  throw new AppError('conflict', '生成绑定码失败，请重试')
}

/** A business by exact name, or by a unique partial match. */
export async function findBusiness(tx: Tx, word: string): Promise<BusinessRow | null> {
  const w = word.trim()
  if (!w) return null
  const [exact] = await tx.select().from(businesses).where(eq(businesses.name, w))
  if (exact) return exact
  const rows = await tx.select().from(businesses).where(like(businesses.name, `%${w.replace(/[%_\\]/g, '')}%`)).limit(3)
  if (rows.length > 1) throw new AppError('conflict', `有多个单位名称含“${w}”：${rows.map((r) => r.name).join('、')}，请写全称`)
  return rows[0] ?? null
}

export async function findOfficer(tx: Tx, name: string): Promise<PersonRow | null> {
  const rows = await tx
    .select()
    .from(people)
    .where(and(eq(people.name, name.replace(/^@/, '')), inArray(people.role, ['officer', 'leader', 'admin'])))
    .limit(2)
  if (rows.length > 1) throw new AppError('conflict', `有多个叫“${name}”的监管人员，请联系管理员`)
  return rows[0] ?? null
}

export async function businessById(tx: Tx, id: number): Promise<BusinessRow | null> {
  const [b] = await tx.select().from(businesses).where(eq(businesses.id, id))
  return b ?? null
}

export async function groupByName(tx: Tx, nameOrId: string): Promise<GroupRow | null> {
  const [g] = await tx
    .select()
    .from(groups)
    .where(or(eq(groups.externalId, nameOrId), eq(groups.name, nameOrId)))
    .orderBy(sql`${groups.externalId} = ${nameOrId} desc`)
    .limit(1)
  return g ?? null
}

/** Records the group chats a channel account is in (names refreshed), so announcements can reach them. */
export async function syncGroups(tx: Tx, channel: string, list: { id: string; name: string }[]): Promise<number> {
  for (const g of list) await findOrCreateGroup(tx, channel, g.id, g.name)
  return list.length
}
