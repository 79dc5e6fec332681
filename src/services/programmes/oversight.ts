import { and, eq, gte, lte, inArray, desc, sql, lt, type SQL } from 'drizzle-orm'
import { schema, type Tx } from '../../../db/client.js'
import { AppError } from '../../core/errors.js'
import { formatDate } from '../../core/clock.js'
import { yearStart } from '../../core/targets.js'
import { flagCandidates, commendable, type Exclusion, type ExclusionReason } from '../../core/exclusion.js'
import { pushToGroups, targetGroups } from '../pushes.js'
import type { Actor } from '../../core/permissions.js'
import { businessReach, checkBusinesses, reaches } from '../scope.js'

const { specialInspections, exhibitionFilings, policyExclusions, gasConversions, commendations, businesses, hazards, selfChecks, jurisdictions } = schema

/* ---------- special inspections (专项检查) ---------- */

export interface InspectionInput {
  plannedOn: string
  theme: string
  departments: string[]
  businessIds?: number[]
  note?: string
}

type Officer = Actor & { name: string }

/** An inspection of no business is the whole city's: only an actor of the whole city plans or records it. */
export async function planInspection(tx: Tx, input: InspectionInput, actor: Officer) {
  await checkBusinesses(tx, actor, 'programme.manage', input.businessIds ?? [])
  const [row] = await tx
    .insert(specialInspections)
    .values({ plannedOn: input.plannedOn, theme: input.theme, departments: input.departments, businessIds: input.businessIds ?? [], note: input.note ?? null, createdBy: actor.name })
    .returning()
  return row
}

/** Records an inspection as done: when, which businesses were visited, which hazards it found. */
export async function recordInspection(tx: Tx, id: number, input: { doneOn: string; businessIds?: number[]; hazardCodes?: string[]; note?: string }, actor: Actor) {
  const [row] = await tx.select().from(specialInspections).where(eq(specialInspections.id, id))
  if (!row) throw new AppError('not_found', `没有找到专项检查 ${id}`)
  await checkBusinesses(tx, actor, 'programme.manage', row.businessIds)
  const bIds = input.businessIds ?? row.businessIds
  await checkBusinesses(tx, actor, 'programme.manage', bIds)
  const codes = (input.hazardCodes ?? []).map((c) => c.toUpperCase())
  const hs = codes.length
    ? await tx.select({ id: hazards.id, code: hazards.code, townshipId: hazards.townshipId, industry: hazards.industry }).from(hazards).where(inArray(hazards.code, codes))
    : []
  const unknown = codes.filter((c) => !hs.some((h) => h.code === c))
  if (unknown.length) throw new AppError('not_found', `没有这些隐患：${unknown.join('、')}`)
  const outside = hs.filter((h) => !reaches(actor, 'programme.manage', h))
  if (outside.length) throw new AppError('forbidden', `这些隐患不在您负责的范围内：${outside.map((h) => h.code).join('、')}`)
  const [updated] = await tx
    .update(specialInspections)
    .set({ doneOn: input.doneOn, businessIds: bIds, hazardIds: hs.map((h) => h.id), note: input.note ?? row.note })
    .where(eq(specialInspections.id, id))
    .returning()
  return updated
}

/**
 * The inspections of a year; with an actor, those of the whole city and those visiting a business of the actor's
 * reach. `required`: how many the plan in force asks for that year (null when no plan sets it).
 */
export async function inspectionsOfYear(tx: Tx, year: number, today: Date, actor?: Actor, required: number | null = null) {
  const all = await tx
    .select()
    .from(specialInspections)
    .where(
      sql`coalesce(${specialInspections.doneOn}, ${specialInspections.plannedOn}) between ${`${year}-01-01`} and ${`${year}-12-31`}`,
    )
    .orderBy(specialInspections.plannedOn)
  const scope = actor && businessReach(actor, 'programme.read')
  const visible = scope ? new Set((await tx.select({ id: businesses.id }).from(businesses).where(scope)).map((b) => b.id)) : null
  const rows = visible ? all.filter((r) => !r.businessIds.length || r.businessIds.some((id) => visible.has(id))) : all
  const done = rows.filter((r) => r.doneOn !== null)
  return {
    year,
    required,
    done: done.length,
    joint: done.filter((r) => r.departments.length > 0).length,
    planned: rows.length - done.length,
    overduePlans: rows.filter((r) => r.doneOn === null && r.plannedOn < formatDate(today)).length,
    inspections: rows.map((r) => ({ ...r, mode: r.departments.length ? '联合检查' : '单独检查' })),
  }
}

/* ---------- exhibitions (展览活动审批/备案) ---------- */

export type ExhibitionDoc = 'safety_plan' | 'emergency_plan' | 'police_permit'
export const EXHIBITION_DOCS: Record<ExhibitionDoc, string> = {
  safety_plan: '展览活动安全工作方案',
  emergency_plan: '应急预案',
  police_permit: '公安机关大型群众性活动安全许可',
}
type ExhibitionRow = typeof exhibitionFilings.$inferSelect

export function missingDocuments(e: Pick<ExhibitionRow, 'safetyPlanSha256' | 'emergencyPlanSha256' | 'policePermitSha256' | 'largePublicEvent'>): string[] {
  const out: string[] = []
  if (!e.safetyPlanSha256) out.push(EXHIBITION_DOCS.safety_plan)
  if (!e.emergencyPlanSha256) out.push(EXHIBITION_DOCS.emergency_plan)
  if (e.largePublicEvent && !e.policePermitSha256) out.push(EXHIBITION_DOCS.police_permit)
  return out
}

const DOC_COLUMN = { safety_plan: 'safetyPlanSha256', emergency_plan: 'emergencyPlanSha256', police_permit: 'policePermitSha256' } as const

export async function fileExhibition(
  tx: Tx,
  input: { name: string; organiser: string; venue?: string; startsOn: string; endsOn: string; largePublicEvent: boolean; documents: Partial<Record<ExhibitionDoc, string>> },
) {
  if (input.endsOn < input.startsOn) throw new AppError('usage', '结束日期不能早于开始日期')
  const [row] = await tx
    .insert(exhibitionFilings)
    .values({
      name: input.name,
      organiser: input.organiser,
      venue: input.venue ?? null,
      startsOn: input.startsOn,
      endsOn: input.endsOn,
      largePublicEvent: input.largePublicEvent,
      safetyPlanSha256: input.documents.safety_plan ?? null,
      emergencyPlanSha256: input.documents.emergency_plan ?? null,
      policePermitSha256: input.documents.police_permit ?? null,
    })
    .returning()
  return { ...row, missing: missingDocuments(row) }
}

export async function attachExhibitionDocument(tx: Tx, id: number, doc: ExhibitionDoc, sha256: string) {
  const [row] = await tx.update(exhibitionFilings).set({ [DOC_COLUMN[doc]]: sha256 }).where(eq(exhibitionFilings.id, id)).returning()
  if (!row) throw new AppError('not_found', `没有找到展览备案 ${id}`)
  return { ...row, missing: missingDocuments(row) }
}

/** The officer's decision; approval needs every required document. */
export async function decideExhibition(tx: Tx, id: number, decision: 'approved' | 'rejected', note: string | undefined, by: string, now: Date) {
  const [row] = await tx.select().from(exhibitionFilings).where(eq(exhibitionFilings.id, id)).for('update')
  if (!row) throw new AppError('not_found', `没有找到展览备案 ${id}`)
  const missing = missingDocuments(row)
  if (decision === 'approved' && missing.length) throw new AppError('invalid_state', `材料不全，不能通过：缺${missing.join('、')}`)
  if (decision === 'rejected' && !note) throw new AppError('usage', '不予通过请写明原因（note）')
  const [updated] = await tx
    .update(exhibitionFilings)
    .set({ decision, decisionNote: note ?? null, decidedBy: by, decidedAt: now })
    .where(eq(exhibitionFilings.id, id))
    .returning()
  return { ...updated, missing }
}

export async function listExhibitions(tx: Tx) {
  const rows = await tx.select().from(exhibitionFilings).orderBy(desc(exhibitionFilings.startsOn))
  return rows.map((r) => ({ ...r, missing: missingDocuments(r) }))
}

/* ---------- policy-support exclusion (不再给予政策支持) ---------- */

export async function excludeBusiness(tx: Tx, input: { businessId: number; reason: ExclusionReason; detail: string; source: string; decidedOn: string }, actor: Officer) {
  await checkBusinesses(tx, actor, 'programme.manage', [input.businessId])
  const [row] = await tx.insert(policyExclusions).values({ ...input, recordedBy: actor.name }).returning()
  return row
}

export async function liftExclusion(tx: Tx, id: number, liftedOn: string, actor: Actor) {
  const [before] = await tx.select().from(policyExclusions).where(eq(policyExclusions.id, id))
  if (!before) throw new AppError('not_found', `没有找到记录 ${id}`)
  await checkBusinesses(tx, actor, 'programme.manage', [before.businessId])
  const [row] = await tx.update(policyExclusions).set({ liftedOn }).where(eq(policyExclusions.id, id)).returning()
  return row
}

/** Every exclusion (of the businesses `scope`, a WHERE over businesses, keeps). */
export async function allExclusions(tx: Tx, scope?: SQL): Promise<(Exclusion & { id: number; detail: string; businessName: string })[]> {
  const rows = await tx
    .select({ e: policyExclusions, name: businesses.name })
    .from(policyExclusions)
    .innerJoin(businesses, eq(businesses.id, policyExclusions.businessId))
    .where(scope)
    .orderBy(desc(policyExclusions.decidedOn))
  return rows.map(({ e, name }) => ({ id: e.id, businessId: e.businessId, reason: e.reason, source: e.source, decidedOn: e.decidedOn, liftedOn: e.liftedOn, detail: e.detail, businessName: name }))
}

/* ---------- gas conversion (瓶改管 / 气改电) ---------- */

export type Fuel = (typeof gasConversions.$inferInsert)['fuel']

export async function setGasConversion(
  tx: Tx,
  businessId: number,
  input: { fuel: Fuel; plan: 'bottle_to_pipe' | 'gas_to_electric' | 'none'; status: 'not_started' | 'in_progress' | 'converted'; convertedOn?: string },
  now: Date,
  actor: Actor,
) {
  const [b] = await checkBusinesses(tx, actor, 'programme.manage', [businessId])
  if (b.industry !== 'catering') throw new AppError('usage', '瓶改管、气改电只登记餐饮单位')
  if (input.status === 'converted' && !input.convertedOn) throw new AppError('usage', '已完成改造请填写完成日期（convertedOn）')
  if (input.status === 'converted' && input.plan === 'none') throw new AppError('usage', '已完成改造请写明改造方式（plan：bottle_to_pipe 瓶改管 或 gas_to_electric 气改电）')
  const values = { fuel: input.fuel, plan: input.plan, status: input.status, convertedOn: input.status === 'converted' ? input.convertedOn! : null, updatedAt: now }
  const [row] = await tx.insert(gasConversions).values({ businessId, ...values }).onConflictDoUpdate({ target: gasConversions.businessId, set: values }).returning()
  return row
}

/** Fuel and conversion of the restaurants (of `scope`, a WHERE over businesses). */
export async function gasConversionProgress(tx: Tx, scope?: SQL) {
  const rows = await tx
    .select({ b: businesses, g: gasConversions, township: jurisdictions.name })
    .from(businesses)
    .leftJoin(gasConversions, eq(gasConversions.businessId, businesses.id))
    .leftJoin(jurisdictions, eq(jurisdictions.id, businesses.townshipId))
    .where(and(eq(businesses.industry, 'catering'), scope))
  const count = <K extends string>(keyOf: (r: (typeof rows)[number]) => K) => {
    const m: Record<string, number> = {}
    for (const r of rows) m[keyOf(r)] = (m[keyOf(r)] ?? 0) + 1
    return m
  }
  const withPlan = rows.filter((r) => r.g && r.g.plan !== 'none')
  const converted = withPlan.filter((r) => r.g!.status === 'converted')
  return {
    restaurants: rows.length,
    recorded: rows.filter((r) => r.g).length,
    byFuel: count((r) => r.g?.fuel ?? 'unknown'),
    bottleToPipe: { planned: withPlan.filter((r) => r.g!.plan === 'bottle_to_pipe').length, converted: converted.filter((r) => r.g!.plan === 'bottle_to_pipe').length },
    gasToElectric: { planned: withPlan.filter((r) => r.g!.plan === 'gas_to_electric').length, converted: converted.filter((r) => r.g!.plan === 'gas_to_electric').length },
    rate: withPlan.length ? Math.round((converted.length / withPlan.length) * 1000) / 1000 : 0,
    byTownship: Object.entries(count((r) => r.township ?? '未分乡镇')).map(([township, restaurants]) => ({
      township,
      restaurants,
      converted: converted.filter((r) => (r.township ?? '未分乡镇') === township).length,
    })),
    list: rows.map((r) => ({ businessId: r.b.id, name: r.b.name, township: r.township, fuel: r.g?.fuel ?? null, plan: r.g?.plan ?? null, status: r.g?.status ?? null, convertedOn: r.g?.convertedOn ?? null })),
  }
}

/* ---------- commendation (通报表扬) ---------- */

/**
 * Every business (of `scope`, a WHERE over businesses) with its record this year and whether it may be
 * commended; excluded ones are flagged, not dropped.
 */
export async function commendationCandidates(tx: Tx, now: Date, scope?: SQL) {
  const today = formatDate(now)
  const year = Number(today.slice(0, 4))
  const list = await tx.select().from(businesses).where(scope).orderBy(businesses.id)
  const overdue = await tx
    .select({ businessId: hazards.businessId, n: sql<number>`count(*)::int` })
    .from(hazards)
    .where(and(inArray(hazards.status, ['reported', 'rectifying']), lt(hazards.deadline, now)))
    .groupBy(hazards.businessId)
  const checks = await tx
    .select({ businessId: selfChecks.businessId, n: sql<number>`count(*)::int` })
    .from(selfChecks)
    .where(and(eq(selfChecks.status, 'done'), gte(selfChecks.completedAt, yearStart(year)), lte(selfChecks.completedAt, now)))
    .groupBy(selfChecks.businessId)
  const rows = list.map((b) => ({
    businessId: b.id,
    name: b.name,
    industry: b.industry,
    overdueHazards: Number(overdue.find((o) => o.businessId === b.id)?.n ?? 0),
    selfChecksThisYear: Number(checks.find((c) => c.businessId === b.id)?.n ?? 0),
  }))
  const flagged = flagCandidates(rows, await allExclusions(tx), today)
  return flagged.map((f) => ({
    ...f.candidate,
    excluded: f.excluded,
    exclusionReasons: f.reasons,
    commendable: commendable({ ...f.candidate, excluded: f.excluded }),
  }))
}

/** Publishes a commendation of businesses with good records to every registered group (normal priority). */
export async function publishCommendation(tx: Tx, input: { title: string; businessIds: number[]; note?: string }, by: string, now: Date, fallbackAccount?: string) {
  const candidates = await commendationCandidates(tx, now)
  const chosen = input.businessIds.map((id) => candidates.find((c) => c.businessId === id))
  const unknown = input.businessIds.filter((_id, i) => !chosen[i])
  if (unknown.length) throw new AppError('not_found', `没有这些单位：${unknown.join('、')}`)
  const refused = chosen.filter((c) => !c!.commendable)
  if (refused.length) {
    const why = refused.map((c) => `${c!.name}（${c!.excluded ? `不再给予政策支持：${c!.exclusionReasons.join('；')}` : c!.overdueHazards ? `有${c!.overdueHazards}条逾期隐患` : '今年未完成自查'}）`)
    throw new AppError('invalid_state', `这些单位不符合表扬条件：${why.join('、')}`)
  }
  const names = chosen.map((c) => c!.name)
  const text = [`【通报表扬】${input.title}`, `以下单位隐患整改及时、坚持自查自改，予以通报表扬：`, ...names.map((n) => `· ${n}`), input.note ?? '希望各单位向先进学习，落实安全生产主体责任。'].join('\n')
  const [row] = await tx.insert(commendations).values({ title: input.title, businessIds: input.businessIds, text, publishedBy: by, publishedAt: now }).returning()
  const { sent } = await pushToGroups(tx, await targetGroups(tx), text, 'normal', now, { fallbackAccount })
  return { ...row, notifiedGroups: sent.map((g) => g.name) }
}
