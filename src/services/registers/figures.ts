import { and, sql, type SQL } from 'drizzle-orm'
import { rows, type Tx } from '../../../db/client.js'
import type { Actor } from '../../core/permissions.js'
import { CATEGORIES, industryLabel, type Category } from '../../core/domain.js'
import { scopeWhere } from '../hazards.js'

const num = (v: unknown) => Number(v ?? 0)

export interface HazardFigures {
  total: number
  open: number
  overdue: number
  major: number
  closed: number
  /** closed / total, percent with one decimal; null without hazards */
  rectificationRate: number | null
  byCategory: { key: string; name: string; count: number; open: number }[]
  byIndustry: { key: string; name: string; count: number; open: number }[]
  byTownship: { key: number | null; name: string; count: number; open: number }[]
}

/**
 * Hazard figures of a slice of the ledger the summary counters do not index (a campaign, a zone, a period),
 * counted on the hazards themselves within the actor's reach. Voided hazards are left out, as in statistics.
 */
export async function hazardFigures(tx: Tx, actor: Actor, now: Date, slice: SQL, range?: { from: Date; to: Date }): Promise<HazardFigures> {
  const w: SQL[] = [slice, sql`hazards.status <> 'voided'`]
  const scope = scopeWhere(actor)
  if (scope) w.push(scope)
  if (range) w.push(sql`hazards.created_at between ${range.from.toISOString()}::timestamptz and ${range.to.toISOString()}::timestamptz`)
  const where = and(...w)
  const r = await rows<{ category: string; industry: string | null; township_id: number | null; township: string | null; grade: string; open: boolean | string; overdue: boolean | string; n: string }>(
    tx,
    sql`select hazards.category, hazards.industry, hazards.township_id, j.name as township, hazards.grade,
          hazards.status <> 'closed' as open,
          (hazards.status in ('reported', 'rectifying') and coalesce(hazards.deadline < ${now.toISOString()}::timestamptz, false)) as overdue,
          count(*) as n
        from hazards left join jurisdictions j on j.id = hazards.township_id
        where ${where}
        group by 1, 2, 3, 4, 5, 6, 7`,
  )
  const yes = (v: unknown) => v === true || v === 't'
  const f: HazardFigures = { total: 0, open: 0, overdue: 0, major: 0, closed: 0, rectificationRate: null, byCategory: [], byIndustry: [], byTownship: [] }
  const cat = new Map<string, { count: number; open: number }>()
  const ind = new Map<string, { count: number; open: number }>()
  const town = new Map<number | null, { name: string; count: number; open: number }>()
  for (const x of r) {
    const n = num(x.n)
    const open = yes(x.open)
    f.total += n
    if (open) f.open += n
    else f.closed += n
    if (yes(x.overdue)) f.overdue += n
    if (x.grade === 'major' && open) f.major += n
    const add = <K>(m: Map<K, { count: number; open: number }>, k: K, extra: object = {}) => {
      const e = m.get(k) ?? { count: 0, open: 0, ...extra }
      e.count += n
      if (open) e.open += n
      m.set(k, e)
    }
    add(cat, x.category)
    add(ind, x.industry ?? '')
    add(town as Map<number | null, { count: number; open: number }>, x.township_id === null ? null : Number(x.township_id), { name: x.township ?? '未定乡镇' })
  }
  f.rectificationRate = f.total ? Math.round((f.closed / f.total) * 1000) / 10 : null
  const sorted = <K, V extends { count: number }>(m: Map<K, V>) => [...m.entries()].sort((a, b) => b[1].count - a[1].count)
  f.byCategory = sorted(cat).map(([k, v]) => ({ key: k, name: CATEGORIES[k as Category] ?? k, ...v }))
  f.byIndustry = sorted(ind).map(([k, v]) => ({ key: k, name: k ? industryLabel(k) : '未定行业', ...v }))
  f.byTownship = sorted(town).map(([k, v]) => ({ key: k, name: (v as { name?: string }).name ?? '未定乡镇', count: v.count, open: v.open }))
  return f
}
