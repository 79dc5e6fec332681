import { and, desc, eq, isNull, type SQL } from 'drizzle-orm'
import { schema, type Tx } from '../../../db/client.js'
import { AppError } from '../../core/errors.js'
import { formatDate } from '../../core/clock.js'
import type { Actor } from '../../core/permissions.js'
import type { ExclusionReason } from '../../core/exclusion.js'
import { checkBusinesses } from '../scope.js'
import { recordAudit, type AuditEntry } from '../audit.js'

const { accidents, policyExclusions, businesses } = schema
export type AccidentRow = typeof accidents.$inferSelect
export type AccidentLevel = AccidentRow['level']

export const ACCIDENT_LEVELS: Record<AccidentLevel, string> = { general: '一般', larger: '较大', major: '重大', especially_major: '特别重大' }

export interface AccidentInput {
  businessId: number
  occurredOn: string
  level: AccidentLevel
  description: string
  sourceDepartment: string
  sourceDocument: string
  refusedRectification: boolean
}

/**
 * 三(三): a 较大 or worse accident, or a recorded refusal to rectify, puts the business on the exclusion list.
 * Pure: the reason an accident record carries, or null.
 */
export function exclusionReasonOf(a: Pick<AccidentInput, 'level' | 'refusedRectification'>): ExclusionReason | null {
  if (a.level !== 'general') return 'larger_accident'
  if (a.refusedRectification) return 'refused_rectification'
  return null
}

type Who = Omit<AuditEntry, 'action' | 'targetType' | 'targetId' | 'detail'>

function entryOf(a: AccidentRow | AccidentInput, reason: ExclusionReason) {
  return {
    reason,
    detail: `${a.occurredOn} 发生${ACCIDENT_LEVELS[a.level]}事故：${a.description}${a.refusedRectification ? '；拒绝整改' : ''}`.slice(0, 500),
    source: `${a.sourceDepartment} ${a.sourceDocument}`,
    decidedOn: a.occurredOn,
  }
}

/** Puts in force, updates or lifts the automatic exclusion of one accident record, audited; returns its id or null. */
async function syncExclusion(tx: Tx, a: AccidentRow, who: Who, now: Date): Promise<number | null> {
  const reason = a.deletedAt ? null : exclusionReasonOf(a)
  const audit = (action: string, exclusionId: number, detail: Record<string, unknown>) =>
    recordAudit(tx, { ...who, action, targetType: 'business', targetId: a.businessId, detail: { accidentId: a.id, exclusionId, ...detail } }, now)
  if (a.exclusionId !== null) {
    const [e] = await tx.select().from(policyExclusions).where(eq(policyExclusions.id, a.exclusionId))
    if (reason && e && e.liftedOn === null) {
      const next = entryOf(a, reason)
      await tx.update(policyExclusions).set(next).where(eq(policyExclusions.id, e.id))
      await audit('exclusion.auto_update', e.id, { before: { reason: e.reason, source: e.source, decidedOn: e.decidedOn }, after: { reason, source: next.source, decidedOn: next.decidedOn } })
      return e.id
    }
    if (e && e.liftedOn === null) {
      // lifted on the day of the correction (never before the day it took effect: then it never was in force)
      const today = formatDate(now)
      const liftedOn = today > e.decidedOn ? today : e.decidedOn
      await tx.update(policyExclusions).set({ liftedOn }).where(eq(policyExclusions.id, e.id))
      await audit('exclusion.auto_lift', e.id, { liftedOn, why: a.deletedAt ? '事故记录已删除' : '事故记录更正后不再符合条件' })
    }
    if (!reason) return null
  }
  if (!reason) return null
  const [e] = await tx
    .insert(policyExclusions)
    .values({ businessId: a.businessId, ...entryOf(a, reason), recordedBy: `自动（事故记录 ${a.id}）` })
    .returning()
  await audit('exclusion.auto_record', e.id, { reason, source: e.source, decidedOn: e.decidedOn })
  return e.id
}

export async function recordAccident(tx: Tx, input: AccidentInput, actor: Actor & { name: string }, who: Who, now: Date): Promise<AccidentRow> {
  await checkBusinesses(tx, actor, 'programme.manage', [input.businessId])
  if (input.occurredOn > formatDate(now)) throw new AppError('usage', '事故日期不能晚于今天')
  const [row] = await tx.insert(accidents).values({ ...input, recordedBy: actor.name, createdAt: now, updatedAt: now }).returning()
  await recordAudit(tx, { ...who, action: 'accident.record', targetType: 'accident', targetId: row.id, detail: { ...input } }, now)
  const exclusionId = await syncExclusion(tx, row, who, now)
  const [done] = await tx.update(accidents).set({ exclusionId }).where(eq(accidents.id, row.id)).returning()
  return done
}

async function mine(tx: Tx, id: number, actor: Actor): Promise<AccidentRow> {
  const [a] = await tx.select().from(accidents).where(and(eq(accidents.id, id), isNull(accidents.deletedAt))).for('update')
  if (!a) throw new AppError('not_found', `没有找到事故记录 ${id}`)
  await checkBusinesses(tx, actor, 'programme.manage', [a.businessId])
  return a
}

/** Corrects an accident record; the automatic exclusion follows (updated, put in force, or lifted). */
export async function correctAccident(tx: Tx, id: number, input: AccidentInput, actor: Actor & { name: string }, who: Who, now: Date): Promise<AccidentRow> {
  const before = await mine(tx, id, actor)
  await checkBusinesses(tx, actor, 'programme.manage', [input.businessId])
  if (input.occurredOn > formatDate(now)) throw new AppError('usage', '事故日期不能晚于今天')
  let row = before
  if (input.businessId !== before.businessId && before.exclusionId !== null) {
    // another business: lift the old one's entry, then put the new one's in force
    await syncExclusion(tx, { ...before, deletedAt: now }, who, now)
    row = { ...before, exclusionId: null }
  }
  const [after] = await tx.update(accidents).set({ ...input, updatedAt: now, exclusionId: row.exclusionId }).where(eq(accidents.id, id)).returning()
  await recordAudit(tx, { ...who, action: 'accident.correct', targetType: 'accident', targetId: id, detail: { before: pick(before), after: { ...input } } }, now)
  const exclusionId = await syncExclusion(tx, after, who, now)
  const [done] = await tx.update(accidents).set({ exclusionId }).where(eq(accidents.id, id)).returning()
  return done
}

/** Deletes an accident record (kept, marked deleted) and lifts its automatic exclusion. */
export async function deleteAccident(tx: Tx, id: number, actor: Actor & { name: string }, who: Who, now: Date, why: string): Promise<AccidentRow> {
  const before = await mine(tx, id, actor)
  const [after] = await tx.update(accidents).set({ deletedAt: now, updatedAt: now }).where(eq(accidents.id, id)).returning()
  await recordAudit(tx, { ...who, action: 'accident.delete', targetType: 'accident', targetId: id, detail: { before: pick(before), why } }, now)
  await syncExclusion(tx, after, who, now)
  const [done] = await tx.update(accidents).set({ exclusionId: null }).where(eq(accidents.id, id)).returning()
  return done
}

const pick = (a: AccidentRow) => ({
  businessId: a.businessId,
  occurredOn: a.occurredOn,
  level: a.level,
  description: a.description,
  sourceDepartment: a.sourceDepartment,
  sourceDocument: a.sourceDocument,
  refusedRectification: a.refusedRectification,
})

/** Accident records (not deleted) of the businesses `scope` keeps, newest first, with whether they exclude now. */
export async function listAccidents(tx: Tx, scope?: SQL, filter: { businessId?: number; year?: number } = {}) {
  const w: (SQL | undefined)[] = [isNull(accidents.deletedAt), scope]
  if (filter.businessId) w.push(eq(accidents.businessId, filter.businessId))
  const rows = await tx
    .select({ a: accidents, businessName: businesses.name, industry: businesses.industry, townshipId: businesses.townshipId })
    .from(accidents)
    .innerJoin(businesses, eq(businesses.id, accidents.businessId))
    .where(and(...w))
    .orderBy(desc(accidents.occurredOn), desc(accidents.id))
  return rows
    .filter((r) => !filter.year || r.a.occurredOn.startsWith(String(filter.year)))
    .map((r) => ({ ...r.a, levelLabel: ACCIDENT_LEVELS[r.a.level], businessName: r.businessName, industry: r.industry, townshipId: r.townshipId, excludes: r.a.exclusionId !== null }))
}
