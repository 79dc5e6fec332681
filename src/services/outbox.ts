import { schema, type Tx } from '../../db/client.js'

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

/** Writes an outbound message in the caller's transaction; the sender delivers it after commit. */
export async function enqueue(tx: Tx, item: OutboxItem, now: Date): Promise<void> {
  await tx.insert(schema.outbox).values({
    channel: item.channel,
    account: item.account,
    chatId: item.chatId,
    isGroup: item.isGroup,
    priority: PRIORITY[item.priority],
    text: item.text ?? null,
    imageSha256: item.imageSha256 ?? null,
    mentionIds: item.mentionIds ?? [],
    causeMessageId: item.causeMessageId ?? null,
    nextAttemptAt: now,
    createdAt: now,
  })
}
