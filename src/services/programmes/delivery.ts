import { and, eq, isNull, or, inArray, arrayOverlaps, sql } from 'drizzle-orm'
import { schema, query, type Tx } from '../../../db/client.js'
import { enqueue, type Priority } from '../outbox.js'

export interface GroupTarget {
  id: number
  channel: string
  externalId: string
  name: string
  townshipId: number | null
  industries: string[]
}

/**
 * Registered groups that reach a scope: groups of the given townships plus city-wide ones, whose industries
 * overlap the given ones (groups without industries take every industry). Empty lists mean no restriction.
 */
export async function groupsFor(tx: Tx, scope: { townshipIds?: number[]; industries?: string[] } = {}): Promise<GroupTarget[]> {
  const g = schema.groups
  const where = [eq(g.registered, true)]
  if (scope.townshipIds?.length) where.push(or(isNull(g.townshipId), inArray(g.townshipId, scope.townshipIds))!)
  if (scope.industries?.length) where.push(or(sql`cardinality(${g.industries}) = 0`, arrayOverlaps(g.industries, scope.industries))!)
  return tx
    .select({ id: g.id, channel: g.channel, externalId: g.externalId, name: g.name, townshipId: g.townshipId, industries: g.industries })
    .from(g)
    .where(and(...where))
    .orderBy(g.id)
}

/** The account that last spoke in a chat (or on the channel): the one that sits there and can send. */
async function accountFor(tx: Tx, channel: string, chatId: string, fallback?: string): Promise<string | null> {
  const [r] = await query<{ account: string }>(
    tx,
    `select account from outbox where channel = $1 order by (chat_id = $2) desc, id desc limit 1`,
    [channel, chatId],
  )
  return r?.account ?? fallback ?? null
}

/** Writes one message per group to the outbox in the caller's transaction; returns the groups reached. */
export async function postToGroups(
  tx: Tx,
  targets: GroupTarget[],
  text: string | ((g: GroupTarget) => string | null),
  priority: Priority,
  now: Date,
  fallbackAccount?: string,
): Promise<GroupTarget[]> {
  const sent: GroupTarget[] = []
  for (const g of targets) {
    const t = typeof text === 'function' ? text(g) : text
    if (t === null) continue
    const account = await accountFor(tx, g.channel, g.externalId, fallbackAccount)
    if (!account) continue
    await enqueue(tx, { channel: g.channel, account, chatId: g.externalId, isGroup: true, priority, text: t }, now)
    sent.push(g)
  }
  return sent
}

/** The items of a list (businesses …) a group covers: its township (or the whole city) and its industries. */
export function coveredBy<T extends { townshipId: number | null; industry: string }>(g: GroupTarget, list: T[]): T[] {
  return list.filter((b) => (g.townshipId === null || b.townshipId === g.townshipId) && (!g.industries.length || g.industries.includes(b.industry)))
}
