import { pgTable, bigserial, integer, text, date, bigint, doublePrecision, primaryKey } from 'drizzle-orm/pg-core'

/**
 * Summary counters over hazards, so the overview and the statistics table stay fast on millions of rows.
 * Kept by a trigger on `hazards` (custom migration db/migrations/0004_exports_summary.sql) in the same transaction as the change: the trigger only
 * appends to `hazard_count_deltas` (no row locks shared between transactions on the chat's hot path), and
 * `hazard_counts_fold()` folds the deltas into `hazard_counts`. Readers sum both.
 *
 * Kinds: 'status' (current hazards by status; month unused), 'found' / 'found_closed' / 'found_transferred' /
 * 'found_listed' (by month found), 'closed' (by month closed; `days` sums the days from report to close).
 * Unused key parts hold sentinels (0, '', '1970-01-01') so the key can be a primary key.
 */
const key = {
  kind: text('kind').notNull(),
  townshipId: integer('township_id').notNull(),
  industry: text('industry').notNull(),
  category: text('category').notNull(),
  grade: text('grade').notNull(),
  status: text('status').notNull(),
  month: date('month', { mode: 'string' }).notNull(),
}

export const hazardCounts = pgTable(
  'hazard_counts',
  {
    ...key,
    n: bigint('n', { mode: 'number' }).notNull(),
    days: doublePrecision('days').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.kind, t.townshipId, t.industry, t.category, t.grade, t.status, t.month] })],
)

export const hazardCountDeltas = pgTable('hazard_count_deltas', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  ...key,
  n: bigint('n', { mode: 'number' }).notNull(),
  days: doublePrecision('days').notNull().default(0),
})
