import { createHash } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { schema, type Tx } from '../../db/client.js'

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
