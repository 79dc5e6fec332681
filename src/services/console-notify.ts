import { eq } from 'drizzle-orm'
import { schema, type Tx } from '../../db/client.js'
import { enqueue } from './outbox.js'
import { reporterExternalId, type HazardRow } from './hazards.js'

/**
 * Tells the hazard's group what an officer did in the console (the chat command would have answered there),
 * @-mentioning the reporter. Written in the caller's transaction; nothing when the hazard came from no group,
 * from another channel, or the bot is not logged in.
 */
export async function tellGroup(tx: Tx, channel: { name: string; account(): string | undefined }, h: HazardRow, text: string, now: Date): Promise<boolean> {
  if (h.groupId === null) return false
  const account = channel.account()
  if (!account) return false
  const [g] = await tx.select().from(schema.groups).where(eq(schema.groups.id, h.groupId))
  if (!g || g.channel !== channel.name) return false
  const reporter = await reporterExternalId(tx, h)
  await enqueue(tx, { channel: g.channel, account, chatId: g.externalId, isGroup: true, priority: 'normal', text, mentionIds: reporter ? [reporter] : [] }, now)
  return true
}
