import { once } from 'node:events'
import readline from 'node:readline'
import type { Readable, Writable } from 'node:stream'
import { MIGRATIONS_FOLDER, type Database, type Tx } from '../../db/client.js'
import { codeLevel, databaseLevel, describeLevel, isNewer, readJournal, SchemaTooNewError, truncatedMigrations, type SchemaLevel } from '../../db/levels.js'

/**
 * Backup and restore of every table of the public schema, whatever tables other parts add: JSON lines
 * (gzip'd by the CLI), portable between PGlite and PostgreSQL. Attachments are rows like any other.
 *
 *   {"format":"commerce-safety-bot-backup","version":1,"engine":…,"createdAt":…,"schema":{count,lastWhen,lastTag},"tables":[…]}
 *   {"table":"jurisdictions","columns":["id",…]}   then one {"r":{…row as to_jsonb…}} per row
 *   … tables in foreign-key order (referenced tables first) …
 *   {"sequences":[{"name":…,"value":…,"called":…}]}
 *   {"end":{"rows":{"jurisdictions":3,…}}}        a file without it is incomplete and is refused
 *
 * The backup reads one repeatable-read snapshot, so it is consistent while instances keep running.
 */
export const BACKUP_FORMAT = 'commerce-safety-bot-backup'
export const BACKUP_VERSION = 1

export type RestoreErrorCode = 'not_empty' | 'newer_backup' | 'other_schema' | 'bad_file'

/** A restore refused before anything was written; `exitCode` is what the CLI exits with. */
export class RestoreError extends Error {
  constructor(
    readonly code: RestoreErrorCode,
    message: string,
  ) {
    super(message)
  }
  get exitCode(): number {
    return { not_empty: 5, newer_backup: 4, other_schema: 6, bad_file: 6 }[this.code]
  }
}

interface Header {
  format: string
  version: number
  engine: string
  createdAt: string
  schema: SchemaLevel
  tables: string[]
}

interface DriverClient {
  unsafe?(q: string, p: unknown[]): Promise<unknown[]>
  query?(q: string, p: unknown[]): Promise<{ rows: unknown[] }>
}

/** One statement on either driver, unprepared (catalog names vary), in the given transaction when one. */
async function raw<T = Record<string, unknown>>(db: Tx, text: string, params: unknown[] = []): Promise<T[]> {
  const client = (db as unknown as { session: { client: DriverClient } }).session.client
  if (client.unsafe) return (await client.unsafe(text, params)) as T[]
  if (client.query) return (await client.query(text, params)).rows as T[]
  throw new Error('unsupported database driver')
}

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`

/** An attachments row as to_jsonb gave it, with the bytes from the file store when they live there: backups hold every file. */
async function withFileBytes(database: Database, j: string): Promise<string> {
  if (!database.files) return j
  const row = JSON.parse(j) as { sha256: string; bytes: string | null }
  if (row.bytes !== null) return j
  const bytes = await database.files.get(row.sha256)
  if (!bytes) return j
  return JSON.stringify({ ...row, bytes: '\\x' + bytes.toString('hex') })
}

/** On restore into a database with a file store: the row's bytes go to a file and the row keeps none. */
async function toFileStore(database: Database, j: string): Promise<string> {
  if (!database.files) return j
  const row = JSON.parse(j) as { sha256: string; bytes: string | null }
  if (typeof row.bytes !== 'string' || !row.bytes.startsWith('\\x')) return j
  await database.files.put(row.sha256, Buffer.from(row.bytes.slice(2), 'hex'))
  return JSON.stringify({ ...row, bytes: null })
}

interface TableInfo {
  name: string
  /** columns a row can be inserted with (not generated) */
  columns: string[]
  primaryKey: string[]
  hasIdentity: boolean
  hasBytes: boolean
}

interface ForeignKey {
  name: string
  child: string
  parent: string
  deferrable: boolean
}

interface Catalog {
  tables: Map<string, TableInfo>
  foreignKeys: ForeignKey[]
  sequences: string[]
  /** sequences that feed a column (serial, identity): table, column, sequence */
  owned: { table: string; column: string; sequence: string }[]
}

async function catalog(db: Tx): Promise<Catalog> {
  const cols = await raw<{ table: string; column: string; type: string; generated: boolean; identity: string }>(
    db,
    `select c.relname::text as table, a.attname::text as column, format_type(a.atttypid, a.atttypmod) as type,
            a.attgenerated <> '' as generated, a.attidentity::text as identity
       from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition and a.attnum > 0 and not a.attisdropped
      order by c.relname, a.attnum`,
  )
  const pks = await raw<{ table: string; column: string }>(
    db,
    `select c.relname::text as table, a.attname::text as column
       from pg_constraint p join pg_class c on c.oid = p.conrelid join pg_namespace n on n.oid = c.relnamespace
       cross join lateral unnest(p.conkey) with ordinality k(attnum, ord)
       join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
      where n.nspname = 'public' and p.contype = 'p'
      order by c.relname, k.ord`,
  )
  const tables = new Map<string, TableInfo>()
  for (const c of cols) {
    let t = tables.get(c.table)
    if (!t) tables.set(c.table, (t = { name: c.table, columns: [], primaryKey: [], hasIdentity: false, hasBytes: false }))
    if (c.generated) continue
    t.columns.push(c.column)
    if (c.identity === 'a') t.hasIdentity = true
    if (c.type === 'bytea') t.hasBytes = true
  }
  for (const p of pks) tables.get(p.table)?.primaryKey.push(p.column)
  const foreignKeys = (
    await raw<{ name: string; child: string; parent: string; deferrable: boolean }>(
      db,
      `select p.conname::text as name, c.relname::text as child, r.relname::text as parent, p.condeferrable as deferrable
         from pg_constraint p join pg_class c on c.oid = p.conrelid join pg_class r on r.oid = p.confrelid
         join pg_namespace n on n.oid = c.relnamespace join pg_namespace rn on rn.oid = r.relnamespace
        where p.contype = 'f' and n.nspname = 'public' and rn.nspname = 'public'
        order by p.conname`,
    )
  ).filter((f) => tables.has(f.child) && tables.has(f.parent))
  const sequences = (
    await raw<{ name: string }>(
      db,
      `select c.relname::text as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'S' order by c.relname`,
    )
  ).map((s) => s.name)
  const owned = await raw<{ table: string; column: string; sequence: string }>(
    db,
    `select t.relname::text as table, a.attname::text as column, s.relname::text as sequence
       from pg_depend d join pg_class s on s.oid = d.objid and s.relkind = 'S'
       join pg_class t on t.oid = d.refobjid join pg_namespace n on n.oid = t.relnamespace
       join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
      where n.nspname = 'public' and d.deptype in ('a', 'i')`,
  )
  return { tables, foreignKeys, sequences, owned }
}

/**
 * Tables with the ones they reference first. Self-references and cycles cannot be ordered: their
 * constraints are returned to be checked at commit instead (see `deferring`).
 */
export function foreignKeyOrder(tables: string[], fks: { name: string; child: string; parent: string }[]) {
  const remaining = new Set([...tables].sort())
  const order: string[] = []
  const deps = (t: string) => fks.filter((f) => f.child === t && f.parent !== t && remaining.has(f.parent))
  while (remaining.size) {
    const next = [...remaining].find((t) => deps(t).length === 0) ?? [...remaining][0] // a cycle: break it anywhere
    order.push(next)
    remaining.delete(next)
  }
  const pos = new Map(order.map((t, i) => [t, i]))
  const unordered = fks.filter((f) => pos.get(f.parent)! >= pos.get(f.child)!)
  return { order, unordered }
}

/** Writes a backup of every public table to `out` (one snapshot); returns the row counts. */
export async function backupDatabase(database: Database, out: Writable): Promise<{ schema: SchemaLevel; rows: Record<string, number> }> {
  const write = async (line: string) => {
    if (!out.write(line + '\n')) await once(out, 'drain')
  }
  return database.db.transaction(
    async (tx) => {
      const schema = await databaseLevel((q) => raw(tx, q), MIGRATIONS_FOLDER)
      const cat = await catalog(tx)
      const { order } = foreignKeyOrder([...cat.tables.keys()], cat.foreignKeys)
      const header: Header = { format: BACKUP_FORMAT, version: BACKUP_VERSION, engine: database.kind, createdAt: new Date().toISOString(), schema, tables: order }
      await write(JSON.stringify(header))
      const counts: Record<string, number> = {}
      for (const name of order) {
        const t = cat.tables.get(name)!
        await write(JSON.stringify({ table: name, columns: t.columns }))
        const orderBy = t.primaryKey.length ? ` order by ${t.primaryKey.map((c) => `t.${ident(c)}`).join(', ')}` : ''
        await raw(tx, `declare backup_rows no scroll cursor for select to_jsonb(t)::text as j from ${ident(name)} t${orderBy}`)
        // rows with files are fetched a few at a time so memory stays bounded
        const page = t.hasBytes ? 8 : 500
        let n = 0
        for (;;) {
          const rs = await raw<{ j: string }>(tx, `fetch ${page} from backup_rows`)
          for (const r of rs) await write(`{"r":${name === 'attachments' ? await withFileBytes(database, r.j) : r.j}}`)
          n += rs.length
          if (rs.length < page) break
        }
        await raw(tx, `close backup_rows`)
        counts[name] = n
      }
      // read last: sequences are not transactional, so this is at least what any row above used
      const sequences = []
      for (const s of cat.sequences) {
        const [v] = await raw<{ value: string; called: boolean }>(tx, `select last_value::text as value, is_called as called from ${ident(s)}`)
        sequences.push({ name: s, value: v.value, called: v.called })
      }
      await write(JSON.stringify({ sequences }))
      await write(JSON.stringify({ end: { rows: counts } }))
      return { schema, rows: counts }
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  )
}

/** Whether any public table holds a row. */
async function nonEmptyTables(db: Tx, cat: Catalog): Promise<string[]> {
  const out: string[] = []
  for (const t of cat.tables.keys()) {
    const [r] = await raw<{ any: boolean }>(db, `select exists(select 1 from ${ident(t)}) as any`)
    if (r.any) out.push(t)
  }
  return out
}

/** Lines of a backup, parsed lazily: row lines stay text (they go back to the database as JSON). */
async function* lines(input: Readable): AsyncGenerator<string> {
  const rl = readline.createInterface({ input, crlfDelay: Infinity })
  for await (const line of rl) if (line) yield line
}

function parseHeader(line: string | undefined): Header {
  let h: Header | undefined
  try {
    h = line ? (JSON.parse(line) as Header) : undefined
  } catch {
    h = undefined
  }
  if (!h || h.format !== BACKUP_FORMAT || !h.schema || !Array.isArray(h.tables)) {
    throw new RestoreError('bad_file', '这不是本系统的备份文件（或已损坏）。\nThis is not a backup file of this system (or it is damaged).')
  }
  if (h.version > BACKUP_VERSION) {
    throw new RestoreError('newer_backup', `备份文件格式版本 ${h.version} 比本程序新，请用新版本程序恢复。\nBackup format version ${h.version} is newer than this program: restore with a newer version.`)
  }
  return h
}

export interface RestoreOptions {
  /** empty every table first when the database is not empty */
  force?: boolean
  log?: (msg: string) => void
}

/**
 * Restores a backup into `database`: refuses a backup from a newer schema or a database that is not empty
 * (unless `force`), migrates the database to the backup's level, loads every table in one transaction
 * (all or nothing), sets the sequences, then runs the migrations the backup predates.
 */
export async function restoreDatabase(database: Database, input: Readable, opts: RestoreOptions = {}): Promise<{ schema: SchemaLevel; rows: Record<string, number> }> {
  const log = opts.log ?? (() => {})
  const it = lines(input)[Symbol.asyncIterator]()
  const header = parseHeader((await it.next()).value as string | undefined)
  const code = codeLevel(MIGRATIONS_FOLDER)
  if (isNewer(header.schema, code)) {
    throw new RestoreError(
      'newer_backup',
      `备份来自更新的数据库结构（${describeLevel(header.schema)} 个迁移），本程序只认识 ${describeLevel(code)} 个。请用新版本程序恢复。\n` +
        `The backup comes from a newer schema (${describeLevel(header.schema)} migrations); this program knows ${describeLevel(code)}. Restore it with a newer version.`,
    )
  }
  const journal = readJournal(MIGRATIONS_FOLDER)
  if (header.schema.count > 0 && journal[header.schema.count - 1]?.when !== header.schema.lastWhen) {
    throw new RestoreError(
      'other_schema',
      `备份的数据库结构（${describeLevel(header.schema)}）不属于本程序的迁移序列，无法恢复。\n` +
        `The backup's schema (${describeLevel(header.schema)}) is not in this program's migrations.`,
    )
  }
  const db = database.db
  const current = await databaseLevel((q) => raw(db, q), MIGRATIONS_FOLDER)
  if (isNewer(current, code)) throw new SchemaTooNewError(current, code)
  const full = await nonEmptyTables(db, await catalog(db))
  if (full.length && !opts.force) {
    throw new RestoreError(
      'not_empty',
      `目标数据库不是空的（${full.slice(0, 5).join('、')}${full.length > 5 ? ' 等' : ''} 表中已有数据），未做任何改动。\n` +
        `如确定要用备份覆盖其中全部数据，请加 --force 重新执行。\n` +
        `The target database is not empty (rows in ${full.slice(0, 5).join(', ')}${full.length > 5 ? ', …' : ''}); nothing was changed.\n` +
        `To replace all its data with the backup, run again with --force.`,
    )
  }
  // the rows fit the schema they were taken from; later migrations run over them afterwards
  if (header.schema.count > current.count) {
    const cut = truncatedMigrations(MIGRATIONS_FOLDER, header.schema.count)
    try {
      await database.migrate(cut.folder)
    } finally {
      cut.remove()
    }
  }
  const cat = await catalog(db)
  const rows: Record<string, number> = {}
  await db.transaction(async (tx) => {
    if (full.length) {
      log(`emptying ${cat.tables.size} tables (--force)`)
      await raw(tx, `truncate table ${[...cat.tables.keys()].map(ident).join(', ')} restart identity cascade`)
    }
    // the backup holds what triggers derived (summary counters): they must not fire again on the restored rows
    for (const t of cat.tables.keys()) await raw(tx, `alter table ${ident(t)} disable trigger user`)
    // constraints no table order can satisfy (self-references, cycles) are checked at commit instead
    const { unordered } = foreignKeyOrder(header.tables.filter((t) => cat.tables.has(t)), cat.foreignKeys)
    const deferred = cat.foreignKeys.filter((f) => unordered.some((u) => u.name === f.name && u.child === f.child))
    for (const f of deferred) await raw(tx, `alter table ${ident(f.child)} alter constraint ${ident(f.name)} deferrable initially deferred`)

    let table: TableInfo | undefined
    let insertCols: string[] = []
    let batch: string[] = []
    let batchChars = 0
    let ended: { rows: Record<string, number> } | undefined
    let sequences: { name: string; value: string; called: boolean }[] = []
    const flush = async () => {
      if (!batch.length || !table) return
      const cols = insertCols.map(ident).join(', ')
      await raw(
        tx,
        `insert into ${ident(table.name)} (${cols})${table.hasIdentity ? ' overriding system value' : ''}
         select ${cols} from jsonb_populate_recordset(null::${ident(table.name)}, $1::text::jsonb)`,
        [`[${batch.join(',')}]`],
      )
      rows[table.name] = (rows[table.name] ?? 0) + batch.length
      batch = []
      batchChars = 0
    }
    for (let r = await it.next(); !r.done; r = await it.next()) {
      const line = r.value as string
      if (line.startsWith('{"r":')) {
        if (!table) continue // a table this schema no longer has
        batch.push(table.name === 'attachments' ? await toFileStore(database, line.slice(5, -1)) : line.slice(5, -1))
        batchChars += line.length
        if (batch.length >= 500 || batchChars > 8_000_000) await flush()
        continue
      }
      await flush()
      const m = JSON.parse(line) as { table?: string; columns?: string[]; sequences?: typeof sequences; end?: { rows: Record<string, number> } }
      if (m.table) {
        table = cat.tables.get(m.table)
        if (!table) {
          log(`warning: table ${m.table} is not in this schema; its rows are skipped`)
          continue
        }
        const have = new Set(table.columns)
        insertCols = (m.columns ?? []).filter((c) => have.has(c))
        const dropped = (m.columns ?? []).filter((c) => !have.has(c))
        if (dropped.length) log(`warning: ${m.table}: columns ${dropped.join(', ')} are not in this schema; skipped`)
        rows[m.table] = 0
      } else if (m.sequences) sequences = m.sequences
      else if (m.end) ended = m.end
    }
    if (!ended) throw new RestoreError('bad_file', '备份文件不完整（缺少结尾），未做任何改动。\nThe backup file is incomplete (no end marker); nothing was changed.')
    for (const [t, n] of Object.entries(ended.rows)) {
      if (cat.tables.has(t) && rows[t] !== n) {
        throw new RestoreError('bad_file', `备份文件不完整：${t} 表应有 ${n} 行，读到 ${rows[t] ?? 0} 行。\nThe backup file is inconsistent: ${t} should have ${n} rows, found ${rows[t] ?? 0}.`)
      }
    }
    const known = new Set(cat.sequences)
    for (const s of sequences) {
      if (known.has(s.name)) await raw(tx, `select setval($1::regclass, $2::bigint, $3::boolean)`, [ident(s.name), s.value, s.called])
    }
    // never hand out an id a restored row already has
    for (const o of cat.owned) {
      await raw(
        tx,
        `select setval($1::regclass, m) from (select max(${ident(o.column)})::bigint as m from ${ident(o.table)}) x
          where m is not null and m >= (select case when is_called then last_value + 1 else last_value end from ${ident(o.sequence)})`,
        [ident(o.sequence)],
      )
    }
    // deferred checks run first: a table with pending trigger events cannot be altered
    if (deferred.length) await raw(tx, `set constraints all immediate`)
    for (const t of cat.tables.keys()) await raw(tx, `alter table ${ident(t)} enable trigger user`)
    if (deferred.length) {
      for (const f of deferred) {
        if (!f.deferrable) await raw(tx, `alter table ${ident(f.child)} alter constraint ${ident(f.name)} not deferrable`)
      }
    }
  })
  // migrations newer than the backup run over the restored rows
  await database.migrate()
  return { schema: header.schema, rows }
}
