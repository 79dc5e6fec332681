import { sql } from 'drizzle-orm'
import { rows, type Tx } from '../../db/client.js'

export const PRIORITY = { reply: 0, urgent: 1, normal: 2 } as const
export type Priority = keyof typeof PRIORITY

export interface OutboxItem {
  channel: string
  account: string
  chatId: string
  isGroup: boolean
  priority: Priority
  text?: string
  imageSha256?: string
  mentionIds?: string[]
  causeMessageId?: string
}

export function textArray(values: string[]) {
  return values.length ? sql`ARRAY[${sql.join(values.map((v) => sql`${v}`), sql`, `)}]::text[]` : sql`'{}'::text[]`
}

/**
 * Writes an outbound message in the caller's transaction; the sender delivers it after commit.
 * Raw SQL: this runs for every reply, and drizzle's insert builder costs more CPU than the round trip.
 */
export async function enqueue(tx: Tx, item: OutboxItem, now: Date): Promise<void> {
  const at = now.toISOString()
  await rows(tx, sql`insert into outbox
    (channel, account, chat_id, is_group, priority, text, image_sha256, mention_ids, cause_message_id, next_attempt_at, created_at)
    values (${item.channel}, ${item.account}, ${item.chatId}, ${item.isGroup}, ${PRIORITY[item.priority]}, ${item.text ?? null},
      ${item.imageSha256 ?? null}, ${textArray(item.mentionIds ?? [])}, ${item.causeMessageId ?? null}, ${at}::timestamptz, ${at}::timestamptz)`)
}
