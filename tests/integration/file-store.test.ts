/**
 * Issue 13 item 8: on the embedded database the bytes of photos live in a content-addressed file store beside
 * it, not in PGlite's memory; backups carry the files and restores put them back; orphan files are removed.
 * (Without a store, as on PostgreSQL, the bytes stay in the database for every instance to read.)
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createHash } from 'node:crypto'
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { eq } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { attachFileStore, directoryFileStore, type FileStore } from '../../db/files.js'
import { backupDatabase, restoreDatabase } from '../../src/ops/backup.js'
import { loadAttachment, removeOrphanFiles } from '../../src/services/attachments.js'
import { startTestApp, seedBasics, type TestApp, type Seed } from '../helpers/app.js'
import { testDatabase, type TestDatabase } from '../helpers/db.js'
import { memoryFile } from '../helpers/ledger.js'

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

function withStore(database: TestDatabase, dir: string): FileStore {
  const files = directoryFileStore(dir)
  attachFileStore(database.db, files)
  database.files = files
  return files
}

describe('attachments in a file store beside the embedded database', () => {
  let t: TestApp
  let s: Seed
  let dir: string
  let files: FileStore
  let photoSha: string
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csb-files-'))
    const database = await testDatabase()
    files = withStore(database, path.join(dir, 'files'))
    t = await startTestApp({ database })
    s = await seedBasics(t)
  })
  afterAll(async () => {
    await t?.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('when a photo comes in chat, then its bytes are a file named by their hash and the row holds none', async () => {
    await t.say('owner', s.group, '#隐患 后厨燃气软管老化开裂')
    await t.photo('owner', s.group)
    const [link] = await t.database.db.select().from(schema.hazardAttachments)
    photoSha = link.sha256
    const [row] = await t.database.db.select().from(schema.attachments).where(eq(schema.attachments.sha256, photoSha))
    expect(row.bytes).toBeNull()
    expect(row.size).toBeGreaterThan(0)
    const file = fs.readFileSync(path.join(dir, 'files', photoSha.slice(0, 2), photoSha))
    expect(sha(file)).toBe(photoSha)
    expect(file.length).toBe(row.size)
    // served as before
    const r = await t.app.http.inject({ method: 'GET', url: `/api/attachments/${photoSha}` })
    expect(r.statusCode).toBe(200)
    expect(sha(r.rawPayload)).toBe(photoSha)
  })

  it('when backed up and restored, then the file travels inside the backup: into PostgreSQL-style rows or into a new store', async () => {
    const backup = memoryFile()
    await backupDatabase(t.database, backup.out)
    expect(backup.text()).toMatch(/"bytes": ?"\\\\x[0-9a-f]+"/)

    const plain = await testDatabase()
    try {
      await restoreDatabase(plain, backup.read())
      const a = await loadAttachment(plain.db, photoSha)
      expect(a && sha(a.bytes)).toBe(photoSha)
      const [row] = await plain.db.select().from(schema.attachments).where(eq(schema.attachments.sha256, photoSha))
      expect(row.bytes).not.toBeNull()
    } finally {
      await plain.close()
    }

    const stored = await testDatabase()
    try {
      const other = withStore(stored, path.join(dir, 'restored'))
      await restoreDatabase(stored, backup.read())
      const [row] = await stored.db.select().from(schema.attachments).where(eq(schema.attachments.sha256, photoSha))
      expect(row.bytes).toBeNull()
      expect(sha((await other.get(photoSha))!)).toBe(photoSha)
      const a = await loadAttachment(stored.db, photoSha)
      expect(a && sha(a.bytes)).toBe(photoSha)
    } finally {
      await stored.close()
    }
  })

  it('when a file has no row (its transaction rolled back), then clean-up removes it once it is an hour old', async () => {
    const orphan = Buffer.from('a file whose transaction rolled back')
    await files.put(sha(orphan), orphan)
    const young = Buffer.from('a file whose transaction is still open')
    await files.put(sha(young), young)
    const old = new Date(Date.now() - 2 * 3600_000)
    fs.utimesSync(path.join(dir, 'files', sha(orphan).slice(0, 2), sha(orphan)), old, old)
    fs.utimesSync(path.join(dir, 'files', photoSha.slice(0, 2), photoSha), old, old)
    expect(await removeOrphanFiles(t.database.db, new Date())).toBe(1)
    expect(await files.get(sha(orphan))).toBeNull()
    expect(await files.get(sha(young))).not.toBeNull()
    expect(await files.get(photoSha)).not.toBeNull()
  })
})
