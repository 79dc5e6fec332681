import { pgTable, integer, text, timestamp, primaryKey } from 'drizzle-orm/pg-core'

/** Once per scheduled period: an instance claims (job, period) with a unique insert before it acts. */
export const jobRuns = pgTable(
  'job_runs',
  {
    job: text('job').notNull(),
    period: text('period').notNull(),
    instanceId: text('instance_id').notNull(),
    /** 'cron' | 'catch-up' | 'manual' */
    reason: text('reason').notNull(),
    /** claimed and done in one transaction: a row means the period ran */
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.job, t.period] })],
)

/** Deadline reminders and escalations already sent: at most one of a kind per hazard and day (or ever). */
export const hazardReminders = pgTable(
  'hazard_reminders',
  {
    hazardId: integer('hazard_id').notNull(),
    /** 'due' | 'overdue' | 'escalate_officer' | 'escalate_leaders' */
    kind: text('kind').notNull(),
    /** Shanghai date for daily kinds, '-' for once-only kinds */
    day: text('day').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.hazardId, t.kind, t.day] })],
)

/** Which channel account sits in which group chat, so a push names the account that can send it. */
export const groupAccounts = pgTable(
  'group_accounts',
  {
    channel: text('channel').notNull(),
    chatId: text('chat_id').notNull(),
    account: text('account').notNull(),
    seenAt: timestamp('seen_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.chatId] })],
)
