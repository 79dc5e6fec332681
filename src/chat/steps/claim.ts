import { and, eq } from 'drizzle-orm'
import { schema, query, type Tx } from '../../../db/client.js'
import type { InboundMessage } from '../../channels/types.js'

/** How a message ended, as the inbound ledger records it. */
export type Outcome = 'ignored' | 'duplicate' | 'stale' | 'handled' | 'refused' | 'usage' | 'photo' | 'busy'

const CLAIM = `insert into inbound_messages (channel, message_id, chat_id, sender_id, outcome, received_at)
  values ($1, $2, $3, $4, $5, $6::timestamptz) on conflict do nothing returning 1 as claimed`

/**
 * The claim step: the message id is recorded in the transaction that acts on it, so a replay or a
 * redelivery changes nothing. False when it was handled before. (Batched claims: `Writes.claim`.)
 */
export async function claim(tx: Tx, m: InboundMessage, outcome: Outcome, now: Date): Promise<boolean> {
  const r = await query(tx, CLAIM, [m.channel, m.messageId, m.chatId, m.senderId, outcome, now.toISOString()])
  return r.length > 0
}

/** Records how a claimed message ended when it was not simply handled. */
export async function setOutcome(tx: Tx, m: InboundMessage, outcome: Outcome): Promise<void> {
  await tx
    .update(schema.inboundMessages)
    .set({ outcome })
    .where(and(eq(schema.inboundMessages.channel, m.channel), eq(schema.inboundMessages.messageId, m.messageId)))
}

/** Too old to act on (a replay after a reconnect): answered with a request to resend, never acted on. */
export function isStale(m: InboundMessage, now: Date, maxAgeSeconds: number): boolean {
  return now.getTime() - m.sentAt.getTime() > maxAgeSeconds * 1000
}
