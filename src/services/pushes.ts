import { and, arrayOverlaps, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm'
import { schema, type Tx } from '../../db/client.js'
import { PRIORITY, type Priority, type RichMessage } from './outbox.js'
import { chooseEndpoint, ROBOT_ACCOUNT, ROBOT_CHANNEL, type GroupEndpoint } from '../core/messages.js'

const { groups, groupAccounts } = schema

export interface PushTarget {
  id: number
  channel: string
  externalId: string
  name: string
  townshipId: number | null
  industries: string[]
  registered: boolean
  /** the channel account that sits in the group; null when no instance has seen it */
  account: string | null
  /** the group has a WeCom robot webhook (the key itself stays in the database) */
  hasWebhook: boolean
}

const targetColumns = {
  id: groups.id,
  channel: groups.channel,
  externalId: groups.externalId,
  name: groups.name,
  townshipId: groups.townshipId,
  industries: groups.industries,
  registered: groups.registered,
  account: groupAccounts.account,
  hasWebhook: sql<boolean>`${groups.webhookKey} is not null`.mapWith(Boolean),
}

/** Which registered groups a push reaches. Empty or absent lists mean no restriction. */
export interface GroupScope {
  /** groups of these townships (plus the city-wide ones, unless `cityWide` is false) */
  townshipIds?: number[]
  /** groups whose industries overlap these; a group without industries takes every industry */
  industries?: string[]
  /** only groups of this channel */
  channel?: string
  /** only groups of these channels (e.g. the puppet's and the push-only robots') */
  channels?: string[]
  /** with townships: also the groups of the whole city (no township); default true */
  cityWide?: boolean
}

/** Registered groups a push reaches, with the account that sends to each (from `group_accounts`). */
export async function targetGroups(tx: Tx, scope: GroupScope = {}): Promise<PushTarget[]> {
  const where: SQL[] = [eq(groups.registered, true)]
  if (scope.channel !== undefined) where.push(eq(groups.channel, scope.channel))
  if (scope.channels?.length) where.push(inArray(groups.channel, scope.channels))
  if (scope.townshipIds?.length) {
    const ofTownships = inArray(groups.townshipId, scope.townshipIds)
    where.push(scope.cityWide === false ? ofTownships : or(isNull(groups.townshipId), ofTownships)!)
  }
  if (scope.industries?.length) where.push(or(sql`cardinality(${groups.industries}) = 0`, arrayOverlaps(groups.industries, scope.industries))!)
  return tx
    .select(targetColumns)
    .from(groups)
    .leftJoin(groupAccounts, and(eq(groupAccounts.channel, groups.channel), eq(groupAccounts.chatId, groups.externalId)))
    .where(and(...where))
    .orderBy(groups.id)
}

/** The items of a list (businesses …) a group covers: its township (or the whole city) and its industries. */
export function coveredBy<T extends { townshipId: number | null; industry: string }>(g: Pick<PushTarget, 'townshipId' | 'industries'>, list: T[]): T[] {
  return list.filter((b) => (g.townshipId === null || b.townshipId === g.townshipId) && (!g.industries.length || g.industries.includes(b.industry)))
}

/** A group by name or chat id (the leaders' or bureau group), registered or not. */
export async function namedGroup(tx: Tx, nameOrId: string): Promise<PushTarget | null> {
  const [g] = await tx
    .select(targetColumns)
    .from(groups)
    .leftJoin(groupAccounts, and(eq(groupAccounts.channel, groups.channel), eq(groupAccounts.chatId, groups.externalId)))
    .where(or(eq(groups.externalId, nameOrId), eq(groups.name, nameOrId)))
    .orderBy(sql`${groups.externalId} = ${nameOrId} desc`)
    .limit(1)
  return g ?? null
}

/**
 * Where to post to a group by name or chat id (the leaders' group), whichever channel reported the cause: the
 * account that sits in it (or, on the group's own channel, the account `from` when none is recorded yet), else
 * its robot when robots are on. Null: no way to reach it.
 */
export async function groupRoute(tx: Tx, nameOrId: string, from: { channel: string; account: string }, robotsOn: boolean): Promise<GroupEndpoint | null> {
  const g = await namedGroup(tx, nameOrId)
  if (!g) return null
  return chooseEndpoint(g, g.account ?? (g.channel === from.channel ? from.account : null), robotsOn)
}

/** Writes one message per group to the outbox; groups no account sits in are returned, not sent. */
export async function pushToGroups(
  tx: Tx,
  targets: PushTarget[],
  text: string | ((g: PushTarget) => string | null),
  priority: Priority,
  now: Date,
  opts: { fallbackAccount?: string; imageSha256?: string; rich?: RichMessage } = {},
): Promise<{ sent: PushTarget[]; unreachable: PushTarget[] }> {
  const sent: PushTarget[] = []
  const unreachable: PushTarget[] = []
  const rows: (typeof schema.outbox.$inferInsert)[] = []
  for (const g of targets) {
    // a push-only group registered with its robot alone is served by the robot
    const account = g.account ?? (g.channel === ROBOT_CHANNEL ? ROBOT_ACCOUNT : opts.fallbackAccount)
    if (!account) {
      unreachable.push(g)
      continue
    }
    const t = typeof text === 'function' ? text(g) : text
    if (t === null) continue
    const row = { channel: g.channel, account, chatId: g.externalId, isGroup: true, priority: PRIORITY[priority], nextAttemptAt: now, createdAt: now }
    rows.push({ ...row, text: t, rich: opts.rich })
    if (opts.imageSha256) rows.push({ ...row, imageSha256: opts.imageSha256 })
    sent.push(g)
  }
  // one statement per push, however many groups (a tip to a thousand groups is one insert)
  for (let i = 0; i < rows.length; i += 1000) await tx.insert(schema.outbox).values(rows.slice(i, i + 1000))
  return { sent, unreachable }
}

/** Records which groups a channel account sits in (one statement), so pushes name the account that can send. */
export async function recordGroupAccounts(tx: Tx, channel: string, account: string, chats: { id: string }[], now: Date): Promise<void> {
  if (!chats.length) return
  const ids = [...new Set(chats.map((c) => c.id))]
  await tx
    .insert(groupAccounts)
    .values(ids.map((chatId) => ({ channel, chatId, account, seenAt: now })))
    .onConflictDoUpdate({ target: [groupAccounts.channel, groupAccounts.chatId], set: { account, seenAt: now } })
}

export async function townshipName(tx: Tx, id: number | null): Promise<string> {
  if (id === null) return '全市'
  const [t] = await tx.select({ name: schema.jurisdictions.name }).from(schema.jurisdictions).where(inArray(schema.jurisdictions.id, [id]))
  return t?.name ?? '全市'
}

/**
 * Fills a period's template. A one-day period (a year whose days off are not confirmed yet, e.g. 元旦 2027)
 * names its day instead of a range: 元旦（1月1日）, never 1月1日至1月1日.
 */
export function fillPeriod(template: string, p: { name: string; start: string; end: string }, values: Record<string, string> = {}): string {
  const md = (d: string) => `${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`
  const one = p.start === p.end ? template.replace('{name}假期（{start}至{end}）', '{name}（{start}）').replace(/\{start\}至\{end\}/g, '{start}') : template
  return fill(one, { name: p.name, start: md(p.start), end: md(p.end), ...values })
}

/** Fills {placeholders} of a content template. */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => values[k] ?? m)
}

export interface ChatTarget {
  channel: string
  account: string
  chatId: string
  isGroup: boolean
}

/**
 * Where a person can be written to directly: one of their chat identities whose direct chat an account has
 * answered (recorded by the router), the given channel first; else, on that channel, the given account
 * (it can write to its contacts). Null when neither is known.
 */
export async function directTarget(tx: Tx, personId: number, prefer?: { channel: string; account: string | null }): Promise<ChatTarget | null> {
  const { identities } = schema
  const rows = await tx
    .select({ channel: identities.channel, externalId: identities.externalId, account: groupAccounts.account })
    .from(identities)
    .leftJoin(groupAccounts, and(eq(groupAccounts.channel, identities.channel), eq(groupAccounts.chatId, identities.externalId)))
    .where(eq(identities.personId, personId))
    .orderBy(sql`${identities.channel} = ${prefer?.channel ?? ''} desc`, identities.id)
  const known = rows.find((r) => r.account)
  if (known) return { channel: known.channel, account: known.account!, chatId: known.externalId, isGroup: false }
  const same = prefer?.account ? rows.find((r) => r.channel === prefer.channel) : undefined
  return same ? { channel: same.channel, account: prefer!.account!, chatId: same.externalId, isGroup: false } : null
}
