import { and, eq, desc, sql, max, inArray } from 'drizzle-orm'
import { schema, type Tx } from '../../db/client.js'
import { seedContent } from '../../db/content/index.js'
import { AppError } from '../core/errors.js'
import { DATED_KEYS, defaultDates, type DateOverride } from '../core/calendar.js'
import { eligible, pickNext } from '../core/rotation.js'
import type { PushTarget } from './pushes.js'

const { contentItems, contentSends, calendarDates, dutyRosters } = schema
export type ContentItem = typeof contentItems.$inferSelect
export type ContentKind = ContentItem['kind']

/** Years whose default holiday dates are seeded for the bureau to confirm or correct (the libraries stop at 2026). */
export const SEEDED_CALENDAR_YEARS = [2027]

/**
 * Loads the shipped library by key: new items are added, shipped items the bureau never touched follow the
 * shipped text, anything the bureau added or edited stays as it is. Seeds default holiday dates likewise.
 */
export async function seedContentLibrary(tx: Tx, now: Date): Promise<void> {
  await tx
    .insert(contentItems)
    .values(
      seedContent.map((s) => ({
        key: s.key,
        kind: s.kind,
        title: s.title,
        body: s.body,
        industries: s.industries ?? [],
        seasons: s.seasons ?? [],
        focus: s.focus ?? [],
        source: 'seed' as const,
        createdAt: now,
        updatedAt: now,
      })),
    )
    .onConflictDoUpdate({
      target: contentItems.key,
      set: {
        title: sql`excluded.title`,
        body: sql`excluded.body`,
        industries: sql`excluded.industries`,
        seasons: sql`excluded.seasons`,
        focus: sql`excluded.focus`,
      },
      setWhere: sql`${contentItems.source} = 'seed' and (${contentItems.title}, ${contentItems.body}, ${contentItems.industries}, ${contentItems.seasons}, ${contentItems.focus}) is distinct from (excluded.title, excluded.body, excluded.industries, excluded.seasons, excluded.focus)`,
    })
  await tx
    .insert(calendarDates)
    .values(SEEDED_CALENDAR_YEARS.flatMap((year) => DATED_KEYS.map((key) => ({ key, year, ...defaultDates(key, year), source: 'default' as const, updatedAt: now }))))
    .onConflictDoNothing()
}

export async function calendarOverrides(tx: Tx): Promise<DateOverride[]> {
  return tx.select({ key: calendarDates.key, year: calendarDates.year, start: calendarDates.start, end: calendarDates.end, source: calendarDates.source }).from(calendarDates)
}

export async function itemByKey(tx: Tx, key: string): Promise<ContentItem | null> {
  const [i] = await tx.select().from(contentItems).where(eq(contentItems.key, key))
  return i ?? null
}

export async function dutyRoster(tx: Tx, periodKey: string, year: number): Promise<string | null> {
  const [r] = await tx.select().from(dutyRosters).where(and(eq(dutyRosters.periodKey, periodKey), eq(dutyRosters.year, year)))
  return r?.text ?? null
}

/** Active items of a kind. */
export async function activeItems(tx: Tx, kind: ContentKind): Promise<ContentItem[]> {
  return tx.select().from(contentItems).where(and(eq(contentItems.kind, kind), eq(contentItems.active, true))).orderBy(contentItems.id)
}

/** Item id → last time it was sent, per group, for the given groups. */
export async function lastSends(tx: Tx, kind: ContentKind, groupIds: number[]): Promise<Map<number, Map<number, number>>> {
  const out = new Map<number, Map<number, number>>()
  if (!groupIds.length) return out
  const rows = await tx
    .select({ groupId: contentSends.groupId, itemId: contentSends.itemId, at: max(contentSends.sentAt) })
    .from(contentSends)
    .where(and(eq(contentSends.kind, kind), inArray(contentSends.groupId, groupIds)))
    .groupBy(contentSends.groupId, contentSends.itemId)
  for (const r of rows) {
    let m = out.get(r.groupId)
    if (!m) out.set(r.groupId, (m = new Map()))
    m.set(r.itemId, new Date(r.at!).getTime())
  }
  return out
}

/** The next item of `kind` for each group by its scope and the seasons in force (rotation: least recently sent). */
export async function pickForGroups(tx: Tx, kind: ContentKind, targets: PushTarget[], seasons: readonly string[]): Promise<Map<number, ContentItem>> {
  const items = await activeItems(tx, kind)
  const history = await lastSends(tx, kind, targets.map((t) => t.id))
  const out = new Map<number, ContentItem>()
  for (const g of targets) {
    const pool = items.filter((i) => eligible(i, { industries: g.industries }, seasons))
    const next = pickNext(pool, history.get(g.id) ?? new Map(), seasons, `g${g.id}`)
    if (next) out.set(g.id, next)
  }
  return out
}

export async function recordSends(tx: Tx, kind: ContentKind, sends: { groupId: number; itemId: number }[], jobPeriod: string, now: Date): Promise<void> {
  if (!sends.length) return
  await tx.insert(contentSends).values(sends.map((s) => ({ ...s, kind, jobPeriod, sentAt: now })))
}

export interface ItemInput {
  kind: 'tip' | 'case' | 'period' | 'duty' | 'alert'
  title: string
  body: string
  industries?: string[]
  seasons?: string[]
  focus?: string[]
  key?: string
}

export async function listItems(tx: Tx, f: { kind?: ContentKind; active?: boolean }) {
  const where = [f.kind ? eq(contentItems.kind, f.kind) : undefined, f.active !== undefined ? eq(contentItems.active, f.active) : undefined].filter((x) => x !== undefined)
  return tx
    .select()
    .from(contentItems)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(contentItems.active), contentItems.kind, contentItems.id)
}

export async function addItem(tx: Tx, input: ItemInput, now: Date): Promise<ContentItem> {
  const key = input.key ?? `${input.kind}:bureau-${now.getTime().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`
  const [row] = await tx
    .insert(contentItems)
    .values({ key, kind: input.kind, title: input.title, body: input.body, industries: input.industries ?? [], seasons: input.seasons ?? [], focus: input.focus ?? [], source: 'bureau', createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .returning()
  if (!row) throw new AppError('conflict', `已有同一标识的内容：${key}`)
  return row
}

export async function editItem(tx: Tx, id: number, patch: Partial<Omit<ItemInput, 'kind' | 'key'>> & { active?: boolean }, now: Date): Promise<ContentItem> {
  const [row] = await tx
    .update(contentItems)
    .set({ ...patch, source: 'bureau', updatedAt: now })
    .where(eq(contentItems.id, id))
    .returning()
  if (!row) throw new AppError('not_found', '没有这条内容')
  return row
}
