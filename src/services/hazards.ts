import { and, desc, eq, gt, sql, inArray, lt, or, count, type SQL } from 'drizzle-orm'
import { schema, rows, query, type BulkWrite, type Tx } from '../../db/client.js'
import { AppError } from '../core/errors.js'
import { authorize, type Action, type Actor, type Target } from '../core/permissions.js'
import { transition, isOverdue, type HazardAction } from '../core/hazard-machine.js'
import { endOfDayAfter, endOfShanghaiDay, formatDate } from '../core/clock.js'
import { DATE_FORMS, needsHolidays, resolveDateWord } from '../core/dates.js'
import { calendarOverrides } from './content.js'
import type { Deadline, ReportArgs } from '../core/parse.js'
import { type HazardStatus, UNIDENTIFIED_BUSINESS } from '../core/domain.js'
import { businessById, findBusiness, findOfficer, type ChatActor, type GroupRow } from './directory.js'

const { hazards, hazardEvents, hazardAttachments, businesses, identities } = schema
export type HazardRow = typeof hazards.$inferSelect
export type HazardEventRow = typeof hazardEvents.$inferSelect

export interface Ctx {
  tx: Tx
  actor: ChatActor
  now: Date
  sourceMessageId?: string
}

/**
 * Hazard ids taken from the sequence in blocks, so a report knows its row before it is written and its
 * inserts need not wait for each other. Ids may skip numbers after a restart; codes (what people see and
 * type) never do: they come from the `hazard_code` counter in the committing transaction.
 */
export class HazardIdPool {
  private ids: number[] = []
  constructor(private readonly block = 20) {}
  async next(tx: Tx): Promise<number> {
    if (!this.ids.length) {
      const r = await rows<{ id: number }>(tx, sql`select nextval('hazards_id_seq')::int as id from generate_series(1, ${this.block})`)
      this.ids = r.map((x) => Number(x.id))
    }
    return this.ids.shift()!
  }
}

/** The top of `n` new hazard codes, taken in this transaction (the counter row stays locked until commit). */
export async function takeHazardCodes(tx: Tx, n: number): Promise<number> {
  const [r] = await rows<{ top: string | number }>(tx, sql`select take_hazard_codes(${n}::int) as top`)
  return Number(r.top)
}

export function targetOf(h: HazardRow): Target {
  return {
    businessId: h.businessId,
    townshipId: h.townshipId,
    industry: h.industry,
    reporterPersonId: h.reporterPersonId,
    reporterIdentityId: h.reporterIdentityId,
  }
}

export function check(actor: Actor, action: Action, target?: Target): void {
  const d = authorize(actor, action, target)
  if (!d.ok) throw new AppError('forbidden', d.reason)
}

async function event(
  c: Ctx,
  h: HazardRow,
  action: string,
  to: HazardStatus | null,
  note: string | null,
  data?: Record<string, unknown>,
): Promise<HazardEventRow> {
  const [e] = await c.tx
    .insert(hazardEvents)
    .values({
      hazardId: h.id,
      action,
      actorPersonId: c.actor.personId,
      actorIdentityId: c.actor.identityId,
      actorName: c.actor.name,
      fromStatus: h.status,
      toStatus: to,
      note,
      data: data ?? null,
      sourceMessageId: c.sourceMessageId ?? null,
      at: c.now,
    })
    .returning()
  return e
}

export async function getByCode(tx: Tx, code: string, forUpdate = false): Promise<HazardRow> {
  const q = tx.select().from(hazards).where(eq(hazards.code, code.toUpperCase()))
  const [h] = forUpdate ? await q.for('update') : await q
  if (!h) throw new AppError('not_found', `没有找到隐患 ${code}，请检查编号`)
  return h
}

/** A hazard and its first event in one statement; $1 null takes the next id from the sequence. */
const REPORT = `with h as (
  insert into hazards (id, business_id, township_id, industry, group_id, reporter_person_id, reporter_identity_id, reporter_name,
    reporter_kind, description, place, category, grade, listed_supervision, status, created_at, updated_at, campaign)
  values (coalesce($1::int, nextval('hazards_id_seq')::int), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'reported',
    $15::timestamptz, $15::timestamptz, $18)
  returning id, code
), e as (
  insert into hazard_events (hazard_id, action, actor_person_id, actor_identity_id, actor_name, from_status, to_status, note, data,
    source_message_id, at)
  select id, 'report', $6, $7, $8, null, 'reported', $10, $16::jsonb, $17, $15::timestamptz from h
)
select id, code from h`

/**
 * Many reports with known ids in one statement (the router's batches). Parameters go as text arrays cast in
 * SQL, the same on both drivers; rows keep their order.
 */
const REPORT_MANY = `with v as (
  select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
    $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::text[])
    with ordinality as v(id, business_id, township_id, industry, group_id, person_id, identity_id, name, kind, description, place,
      category, grade, listed, at, data, source, campaign, code, ord)
), h as (
  insert into hazards (id, code, business_id, township_id, industry, group_id, reporter_person_id, reporter_identity_id, reporter_name,
    reporter_kind, description, place, category, grade, listed_supervision, status, created_at, updated_at, campaign)
  select id::int, code, business_id::int, township_id::int, industry, group_id::int, person_id::int, identity_id::int, name, kind,
    description, place, category, grade, listed, 'reported', at::timestamptz, at::timestamptz, campaign
  from v order by ord
)
insert into hazard_events (hazard_id, action, actor_person_id, actor_identity_id, actor_name, from_status, to_status, note, data,
  source_message_id, at)
select id::int, 'report', person_id::int, identity_id::int, name, null, 'reported', description, data::jsonb, source, at::timestamptz
from v order by ord`

/** One REPORT parameter list per row (id and code known) plus the code, written in one statement. */
export const reportMany: BulkWrite<unknown[]> = async (tx, rows) => {
  const columns = Array.from({ length: 19 }, (_, i) => rows.map((r) => (r[i] === null || r[i] === undefined ? null : String(r[i]))))
  await query(tx, REPORT_MANY, columns)
}

export interface ReportedHazard {
  id: number
  code: string
  grade: 'general' | 'major'
  category: string
  description: string
  place: string | null
}

/** Files a hazard and its first event in one statement (this is the busiest write of all). */
export async function reportHazard(
  c: Ctx,
  args: ReportArgs,
  where: { group: GroupRow | null },
  /**
   * with a known id and code the row is handed to `later` (written with others before commit) instead of
   * awaited; the code may be a placeholder the write step fills in at commit (see src/chat/steps/write.ts)
   */
  pre?: { id: number; code: string; later: <R>(write: BulkWrite<R>, row: R) => void },
): Promise<{ hazard: ReportedHazard; businessName: string }> {
  check(c.actor, 'hazard.report')
  let businessId: number | null = null
  let businessName = UNIDENTIFIED_BUSINESS
  let townshipId = where.group?.townshipId ?? null
  let industry: string | null = where.group?.industries.length === 1 ? where.group.industries[0] : null
  if (c.actor.role === 'member' && c.actor.businessIds.length) {
    const rows = c.actor.businesses ?? (await c.tx.select().from(businesses).where(inArray(businesses.id, c.actor.businessIds)))
    const b = rows.find((r) => where.group?.townshipId == null || r.townshipId === where.group.townshipId) ?? rows[0]
    businessId = b.id
    businessName = b.name
    townshipId = b.townshipId
    industry = b.industry
  }
  const grade = args.major ? 'major' : 'general'
  const at = c.now.toISOString()
  const data = JSON.stringify({ place: args.place, category: args.category, grade, public: c.actor.role === 'public' })
  const params = [
    pre?.id ?? null,
    businessId,
    townshipId,
    industry,
    where.group?.id ?? null,
    c.actor.personId,
    c.actor.identityId,
    c.actor.name,
    c.actor.role,
    args.description,
    args.place,
    args.category,
    grade,
    args.major ? '挂牌督办' : null,
    at,
    data,
    c.sourceMessageId ?? null,
    args.campaign ?? null,
  ]
  let h: { id: number; code: string }
  if (pre) {
    pre.later(reportMany, [...params, pre.code])
    h = { id: pre.id, code: pre.code }
  } else [h] = await query<{ id: number; code: string }>(c.tx, REPORT, params)
  return {
    hazard: { id: Number(h.id), code: h.code, grade, category: args.category, description: args.description, place: args.place },
    businessName,
  }
}

async function facts(tx: Tx, h: HazardRow) {
  const since = await tx
    .select({ at: hazardEvents.at })
    .from(hazardEvents)
    .where(and(eq(hazardEvents.hazardId, h.id), eq(hazardEvents.action, 'rectify')))
    .orderBy(desc(hazardEvents.id))
    .limit(1)
  let photos = 0
  if (since.length) {
    const [r] = await tx
      .select({ n: count() })
      .from(hazardAttachments)
      .where(and(eq(hazardAttachments.hazardId, h.id), eq(hazardAttachments.stage, 'rectification'), gt(hazardAttachments.createdAt, new Date(since[0].at.getTime() - 1))))
    photos = Number(r.n)
  }
  return {
    status: h.status,
    hasBusiness: h.businessId !== null,
    rectificationPhotos: photos,
    hasTransferResult: !!h.transferResult,
    rectificationReported: since.length > 0,
  }
}

async function step(c: Ctx, h: HazardRow, action: HazardAction, extra: { hasBusiness?: boolean } = {}): Promise<HazardStatus> {
  const f = await facts(c.tx, h)
  const t = transition({ ...f, ...extra }, action, { leader: c.actor.role === 'leader' || c.actor.role === 'admin' })
  if (!t.ok) throw new AppError('invalid_state', `${h.code}：${t.reason}`)
  return t.to
}

/** The end of the Shanghai day a deadline means (the default number of days when none was said). */
export async function resolveDeadline(tx: Tx, d: Deadline | null, defaultDays: number, now: Date): Promise<Date> {
  if (!d) return endOfDayAfter(now, defaultDays)
  const r = resolveDateWord(d, formatDate(now), needsHolidays(d) ? await calendarOverrides(tx) : [])
  if (!r.ok) throw new AppError('usage', r.error)
  const [y, m, day] = r.date.split('-').map(Number)
  return endOfShanghaiDay(y, m, day)
}

export async function acceptHazard(
  c: Ctx,
  code: string,
  args: { deadline: Deadline | null; responsible: string | null; business: string | null },
  defaults: { general: number; major: number },
): Promise<{ hazard: HazardRow; businessName: string }> {
  const h = await getByCode(c.tx, code, true)
  check(c.actor, 'hazard.accept', targetOf(h))
  let business = h.businessId !== null ? await businessById(c.tx, h.businessId) : null
  // words left over with no deadline read, on a hazard whose business is known: most likely a deadline the bot
  // does not know; never replaced by the default in silence
  if (business && args.business && !args.deadline && !business.name.includes(args.business)) {
    throw new AppError('usage', `没看懂“${args.business}”。期限可写：${DATE_FORMS}`)
  }
  if (!business && args.business) {
    business = await findBusiness(c.tx, args.business)
    if (!business) throw new AppError('not_found', `没有找到单位“${args.business}”，请写全称，或请管理员先登记该单位`)
  }
  const to = await step(c, h, 'accept', { hasBusiness: business !== null })
  let responsibleId = c.actor.personId
  let responsibleName = c.actor.name
  if (args.responsible) {
    const o = await findOfficer(c.tx, args.responsible)
    if (!o) throw new AppError('not_found', `没有找到监管人员“${args.responsible}”`)
    responsibleId = o.id
    responsibleName = o.name
  }
  const deadline = await resolveDeadline(c.tx, args.deadline, h.grade === 'major' ? defaults.major : defaults.general, c.now)
  const assigned = h.businessId === null && business !== null
  const [u] = await c.tx
    .update(hazards)
    .set({
      status: to,
      deadline,
      responsiblePersonId: responsibleId,
      responsibleName,
      businessId: business!.id,
      townshipId: business!.townshipId ?? h.townshipId,
      industry: business!.industry,
      updatedAt: c.now,
    })
    .where(eq(hazards.id, h.id))
    .returning()
  await event(c, h, 'accept', to, null, {
    deadline: deadline.toISOString(),
    responsible: responsibleName,
    ...(assigned ? { business: business!.name } : {}),
  })
  return { hazard: u, businessName: business!.name }
}

export async function rectifyHazard(c: Ctx, code: string, measures: string): Promise<HazardRow> {
  const h = await getByCode(c.tx, code, true)
  check(c.actor, 'hazard.rectify', targetOf(h))
  const to = await step(c, h, 'rectify')
  const [u] = await c.tx.update(hazards).set({ status: to, measures, updatedAt: c.now }).where(eq(hazards.id, h.id)).returning()
  await event(c, h, 'rectify', to, measures)
  return u
}

export async function verifyHazard(c: Ctx, code: string, passed: boolean, opinion: string | null): Promise<HazardRow> {
  const h = await getByCode(c.tx, code, true)
  check(c.actor, 'hazard.verify', targetOf(h))
  if (!passed && !opinion) throw new AppError('usage', '验收不通过时请写明原因，如：验收 ' + h.code + ' 不通过 软管未更换')
  const to = await step(c, h, passed ? 'verify_pass' : 'verify_fail')
  const [u] = await c.tx
    .update(hazards)
    .set({ status: to, updatedAt: c.now, closedAt: to === 'closed' ? c.now : null })
    .where(eq(hazards.id, h.id))
    .returning()
  await event(c, h, passed ? 'verify_pass' : 'verify_fail', to, opinion)
  return u
}

export async function transferHazard(c: Ctx, code: string, department: string, note: string | null): Promise<HazardRow> {
  const h = await getByCode(c.tx, code, true)
  check(c.actor, 'hazard.transfer', targetOf(h))
  const to = await step(c, h, 'transfer')
  const [u] = await c.tx
    .update(hazards)
    .set({ status: to, transferDepartment: department, updatedAt: c.now })
    .where(eq(hazards.id, h.id))
    .returning()
  await event(c, h, 'transfer', to, note, { department })
  return u
}

export async function recordTransferResult(c: Ctx, code: string, result: string): Promise<HazardRow> {
  const h = await getByCode(c.tx, code, true)
  check(c.actor, 'hazard.transfer_result', targetOf(h))
  const to = await step(c, h, 'transfer_result')
  const [u] = await c.tx.update(hazards).set({ transferResult: result, updatedAt: c.now }).where(eq(hazards.id, h.id)).returning()
  await event(c, h, 'transfer_result', to, result, { department: h.transferDepartment })
  return u
}

/**
 * 作废: a report filed by mistake, twice, or with nothing in it. The hazard stays in the ledger as 已作废 with
 * the reason in its event, and counts in no statistic, target or reminder from then on.
 */
export async function voidHazard(c: Ctx, code: string, reason: string): Promise<HazardRow> {
  const h = await getByCode(c.tx, code, true)
  check(c.actor, 'hazard.void', targetOf(h))
  if (!reason.trim()) throw new AppError('usage', `请写明作废原因，如：作废 ${h.code} 重复上报`)
  const to = await step(c, h, 'void')
  const [u] = await c.tx
    .update(hazards)
    .set({ status: to, voidedAt: c.now, voidReason: reason, updatedAt: c.now })
    .where(eq(hazards.id, h.id))
    .returning()
  await event(c, h, 'void', to, reason)
  return u
}

export async function attachPhoto(c: Ctx, hazardId: number, stage: 'report' | 'rectification', sha256: string): Promise<number> {
  await c.tx.insert(hazardAttachments).values({ hazardId, sha256, stage, sourceMessageId: c.sourceMessageId ?? null, createdAt: c.now })
  const [r] = await c.tx
    .select({ n: count() })
    .from(hazardAttachments)
    .where(and(eq(hazardAttachments.hazardId, hazardId), eq(hazardAttachments.stage, stage)))
  return Number(r.n)
}

export async function timeline(tx: Tx, hazardId: number) {
  const events = await tx.select().from(hazardEvents).where(eq(hazardEvents.hazardId, hazardId)).orderBy(hazardEvents.id)
  const photos = await tx
    .select({ sha256: hazardAttachments.sha256, stage: hazardAttachments.stage, at: hazardAttachments.createdAt })
    .from(hazardAttachments)
    .where(eq(hazardAttachments.hazardId, hazardId))
    .orderBy(hazardAttachments.id)
  return { events, photos }
}

export interface HazardFilter {
  status?: HazardStatus
  open?: boolean
  overdue?: boolean
  businessIds?: number[]
  groupId?: number
  townshipId?: number
  reporterIdentityId?: number
  responsiblePersonId?: number
  grade?: 'general' | 'major'
  category?: string
  limit?: number
  offset?: number
}

/** Restricts a listing to what the actor may see. */
export function scopeWhere(actor: Actor): SQL | undefined {
  const reach = authorize(actor, 'hazard.view')
  if (!reach.ok) return sql`false`
  switch (reach.reach) {
    case 'all':
      return undefined
    case 'own_business':
      return actor.businessIds.length ? inArray(hazards.businessId, actor.businessIds) : sql`false`
    case 'own_report':
      return or(
        actor.identityId !== null ? eq(hazards.reporterIdentityId, actor.identityId) : sql`false`,
        actor.personId !== null ? eq(hazards.reporterPersonId, actor.personId) : sql`false`,
      )
    case 'jurisdiction': {
      const parts: SQL[] = []
      if (actor.townshipId !== null) parts.push(eq(hazards.townshipId, actor.townshipId))
      if (actor.industries.length) parts.push(or(inArray(hazards.industry, actor.industries), sql`${hazards.industry} is null`)!)
      return parts.length ? and(...parts) : undefined
    }
  }
}

export function filterWhere(f: HazardFilter, now: Date): SQL[] {
  const w: SQL[] = []
  if (f.status) w.push(eq(hazards.status, f.status))
  if (f.open) w.push(sql`${hazards.status} not in ('closed', 'voided')`)
  if (f.overdue) w.push(and(inArray(hazards.status, ['reported', 'rectifying']), lt(hazards.deadline, now))!)
  if (f.businessIds) w.push(f.businessIds.length ? inArray(hazards.businessId, f.businessIds) : sql`false`)
  if (f.groupId !== undefined) w.push(eq(hazards.groupId, f.groupId))
  if (f.townshipId !== undefined) w.push(eq(hazards.townshipId, f.townshipId))
  if (f.reporterIdentityId !== undefined) w.push(eq(hazards.reporterIdentityId, f.reporterIdentityId))
  if (f.responsiblePersonId !== undefined) w.push(eq(hazards.responsiblePersonId, f.responsiblePersonId))
  if (f.grade) w.push(eq(hazards.grade, f.grade))
  if (f.category) w.push(eq(hazards.category, f.category))
  return w
}

export async function listHazards(tx: Tx, actor: Actor, f: HazardFilter, now: Date) {
  const conds = [scopeWhere(actor), ...filterWhere(f, now)].filter((x): x is SQL => x !== undefined)
  const where = conds.length ? and(...conds) : undefined
  const items = await tx
    .select({ hazard: hazards, businessName: businesses.name })
    .from(hazards)
    .leftJoin(businesses, eq(businesses.id, hazards.businessId))
    .where(where)
    .orderBy(desc(hazards.id))
    .limit(f.limit ?? 50)
    .offset(f.offset ?? 0)
  const [{ n }] = await tx.select({ n: count() }).from(hazards).where(where)
  return { total: Number(n), items: items.map((i) => ({ ...i.hazard, businessName: i.businessName ?? UNIDENTIFIED_BUSINESS, overdue: isOverdue(i.hazard.status, i.hazard.deadline, now) })) }
}

export async function groupCounts(tx: Tx, groupId: number, now: Date) {
  const [r] = await tx
    .select({
      open: sql<number>`count(*) filter (where ${hazards.status} not in ('closed', 'voided'))`,
      overdue: sql<number>`count(*) filter (where ${hazards.status} in ('reported','rectifying') and ${hazards.deadline} < ${now.toISOString()}::timestamptz)`,
      major: sql<number>`count(*) filter (where ${hazards.status} not in ('closed', 'voided') and ${hazards.grade} = 'major')`,
      closed: sql<number>`count(*) filter (where ${hazards.status} = 'closed')`,
    })
    .from(hazards)
    .where(eq(hazards.groupId, groupId))
  return { open: Number(r.open), overdue: Number(r.overdue), major: Number(r.major), closed: Number(r.closed) }
}

/** External chat ids of the hazard's reporter (to @-mention on updates), if bound to this channel. */
export async function reporterExternalId(tx: Tx, h: HazardRow): Promise<string | null> {
  if (h.reporterIdentityId === null) return null
  const [r] = await tx.select({ externalId: identities.externalId }).from(identities).where(eq(identities.id, h.reporterIdentityId))
  return r?.externalId ?? null
}
