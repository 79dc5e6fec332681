import { pgTable, bigint, integer, timestamp } from 'drizzle-orm/pg-core'

/**
 * How many parts of a split outbox message (a long text to a WeCom group robot) have gone out, so a retry
 * after a failure resumes at the next part instead of repeating the ones already in the group.
 */
export const outboxParts = pgTable('outbox_parts', {
  outboxId: bigint('outbox_id', { mode: 'number' }).primaryKey(),
  sentParts: integer('sent_parts').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
})
