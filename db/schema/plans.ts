import { pgTable, serial, text, boolean, timestamp, jsonb, uniqueIndex } from 'drizzle-orm/pg-core'
import { createdAt } from './columns.js'
import { attachments } from './hazards.js'
import type { PlanFile } from '../../src/core/plan.js'

/**
 * The plans the bureau works under, as data (src/core/plan.ts validates each file): the 2024–2026 plan ships in
 * db/plans/ and is stored at first start; the bureau uploads the next one, or another county's. Several may be
 * active at once; the 规划目标 page and the documents use the one chosen.
 */
export const plans = pgTable('plans', {
  key: text('key').primaryKey(),
  title: text('title').notNull(),
  /** the validated plan file */
  body: jsonb('body').$type<PlanFile>().notNull(),
  active: boolean('active').notNull().default(true),
  /** 'bundled' (shipped in db/plans/) or 'uploaded' */
  source: text('source', { enum: ['bundled', 'uploaded'] }).notNull(),
  updatedBy: text('updated_by').notNull(),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
})

/** A generated document kept for download: the leaders' monthly progress report, one per month. */
export const reports = pgTable(
  'reports',
  {
    id: serial('id').primaryKey(),
    /** 'monthly' */
    kind: text('kind', { enum: ['monthly'] }).notNull(),
    /** the month reported on, 'YYYY-MM' */
    period: text('period').notNull(),
    title: text('title').notNull(),
    planKeys: text('plan_keys').array().notNull().default([]),
    fileSha256: text('file_sha256')
      .notNull()
      .references(() => attachments.sha256),
    /** the key figures announced with it */
    figures: jsonb('figures').$type<Record<string, unknown>>().notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('reports_kind_period_uq').on(t.kind, t.period)],
)
