import { pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core'
import { createdAt } from './columns.js'

/** One-time links to create the first console administrator: 30 minutes, single use; only the token's sha256 is kept. */
export const consoleSetupTokens = pgTable('console_setup_tokens', {
  id: serial('id').primaryKey(),
  tokenHash: text('token_hash').notNull().unique(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  createdAt: createdAt(),
})
