import { and, eq, gt, sql } from 'drizzle-orm'
import { schema, type Db, type Tx } from '../../../db/client.js'
import type { InboundMessage } from '../../channels/types.js'
import type { AwaitSlot } from '../command.js'

/** The sender's unexpired awaiting slot in the chat (what the bot waits for from them there). */
function openSlotOf(m: InboundMessage, now: Date) {
  const a = schema.awaiting
  return and(eq(a.channel, m.channel), eq(a.chatId, m.chatId), eq(a.senderId, m.senderId), gt(a.expiresAt, now))
}

export async function openSlot(tx: Tx, m: InboundMessage, now: Date, lock: boolean): Promise<AwaitSlot | null> {
  const q = tx.select().from(schema.awaiting).where(openSlotOf(m, now))
  const [slot] = lock ? await q.for('update') : await q
  return slot ?? null
}

/** Whether anything is awaited from the sender: a photo is for the bot only then (read outside a transaction). */
export async function hasOpenSlot(db: Db, m: InboundMessage, now: Date): Promise<boolean> {
  const r = await db.select({ k: schema.awaiting.kind }).from(schema.awaiting).where(openSlotOf(m, now))
  return r.length > 0
}

/** One more photo taken for the sender's slot. */
export async function countSlotPhoto(tx: Tx, m: InboundMessage): Promise<void> {
  const a = schema.awaiting
  await tx
    .update(a)
    .set({ count: sql`${a.count} + 1` })
    .where(and(eq(a.channel, m.channel), eq(a.chatId, m.chatId), eq(a.senderId, m.senderId)))
}
