import { query, type BulkWrite, type Tx } from '../../db/client.js'

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

const INSERT_MANY = `insert into outbox
  (channel, account, chat_id, is_group, priority, text, image_sha256, mention_ids, cause_message_id, next_attempt_at, created_at)
  select channel, account, chat_id, is_group::boolean, priority::int, text, image_sha256,
    case when mentions = '' then '{}'::text[] else string_to_array(mentions, chr(31)) end, cause, at::timestamptz, at::timestamptz
  from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
    with ordinality as u(channel, account, chat_id, is_group, priority, text, image_sha256, mentions, cause, at, ord)
  order by ord`

/** Many outbound messages in one statement, in order (the router's replies over a batch). */
export const enqueueMany: BulkWrite<{ item: OutboxItem; now: Date }> = async (tx, rows) => {
  const col = <T>(f: (r: { item: OutboxItem; now: Date }) => T) => rows.map(f)
  await query(tx, INSERT_MANY, [
    col((r) => r.item.channel),
    col((r) => r.item.account),
    col((r) => r.item.chatId),
    col((r) => String(r.item.isGroup)),
    col((r) => String(PRIORITY[r.item.priority])),
    col((r) => r.item.text ?? null),
    col((r) => r.item.imageSha256 ?? null),
    col((r) => (r.item.mentionIds ?? []).join('\u001f')),
    col((r) => r.item.causeMessageId ?? null),
    col((r) => r.now.toISOString()),
  ])
}
