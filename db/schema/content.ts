import { pgTable, serial, integer, text, boolean, timestamp, primaryKey, index, bigserial } from 'drizzle-orm/pg-core'
import { createdAt } from './columns.js'
import { groups } from './directory.js'

/**
 * The content library: safety tips, warning cases, key-period reminders and weather-alert texts.
 * Seeded from `db/content/` by stable key (never overwriting what the bureau edited); the bureau adds, edits
 * and retires items through the admin API.
 */
export const contentItems = pgTable(
  'content_items',
  {
    id: serial('id').primaryKey(),
    /** stable key, e.g. 'tip:catering-gas-alarm', 'case:mall-fire-exit', 'period:spring_festival', 'alert:heat' */
    key: text('key').notNull().unique(),
    kind: text('kind', { enum: ['tip', 'case', 'period', 'duty', 'alert'] }).notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    /** industries (src/core/domain.ts keys); empty: every industry */
    industries: text('industries').array().notNull().default([]),
    /** seasons or key periods the item belongs to (src/core/calendar.ts keys); empty: any time */
    seasons: text('seasons').array().notNull().default([]),
    /** focus categories (src/core/domain.ts CATEGORIES keys, or plan focus words) */
    focus: text('focus').array().notNull().default([]),
    active: boolean('active').notNull().default(true),
    /** 'seed': as shipped; 'bureau': added or edited through the API (the seed never touches it again) */
    source: text('source', { enum: ['seed', 'bureau'] }).notNull().default('seed'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('content_items_kind_idx').on(t.kind, t.active)],
)

/** What was sent to which group, for rotation (never repeat before the rest of the pool went there). */
export const contentSends = pgTable(
  'content_sends',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    groupId: integer('group_id')
      .notNull()
      .references(() => groups.id),
    itemId: integer('item_id')
      .notNull()
      .references(() => contentItems.id),
    kind: text('kind').notNull(),
    /** the job period that sent it, e.g. 'safety-tips:2026-03-03' */
    jobPeriod: text('job_period'),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('content_sends_group_idx').on(t.groupId, t.kind, t.sentAt)],
)

/**
 * Dates the bureau sets or overrides per year: official days off of a holiday, the Two Sessions.
 * key: 'new_year' | 'spring_festival' | 'labour_day' | 'national_day' | 'two_sessions_provincial' | 'two_sessions_national'
 */
export const calendarDates = pgTable(
  'calendar_dates',
  {
    key: text('key').notNull(),
    year: integer('year').notNull(),
    /** YYYY-MM-DD, Asia/Shanghai */
    start: text('start').notNull(),
    end: text('end').notNull(),
    /** 'default' (seeded) | 'bureau' (set through the API; seeding never overwrites it) */
    source: text('source', { enum: ['default', 'bureau'] }).notNull().default('default'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.key, t.year] })],
)

/** The 24-hour duty roster (值班表) for a key period of a year, as the bureau wrote it. */
export const dutyRosters = pgTable(
  'duty_rosters',
  {
    periodKey: text('period_key').notNull(),
    year: integer('year').notNull(),
    text: text('text').notNull(),
    updatedBy: text('updated_by'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.periodKey, t.year] })],
)
