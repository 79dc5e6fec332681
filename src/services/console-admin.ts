import { and, asc, desc, eq, gte, ilike, inArray, lte, or, sql, type SQL } from 'drizzle-orm'
import { schema, type Db, type Tx } from '../../db/client.js'
import { AppError } from '../core/errors.js'
import type { Actor } from '../core/permissions.js'
import { recordAudit, type AuditEntry } from './audit.js'
import { findTownship } from './directory.js'
import { groupReach, reachWhere } from './scope.js'
import { CONSOLE_ROLES, setCredentials } from './console-auth.js'
import { systemClock, type Clock } from '../core/clock.js'

const { businesses, people, memberships, identities, consoleCredentials, groups, jurisdictions, auditLog } = schema

/** Who to write in the audit log for an API or console actor. */
export function auditActor(a: Actor & { name: string }): Pick<AuditEntry, 'actorKind' | 'actorId' | 'actorName'> {
  return a.personId !== null ? { actorKind: 'person', actorId: a.personId, actorName: a.name } : { actorKind: 'token', actorId: a.name, actorName: a.name }
}

async function townshipIdOf(tx: Tx, name: string | null | undefined): Promise<number | null> {
  if (!name) return null
  const t = await findTownship(tx, name)
  if (!t) throw new AppError('not_found', `没有找到乡镇“${name}”`)
  return t.id
}

export async function listBusinesses(tx: Tx, actor: Actor, q?: string) {
  const conds = [reachWhere(actor, 'admin.read', businesses.townshipId, businesses.industry)]
  if (q) conds.push(or(ilike(businesses.name, `%${q.replace(/[%_\\]/g, '')}%`), eq(businesses.creditCode, q)))
  return tx
    .select({
      id: businesses.id,
      name: businesses.name,
      creditCode: businesses.creditCode,
      industry: businesses.industry,
      townshipId: businesses.townshipId,
      townshipName: jurisdictions.name,
      address: businesses.address,
      aboveQuota: businesses.aboveQuota,
    })
    .from(businesses)
    .leftJoin(jurisdictions, eq(jurisdictions.id, businesses.townshipId))
    .where(and(...conds.filter((c): c is SQL => c !== undefined)))
    .orderBy(asc(businesses.id))
    .limit(2000)
}

export interface BusinessInput {
  name: string
  industry: string
  township?: string | null
  creditCode?: string | null
  address?: string | null
  aboveQuota?: boolean
}

export async function saveBusiness(tx: Tx, actor: Actor & { name: string }, id: number | null, b: BusinessInput, now: Date) {
  const values = {
    name: b.name.trim(),
    industry: b.industry,
    townshipId: await townshipIdOf(tx, b.township),
    creditCode: b.creditCode || null,
    address: b.address || null,
    aboveQuota: b.aboveQuota ?? false,
  }
  const clash = await tx
    .select({ id: businesses.id })
    .from(businesses)
    .where(or(eq(businesses.name, values.name), values.creditCode ? eq(businesses.creditCode, values.creditCode) : sql`false`))
  if (clash.some((c) => c.id !== id)) throw new AppError('conflict', '已有同名或同信用代码的经营主体')
  let before: typeof businesses.$inferSelect | undefined
  let row: typeof businesses.$inferSelect
  if (id === null) {
    ;[row] = await tx.insert(businesses).values(values).returning()
  } else {
    ;[before] = await tx.select().from(businesses).where(eq(businesses.id, id))
    if (!before) throw new AppError('not_found', '没有这个经营主体')
    ;[row] = await tx.update(businesses).set(values).where(eq(businesses.id, id)).returning()
  }
  await recordAudit(
    tx,
    { ...auditActor(actor), action: id === null ? 'business.create' : 'business.update', targetType: 'business', targetId: row.id, detail: { before: before ?? null, after: row } },
    now,
  )
  return row
}

export async function listPeople(tx: Tx) {
  const list = await tx
    .select({ p: people, townshipName: jurisdictions.name, username: consoleCredentials.username, lastSignInAt: consoleCredentials.lastSignInAt })
    .from(people)
    .leftJoin(jurisdictions, eq(jurisdictions.id, people.townshipId))
    .leftJoin(consoleCredentials, eq(consoleCredentials.personId, people.id))
    .orderBy(asc(people.id))
  const ids = list.map((r) => r.p.id).concat(-1)
  const idents = await tx.select().from(identities).where(inArray(identities.personId, ids))
  const ms = await tx
    .select({ personId: memberships.personId, businessId: memberships.businessId, name: businesses.name })
    .from(memberships)
    .innerJoin(businesses, eq(businesses.id, memberships.businessId))
    .where(inArray(memberships.personId, ids))
  return list.map(({ p, townshipName, username, lastSignInAt }) => ({
    ...p,
    townshipName,
    username,
    lastSignInAt,
    businesses: ms.filter((m) => m.personId === p.id).map((m) => ({ id: m.businessId, name: m.name })),
    identities: idents.filter((i) => i.personId === p.id).map((i) => ({ channel: i.channel, externalId: i.externalId, displayName: i.displayName, boundAt: i.boundAt })),
  }))
}

export interface PersonInput {
  name: string
  role: 'member' | 'officer' | 'leader' | 'admin' | 'association' | 'viewer'
  phone?: string | null
  township?: string | null
  industries?: string[]
  businessIds?: number[]
}

export async function savePerson(tx: Tx, actor: Actor & { name: string }, id: number | null, b: PersonInput, now: Date) {
  if (b.role === 'member' && !b.businessIds?.length) throw new AppError('usage', '经营主体人员请选择所属单位')
  const values = { name: b.name.trim(), role: b.role, phone: b.phone || null, townshipId: await townshipIdOf(tx, b.township), industries: b.industries ?? [] }
  let before: typeof people.$inferSelect | undefined
  let row: typeof people.$inferSelect
  if (id === null) {
    ;[row] = await tx.insert(people).values(values).returning()
  } else {
    ;[before] = await tx.select().from(people).where(eq(people.id, id))
    if (!before) throw new AppError('not_found', '没有这个人员')
    ;[row] = await tx.update(people).set(values).where(eq(people.id, id)).returning()
  }
  if (b.businessIds) {
    await tx.delete(memberships).where(eq(memberships.personId, row.id))
    for (const businessId of b.role === 'member' ? b.businessIds : []) await tx.insert(memberships).values({ personId: row.id, businessId })
  }
  await recordAudit(
    tx,
    { ...auditActor(actor), action: id === null ? 'person.create' : 'person.update', targetType: 'person', targetId: row.id, detail: { before: before ?? null, after: row, businessIds: b.businessIds ?? null } },
    now,
  )
  return row
}

export async function listGroups(tx: Tx, actor: Actor) {
  return tx
    .select({
      id: groups.id,
      channel: groups.channel,
      externalId: groups.externalId,
      name: groups.name,
      registered: groups.registered,
      townshipId: groups.townshipId,
      townshipName: jurisdictions.name,
      industries: groups.industries,
      webhook: sql<boolean>`${groups.webhookKey} is not null`,
      registeredAt: groups.registeredAt,
    })
    .from(groups)
    .leftJoin(jurisdictions, eq(jurisdictions.id, groups.townshipId))
    .where(groupReach(actor, 'admin.read'))
    .orderBy(asc(groups.id))
}

export interface AuditFilter {
  action?: string
  actor?: string
  targetType?: string
  targetId?: string
  from?: Date
  to?: Date
  page: number
  pageSize: number
}

export async function listAudit(tx: Tx, f: AuditFilter) {
  const conds: SQL[] = []
  if (f.action) conds.push(ilike(auditLog.action, `${f.action.replace(/[%_\\]/g, '')}%`))
  if (f.actor) conds.push(ilike(auditLog.actorName, `%${f.actor.replace(/[%_\\]/g, '')}%`))
  if (f.targetType) conds.push(eq(auditLog.targetType, f.targetType))
  if (f.targetId) conds.push(eq(auditLog.targetId, f.targetId))
  if (f.from) conds.push(gte(auditLog.at, f.from))
  if (f.to) conds.push(lte(auditLog.at, f.to))
  const where = conds.length ? and(...conds) : undefined
  const items = await tx
    .select()
    .from(auditLog)
    .where(where)
    .orderBy(desc(auditLog.id))
    .limit(f.pageSize)
    .offset((f.page - 1) * f.pageSize)
  const [{ n }] = await tx.select({ n: sql<number>`count(*)` }).from(auditLog).where(where)
  return { total: Number(n), page: f.page, pageSize: f.pageSize, items }
}

export async function townships(tx: Tx) {
  return tx.select({ id: jurisdictions.id, name: jurisdictions.name }).from(jurisdictions).where(eq(jurisdictions.kind, 'township')).orderBy(asc(jurisdictions.id))
}

export interface CreateUserArgs {
  username: string
  role: (typeof CONSOLE_ROLES)[number]
  name?: string
  township?: string
  personId?: number
  password: string
}

/** Creates (or gives an account to) a console user; the caller supplies the password. Audited as a system change. */
export async function createConsoleUser(db: Db, a: CreateUserArgs, clock: Clock = systemClock): Promise<{ personId: number }> {
  const now = clock.now()
  return db.transaction(async (tx) => {
    let personId = a.personId
    if (personId === undefined) {
      if (!a.name) throw new AppError('usage', '新建人员时 --name 必填 / --name is required for a new person')
      const t = a.township ? await findTownship(tx, a.township) : null
      if (a.township && !t) throw new AppError('not_found', `没有找到乡镇“${a.township}”`)
      const [p] = await tx.insert(schema.people).values({ name: a.name, role: a.role, townshipId: t?.id ?? null }).returning()
      personId = p.id
    } else {
      const [p] = await tx.select().from(schema.people).where(eq(schema.people.id, personId))
      if (!p) throw new AppError('not_found', `没有 id 为 ${personId} 的人员`)
    }
    await setCredentials(tx, personId, a.username, a.password, now)
    await recordAudit(tx, { actorKind: 'system', actorId: 'cli', actorName: '命令行', action: 'person.credentials', targetType: 'person', targetId: personId, detail: { username: a.username, role: a.role } }, now)
    return { personId }
  })
}

