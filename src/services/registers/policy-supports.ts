import { and, desc, eq, isNull, lte, or, gt, sql, type SQL } from 'drizzle-orm'
import { schema, type Tx } from '../../../db/client.js'
import { AppError } from '../../core/errors.js'
import { formatDate } from '../../core/clock.js'
import type { Actor } from '../../core/permissions.js'
import { checkBusinesses } from '../scope.js'

const { policySupports, policyExclusions, businesses, responsibilitySystems } = schema
export type PolicySupportRow = typeof policySupports.$inferSelect

/** 方案 3: the policy measures of the commerce bureau that carry safety requirements. */
export const POLICY_PROGRAMMES = {
  catering_quality: '餐饮业高质量发展',
  time_honoured_brand: '老字号示范创建',
  county_commerce: '县域商业体系建设',
  demonstration: '商务领域示范评选',
  other: '其他产业政策',
} as const
export type PolicyProgramme = keyof typeof POLICY_PROGRAMMES

export interface PolicySupportInput {
  programme: PolicyProgramme
  title: string
  businessId: number
  safetyRequirement: string
  document?: string | null
  decidedOn: string
  outcome: 'supported' | 'refused'
  reason?: string | null
}

const EXCLUSION_WORDS = { larger_accident: '发生较大及以上安全生产事故', refused_rectification: '拒绝整改造成严重不良影响' }

/** The exclusion entries (不再给予政策支持) in force for a business on a day. */
async function exclusionsOn(tx: Tx, businessId: number, day: string) {
  return tx
    .select()
    .from(policyExclusions)
    .where(and(eq(policyExclusions.businessId, businessId), lte(policyExclusions.decidedOn, day), or(isNull(policyExclusions.liftedOn), gt(policyExclusions.liftedOn, day))))
}

/**
 * Checks a measure before it is stored: the business in the actor's reach, the date not in the future, a reason
 * for a refusal, and never support for a business excluded on that day (三(三)): that is refused with the entry.
 */
async function checked(tx: Tx, actor: Actor, input: PolicySupportInput, now: Date) {
  const [b] = await checkBusinesses(tx, actor, 'programme.manage', [input.businessId])
  if (input.decidedOn > formatDate(now)) throw new AppError('usage', '决定日期不能晚于今天')
  if (input.outcome === 'refused' && !input.reason?.trim()) throw new AppError('usage', '不予支持的，请写明原因')
  if (input.outcome === 'supported') {
    const [ex] = await exclusionsOn(tx, b.id, input.decidedOn)
    if (ex)
      throw new AppError(
        'conflict',
        `“${b.name}”在不再给予政策支持名单上（${EXCLUSION_WORDS[ex.reason]}，${ex.source}，${ex.decidedOn}起），不能登记为支持；可登记为不予支持`,
      )
  }
  return b
}

export async function recordPolicySupport(tx: Tx, input: PolicySupportInput, actor: Actor & { name: string }, now: Date): Promise<PolicySupportRow> {
  await checked(tx, actor, input, now)
  const [row] = await tx
    .insert(policySupports)
    .values({ ...input, document: input.document ?? null, reason: input.reason ?? null, recordedBy: actor.name, createdAt: now, updatedAt: now })
    .returning()
  return row
}

export async function updatePolicySupport(tx: Tx, id: number, input: PolicySupportInput, actor: Actor & { name: string }, now: Date) {
  const [before] = await tx.select().from(policySupports).where(eq(policySupports.id, id))
  if (!before) throw new AppError('not_found', `没有找到政策支持记录 ${id}`)
  await checkBusinesses(tx, actor, 'programme.manage', [before.businessId])
  await checked(tx, actor, input, now)
  const [after] = await tx
    .update(policySupports)
    .set({ ...input, document: input.document ?? null, reason: input.reason ?? null, updatedAt: now })
    .where(eq(policySupports.id, id))
    .returning()
  return { before, after }
}

/**
 * The measures of the businesses `scope` keeps (a WHERE over businesses), newest first, each with what the
 * safety check finds today: an exclusion in force, the responsibility system's status.
 */
export async function listPolicySupports(tx: Tx, now: Date, scope?: SQL, filter: { programme?: PolicyProgramme; year?: number } = {}) {
  const w: (SQL | undefined)[] = [scope]
  if (filter.programme) w.push(eq(policySupports.programme, filter.programme))
  if (filter.year) w.push(sql`${policySupports.decidedOn} between ${`${filter.year}-01-01`} and ${`${filter.year}-12-31`}`)
  const list = await tx
    .select({ p: policySupports, businessName: businesses.name, townshipId: businesses.townshipId, industry: businesses.industry, responsibility: responsibilitySystems.status })
    .from(policySupports)
    .innerJoin(businesses, eq(businesses.id, policySupports.businessId))
    .leftJoin(responsibilitySystems, eq(responsibilitySystems.businessId, policySupports.businessId))
    .where(and(...w))
    .orderBy(desc(policySupports.decidedOn), desc(policySupports.id))
    .limit(500)
  const today = formatDate(now)
  const out = []
  for (const r of list) {
    const [ex] = await exclusionsOn(tx, r.p.businessId, today)
    out.push({
      ...r.p,
      programmeLabel: POLICY_PROGRAMMES[r.p.programme],
      businessName: r.businessName,
      townshipId: r.townshipId,
      industry: r.industry,
      responsibility: r.responsibility ?? 'not_started',
      // supported, but excluded since: the bureau should review it
      excludedNow: ex ? `${EXCLUSION_WORDS[ex.reason]}（${ex.source}）` : null,
    })
  }
  return out
}

/** Per programme and year: measures recorded, supported, refused (the closing summary's item 3). */
export async function policySupportFigures(tx: Tx, scope?: SQL) {
  const rows = await tx
    .select({
      programme: policySupports.programme,
      year: sql<string>`substr(${policySupports.decidedOn}::text, 1, 4)`,
      outcome: policySupports.outcome,
      n: sql<number>`count(*)::int`,
    })
    .from(policySupports)
    .innerJoin(businesses, eq(businesses.id, policySupports.businessId))
    .where(scope)
    .groupBy(sql`1, 2, 3`)
  const m = new Map<string, { programme: PolicyProgramme; label: string; year: number; supported: number; refused: number }>()
  for (const r of rows) {
    const k = `${r.programme}|${r.year}`
    const e = m.get(k) ?? { programme: r.programme, label: POLICY_PROGRAMMES[r.programme], year: Number(r.year), supported: 0, refused: 0 }
    e[r.outcome] += Number(r.n)
    m.set(k, e)
  }
  return [...m.values()].sort((a, b) => a.year - b.year || a.programme.localeCompare(b.programme))
}
