import { createHash } from 'node:crypto'
import { eq, sql } from 'drizzle-orm'
import { rows, schema, type Tx } from '../../db/client.js'
import { authorize, type Actor } from '../core/permissions.js'
import { scopeWhere } from './hazards.js'
import { businessReach } from './scope.js'

/** Stores a file once by its sha256 and returns the hash. */
export async function storeAttachment(tx: Tx, bytes: Buffer, mime: string): Promise<string> {
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  await tx.insert(schema.attachments).values({ sha256, mime, size: bytes.length, bytes }).onConflictDoNothing()
  return sha256
}

export async function loadAttachment(tx: Tx, sha256: string): Promise<{ bytes: Buffer; mime: string } | null> {
  const [a] = await tx
    .select({ bytes: schema.attachments.bytes, mime: schema.attachments.mime })
    .from(schema.attachments)
    .where(eq(schema.attachments.sha256, sha256))
  return a ?? null
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
