import { pgTable, bigserial, text, timestamp, jsonb, index } from 'drizzle-orm/pg-core'

/**
 * Who did or read what, outside the hazard events (which audit the ledger itself): console and API changes,
 * exports, reads of personal data, sign-ins. Append-only.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    /** 'person' | 'token' | 'system' | 'chat' */
    actorKind: text('actor_kind').notNull(),
    /** person id, token name or job name */
    actorId: text('actor_id'),
    actorName: text('actor_name').notNull(),
    /** dotted verb, e.g. 'business.create', 'ledger.export', 'person.export', 'session.sign_in' */
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    /** what changed (before/after) or what was read; never secrets */
    detail: jsonb('detail').$type<Record<string, unknown>>(),
    requestId: text('request_id'),
  },
  (t) => [index('audit_log_at_idx').on(t.at), index('audit_log_target_idx').on(t.targetType, t.targetId)],
)
