import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm'
import { schema, rows, type Tx } from '../../../db/client.js'
import { AppError } from '../../core/errors.js'
import { formatDate } from '../../core/clock.js'
import { INDUSTRIES, industryLabel } from '../../core/domain.js'
import type { Actor } from '../../core/permissions.js'
import { checkBusinesses } from '../scope.js'
import { coveredBy, pushToGroups, targetGroups } from '../pushes.js'
import { truncate } from '../../core/text.js'

const { drills, drillPhotos, drillReminders, businesses } = schema
export type DrillRow = typeof drills.$inferSelect

export interface DrillInput {
  businessId: number
  kind: string
  heldOn: string
  participants: number | null
  note?: string | null
}

export async function recordDrill(tx: Tx, input: DrillInput, by: { name: string; personId: number | null; sourceMessageId?: string }, now: Date): Promise<DrillRow> {
  if (input.heldOn > formatDate(now)) throw new AppError('usage', '演练日期不能晚于今天')
  const [row] = await tx
    .insert(drills)
    .values({ ...input, note: input.note ?? null, recordedBy: by.name, personId: by.personId, sourceMessageId: by.sourceMessageId ?? null, createdAt: now })
    .returning()
  return row
}

/** Records a drill for a business the actor reaches (console and API). */
export async function recordDrillFor(tx: Tx, input: DrillInput, actor: Actor & { name: string }, now: Date): Promise<DrillRow> {
  await checkBusinesses(tx, actor, 'programme.manage', [input.businessId])
  return recordDrill(tx, input, { name: actor.name, personId: actor.personId }, now)
}

export async function updateDrill(tx: Tx, id: number, input: DrillInput, actor: Actor & { name: string }, now: Date): Promise<{ before: DrillRow; after: DrillRow }> {
  const [before] = await tx.select().from(drills).where(eq(drills.id, id))
  if (!before) throw new AppError('not_found', `没有找到演练记录 ${id}`)
  await checkBusinesses(tx, actor, 'programme.manage', [before.businessId, input.businessId])
  if (input.heldOn > formatDate(now)) throw new AppError('usage', '演练日期不能晚于今天')
  const [after] = await tx.update(drills).set({ ...input, note: input.note ?? null }).where(eq(drills.id, id)).returning()
  return { before, after }
}

export async function addDrillPhoto(tx: Tx, drillId: number, sha256: string): Promise<number> {
  await tx.insert(drillPhotos).values({ drillId, sha256 }).onConflictDoNothing()
  const [n] = await tx.select({ n: sql<number>`count(*)::int` }).from(drillPhotos).where(eq(drillPhotos.drillId, drillId))
  return Number(n.n)
}

/** Drills of the businesses `scope` keeps (a WHERE over businesses), newest first, with their photos. */
export async function listDrills(tx: Tx, scope?: SQL, filter: { businessId?: number; year?: number } = {}) {
  const w: (SQL | undefined)[] = [scope]
  if (filter.businessId) w.push(eq(drills.businessId, filter.businessId))
  if (filter.year) w.push(sql`${drills.heldOn} between ${`${filter.year}-01-01`} and ${`${filter.year}-12-31`}`)
  const list = await tx
    .select({ d: drills, businessName: businesses.name, industry: businesses.industry, townshipId: businesses.townshipId })
    .from(drills)
    .innerJoin(businesses, eq(businesses.id, drills.businessId))
    .where(and(...w))
    .orderBy(desc(drills.heldOn), desc(drills.id))
    .limit(500)
  const photos = list.length ? await tx.select().from(drillPhotos).where(inArray(drillPhotos.drillId, list.map((r) => r.d.id))) : []
  return list.map((r) => ({ ...r.d, businessName: r.businessName, industry: r.industry, industryLabel: industryLabel(r.industry), townshipId: r.townshipId, photos: photos.filter((p) => p.drillId === r.d.id).map((p) => p.sha256) }))
}

export interface DrillCoverage {
  year: number
  byIndustry: { industry: string; name: string; businesses: number; drilled: number; rate: number | null }[]
  total: { businesses: number; drilled: number; rate: number | null }
  missing: { id: number; name: string; industry: string; townshipId: number | null }[]
}

/** Yearly coverage: businesses (of `scope`) with at least one drill in the year, by industry, and those with none. */
export async function drillCoverage(tx: Tx, year: number, scope?: SQL): Promise<DrillCoverage> {
  const all = await tx.select({ id: businesses.id, name: businesses.name, industry: businesses.industry, townshipId: businesses.townshipId }).from(businesses).where(scope).orderBy(businesses.id)
  const done = new Set(
    (await rows<{ business_id: number }>(tx, sql`select distinct business_id from drills where held_on between ${`${year}-01-01`} and ${`${year}-12-31`}`)).map((r) => Number(r.business_id)),
  )
  const rate = (a: number, b: number) => (b ? Math.round((a / b) * 1000) / 10 : null)
  const industries = [...new Set([...Object.keys(INDUSTRIES), ...all.map((b) => b.industry)])]
  const byIndustry = industries
    .map((i) => {
      const mine = all.filter((b) => b.industry === i)
      const drilled = mine.filter((b) => done.has(b.id)).length
      return { industry: i, name: industryLabel(i), businesses: mine.length, drilled, rate: rate(drilled, mine.length) }
    })
    .filter((r) => r.businesses > 0)
  const drilled = all.filter((b) => done.has(b.id)).length
  return { year, byIndustry, total: { businesses: all.length, drilled, rate: rate(drilled, all.length) }, missing: all.filter((b) => !done.has(b.id)) }
}

/**
 * Reminds each registered group of its businesses with no drill recorded this year (once per business and
 * period, e.g. '2026-H1'). Returns how many businesses were reminded.
 */
export async function remindDrills(tx: Tx, now: Date, period: string): Promise<number> {
  const year = Number(formatDate(now).slice(0, 4))
  const { missing } = await drillCoverage(tx, year)
  if (!missing.length) return 0
  const claimed = await tx
    .insert(drillReminders)
    .values(missing.map((b) => ({ businessId: b.id, period, sentAt: now })))
    .onConflictDoNothing()
    .returning({ businessId: drillReminders.businessId })
  const ids = new Set(claimed.map((c) => c.businessId))
  const due = missing.filter((b) => ids.has(b.id))
  if (!due.length) return 0
  await pushToGroups(
    tx,
    await targetGroups(tx),
    (g) => {
      const mine = coveredBy(g, due)
      if (!mine.length) return null
      return truncate(
        [
          `【应急演练提醒】${year}年以下单位还没有登记应急演练：`,
          mine.slice(0, 15).map((b) => b.name).join('、') + (mine.length > 15 ? ` 等${mine.length}家` : ''),
          '组织演练后请发：#演练 疏散演练 参加12人，再发现场照片。',
        ].join('\n'),
        1500,
      )
    },
    'normal',
    now,
  )
  return due.length
}
