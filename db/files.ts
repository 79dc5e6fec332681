import fs from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'

/**
 * A content-addressed file store beside the embedded database's data directory: the bytes of photos and files
 * live in `<dir>/ab/abcdef…` (the sha256), so they never pass through PGlite's memory, which keeps its WASM heap
 * after a peak. The `attachments` row keeps the hash, type and size with `bytes` null. On PostgreSQL no store is
 * attached and the bytes stay in the database, where every instance reads them.
 */
export interface FileStore {
  readonly dir: string
  put(sha256: string, bytes: Buffer): Promise<void>
  get(sha256: string): Promise<Buffer | null>
  remove(sha256: string): Promise<void>
  /** every stored file, with its modification time */
  list(): AsyncIterable<{ sha256: string; mtimeMs: number }>
}

const SHA = /^[0-9a-f]{64}$/

export function directoryFileStore(dir: string): FileStore {
  const where = (sha: string) => {
    if (!SHA.test(sha)) throw new Error(`not a sha256: ${sha}`)
    return path.join(dir, sha.slice(0, 2), sha)
  }
  fs.mkdirSync(dir, { recursive: true })
  return {
    dir,
    async put(sha, bytes) {
      const file = where(sha)
      if (fs.existsSync(file)) return
      await fs.promises.mkdir(path.dirname(file), { recursive: true })
      // written whole under a temporary name, then renamed: a reader never sees half a file
      const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`
      await fs.promises.writeFile(tmp, bytes, { flush: true })
      await fs.promises.rename(tmp, file)
    },
    async get(sha) {
      try {
        return await fs.promises.readFile(where(sha))
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
        throw e
      }
    },
    async remove(sha) {
      await fs.promises.rm(where(sha), { force: true })
    },
    async *list() {
      for (const sub of await fs.promises.readdir(dir).catch(() => [] as string[])) {
        if (!/^[0-9a-f]{2}$/.test(sub)) continue
        for (const name of await fs.promises.readdir(path.join(dir, sub))) {
          if (!SHA.test(name)) continue
          const st = await fs.promises.stat(path.join(dir, sub, name)).catch(() => null)
          if (st) yield { sha256: name, mtimeMs: st.mtimeMs }
        }
      }
    },
  }
}

// keyed by the drizzle dialect, which a database and all its transactions share
const stores = new WeakMap<object, FileStore>()
const key = (db: unknown) => (db as { dialect: object }).dialect

/** Attaches a file store to a database: attachments written through it (or its transactions) go to the store. */
export function attachFileStore(db: unknown, store: FileStore): void {
  stores.set(key(db), store)
}

/** The file store of a database or one of its transactions; undefined: bytes live in the database. */
export function fileStoreOf(db: unknown): FileStore | undefined {
  const k = key(db)
  return k ? stores.get(k) : undefined
}
