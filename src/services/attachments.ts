import { createHash } from 'node:crypto'
import { eq, sql } from 'drizzle-orm'
import { rows, schema, type Tx } from '../../db/client.js'
import { fileStoreOf } from '../../db/files.js'
import { authorize, type Actor } from '../core/permissions.js'
import { scopeWhere } from './hazards.js'
import { businessReach } from './scope.js'

/**
 * Stores a file once by its sha256 and returns the hash. With a file store (embedded PGlite) the bytes go to a
 * file first and the row keeps only hash, type and size; a rolled-back transaction leaves an orphan file that
 * `removeOrphanFiles` deletes later.
 */
export async function storeAttachment(tx: Tx, bytes: Buffer, mime: string): Promise<string> {
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  const files = fileStoreOf(tx)
  if (files) await files.put(sha256, bytes)
  await tx
    .insert(schema.attachments)
    .values({ sha256, mime, size: bytes.length, bytes: files ? null : bytes })
    .onConflictDoNothing()
  return sha256
}

export async function loadAttachment(tx: Tx, sha256: string): Promise<{ bytes: Buffer; mime: string } | null> {
  const files = fileStoreOf(tx)
  // the bytes column is read only when they may be there (no store, or a row written before the store)
  const [a] = await tx
    .select({ mime: schema.attachments.mime, inDb: sql<boolean>`${schema.attachments.bytes} is not null` })
    .from(schema.attachments)
    .where(eq(schema.attachments.sha256, sha256))
  if (!a) return null
  if (files && !a.inDb) {
    const bytes = await files.get(sha256)
    return bytes ? { bytes, mime: a.mime } : null
  }
  const [b] = await tx.select({ bytes: schema.attachments.bytes }).from(schema.attachments).where(eq(schema.attachments.sha256, sha256))
  return b?.bytes ? { bytes: b.bytes, mime: a.mime } : null
}

/**
 * Deletes stored files no attachment row names (a transaction that wrote the file rolled back), older than
 * `minAgeMs` so a file whose transaction is still open is kept. Returns how many were removed.
 */
export async function removeOrphanFiles(tx: Tx, now: Date, minAgeMs = 3600_000): Promise<number> {
  const files = fileStoreOf(tx)
  if (!files) return 0
  let removed = 0
  for await (const f of files.list()) {
    if (now.getTime() - f.mtimeMs < minAgeMs) continue
    const [row] = await tx.select({ sha256: schema.attachments.sha256 }).from(schema.attachments).where(eq(schema.attachments.sha256, f.sha256))
    if (row) continue
    await files.remove(f.sha256)
    removed++
  }
  return removed
}

/**
 * Whether the actor may read a stored file: a photo of a hazard it may see (the ledger's scope rule), a notice's
 * picture or a task's file when it may see notices or tasks, a programme's file (a milestone's evidence, an exhibition's
 * plans, a business's responsibility system in its reach) when it may read programmes; actors who see every hazard (admins, leaders, viewers)
 * may read any file. 'missing': no such file, or one that belongs to nothing this rule knows.
 */
export async function attachmentAccess(tx: Tx, actor: Actor, sha256: string): Promise<'ok' | 'forbidden' | 'missing'> {
  const programme = authorize(actor, 'programme.read').ok
  const [r] = await rows<{ stored: boolean; hazard: boolean; visible: boolean; notice: boolean; task: boolean; cityFile: boolean; businessFile: boolean; reached: boolean }>(
    tx,
    sql`select exists (select 1 from attachments where sha256 = ${sha256}) as stored,
      exists (select 1 from hazard_attachments where sha256 = ${sha256}) as hazard,
      exists (select 1 from hazard_attachments ha join hazards on hazards.id = ha.hazard_id
        where ha.sha256 = ${sha256} and ${scopeWhere(actor) ?? sql`true`}) as visible,
      exists (select 1 from notices where image_sha256 = ${sha256}) as notice,
      exists (select 1 from task_files where sha256 = ${sha256}) as task,
      exists (select 1 from plan_milestones where evidence_sha256 = ${sha256})
        or exists (select 1 from exhibition_filings where ${sha256} in (safety_plan_sha256, emergency_plan_sha256, police_permit_sha256)) as "cityFile",
      exists (select 1 from responsibility_systems where attachment_sha256 = ${sha256}) as "businessFile",
      exists (select 1 from responsibility_systems rs join businesses on businesses.id = rs.business_id
        where rs.attachment_sha256 = ${sha256} and ${programme ? (businessReach(actor, 'programme.read') ?? sql`true`) : sql`false`}) as reached`,
  )
  if (!r.stored) return 'missing'
  const view = authorize(actor, 'hazard.view')
  if ((view.ok && view.reach === 'all') || r.visible) return 'ok'
  if (r.notice && authorize(actor, 'notice.view').ok) return 'ok'
  if (r.task && authorize(actor, 'task.view').ok) return 'ok'
  if (programme && (r.cityFile || r.reached)) return 'ok'
  return r.hazard || r.notice || r.task || r.cityFile || r.businessFile ? 'forbidden' : 'missing'
}
