import { schema, type Tx } from '../../db/client.js'

export interface AuditEntry {
  actorKind: 'person' | 'token' | 'system' | 'chat'
  actorId?: string | number | null
  actorName: string
  action: string
  targetType?: string
  targetId?: string | number | null
  detail?: Record<string, unknown>
  requestId?: string
}

/** Appends one audit row in the caller's transaction (so it commits or rolls back with the change). */
export async function recordAudit(tx: Tx, entry: AuditEntry, now: Date): Promise<void> {
  await tx.insert(schema.auditLog).values({
    at: now,
    actorKind: entry.actorKind,
    actorId: entry.actorId == null ? null : String(entry.actorId),
    actorName: entry.actorName,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId == null ? null : String(entry.targetId),
    detail: entry.detail ?? null,
    requestId: entry.requestId ?? null,
  })
}
