import { and, desc, eq, isNull, or, sql, type SQL } from 'drizzle-orm'
import { schema, type Tx } from '../../../db/client.js'
import { AppError } from '../../core/errors.js'
import { formatDate } from '../../core/clock.js'
import { authorize, type Actor } from '../../core/permissions.js'
import { checkBusinesses, checkCityWide } from '../scope.js'

const { publicityActivities, jurisdictions, businesses } = schema
export type PublicityRow = typeof publicityActivities.$inferSelect

/** 方案 12 (and the warning education of 13): the kinds of publicity the plan names. */
export const PUBLICITY_KINDS = {
  safety_month: '安全生产月',
  five_into: '安全宣传“五进”',
  media: '媒体宣传',
  street_display: '商业街区大屏、标语、横幅、挂图',
  warning_education: '警示教育',
  other: '其他宣传',
} as const
export type PublicityKind = keyof typeof PUBLICITY_KINDS

/** 五进 (进企业、进农村、进社区、进学校、进家庭) and the street-display forms. */
export const PUBLICITY_FORMS = ['进企业', '进农村', '进社区', '进学校', '进家庭', '大屏滚动', '标语', '横幅', '挂图', '讲座', '展板', '其他'] as const

export interface PublicityInput {
  kind: PublicityKind
  title: string
  heldOn: string
  townshipId?: number | null
  businessId?: number | null
  organiser: string
  place?: string | null
  forms: string[]
  reach?: number | null
  note?: string | null
}

/**
 * The actor may record it: a business's activity within the actor's reach of that business, a township's within
 * its township, a city-wide one only with a city-wide reach. The business must be in the township named.
 */
async function checked(tx: Tx, actor: Actor, input: PublicityInput, now: Date): Promise<PublicityInput> {
  if (input.heldOn > formatDate(now)) throw new AppError('usage', '活动日期不能晚于今天')
  const bad = input.forms.filter((f) => !(PUBLICITY_FORMS as readonly string[]).includes(f))
  if (bad.length) throw new AppError('usage', `形式“${bad.join('、')}”不对，可选：${PUBLICITY_FORMS.join('、')}`)
  let townshipId = input.townshipId ?? null
  if (input.businessId) {
    const [b] = await checkBusinesses(tx, actor, 'programme.manage', [input.businessId])
    if (townshipId !== null && b.townshipId !== townshipId) throw new AppError('usage', `“${b.name}”不在所选乡镇街`)
    townshipId = b.townshipId
  } else if (townshipId !== null) {
    const [j] = await tx.select().from(jurisdictions).where(and(eq(jurisdictions.id, townshipId), eq(jurisdictions.kind, 'township')))
    if (!j) throw new AppError('not_found', `没有乡镇街 ${townshipId}`)
    const d = authorize(actor, 'programme.manage', { businessId: null, townshipId, industry: null })
    if (!d.ok) throw new AppError('forbidden', d.reason)
  } else checkCityWide(actor, 'programme.manage')
  return { ...input, townshipId, forms: [...new Set(input.forms)] }
}

const values = (input: PublicityInput) => ({
  ...input,
  townshipId: input.townshipId ?? null,
  businessId: input.businessId ?? null,
  place: input.place ?? null,
  reach: input.reach ?? null,
  note: input.note ?? null,
})

export async function recordPublicity(tx: Tx, input: PublicityInput, actor: Actor & { name: string }, now: Date): Promise<PublicityRow> {
  const v = await checked(tx, actor, input, now)
  const [row] = await tx.insert(publicityActivities).values({ ...values(v), recordedBy: actor.name, createdAt: now, updatedAt: now }).returning()
  return row
}

export async function updatePublicity(tx: Tx, id: number, input: PublicityInput, actor: Actor & { name: string }, now: Date) {
  const [before] = await tx.select().from(publicityActivities).where(eq(publicityActivities.id, id))
  if (!before) throw new AppError('not_found', `没有找到宣传活动 ${id}`)
  // the record as it was must be the actor's to change, and so must the record as it becomes
  await checked(tx, actor, { ...before, forms: before.forms, kind: before.kind, heldOn: before.heldOn }, new Date(8.64e15))
  const v = await checked(tx, actor, input, now)
  const [after] = await tx.update(publicityActivities).set({ ...values(v), updatedAt: now }).where(eq(publicityActivities.id, id)).returning()
  return { before, after }
}

/** What a scoped actor reads: the city-wide activities and those of its township (businesses: of its reach). */
function readable(actor: Actor): SQL | undefined {
  const d = authorize(actor, 'programme.read')
  if (!d.ok) throw new AppError('forbidden', d.reason)
  if (d.reach === 'all' || actor.townshipId === null) return undefined
  return or(isNull(publicityActivities.townshipId), eq(publicityActivities.townshipId, actor.townshipId))
}

export async function listPublicity(tx: Tx, actor: Actor, filter: { kind?: PublicityKind; year?: number } = {}) {
  const w: (SQL | undefined)[] = [readable(actor)]
  if (filter.kind) w.push(eq(publicityActivities.kind, filter.kind))
  if (filter.year) w.push(sql`${publicityActivities.heldOn} between ${`${filter.year}-01-01`} and ${`${filter.year}-12-31`}`)
  const list = await tx
    .select({ a: publicityActivities, township: jurisdictions.name, businessName: businesses.name })
    .from(publicityActivities)
    .leftJoin(jurisdictions, eq(jurisdictions.id, publicityActivities.townshipId))
    .leftJoin(businesses, eq(businesses.id, publicityActivities.businessId))
    .where(and(...w))
    .orderBy(desc(publicityActivities.heldOn), desc(publicityActivities.id))
    .limit(500)
  return list.map((r) => ({ ...r.a, kindLabel: PUBLICITY_KINDS[r.a.kind], townshipName: r.township ?? '全市', businessName: r.businessName }))
}

/**
 * A year's publicity: activities and people reached by kind, the townships that held one, whether 安全生产月
 * (June) had its activities, and the 五进 forms covered.
 */
export async function publicitySummary(tx: Tx, actor: Actor, year: number) {
  const list = await listPublicity(tx, actor, { year })
  const byKind = (Object.keys(PUBLICITY_KINDS) as PublicityKind[]).map((k) => {
    const mine = list.filter((a) => a.kind === k)
    return { kind: k, label: PUBLICITY_KINDS[k], activities: mine.length, reach: mine.reduce((s, a) => s + (a.reach ?? 0), 0) }
  })
  const fiveInto = ['进企业', '进农村', '进社区', '进学校', '进家庭'].map((f) => ({ form: f, activities: list.filter((a) => a.forms.includes(f)).length }))
  return {
    year,
    activities: list.length,
    reach: list.reduce((s, a) => s + (a.reach ?? 0), 0),
    byKind,
    fiveInto,
    safetyMonth: list.filter((a) => a.kind === 'safety_month').length,
    townships: [...new Set(list.filter((a) => a.townshipId !== null).map((a) => a.townshipName))],
  }
}
