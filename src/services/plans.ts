import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { and, asc, eq, gte, inArray, isNotNull, lte, sql } from 'drizzle-orm'
import { schema, type Tx } from '../../db/client.js'
import { AppError } from '../core/errors.js'
import { formatDate } from '../core/clock.js'
import type { Actor } from '../core/permissions.js'
import {
  evaluatePlan,
  measuresOf,
  parsePlanFile,
  planCovers,
  startOfDate,
  endOfDate,
  type CountTargetDef,
  type Facts,
  type PlanFile,
  type PlanTarget,
  type ShareTargetDef,
  type TargetMeasure,
} from '../core/plan.js'
import { businessReach, reachWhere } from './scope.js'

const { plans, businesses, responsibilitySystems, planMilestones, specialInspections, trainings, trainingAttendance, selfChecks, people, memberships, exhibitionFilings, commendations } =
  schema

/** The plan files shipped with the code (stored at first start; the bureau uploads later ones). */
export const BUNDLED_PLANS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'db', 'plans')

export function bundledPlans(): PlanFile[] {
  return fs
    .readdirSync(BUNDLED_PLANS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const r = parsePlanFile(JSON.parse(fs.readFileSync(path.join(BUNDLED_PLANS_DIR, f), 'utf8')))
      if (!r.ok) throw new Error(`db/plans/${f} is not a valid plan file: ${r.errors.join('; ')}`)
      return r.plan
    })
}

/** Stores the bundled plans not stored yet (never overwriting one the bureau replaced or switched off). */
export async function seedPlans(tx: Tx): Promise<number> {
  let n = 0
  for (const p of bundledPlans()) {
    const r = await tx.insert(plans).values({ key: p.key, title: p.title, body: p, source: 'bundled', updatedBy: '系统' }).onConflictDoNothing().returning({ key: plans.key })
    n += r.length
  }
  return n
}

export interface PlanSummary {
  key: string
  title: string
  region: string
  issuer: string
  from: string
  to: string
  active: boolean
  source: 'bundled' | 'uploaded'
  targets: number
  updatedBy: string
  updatedAt: Date
}

const summaryOf = (r: typeof plans.$inferSelect): PlanSummary => ({
  key: r.key,
  title: r.title,
  region: r.body.region,
  issuer: r.body.issuer,
  from: r.body.from,
  to: r.body.to,
  active: r.active,
  source: r.source,
  targets: r.body.targets.length,
  updatedBy: r.updatedBy,
  updatedAt: r.updatedAt,
})

export async function listPlans(tx: Tx): Promise<PlanSummary[]> {
  const rows = await tx.select().from(plans).orderBy(asc(sql`${plans.body}->>'from'`), asc(plans.key))
  return rows.map(summaryOf)
}

export async function activePlans(tx: Tx): Promise<PlanFile[]> {
  const rows = await tx.select({ body: plans.body }).from(plans).where(eq(plans.active, true)).orderBy(asc(sql`${plans.body}->>'from'`), asc(plans.key))
  return rows.map((r) => r.body)
}

export async function planByKey(tx: Tx, key: string): Promise<PlanFile> {
  const [r] = await tx.select({ body: plans.body }).from(plans).where(eq(plans.key, key))
  if (!r) throw new AppError('not_found', `没有找到规划“${key}”`)
  return r.body
}

/**
 * The plan a page or document uses: the one named, else the active plan in force on `at`'s day (the latest
 * started when several are), else the active plan nearest to it.
 */
export async function choosePlan(tx: Tx, key: string | undefined, at: Date): Promise<PlanFile> {
  if (key) return planByKey(tx, key)
  const active = await activePlans(tx)
  if (!active.length) throw new AppError('not_found', '还没有启用的规划：请管理员上传并启用规划文件')
  const d = formatDate(at)
  const inForce = active.filter((p) => planCovers(p, d))
  if (inForce.length) return inForce[inForce.length - 1]
  const distance = (p: PlanFile) => (d < p.from ? Date.parse(p.from) - Date.parse(d) : Date.parse(d) - Date.parse(p.to))
  return [...active].sort((a, b) => distance(a) - distance(b))[0]
}

/** The active plans in force on any day of [from, to] ('YYYY-MM-DD'), in order. */
export async function plansInForce(tx: Tx, from: string, to: string): Promise<PlanFile[]> {
  return (await activePlans(tx)).filter((p) => p.from <= to && from <= p.to)
}

/** A plan file refused: every problem named (the route answers them as `details`). */
export class PlanFileError extends AppError {
  constructor(readonly details: string[]) {
    super('usage', `规划文件有误（${details.length} 处）：${details.slice(0, 3).join('；')}${details.length > 3 ? '…' : ''}`)
  }
}

/** Validates a plan file; a bad one is refused with every problem named. */
export function validPlan(input: unknown): PlanFile {
  const r = parsePlanFile(input)
  if (!r.ok) throw new PlanFileError(r.errors)
  return r.plan
}

/** Stores a new plan (active at once), or replaces the plan of the same key when `replace`. */
export async function savePlan(tx: Tx, input: unknown, by: string, now: Date, opts: { replace?: boolean } = {}): Promise<{ plan: PlanFile; replaced: boolean }> {
  const plan = validPlan(input)
  const [before] = await tx.select({ key: plans.key }).from(plans).where(eq(plans.key, plan.key)).for('update')
  if (before && !opts.replace) throw new AppError('conflict', `规划“${plan.key}”已存在：要替换请用 PUT /api/plans/${plan.key}`)
  if (!before && opts.replace) throw new AppError('not_found', `没有找到规划“${plan.key}”`)
  if (before) await tx.update(plans).set({ title: plan.title, body: plan, source: 'uploaded', updatedBy: by, updatedAt: now }).where(eq(plans.key, plan.key))
  else await tx.insert(plans).values({ key: plan.key, title: plan.title, body: plan, source: 'uploaded', active: true, updatedBy: by, createdAt: now, updatedAt: now })
  return { plan, replaced: !!before }
}

export async function setPlanActive(tx: Tx, key: string, active: boolean, by: string, now: Date): Promise<PlanSummary> {
  const [r] = await tx.update(plans).set({ active, updatedBy: by, updatedAt: now }).where(eq(plans.key, key)).returning()
  if (!r) throw new AppError('not_found', `没有找到规划“${key}”`)
  return summaryOf(r)
}

/* ---------- measuring the targets ---------- */

const ms = (d: Date | null) => (d ? d.getTime() : null)
/** a record dated by day counts from the first instant of that day */
const dayMs = (d: string) => startOfDate(d).getTime()
/** each subject's first instant of a record: the earliest of its rows (null rows: subjects without the record) */
function firsts(rows: { id: number; t: number | null }[], subjects: { id: number }[]): (number | null)[] {
  const first = new Map<number, number>()
  for (const r of rows) if (r.t !== null && !(first.get(r.id)! <= r.t)) first.set(r.id, r.t)
  return subjects.map((s) => first.get(s.id) ?? null)
}

/** The instants of the records of a type dated inside the measure's period: the whole city's. */
async function countFacts(tx: Tx, m: TargetMeasure & { def: CountTargetDef }): Promise<Facts> {
  const [from, to] = [m.from, m.deadline]
  switch (m.def.record) {
    case 'special_inspection':
    case 'joint_inspection': {
      const joint = m.def.record === 'joint_inspection' ? sql`cardinality(${specialInspections.departments}) > 0` : undefined
      const rows = await tx
        .select({ d: specialInspections.doneOn })
        .from(specialInspections)
        .where(and(gte(specialInspections.doneOn, formatDate(from)), lte(specialInspections.doneOn, formatDate(to)), joint))
      return { instants: rows.map((r) => dayMs(r.d!)) }
    }
    case 'training_session': {
      const rows = await tx.select({ t: trainings.startsAt }).from(trainings).where(and(gte(trainings.startsAt, from), lte(trainings.startsAt, to)))
      return { instants: rows.map((r) => r.t.getTime()) }
    }
    case 'self_check': {
      const rows = await tx
        .select({ t: selfChecks.completedAt })
        .from(selfChecks)
        .where(and(eq(selfChecks.status, 'done'), gte(selfChecks.completedAt, from), lte(selfChecks.completedAt, to)))
      return { instants: rows.map((r) => r.t!.getTime()) }
    }
    case 'exhibition_filing': {
      const rows = await tx.select({ d: exhibitionFilings.startsOn }).from(exhibitionFilings).where(and(gte(exhibitionFilings.startsOn, formatDate(from)), lte(exhibitionFilings.startsOn, formatDate(to))))
      return { instants: rows.map((r) => dayMs(r.d)) }
    }
    case 'commendation': {
      const rows = await tx.select({ t: commendations.publishedAt }).from(commendations).where(and(gte(commendations.publishedAt, from), lte(commendations.publishedAt, to)))
      return { instants: rows.map((r) => r.t.getTime()) }
    }
  }
}

/** The subjects of the actor's reach, each with the first instant it holds the record (state) or had it in the period (event). */
async function shareFacts(tx: Tx, m: TargetMeasure & { def: ShareTargetDef }, actor?: Actor): Promise<Facts> {
  const def = m.def
  if (def.of === 'businesses') {
    const where = and(
      actor && businessReach(actor, 'programme.read'),
      def.aboveQuota === undefined ? undefined : eq(businesses.aboveQuota, def.aboveQuota),
      def.industries?.length ? inArray(businesses.industry, def.industries) : undefined,
    )
    if (def.record === 'responsibility_verified') {
      const rows = await tx
        .select({ verifiedAt: responsibilitySystems.verifiedAt })
        .from(businesses)
        .leftJoin(responsibilitySystems, eq(responsibilitySystems.businessId, businesses.id))
        .where(where)
      return { firsts: rows.map((r) => ms(r.verifiedAt)) }
    }
    const subjects = await tx.select({ id: businesses.id }).from(businesses).where(where)
    const rows = await tx
      .select({ id: selfChecks.businessId, t: sql<Date>`min(${selfChecks.completedAt})`.mapWith(selfChecks.completedAt) })
      .from(selfChecks)
      .where(and(eq(selfChecks.status, 'done'), gte(selfChecks.completedAt, m.from), lte(selfChecks.completedAt, m.deadline)))
      .groupBy(selfChecks.businessId)
    return { firsts: firsts(rows.map((r) => ({ id: r.id, t: ms(r.t) })), subjects) }
  }
  // people: township safety officials, or business principals (one per principal membership, as the rosters count)
  const subjects =
    def.of === 'officials'
      ? await tx
          .select({ id: people.id })
          .from(people)
          .where(and(eq(people.role, 'officer'), isNotNull(people.townshipId), actor && reachWhere(actor, 'programme.read', people.townshipId)))
      : await tx
          .select({ id: people.id })
          .from(memberships)
          .innerJoin(people, eq(people.id, memberships.personId))
          .innerJoin(businesses, eq(businesses.id, memberships.businessId))
          .where(
            and(
              eq(memberships.role, 'principal'),
              eq(people.role, 'member'),
              actor && businessReach(actor, 'programme.read'),
              def.industries?.length ? inArray(businesses.industry, def.industries) : undefined,
            ),
          )
  // attended a training held in the period: the first sign-in counts
  const rows = await tx
    .select({ id: trainingAttendance.personId, t: sql<Date>`min(${trainingAttendance.at})`.mapWith(trainingAttendance.at) })
    .from(trainingAttendance)
    .innerJoin(trainings, eq(trainings.id, trainingAttendance.trainingId))
    .where(and(gte(trainings.startsAt, m.from), lte(trainings.startsAt, m.deadline)))
    .groupBy(trainingAttendance.personId)
  return { firsts: firsts(rows.map((r) => ({ id: r.id, t: ms(r.t) })), subjects) }
}

async function factsOf(tx: Tx, m: TargetMeasure, actor?: Actor): Promise<Facts> {
  const def = m.def
  if (def.kind === 'count') return countFacts(tx, { ...m, def })
  if (def.kind === 'share') return shareFacts(tx, { ...m, def }, actor)
  const rows = await tx
    .select()
    .from(planMilestones)
    .where(and(eq(planMilestones.targetKey, def.key), eq(planMilestones.year, m.stageYear!)))
    .orderBy(planMilestones.id)
  return { proofs: rows.map((r) => ({ milestoneId: r.id, achievedOn: r.achievedOn, title: r.title, evidenceSha256: r.evidenceSha256, evidenceName: r.evidenceName })) }
}

/**
 * What the records say about each target of a plan, whatever the day judged (one read; `evaluatePlan` judges any
 * day from it). With an actor, shares count the subjects of the actor's reach; counts and milestones are the whole
 * city's.
 */
export async function planFacts(tx: Tx, plan: PlanFile, actor?: Actor): Promise<Map<string, Facts>> {
  const facts = new Map<string, Facts>()
  // the windows only: the cut of each measure is applied when judging
  for (const m of measuresOf(plan, new Date(8.64e15))) facts.set(m.key, await factsOf(tx, m, actor))
  return facts
}

/** Every target of a plan at `at`, computed from the records (milestones only from evidence). */
export async function planTargets(tx: Tx, plan: PlanFile, at: Date, actor?: Actor): Promise<PlanTarget[]> {
  return evaluatePlan(plan, await planFacts(tx, plan, actor), at)
}

/** `YYYY-MM-DD` → the end of that Shanghai day (a target is judged with everything recorded that day). */
export const endOfDateParam = endOfDate
