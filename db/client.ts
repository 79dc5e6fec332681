import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { SQL } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import * as schema from './schema/index.js'
import { assertNotNewer } from './levels.js'
import { attachFileStore, directoryFileStore, type FileStore } from './files.js'

export { schema }
export type Schema = typeof schema
export type Db = PgDatabase<PgQueryResultHKT, Schema>
/** A database handle or a transaction on it: services take either. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0] | Db

/** How busy a handle's connections are, for the metrics: PGlite has one; postgres.js a pool of `size`. */
export interface PoolStats {
  size: number
  sample(): Promise<{ open: number; busy: number }>
}
const pools = new WeakMap<object, PoolStats>()
/** The pool statistics of a handle opened here (undefined for other handles). */
export const poolStatsOf = (db: Db): PoolStats | undefined => pools.get(db)

export const MIGRATIONS_FOLDER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations')

export interface Database {
  db: Db
  kind: 'pglite' | 'postgres'
  close(): Promise<void>
  /**
   * Runs the migrations of `folder` (default: this code's) not yet applied, after refusing a database newer
   * than this code (SchemaTooNewError). Postgres: on its own one-connection client under the advisory lock.
   */
  migrate(folder?: string): Promise<void>
  /** where attachments' bytes live when not in the database (embedded PGlite with a data directory) */
  files?: FileStore
}

interface DriverInternals {
  dialect: { sqlToQuery(q: SQL): { sql: string; params: unknown[] } }
  session: {
    client?: {
      /** postgres.js */
      unsafe?(q: string, p: unknown[], o: { prepare: boolean }): Promise<unknown[]>
      /** PGlite */
      query?(q: string, p: unknown[]): Promise<{ rows: unknown[] }>
    }
  }
}

/** A time as PostgreSQL reads it: a Date as its ISO string, anything else as it is. */
const isoTime = (v: unknown): unknown => (v instanceof Date ? v.toISOString() : v)

/**
 * Raw parameters with their Dates, alone or in arrays, as ISO strings. postgres.js guesses a parameter's type from
 * its value, and from an array's first element: a Date[] would be declared one timestamptz and fail to cast to
 * timestamptz[]; as strings the server reads the type from the statement.
 */
export function timeParams(params: unknown[]): unknown[] {
  const hasTime = (p: unknown) => p instanceof Date || (Array.isArray(p) && p.some((x) => x instanceof Date))
  return params.some(hasTime) ? params.map((p) => (Array.isArray(p) ? p.map(isoTime) : isoTime(p))) : params
}

/** A PostgreSQL array literal of strings (NULL for null). */
const arrayLiteral = (xs: unknown[]) => `{${xs.map((x) => (x == null ? 'NULL' : `"${String(x).replace(/[\\"]/g, '\\$&')}"`)).join(',')}}`

/**
 * drizzle's postgres.js client makes the serialisers of the time types pass values through as they are (it
 * serialises the columns it knows itself), so a Date bound anywhere else (a value in a sql`` fragment, a raw
 * statement's parameter) would reach the wire as an object and fail on PostgreSQL, while PGlite takes it.
 * These serialise Dates, and arrays for timestamptz[], and leave drizzle's strings alone.
 */
function serialiseTimes(serializers: Record<number, (v: unknown) => unknown>): void {
  for (const oid of [1114, 1184]) serializers[oid] = isoTime
  for (const oid of [1115, 1185]) serializers[oid] = (v) => (Array.isArray(v) ? arrayLiteral(v.map(isoTime)) : v)
}

/**
 * A statement with constant text and positional parameters ($1, $2 …), straight to the driver: on the busiest
 * path drizzle's SQL builder costs more CPU than the round trip. On postgres.js it runs as a named prepared
 * statement. Runs inside the caller's transaction when given one. Dates and arrays of Dates may be parameters.
 */
export async function query<T = Record<string, unknown>>(db: Tx, text: string, params: unknown[]): Promise<T[]> {
  const client = (db as unknown as DriverInternals).session?.client
  params = timeParams(params)
  if (client?.unsafe) return (await client.unsafe(text, params, { prepare: true })) as T[]
  if (client?.query) return (await client.query(text, params)).rows as T[]
  throw new Error('unsupported database driver')
}

/** A write that takes many rows in one statement: the router collects rows over a batch and runs it once. */
export type BulkWrite<R> = (tx: Tx, rows: R[]) => Promise<unknown>

/**
 * Rows of a raw query on either driver (postgres.js returns an array, PGlite `{ rows }`).
 * On postgres.js the statement is sent as a named prepared statement: drizzle sends every query
 * unprepared, so the server would parse and plan the hot-path statements again each time.
 */
export async function rows<T = Record<string, unknown>>(db: Tx, statement: SQL): Promise<T[]> {
  const internals = db as unknown as DriverInternals
  const client = internals.session?.client
  if (client?.unsafe) {
    const q = internals.dialect.sqlToQuery(statement)
    return (await client.unsafe(q.sql, timeParams(q.params), { prepare: true })) as T[]
  }
  const r = (await db.execute(statement)) as unknown
  return (Array.isArray(r) ? r : (r as { rows: T[] }).rows) as T[]
}

/** Opens embedded PGlite in `dataDir` (or in memory when dataDir is undefined, or from a dumped template). */
export async function openPglite(opts: {
  dataDir?: string
  loadDataDir?: Blob
  migrate?: boolean
  /** a directory for the bytes of attachments (db/files.ts), kept out of PGlite's memory */
  filesDir?: string
}): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite')
  const { drizzle } = await import('drizzle-orm/pglite')
  const client = new PGlite({ dataDir: opts.dataDir, loadDataDir: opts.loadDataDir })
  await client.waitReady
  // the one connection is busy while a statement or a transaction runs
  let inFlight = 0
  for (const m of ['query', 'exec', 'transaction'] as const) {
    const original = client[m].bind(client) as (...a: unknown[]) => Promise<unknown>
    ;(client as unknown as Record<string, unknown>)[m] = async (...a: unknown[]) => {
      inFlight++
      try {
        return await original(...a)
      } finally {
        inFlight--
      }
    }
  }
  const db = drizzle({ client, schema }) as unknown as Db
  pools.set(db, { size: 1, sample: async () => ({ open: 1, busy: inFlight > 0 ? 1 : 0 }) })
  const files = opts.filesDir ? directoryFileStore(opts.filesDir) : undefined
  if (files) attachFileStore(db, files)
  const migrateTo = async (folder = MIGRATIONS_FOLDER) => {
    const { migrate } = await import('drizzle-orm/pglite/migrator')
    await assertNotNewer(async (q) => (await client.query<Record<string, unknown>>(q)).rows, MIGRATIONS_FOLDER)
    await migrate(db as never, { migrationsFolder: folder })
  }
  if (opts.migrate !== false) await migrateTo()
  return { db, kind: 'pglite', close: () => client.close(), migrate: migrateTo, files }
}

/** The advisory lock migrations (session) and start-up seeding (transaction) take: instances started together wait in turn. */
export const MIGRATION_LOCK = 724_001

/**
 * postgres.js options for a URL. `?host=/var/run/postgresql` selects a Unix socket (as libpq does),
 * which costs less per round trip than loopback TCP when the app and PostgreSQL share a server.
 */
export function postgresTarget(url: string): { url: string; host?: string } {
  const u = new URL(url)
  const host = u.searchParams.get('host')
  if (!host?.startsWith('/')) return { url }
  u.searchParams.delete('host')
  return { url: u.toString(), host }
}

/** Opens PostgreSQL through postgres.js; migrations run on a separate one-connection client under an advisory lock. */
export async function openPostgres(url: string, opts: { max?: number; migrate?: boolean } = {}): Promise<Database> {
  const { default: postgres } = await import('postgres')
  const { drizzle } = await import('drizzle-orm/postgres-js')
  const target = postgresTarget(url)
  const host = target.host ? { host: target.host } : {}
  const migrateTo = async (folder = MIGRATIONS_FOLDER) => {
    const { migrate } = await import('drizzle-orm/postgres-js/migrator')
    const mc = postgres(target.url, { max: 1, onnotice: () => {}, ...host })
    try {
      await mc`select pg_advisory_lock(${MIGRATION_LOCK})`
      await assertNotNewer((q) => mc.unsafe(q), MIGRATIONS_FOLDER)
      await migrate(drizzle({ client: mc }), { migrationsFolder: folder })
      await mc`select pg_advisory_unlock(${MIGRATION_LOCK})`
    } finally {
      await mc.end({ timeout: 5 })
    }
  }
  if (opts.migrate !== false) await migrateTo()
  // the server's view of this process's connections (pg_stat_activity) is what the pool gauges report
  const applicationName = `commerce-safety-bot:${os.hostname()}:${process.pid}`.slice(0, 63)
  const client = postgres(target.url, {
    ...host,
    connection: { application_name: applicationName },
    max: opts.max ?? 10,
    onnotice: () => {},
    connect_timeout: 5,
    idle_timeout: 30,
    // fail fast while the server is unreachable, so chat gets "系统繁忙" at once instead of a silent queue
    backoff: () => 0.1,
  })
  const db = drizzle({ client, schema }) as unknown as Db
  serialiseTimes(client.options.serializers)
  pools.set(db, {
    size: opts.max ?? 10,
    async sample() {
      const [r] = await client.unsafe<{ open: number; busy: number }[]>(
        `select count(*)::int as open, count(*) filter (where state <> 'idle' and pid <> pg_backend_pid())::int as busy
           from pg_stat_activity where application_name = $1`,
        [applicationName],
      )
      return { open: r.open, busy: r.busy }
    },
  })
  return { db, kind: 'postgres', close: () => client.end({ timeout: 5 }), migrate: migrateTo }
}

