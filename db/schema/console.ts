import { pgTable, integer, text, timestamp, index } from 'drizzle-orm/pg-core'
import { createdAt } from './columns.js'
import { people } from './directory.js'

/** Console sign-in for a person: scrypt hash with a per-user salt; failures lock the name for a while. */
export const consoleCredentials = pgTable('console_credentials', {
  personId: integer('person_id')
    .primaryKey()
    .references(() => people.id),
  username: text('username').notNull().unique(),
  /** 'scrypt:N:r:p' */
  params: text('params').notNull(),
  salt: text('salt').notNull(),
  hash: text('hash').notNull(),
  failedAttempts: integer('failed_attempts').notNull().default(0),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
  lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
})

/** A signed-in browser. The cookie carries a random id; only its sha256 is stored. */
export const consoleSessions = pgTable(
  'console_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    csrfToken: text('csrf_token').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('console_sessions_person_idx').on(t.personId)],
)
