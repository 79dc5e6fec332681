import { query, type Tx } from '../../db/client.js'

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

const INSERT = `insert into outbox
  (channel, account, chat_id, is_group, priority, text, image_sha256, mention_ids, cause_message_id, next_attempt_at, created_at)
  values ($1, $2, $3, $4, $5, $6, $7, $8::text[], $9, $10::timestamptz, $10::timestamptz)`

/**
 * Writes an outbound message in the caller's transaction; the sender delivers it after commit.
 * Constant SQL: this runs for every reply, and drizzle's builder costs more CPU than the round trip.
 */
export async function enqueue(tx: Tx, item: OutboxItem, now: Date): Promise<void> {
  await query(tx, INSERT, [
    item.channel,
    item.account,
    item.chatId,
    item.isGroup,
    PRIORITY[item.priority],
    item.text ?? null,
    item.imageSha256 ?? null,
    item.mentionIds ?? [],
    item.causeMessageId ?? null,
    now.toISOString(),
  ])
}
