import { z } from 'zod'
import { and, sql, type SQL } from 'drizzle-orm'
import { rows, type Tx } from '../../db/client.js'
import { AppError } from '../core/errors.js'
import type { Actor } from '../core/permissions.js'
import { endOfShanghaiDay, formatDate } from '../core/clock.js'
import { lapsedLicenceSql } from './registers/licences.js'
import { CATEGORIES, GRADES, INDUSTRIES, STATUS_LABELS, UNIDENTIFIED_BUSINESS, industryLabel, type Category } from '../core/domain.js'
import { scopeWhere } from './hazards.js'

export const HAZARD_STATUSES = ['reported', 'rectifying', 'awaiting_verification', 'transferred', 'closed', 'voided'] as const
/** Status filters: the stored statuses plus two derived ones. */
const STATUS_FILTERS = [...HAZARD_STATUSES, 'open', 'overdue'] as const
export const SORTS = ['createdAt', 'deadline', 'closedAt', 'code', 'status', 'grade'] as const

/** Chinese labels accepted as filter values beside the identifiers. */
function keyOf<K extends string>(labels: Record<K, string>, extra: Record<string, string> = {}) {
  return (v: unknown) => {
    if (typeof v !== 'string') return v
    const s = v.trim()
    const hit = (Object.entries(labels) as [K, string][]).find(([, label]) => label === s)
    return hit ? hit[0] : (extra[s] ?? s)
  }
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 2026-11-20')

/** The ledger's filters, as they come in a query string. */
export const ledgerFilterSchema = z.object({
  status: z.preprocess(
    (v) => keyOf(STATUS_LABELS, { 待受理: 'reported', 未销号: 'open', 未整改: 'open', 逾期: 'overdue', 已逾期: 'overdue', 销号: 'closed', 已移交: 'transferred', 移交: 'transferred', 作废: 'voided' })(blankToUndefined(v)),
    z.enum(STATUS_FILTERS, { error: `只能是 ${STATUS_FILTERS.join('、')} 之一（或中文：整改中、已销号、逾期…）` }).optional(),
  ),
  grade: z.preprocess(
    (v) => keyOf(GRADES, { 一般: 'general', 重大: 'major' })(blankToUndefined(v)),
    z.enum(['general', 'major'], { error: '只能是 general（一般）或 major（重大）' }).optional(),
  ),
  category: z.preprocess(
    (v) => keyOf(CATEGORIES)(blankToUndefined(v)),
    z.enum(Object.keys(CATEGORIES) as [Category, ...Category[]], { error: `只能是 ${Object.values(CATEGORIES).join('、')} 之一` }).optional(),
  ),
  industry: z.preprocess(
    (v) => keyOf(INDUSTRIES)(blankToUndefined(v)),
    z.enum(Object.keys(INDUSTRIES) as [keyof typeof INDUSTRIES, ...(keyof typeof INDUSTRIES)[]], {
      error: `只能是 ${Object.values(INDUSTRIES).join('、')} 之一`,
    }).optional(),
  ),
  townshipId: z.preprocess(blankToUndefined, z.coerce.number({ error: '应为乡镇街编号（数字）' }).int('应为整数').positive('应为正整数').optional()),
  businessId: z.preprocess(blankToUndefined, z.coerce.number({ error: '应为单位编号（数字）' }).int('应为整数').positive('应为正整数').optional()),
  campaign: z.preprocess(blankToUndefined, z.string().max(60, '专项行动名称太长').optional()),
  zoneId: z.preprocess(blankToUndefined, z.coerce.number({ error: '应为园区基地编号（数字）' }).int('应为整数').positive('应为正整数').optional()),
  from: z.preprocess(blankToUndefined, day.optional()),
  to: z.preprocess(blankToUndefined, day.optional()),
  q: z.preprocess(blankToUndefined, z.string().max(100, '搜索词最多 100 个字').optional()),
  sort: z.preprocess(blankToUndefined, z.enum(SORTS, { error: `只能是 ${SORTS.join('、')} 之一` }).default('createdAt')),
  order: z.preprocess(blankToUndefined, z.enum(['asc', 'desc'], { error: '只能是 asc（升序）或 desc（降序）' }).default('desc')),
})
export type LedgerFilter = z.infer<typeof ledgerFilterSchema>

export const ledgerPageSchema = ledgerFilterSchema.extend({
  page: z.preprocess(blankToUndefined, z.coerce.number({ error: '应为页码（数字）' }).int('应为整数').min(1, '从 1 开始').max(100_000, '太大').default(1)),
  pageSize: z.preprocess(blankToUndefined, z.coerce.number({ error: '应为数字' }).int('应为整数').min(1, '至少 1').max(200, '最多 200').default(20)),
})
export type LedgerPageQuery = z.infer<typeof ledgerPageSchema>

const FIELD_LABELS: Record<string, string> = {
  status: '状态 status',
  grade: '等级 grade',
  category: '类别 category',
  industry: '行业 industry',
  townshipId: '乡镇街 townshipId',
  businessId: '单位 businessId',
  campaign: '专项行动 campaign',
  zoneId: '园区基地 zoneId',
  from: '起始日期 from',
  to: '截止日期 to',
  q: '搜索 q',
  sort: '排序 sort',
  order: '顺序 order',
  page: '页码 page',
  pageSize: '每页条数 pageSize',
  period: '统计期 period',
  by: '分组 by',
}

/** Parses query parameters with a schema; bad input becomes one clear Chinese 400 naming each bad field. */
export function parseQuery<S extends z.ZodType>(schema: S, input: unknown, what = '筛选条件'): z.infer<S> {
  const r = schema.safeParse(input)
  if (r.success) return r.data
  const parts = r.error.issues.map((i) => {
    const field = String(i.path[0] ?? '')
    return `${FIELD_LABELS[field] ?? field}${i.message.startsWith('Invalid') ? '的值不对' : i.message}`
  })
  throw new AppError('usage', `${what}有误：${parts.join('；')}`)
}

export interface LedgerItem {
  id: number
  code: string
  status: string
  statusLabel: string
  grade: string
  gradeLabel: string
  category: string
  categoryLabel: string
  industry: string | null
  industryLabel: string
  townshipId: number | null
  townshipName: string | null
  businessId: number | null
  businessName: string
  description: string
  place: string | null
  reporterName: string
  responsibleName: string | null
  deadline: Date | null
  createdAt: Date
  closedAt: Date | null
  overdue: boolean
  listedSupervision: string | null
  campaign: string | null
  transferDepartment: string | null
  transferResult: string | null
  measures: string | null
  /** the business holds a lapsed licence (成品油零售, 报废机动车回收拆解) today */
  licenceLapsed: boolean
}

export interface ExportRow extends LedgerItem {
  photosBefore: string | null
  photosAfter: string | null
}

const ts = (iso: string) => sql`${iso}::timestamptz`

/** Start of a Shanghai calendar day. */
function startOfShanghaiDay(d: string): Date {
  const [y, m, dd] = d.split('-').map(Number)
  return new Date(endOfShanghaiDay(y, m, dd - 1).getTime() + 1000)
}

/** The WHERE of a ledger query: the actor's scope and the filters. */
export function ledgerWhere(actor: Actor, f: LedgerFilter, now: Date): SQL {
  const w: (SQL | undefined)[] = [scopeWhere(actor)]
  const nowSql = ts(now.toISOString())
  if (f.status === 'open') w.push(sql`hazards.status not in ('closed', 'voided')`)
  else if (f.status === 'overdue') w.push(sql`hazards.status in ('reported', 'rectifying') and hazards.deadline < ${nowSql}`)
  else if (f.status) w.push(sql`hazards.status = ${f.status}`)
  if (f.grade) w.push(sql`hazards.grade = ${f.grade}`)
  if (f.category) w.push(sql`hazards.category = ${f.category}`)
  if (f.industry) w.push(sql`hazards.industry = ${f.industry}`)
  if (f.townshipId) w.push(sql`hazards.township_id = ${f.townshipId}`)
  if (f.businessId) w.push(sql`hazards.business_id = ${f.businessId}`)
  if (f.campaign) w.push(sql`hazards.campaign = ${f.campaign}`)
  if (f.zoneId) w.push(sql`hazards.business_id in (select business_id from zone_members where zone_id = ${f.zoneId})`)
  if (f.from) w.push(sql`hazards.created_at >= ${ts(startOfShanghaiDay(f.from).toISOString())}`)
  if (f.to) {
    const [y, m, d] = f.to.split('-').map(Number)
    w.push(sql`hazards.created_at <= ${ts(endOfShanghaiDay(y, m, d).toISOString())}`)
  }
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => '\\' + c)}%`
    w.push(sql`(hazards.description ilike ${like} or hazards.place ilike ${like} or hazards.code = ${f.q.toUpperCase()}
      or b.name ilike ${like} or hazards.reporter_name ilike ${like} or hazards.responsible_name ilike ${like})`)
  }
  if (f.from && f.to && f.from > f.to) throw new AppError('usage', '筛选条件有误：起始日期 from 不能晚于截止日期 to')
  return and(...w.filter((x): x is SQL => x !== undefined)) ?? sql`true`
}

/** Sort keys as non-null expressions, so keyset pages can compare them. */
const SORT_EXPR: Record<(typeof SORTS)[number], { expr: SQL; type: string }> = {
  createdAt: { expr: sql`hazards.created_at`, type: 'timestamptz' },
  deadline: { expr: sql`coalesce(hazards.deadline, 'infinity'::timestamptz)`, type: 'timestamptz' },
  closedAt: { expr: sql`coalesce(hazards.closed_at, 'infinity'::timestamptz)`, type: 'timestamptz' },
  code: { expr: sql`hazards.id`, type: 'int' },
  status: { expr: sql`hazards.status`, type: 'text' },
  grade: { expr: sql`hazards.grade`, type: 'text' },
}

function columns(now: Date, photos: boolean): SQL {
  const photoCols = photos
    ? sql`, (select string_agg(a.sha256, ' ' order by a.id) from hazard_attachments a where a.hazard_id = hazards.id and a.stage = 'report') as "photosBefore",
        (select string_agg(a.sha256, ' ' order by a.id) from hazard_attachments a where a.hazard_id = hazards.id and a.stage = 'rectification') as "photosAfter"`
    : sql``
  return sql`hazards.id, hazards.code, hazards.status, hazards.grade, hazards.category, hazards.industry,
    hazards.township_id as "townshipId", j.name as "townshipName", hazards.business_id as "businessId", b.name as "businessName",
    hazards.description, hazards.place, hazards.reporter_name as "reporterName", hazards.responsible_name as "responsibleName",
    hazards.deadline, hazards.created_at as "createdAt", hazards.closed_at as "closedAt",
    (hazards.status in ('reported', 'rectifying') and coalesce(hazards.deadline < ${ts(now.toISOString())}, false)) as overdue,
    hazards.listed_supervision as "listedSupervision", hazards.campaign, hazards.transfer_department as "transferDepartment",
    hazards.transfer_result as "transferResult", hazards.measures,
    ${lapsedLicenceSql(sql`hazards.business_id`, formatDate(now))} as "licenceLapsed"${photoCols}`
}

export const LEDGER_FROM = sql`from hazards left join businesses b on b.id = hazards.business_id left join jurisdictions j on j.id = hazards.township_id`

function toDate(v: unknown): Date | null {
  if (v === null || v === undefined) return null
  return v instanceof Date ? v : new Date(String(v))
}

function item(r: Record<string, unknown>): LedgerItem {
  const status = r.status as keyof typeof STATUS_LABELS
  return {
    id: Number(r.id),
    code: String(r.code),
    status,
    statusLabel: STATUS_LABELS[status] ?? String(status),
    grade: r.grade as string,
    gradeLabel: GRADES[r.grade as 'general'] ?? String(r.grade),
    category: r.category as string,
    categoryLabel: CATEGORIES[r.category as Category] ?? String(r.category),
    industry: (r.industry as string | null) ?? null,
    industryLabel: industryLabel(r.industry as string | null),
    townshipId: r.townshipId === null ? null : Number(r.townshipId),
    townshipName: (r.townshipName as string | null) ?? null,
    businessId: r.businessId === null ? null : Number(r.businessId),
    businessName: (r.businessName as string | null) ?? UNIDENTIFIED_BUSINESS,
    description: r.description as string,
    place: (r.place as string | null) ?? null,
    reporterName: r.reporterName as string,
    responsibleName: (r.responsibleName as string | null) ?? null,
    deadline: toDate(r.deadline),
    createdAt: toDate(r.createdAt)!,
    closedAt: toDate(r.closedAt),
    overdue: r.overdue === true || r.overdue === 't',
    listedSupervision: (r.listedSupervision as string | null) ?? null,
    campaign: (r.campaign as string | null) ?? null,
    transferDepartment: (r.transferDepartment as string | null) ?? null,
    transferResult: (r.transferResult as string | null) ?? null,
    measures: (r.measures as string | null) ?? null,
    licenceLapsed: r.licenceLapsed === true || r.licenceLapsed === 't',
  }
}

function exportRow(r: Record<string, unknown>): ExportRow {
  return { ...item(r), photosBefore: (r.photosBefore as string | null) ?? null, photosAfter: (r.photosAfter as string | null) ?? null }
}

/**
 * The total from the summary counters when every condition is one of their dimensions (status, grade,
 * category, industry, township, and a jurisdiction scope): exact, and no count over a million rows.
 */
async function countFromCounters(tx: Tx, actor: Actor, f: LedgerFilter): Promise<number | null> {
  if (f.businessId || f.campaign || f.zoneId || f.from || f.to || f.q || f.status === 'overdue') return null
  if (!['officer', 'leader', 'admin', 'association', 'viewer'].includes(actor.role)) return null
  const w: SQL[] = [sql`kind = 'status'`]
  if (actor.role === 'officer' || actor.role === 'association') {
    if (actor.townshipId !== null) w.push(sql`township_id = ${actor.townshipId}`)
    if (actor.industries.length) w.push(sql`(industry = '' or industry in ${actor.industries})`)
  }
  if (f.status === 'open') w.push(sql`status not in ('closed', 'voided')`)
  else if (f.status) w.push(sql`status = ${f.status}`)
  if (f.grade) w.push(sql`grade = ${f.grade}`)
  if (f.category) w.push(sql`category = ${f.category}`)
  if (f.industry) w.push(sql`industry = ${f.industry}`)
  if (f.townshipId) w.push(sql`township_id = ${f.townshipId}`)
  const where = and(...w)
  const [r] = await rows<{ n: string | number | null }>(
    tx,
    sql`select sum(n) as n from (select n from hazard_counts where ${where} union all select n from hazard_count_deltas where ${where}) c`,
  )
  return Number(r?.n ?? 0)
}

/** One page of the ledger, in the actor's scope. */
export async function ledgerPage(tx: Tx, actor: Actor, q: LedgerPageQuery, now: Date): Promise<{ total: number; page: number; pageSize: number; items: LedgerItem[] }> {
  const where = ledgerWhere(actor, q, now)
  const s = SORT_EXPR[q.sort]
  const dir = q.order === 'asc' ? sql`asc` : sql`desc`
  const [items, total] = await Promise.all([
    rows<Record<string, unknown>>(
      tx,
      sql`select ${columns(now, false)} ${LEDGER_FROM} where ${where} order by ${s.expr} ${dir}, hazards.id ${dir}
        limit ${q.pageSize} offset ${(q.page - 1) * q.pageSize}`,
    ),
    (async () => {
      const fromCounters = await countFromCounters(tx, actor, q)
      if (fromCounters !== null) return fromCounters
      const needsBusiness = !!q.q
      const [r] = await rows<{ n: string | number }>(
        tx,
        needsBusiness ? sql`select count(*) as n ${LEDGER_FROM} where ${where}` : sql`select count(*) as n from hazards where ${where}`,
      )
      return Number(r.n)
    })(),
  ])
  return { total, page: q.page, pageSize: q.pageSize, items: items.map(item) }
}

/** ORDER BY for a filter's sort (the id breaks ties, so every order is total). */
export function ledgerOrder(f: LedgerFilter): SQL {
  const s = SORT_EXPR[f.sort]
  const dir = f.order === 'asc' ? sql`asc` : sql`desc`
  return sql`order by ${s.expr} ${dir}, hazards.id ${dir}`
}

/** The export's SELECT (every column, photos included) in the filter's order. */
export function ledgerExportSql(actor: Actor, f: LedgerFilter, now: Date): SQL {
  return sql`select ${columns(now, true)} ${LEDGER_FROM} where ${ledgerWhere(actor, f, now)} ${ledgerOrder(f)}`
}

interface DriverInternals {
  dialect: { sqlToQuery(q: SQL): { sql: string; params: unknown[] } }
  session: {
    client?: {
      unsafe?(q: string, p: unknown[]): { cursor(n: number): AsyncIterable<Record<string, unknown>[]> }
    }
  }
}

/**
 * Every ledger row matching the filter, in order, a batch at a time: a server-side cursor on PostgreSQL,
 * keyset pages on PGlite (its one connection stays free between pages for the chat).
 * Memory stays at one batch whatever the number of rows.
 */
export async function* ledgerRows(tx: Tx, actor: Actor, f: LedgerFilter, now: Date, batch = 1000): AsyncGenerator<ExportRow[]> {
  const where = ledgerWhere(actor, f, now)
  const s = SORT_EXPR[f.sort]
  const asc = f.order === 'asc'
  const dir = asc ? sql`asc` : sql`desc`
  const internals = tx as unknown as DriverInternals
  const unsafe = internals.session?.client?.unsafe
  if (unsafe) {
    const q = internals.dialect.sqlToQuery(ledgerExportSql(actor, f, now))
    for await (const chunk of unsafe.call(internals.session.client, q.sql, q.params).cursor(batch)) yield chunk.map(exportRow)
    return
  }
  let after: { k: string; id: number } | null = null
  for (;;) {
    const cmp = asc ? sql`>` : sql`<`
    const keyset: SQL = after ? sql` and (${s.expr}, hazards.id) ${cmp} (${after.k}::${sql.raw(s.type)}, ${after.id})` : sql``
    const page: Record<string, unknown>[] = await rows<Record<string, unknown>>(
      tx,
      sql`select ${columns(now, true)}, (${s.expr})::text as "_k" ${LEDGER_FROM} where ${where}${keyset} order by ${s.expr} ${dir}, hazards.id ${dir} limit ${batch}`,
    )
    if (!page.length) return
    const last = page[page.length - 1]
    after = { k: String(last._k), id: Number(last.id) }
    yield page.map(exportRow)
    if (page.length < batch) return
  }
}
