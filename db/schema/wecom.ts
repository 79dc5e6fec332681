import { pgTable, bigint, integer, text, timestamp } from 'drizzle-orm/pg-core'

/**
 * How many parts of a split outbox message (a long text to a WeCom group robot) have gone out, so a retry
 * after a failure resumes at the next part instead of repeating the ones already in the group.
 */
export const outboxParts = pgTable('outbox_parts', {
  outboxId: bigint('outbox_id', { mode: 'number' }).primaryKey(),
  sentParts: integer('sent_parts').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
})

/**
 * The intelligent bot's `response_url` per message (callback mode): one use within an hour. Kept in the database
 * so whichever instance's sender takes the answer can use it, and use it once.
 */
export const wecomResponseUrls = pgTable('wecom_response_urls', {
  messageId: text('message_id').primaryKey(),
  chatId: text('chat_id').notNull(),
  url: text('url').notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
})
