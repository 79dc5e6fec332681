import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm'
import { schema, type Tx } from '../../../db/client.js'
import { AppError } from '../../core/errors.js'
import type { Actor } from '../../core/permissions.js'
import { checkCityWide } from '../scope.js'
import { hazardFigures, type HazardFigures } from './figures.js'

const { campaigns, campaignInspections, specialInspections, hazards } = schema
export type CampaignRow = typeof campaigns.$inferSelect

export interface CampaignInput {
  name: string
  shortName: string
  startsOn: string
  endsOn: string
  industries: string[]
  categories: string[]
}

const clean = (s: string) => s.trim().replace(/\s+/g, '')

/** The bureau defines a campaign (a record of the whole city). Names and short names are unique. */
export async function createCampaign(tx: Tx, input: CampaignInput, actor: Actor & { name: string }): Promise<CampaignRow> {
  checkCityWide(actor, 'programme.manage')
  if (input.endsOn < input.startsOn) throw new AppError('usage', '结束日期不能早于开始日期')
  const name = clean(input.name)
  const shortName = clean(input.shortName)
  const taken = await tx.select().from(campaigns).where(or(eq(campaigns.name, name), eq(campaigns.shortName, shortName), eq(campaigns.name, shortName), eq(campaigns.shortName, name)))
  if (taken.length) throw new AppError('conflict', `已有专项“${taken[0].name}”（简称：${taken[0].shortName}），名称和简称不能重复`)
  const [row] = await tx.insert(campaigns).values({ ...input, name, shortName, createdBy: actor.name }).returning()
  return row
}

export async function updateCampaign(tx: Tx, id: number, input: CampaignInput, actor: Actor & { name: string }): Promise<{ before: CampaignRow; after: CampaignRow }> {
  checkCityWide(actor, 'programme.manage')
  const [before] = await tx.select().from(campaigns).where(eq(campaigns.id, id))
  if (!before) throw new AppError('not_found', `没有找到专项行动 ${id}`)
  if (input.endsOn < input.startsOn) throw new AppError('usage', '结束日期不能早于开始日期')
  const name = clean(input.name)
  const shortName = clean(input.shortName)
  const taken = (await tx.select().from(campaigns).where(or(eq(campaigns.name, name), eq(campaigns.shortName, shortName), eq(campaigns.name, shortName), eq(campaigns.shortName, name)))).filter((c) => c.id !== id)
  if (taken.length) throw new AppError('conflict', `已有专项“${taken[0].name}”（简称：${taken[0].shortName}），名称和简称不能重复`)
  const [after] = await tx.update(campaigns).set({ ...input, name, shortName }).where(eq(campaigns.id, id)).returning()
  // the hazards carry the name: a renamed campaign keeps its hazards
  if (before.name !== name) await tx.update(hazards).set({ campaign: name }).where(eq(hazards.campaign, before.name))
  return { before, after }
}

export async function listCampaigns(tx: Tx): Promise<CampaignRow[]> {
  return tx.select().from(campaigns).orderBy(sql`${campaigns.startsOn} desc`, campaigns.id)
}

/**
 * The campaign a word names: its short name or name exactly, else the one campaign whose short name or name
 * contains it (专项:燃气 when only one campaign is about gas). Null when none or several match.
 */
export async function findCampaign(tx: Tx, word: string): Promise<CampaignRow | null> {
  const w = clean(word)
  if (!w) return null
  const all = await tx.select().from(campaigns)
  const exact = all.find((c) => c.shortName === w || c.name === w)
  if (exact) return exact
  const near = all.filter((c) => c.shortName.includes(w) || c.name.includes(w))
  return near.length === 1 ? near[0] : null
}

/** Names of the campaigns a reply can suggest (the ones in force on `today` first). */
export async function campaignHint(tx: Tx, today: string): Promise<string> {
  const all = await tx.select().from(campaigns)
  const live = all.filter((c) => c.startsOn <= today && c.endsOn >= today)
  const list = (live.length ? live : all).slice(0, 5).map((c) => c.shortName)
  return list.length ? `现有专项：${list.join('、')}` : '还没有登记专项行动'
}

/** Links a special inspection to a campaign; the hazards it found (now or later) are tagged with it. */
export async function linkInspection(tx: Tx, inspectionId: number, campaignId: number): Promise<number> {
  const [c] = await tx.select().from(campaigns).where(eq(campaigns.id, campaignId))
  if (!c) throw new AppError('not_found', `没有找到专项行动 ${campaignId}`)
  await tx.insert(campaignInspections).values({ inspectionId, campaignId }).onConflictDoUpdate({ target: campaignInspections.inspectionId, set: { campaignId } })
  return tagInspectionHazards(tx, inspectionId)
}

/** Tags the hazards an inspection of a campaign found, where they carry no campaign yet; returns how many. */
export async function tagInspectionHazards(tx: Tx, inspectionId: number): Promise<number> {
  const [link] = await tx
    .select({ name: campaigns.name, hazardIds: specialInspections.hazardIds })
    .from(campaignInspections)
    .innerJoin(campaigns, eq(campaigns.id, campaignInspections.campaignId))
    .innerJoin(specialInspections, eq(specialInspections.id, campaignInspections.inspectionId))
    .where(eq(campaignInspections.inspectionId, inspectionId))
  if (!link || !link.hazardIds.length) return 0
  const done = await tx
    .update(hazards)
    .set({ campaign: link.name })
    .where(and(inArray(hazards.id, link.hazardIds), isNull(hazards.campaign)))
    .returning({ id: hazards.id })
  return done.length
}

export async function campaignOfInspection(tx: Tx, inspectionId: number): Promise<number | null> {
  const [r] = await tx.select().from(campaignInspections).where(eq(campaignInspections.inspectionId, inspectionId))
  return r?.campaignId ?? null
}

/** A campaign's hazard figures within the actor's reach. */
export async function campaignFigures(tx: Tx, actor: Actor, id: number, now: Date): Promise<{ campaign: CampaignRow; figures: HazardFigures; inspections: number }> {
  const [c] = await tx.select().from(campaigns).where(eq(campaigns.id, id))
  if (!c) throw new AppError('not_found', `没有找到专项行动 ${id}`)
  const figures = await hazardFigures(tx, actor, now, sql`hazards.campaign = ${c.name}`)
  const [n] = await tx.select({ n: sql<number>`count(*)::int` }).from(campaignInspections).where(eq(campaignInspections.campaignId, id))
  return { campaign: c, figures, inspections: Number(n?.n ?? 0) }
}
