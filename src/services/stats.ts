import { z } from 'zod'
import { and, sql, type SQL } from 'drizzle-orm'
import { rows, type Tx } from '../../db/client.js'
import { authorize, type Actor } from '../core/permissions.js'
import { shanghaiParts, endOfShanghaiDay } from '../core/clock.js'
import { AppError } from '../core/errors.js'
import { CATEGORIES, INDUSTRIES, industryLabel, type Category } from '../core/domain.js'
import { ledgerPage, type LedgerItem } from './ledger.js'

/** Folds the trigger's deltas into the counters (cheap when few; one folder at a time). */
export async function foldCounts(tx: Tx): Promise<void> {
  await rows(tx, sql`select hazard_counts_fold()`)
}

/** The counters' rows the actor may see (both tables: deltas not folded yet count too). */
function counters(actor: Actor, extra: SQL): SQL {
  const d = authorize(actor, 'admin.read')
  if (!d.ok) throw new AppError('forbidden', d.reason)
  const w: SQL[] = [extra]
  if (d.reach === 'jurisdiction') {
    if (actor.townshipId !== null) w.push(sql`township_id = ${actor.townshipId}`)
    if (actor.industries.length) w.push(sql`(industry = '' or industry in ${actor.industries})`)
  }
  const where = and(...w)
  return sql`(select * from hazard_counts where ${where} union all select kind, township_id, industry, category, grade, status, month, n, days from hazard_count_deltas where ${where})`
}

const num = (v: unknown) => Number(v ?? 0)
const monthKey = (y: number, m: number) => `${y}-${String(m).padStart(2, '0')}`

/** The first day of the Shanghai month `back` months before the month of `now`, as 'YYYY-MM-01'. */
function monthStart(now: Date, back = 0): string {
  const p = shanghaiParts(now)
  const idx = p.year * 12 + (p.month - 1) - back
  return `${monthKey(Math.floor(idx / 12), (idx % 12) + 1)}-01`
}

export interface Overview {
  open: number
  overdue: number
  major: number
  closedThisMonth: number
  total: number
  rectificationRate: number | null
  avgDaysToClose: number | null
  byCategory: { key: string; name: string; count: number; open: number }[]
  byIndustry: { key: string; name: string; count: number; open: number }[]
  byTownship: { key: number | null; name: string; count: number; open: number }[]
  byMonth: { month: string; found: number; closed: number }[]
  overdueList: LedgerItem[]
}

/**
 * The overview, from the summary counters (constant work whatever the number of hazards) plus the overdue
 * hazards, which depend on the clock (a partial index on open deadlines keeps that small).
 * `count` = every hazard so far, `open` = not closed yet.
 */
export async function overview(tx: Tx, actor: Actor, now: Date): Promise<Overview> {
  await foldCounts(tx)
  const thisMonth = monthStart(now)
  const firstMonth = monthStart(now, 11)
  const [byStatus, byMonth, closed, overdue, names] = await Promise.all([
    rows<{ category: string; industry: string; township_id: number; open: boolean; grade: string; n: string; g: number }>(
      tx,
      sql`select category, industry, township_id, status not in ('closed', 'voided') as open, grade, sum(n) as n,
            grouping(category, industry, township_id, status not in ('closed', 'voided'), grade) as g
          from ${counters(actor, sql`kind = 'status' and status <> 'voided'`)} c
          group by grouping sets ((category, status not in ('closed', 'voided')), (industry, status not in ('closed', 'voided')), (township_id, status not in ('closed', 'voided')), (status not in ('closed', 'voided'), grade))`,
    ),
    rows<{ kind: string; month: string; n: string }>(
      tx,
      sql`select kind, to_char(month, 'YYYY-MM') as month, sum(n) as n from ${counters(actor, sql`kind in ('found', 'closed') and month >= ${firstMonth}::date`)} c
          group by kind, month`,
    ),
    rows<{ n: string; days: number }>(tx, sql`select sum(n) as n, sum(days) as days from ${counters(actor, sql`kind = 'closed'`)} c`),
    ledgerPage(tx, actor, { status: 'overdue', sort: 'deadline', order: 'asc', page: 1, pageSize: 20 }, now),
    rows<{ id: number; name: string }>(tx, sql`select id, name from jurisdictions where kind = 'township'`),
  ])
  // grouping() bits, highest first: category, industry, township_id, open, grade (1 = rolled up)
  const set = (mask: number) => byStatus.filter((r) => Number(r.g) === mask)
  const tally = <K extends string | number>(rs: typeof byStatus, key: (r: (typeof byStatus)[number]) => K) => {
    const m = new Map<K, { count: number; open: number }>()
    for (const r of rs) {
      const e = m.get(key(r)) ?? { count: 0, open: 0 }
      e.count += num(r.n)
      if (r.open === true || (r.open as unknown) === 't') e.open += num(r.n)
      m.set(key(r), e)
    }
    return [...m.entries()].sort((a, b) => b[1].count - a[1].count)
  }
  const byGrade = tally(set(0b11100), (r) => r.grade)
  const totals = { count: 0, open: 0, majorOpen: 0 }
  for (const [grade, v] of byGrade) {
    totals.count += v.count
    totals.open += v.open
    if (grade === 'major') totals.majorOpen += v.open
  }
  const townshipName = new Map(names.map((t) => [Number(t.id), t.name]))
  const months: { month: string; found: number; closed: number }[] = []
  for (let back = 11; back >= 0; back--) months.push({ month: monthStart(now, back).slice(0, 7), found: 0, closed: 0 })
  for (const r of byMonth) {
    const m = months.find((x) => x.month === r.month)
    if (m) m[r.kind === 'found' ? 'found' : 'closed'] += num(r.n)
  }
  const closedAll = num(closed[0]?.n)
  const closedThisMonth = months.find((m) => m.month === thisMonth.slice(0, 7))?.closed ?? 0
  return {
    open: totals.open,
    overdue: overdue.total,
    major: totals.majorOpen,
    closedThisMonth,
    total: totals.count,
    rectificationRate: totals.count ? Math.round((closedAll / totals.count) * 1000) / 10 : null,
    avgDaysToClose: closedAll ? Math.round((num(closed[0]?.days) / closedAll) * 10) / 10 : null,
    byCategory: tally(set(0b01101), (r) => r.category).map(([k, v]) => ({ key: k, name: CATEGORIES[k as Category] ?? k, ...v })),
    byIndustry: tally(set(0b10101), (r) => r.industry).map(([k, v]) => ({ key: k, name: k ? industryLabel(k) : '未定行业', ...v })),
    byTownship: tally(set(0b11001), (r) => Number(r.township_id)).map(([k, v]) => ({
      key: k || null,
      name: k ? (townshipName.get(k) ?? `#${k}`) : '未定乡镇',
      ...v,
    })),
    byMonth: months,
    overdueList: overdue.items,
  }
}

/** `2026Q3`, `2026-Q3`, `2026` or `2026H2`, plus how rows are grouped. */
export const statsTableSchema = z.object({
  period: z.string({ error: '请写统计期，如 2026Q3 或 2026' }).regex(/^\d{4}(-?[Qq][1-4]|-?[Hh][12])?$/, '应为 2026Q3（季度）、2026H2（半年）或 2026（全年）'),
  by: z.enum(['township', 'industry'], { error: '只能是 township（按乡镇街）或 industry（按行业）' }).default('township'),
  /** only the hazards of a campaign (专项行动 name) or of a zone's member businesses (园区基地) */
  campaign: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().max(60, '专项行动名称太长').optional()),
  zoneId: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number({ error: '应为园区基地编号（数字）' }).int('应为整数').positive('应为正整数').optional()),
})
export type StatsTableQuery = z.infer<typeof statsTableSchema>

export interface Period {
  label: string
  /** first and last month, 'YYYY-MM-01' */
  from: string
  to: string
  /** year to date: January to the period's last month */
  ytdFrom: string
  /** instants bounding the period and year to date (Shanghai days) */
  fromAt: Date
  toAt: Date
  ytdFromAt: Date
}

export function parsePeriod(s: string): Period {
  const m = /^(\d{4})(?:-?([QqHh])([1-4]))?$/.exec(s)
  if (!m) throw new AppError('usage', '统计期应为 2026Q3（季度）、2026H2（半年）或 2026（全年）')
  const year = Number(m[1])
  const kind = m[2]?.toUpperCase()
  const n = Number(m[3] ?? 0)
  if (kind === 'H' && n > 2) throw new AppError('usage', '半年只有 H1、H2')
  const [first, last] = kind === 'Q' ? [(n - 1) * 3 + 1, n * 3] : kind === 'H' ? [(n - 1) * 6 + 1, n * 6] : [1, 12]
  const label = kind === 'Q' ? `${year}年第${'一二三四'[n - 1]}季度` : kind === 'H' ? `${year}年${n === 1 ? '上' : '下'}半年` : `${year}年`
  const lastDay = new Date(Date.UTC(year, last, 0)).getUTCDate()
  return {
    label,
    from: `${monthKey(year, first)}-01`,
    to: `${monthKey(year, last)}-01`,
    ytdFrom: `${year}-01-01`,
    fromAt: new Date(endOfShanghaiDay(year, first, 0).getTime() + 1000),
    toAt: endOfShanghaiDay(year, last, lastDay),
    ytdFromAt: new Date(endOfShanghaiDay(year, 1, 0).getTime() + 1000),
  }
}

export interface Figures {
  foundGeneral: number
  foundMajor: number
  rectifiedGeneral: number
  rectifiedMajor: number
  /** rectified / found, percent with one decimal; null without hazards */
  rectificationRate: number | null
  overdue: number
  transferred: number
  listed: number
}

export interface StatsTableRow {
  key: string | number | null
  name: string
  period: Figures
  ytd: Figures
}

export interface StatsTable {
  period: string
  label: string
  by: 'township' | 'industry'
  /** the campaign or zone the table is limited to, in words (null: every hazard) */
  slice: { campaign?: string; zoneId?: number; name: string } | null
  rows: StatsTableRow[]
  total: StatsTableRow
}

const empty = (): Figures => ({
  foundGeneral: 0,
  foundMajor: 0,
  rectifiedGeneral: 0,
  rectifiedMajor: 0,
  rectificationRate: null,
  overdue: 0,
  transferred: 0,
  listed: 0,
})

/**
 * The quarterly or yearly hazard statistics table: per township or industry, the hazards found in the period
 * (一般/重大), how many of them are rectified (closed) by now, the rate, how many are overdue now, transferred and
 * under listed supervision (挂牌督办); the same for the year to date.
 */
export async function statsTable(tx: Tx, actor: Actor, q: { period: string; by: 'township' | 'industry'; campaign?: string; zoneId?: number }, now: Date): Promise<StatsTable> {
  const p = parsePeriod(q.period)
  await foldCounts(tx)
  const group = q.by === 'township' ? sql`township_id::text` : sql`industry`
  const hazardGroup = q.by === 'township' ? sql`coalesce(hazards.township_id, 0)::text` : sql`coalesce(hazards.industry, '')`
  const scope = authorize(actor, 'admin.read')
  if (!scope.ok) throw new AppError('forbidden', scope.reason)
  const scopeSql: SQL[] = []
  if (scope.reach === 'jurisdiction') {
    if (actor.townshipId !== null) scopeSql.push(sql`hazards.township_id = ${actor.townshipId}`)
    if (actor.industries.length) scopeSql.push(sql`(hazards.industry is null or hazards.industry in ${actor.industries})`)
  }
  // a campaign or a zone: the summary counters do not keep them, so its rows are counted on the hazards
  const sliceSql: SQL[] = []
  let slice: StatsTable['slice'] = null
  if (q.campaign) sliceSql.push(sql`hazards.campaign = ${q.campaign}`)
  if (q.zoneId) {
    sliceSql.push(sql`hazards.business_id in (select business_id from zone_members where zone_id = ${q.zoneId})`)
    const [z] = await rows<{ name: string }>(tx, sql`select name from zones where id = ${q.zoneId}`)
    if (!z) throw new AppError('not_found', `没有园区基地 ${q.zoneId}`)
    slice = { zoneId: q.zoneId, name: z.name }
  }
  if (q.campaign) slice = { ...slice, campaign: q.campaign, name: slice ? `${slice.name}·${q.campaign}` : q.campaign }
  const sliceWhere = sliceSql.length ? sql` and ${and(...sliceSql)}` : sql``
  const scopeWhere = scopeSql.length ? sql` and ${and(...scopeSql)}` : sql``
  const [counts, overdue, names] = await Promise.all([
    sliceSql.length
      ? rows<{ g: string; kind: string; grade: string; in_period: boolean | string; n: string }>(
          tx,
          sql`select g, k.kind, grade, in_period, sum(k.n) as n from (
                select ${hazardGroup} as g, hazards.grade, hazards.created_at >= ${p.fromAt.toISOString()}::timestamptz as in_period,
                  count(*) filter (where hazards.status <> 'voided') as found,
                  count(*) filter (where hazards.status = 'closed') as found_closed,
                  count(*) filter (where hazards.status <> 'voided' and hazards.transfer_department is not null) as found_transferred,
                  count(*) filter (where hazards.status <> 'voided' and hazards.listed_supervision is not null) as found_listed
                from hazards
                where hazards.created_at between ${p.ytdFromAt.toISOString()}::timestamptz and ${p.toAt.toISOString()}::timestamptz${sliceWhere}${scopeWhere}
                group by 1, 2, 3) h
              cross join lateral (values ('found', h.found), ('found_closed', h.found_closed), ('found_transferred', h.found_transferred), ('found_listed', h.found_listed)) as k(kind, n)
              group by 1, 2, 3, 4`,
        )
      : rows<{ g: string; kind: string; grade: string; in_period: boolean | string; n: string }>(
          tx,
          sql`select ${group} as g, kind, grade, month >= ${p.from}::date as in_period, sum(n) as n
              from ${counters(actor, sql`kind in ('found', 'found_closed', 'found_transferred', 'found_listed') and month between ${p.ytdFrom}::date and ${p.to}::date`)} c
              group by 1, 2, 3, 4`,
        ),
    rows<{ g: string; in_period: boolean; n: string }>(
      tx,
      sql`select ${hazardGroup} as g, hazards.created_at >= ${p.fromAt.toISOString()}::timestamptz as in_period, count(*) as n
          from hazards
          where hazards.status in ('reported', 'rectifying') and hazards.deadline < ${now.toISOString()}::timestamptz
            and hazards.created_at between ${p.ytdFromAt.toISOString()}::timestamptz and ${p.toAt.toISOString()}::timestamptz${sliceWhere}${scopeWhere}
          group by 1, 2`,
    ),
    rows<{ id: number; name: string }>(tx, sql`select id, name from jurisdictions where kind = 'township' order by id`),
  ])
  const table = new Map<string, { period: Figures; ytd: Figures }>()
  const at = (g: string) => {
    let e = table.get(g)
    if (!e) table.set(g, (e = { period: empty(), ytd: empty() }))
    return e
  }
  // every township (or industry) in scope gets a row, even without hazards
  if (q.by === 'township') {
    for (const t of names) if (scope.reach === 'all' || actor.townshipId === null || actor.townshipId === Number(t.id)) at(String(t.id))
  } else {
    for (const i of Object.keys(INDUSTRIES)) if (scope.reach === 'all' || !actor.industries.length || actor.industries.includes(i)) at(i)
  }
  const field: Record<string, [keyof Figures, keyof Figures]> = {
    found: ['foundGeneral', 'foundMajor'],
    found_closed: ['rectifiedGeneral', 'rectifiedMajor'],
    found_transferred: ['transferred', 'transferred'],
    found_listed: ['listed', 'listed'],
  }
  for (const r of counts) {
    const e = at(r.g)
    const f = field[r.kind][r.grade === 'major' ? 1 : 0]
    const n = num(r.n)
    ;(e.ytd[f] as number) += n
    if (r.in_period === true || r.in_period === 't') (e.period[f] as number) += n
  }
  for (const r of overdue) {
    const e = at(r.g)
    e.ytd.overdue += num(r.n)
    if (r.in_period === true || (r.in_period as unknown) === 't') e.period.overdue += num(r.n)
  }
  const rate = (f: Figures) => {
    const found = f.foundGeneral + f.foundMajor
    f.rectificationRate = found ? Math.round(((f.rectifiedGeneral + f.rectifiedMajor) / found) * 1000) / 10 : null
  }
  const townshipName = new Map(names.map((t) => [String(t.id), t.name]))
  const total: StatsTableRow = { key: null, name: '合计', period: empty(), ytd: empty() }
  const out: StatsTableRow[] = []
  for (const [g, v] of table) {
    for (const part of ['period', 'ytd'] as const) {
      for (const k of Object.keys(v[part]) as (keyof Figures)[]) if (k !== 'rectificationRate') (total[part][k] as number) += v[part][k] as number
      rate(v[part])
    }
    const name =
      q.by === 'township' ? (g === '0' ? '未定乡镇' : (townshipName.get(g) ?? `#${g}`)) : g === '' ? '未定行业' : industryLabel(g)
    out.push({ key: q.by === 'township' ? (g === '0' ? null : Number(g)) : g || null, name, ...v })
  }
  rate(total.period)
  rate(total.ytd)
  out.sort((a, b) => (a.key === null ? 1 : b.key === null ? -1 : q.by === 'township' ? Number(a.key) - Number(b.key) : 0))
  return { period: q.period, label: p.label, by: q.by, slice, rows: out, total }
}
