import { asc, eq, sql } from 'drizzle-orm'
import { schema, type Tx } from '../../../db/client.js'
import { AppError } from '../../core/errors.js'
import { industryLabel } from '../../core/domain.js'
import { regulationSeeds } from '../../../db/content/regulations.js'
import { pushToGroups, targetGroups } from '../pushes.js'

const { regulationItems } = schema
export type RegulationRow = typeof regulationItems.$inferSelect

export const REGULATION_STATUS: Record<RegulationRow['status'], string> = { draft: '待核', confirmed: '已确认', retired: '停用' }

/** Seeds the series as drafts by key; never touches an item already there (the bureau may have edited it). */
export async function seedRegulations(tx: Tx, now: Date): Promise<void> {
  await tx
    .insert(regulationItems)
    .values(regulationSeeds.map(([key, regulation, title, body, industries], i) => ({ key, regulation, title, body, industries, seq: i + 1, createdAt: now, updatedAt: now })))
    .onConflictDoNothing()
}

const view = (r: RegulationRow) => ({ ...r, statusLabel: REGULATION_STATUS[r.status], industryLabels: r.industries.map(industryLabel) })

export async function listRegulations(tx: Tx) {
  return (await tx.select().from(regulationItems).orderBy(asc(regulationItems.seq))).map(view)
}

/** Edits an item's text; `confirm` marks it checked against the regulation (待核 → 已确认), so it may be pushed. */
export async function editRegulation(tx: Tx, id: number, input: { title?: string; body?: string; industries?: string[]; status?: RegulationRow['status'] }, by: string, now: Date) {
  const [before] = await tx.select().from(regulationItems).where(eq(regulationItems.id, id))
  if (!before) throw new AppError('not_found', `没有找到宣贯条目 ${id}`)
  const confirming = input.status === 'confirmed' && before.status !== 'confirmed'
  const [after] = await tx
    .update(regulationItems)
    .set({
      title: input.title ?? before.title,
      body: input.body ?? before.body,
      industries: input.industries ?? before.industries,
      status: input.status ?? before.status,
      ...(confirming ? { confirmedBy: by, confirmedAt: now } : {}),
      updatedAt: now,
    })
    .where(eq(regulationItems.id, id))
    .returning()
  return { before: view(before), after: view(after) }
}

export function regulationText(r: Pick<RegulationRow, 'regulation' | 'title' | 'body'>): string {
  return `【法规标准宣贯】${r.regulation}\n${r.title}\n${r.body}`
}

/** Pushes one item to the groups of its industries (every group when it names none). Only a confirmed item goes. */
export async function pushRegulation(tx: Tx, id: number, now: Date, fallbackAccount?: string) {
  const [r] = await tx.select().from(regulationItems).where(eq(regulationItems.id, id))
  if (!r) throw new AppError('not_found', `没有找到宣贯条目 ${id}`)
  if (r.status !== 'confirmed') throw new AppError('invalid_state', `“${r.title}”还是${REGULATION_STATUS[r.status]}状态：请先核对原文并确认，再推送`)
  const { sent } = await pushToGroups(tx, await targetGroups(tx, { industries: r.industries }), regulationText(r), 'normal', now, { fallbackAccount })
  await tx.update(regulationItems).set({ lastSentAt: now }).where(eq(regulationItems.id, id))
  return { item: view(r), groups: sent.map((g) => g.name) }
}

/** The next confirmed item of the series: those never sent in order, then the one sent longest ago; null when none is confirmed. */
export async function nextRegulation(tx: Tx): Promise<RegulationRow | null> {
  const [next] = await tx
    .select()
    .from(regulationItems)
    .where(eq(regulationItems.status, 'confirmed'))
    .orderBy(sql`${regulationItems.lastSentAt} asc nulls first`, asc(regulationItems.seq))
    .limit(1)
  return next ?? null
}
