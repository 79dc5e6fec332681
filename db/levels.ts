import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * Schema levels: how far the migrations in `db/migrations` go (the journal) and how far a database went
 * (drizzle's `drizzle.__drizzle_migrations`, one row per applied migration, `created_at` = the journal's `when`).
 */
export interface JournalEntry {
  idx: number
  when: number
  tag: string
}

export interface SchemaLevel {
  /** migrations applied (or known) */
  count: number
  /** the `when` of the last one (what drizzle's migrator compares); 0 when none */
  lastWhen: number
  /** its tag, when known */
  lastTag: string | null
}

export function readJournal(folder: string): JournalEntry[] {
  const j = JSON.parse(fs.readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] }
  return j.entries
}

export function codeLevel(folder: string): SchemaLevel {
  const e = readJournal(folder)
  const last = e[e.length - 1]
  return { count: e.length, lastWhen: last?.when ?? 0, lastTag: last?.tag ?? null }
}

export function describeLevel(l: SchemaLevel): string {
  return l.count === 0 ? '0 (空 / empty)' : `${l.count} (${l.lastTag ?? '?'}, ${new Date(l.lastWhen).toISOString()})`
}

/** The database's level; `run` sends one statement (either driver) and returns its rows. */
export async function databaseLevel(
  run: (text: string) => Promise<Record<string, unknown>[]>,
  folder: string,
): Promise<SchemaLevel> {
  const [t] = await run(`select to_regclass('drizzle.__drizzle_migrations') is not null as present`)
  if (!t?.present) return { count: 0, lastWhen: 0, lastTag: null }
  const [r] = await run(`select count(*)::int as n, coalesce(max(created_at), 0)::text as last from drizzle.__drizzle_migrations`)
  const lastWhen = Number(r.last)
  const entry = readJournal(folder).find((e) => e.when === lastWhen)
  return { count: Number(r.n), lastWhen, lastTag: entry?.tag ?? null }
}

/** The database went further than this code: starting (or migrating) would run old code on a newer schema. */
export class SchemaTooNewError extends Error {
  readonly exitCode = 4
  constructor(
    readonly database: SchemaLevel,
    readonly code: SchemaLevel,
  ) {
    super(
      `数据库的结构版本比本程序新：数据库已应用 ${describeLevel(database)} 个迁移，本程序只认识 ${describeLevel(code)} 个。` +
        `请升级程序到与数据库相同或更新的版本后再启动（不要用旧版本程序连接新数据库）。\n` +
        `The database schema is newer than this program: the database has ${describeLevel(database)} migrations applied, ` +
        `this program knows ${describeLevel(code)}. Upgrade the program to the database's version or later before starting it.`,
    )
  }
}

export function isNewer(a: SchemaLevel, b: SchemaLevel): boolean {
  return a.count > b.count || a.lastWhen > b.lastWhen
}

/** Refuses a database with migrations this code does not know. */
export async function assertNotNewer(run: (text: string) => Promise<Record<string, unknown>[]>, folder: string): Promise<void> {
  const db = await databaseLevel(run, folder)
  const code = codeLevel(folder)
  if (isNewer(db, code)) throw new SchemaTooNewError(db, code)
}

/** A copy of the migrations folder whose journal stops after `count` entries (to migrate to an older level). */
export function truncatedMigrations(folder: string, count: number): { folder: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csb-migrations-'))
  fs.cpSync(folder, dir, { recursive: true })
  const file = path.join(dir, 'meta', '_journal.json')
  const j = JSON.parse(fs.readFileSync(file, 'utf8')) as { entries: JournalEntry[] }
  j.entries = j.entries.slice(0, count)
  fs.writeFileSync(file, JSON.stringify(j))
  return { folder: dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) }
}
