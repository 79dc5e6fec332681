import { and, eq } from 'drizzle-orm'
import { schema, type Tx } from '../../db/client.js'
import { enqueue } from './outbox.js'
import type { ChatTarget } from './pushes.js'
import type { HazardRow } from './hazards.js'

const { groups, groupAccounts, identities } = schema

/**
 * Where a hazard was filed, to tell its reporter of what became of it: its group (through the account that
 * sits in it, or on the group's own channel the account `from` when none is recorded yet), else the reporter's
 * direct chat with the account that answered it. `mention` is the reporter's id on that chat's channel. Null
 * when no account can reach either.
 */
export async function hazardHome(tx: Tx, h: HazardRow, from?: { channel: string; account: string | undefined }): Promise<HazardHome | null> {
  const [reporter] = h.reporterIdentityId !== null ? await tx.select().from(identities).where(eq(identities.id, h.reporterIdentityId)) : []
  if (h.groupId !== null) {
    const [g] = await tx
      .select({ channel: groups.channel, chatId: groups.externalId, account: groupAccounts.account })
      .from(groups)
      .leftJoin(groupAccounts, and(eq(groupAccounts.channel, groups.channel), eq(groupAccounts.chatId, groups.externalId)))
      .where(eq(groups.id, h.groupId))
    const account = g?.account ?? (g && from?.channel === g.channel ? from.account : undefined)
    if (!g || !account) return null
    return { channel: g.channel, account, chatId: g.chatId, isGroup: true, mention: reporter?.channel === g.channel ? reporter.externalId : null }
  }
  if (!reporter) return null
  const [d] = await tx
    .select({ account: groupAccounts.account })
    .from(groupAccounts)
    .where(and(eq(groupAccounts.channel, reporter.channel), eq(groupAccounts.chatId, reporter.externalId)))
  return d ? { channel: reporter.channel, account: d.account, chatId: reporter.externalId, isGroup: false, mention: null } : null
}

export type HazardHome = ChatTarget & { mention: string | null }

/** Writes `text` where the hazard was filed, @-mentioning its reporter in a group; false when no account reaches it. */
export async function tellHome(tx: Tx, home: HazardHome | null, text: string, now: Date): Promise<boolean> {
  if (!home) return false
  const { mention, ...to } = home
  await enqueue(tx, { ...to, priority: 'normal', text, mentionIds: to.isGroup && mention ? [mention] : [] }, now)
  return true
}

/** What the reporter is told where the hazard was filed when it is voided. */
export function voidedText(h: HazardRow, by: string): string {
  return `您上报的隐患 ${h.code} 已作废：${h.voidReason}（${by}）。\n如有疑问请在群里说明，或重新上报。`
}
