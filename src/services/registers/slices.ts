import { z } from 'zod'
import { sql, type SQL } from 'drizzle-orm'
import type { Tx } from '../../../db/client.js'
import type { Actor } from '../../core/permissions.js'
import { parseQuery } from '../ledger.js'
import { hazardFigures, type HazardFigures } from './figures.js'

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)
export const sliceSchema = z.object({
  campaign: z.preprocess(blank, z.string().max(60, '专项行动名称太长').optional()),
  zoneId: z.preprocess(blank, z.coerce.number({ error: '应为园区基地编号（数字）' }).int().positive().optional()),
})

/** The hazards of a zone's member businesses. */
export const zoneSlice = (zoneId: number): SQL => sql`hazards.business_id in (select business_id from zone_members where zone_id = ${zoneId})`

/**
 * The overview of a campaign or a zone (slices the summary counters do not keep), or null without one: then
 * the whole overview applies.
 */
export async function sliceOverview(tx: Tx, actor: Actor, query: Record<string, unknown>, now: Date): Promise<(HazardFigures & { slice: Record<string, unknown> }) | null> {
  const q = parseQuery(sliceSchema, { campaign: query.campaign, zoneId: query.zoneId })
  const parts: SQL[] = []
  if (q.campaign) parts.push(sql`hazards.campaign = ${q.campaign}`)
  if (q.zoneId) parts.push(zoneSlice(q.zoneId))
  if (!parts.length) return null
  return { ...(await hazardFigures(tx, actor, now, sql.join(parts, sql` and `))), slice: q }
}
