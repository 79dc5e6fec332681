import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { pipeline } from 'node:stream/promises'
import { PassThrough } from 'node:stream'
import { loadConfig, ConfigError, type AppConfig } from '../config.js'
import { sql } from 'drizzle-orm'
import { openPglite, openPostgres, rows, type Database } from '../../db/client.js'
import { SchemaTooNewError } from '../../db/levels.js'
import { lockDataDir } from '../data-lock.js'
import { backupDatabase, restoreDatabase, RestoreError } from './backup.js'

/**
 * `npm run backup -- FILE` and `npm run restore -- FILE [--force]` (compiled: `node dist/src/ops/cli.js …`).
 * Same database choice as the service: DATABASE_URL, else PGlite in DATA_DIR (the service must be stopped:
 * PGlite serves one process). Exit codes: 0 done, 1 failed, 2 bad configuration or usage, 3 the data directory
 * is in use, 4 backup or database from a newer schema, 5 target not empty (use --force), 6 not a valid backup.
 */
const USAGE = '用法 / usage:\n  npm run backup -- 文件.jsonl.gz\n  npm run restore -- 文件.jsonl.gz [--force]'

async function open(config: AppConfig, migrate: boolean): Promise<{ database: Database; release(): void; where: string }> {
  if (config.DATABASE_URL) {
    const u = new URL(config.DATABASE_URL)
    return { database: await openPostgres(config.DATABASE_URL, { max: 2, migrate }), release: () => {}, where: `PostgreSQL ${u.host}${u.pathname}` }
  }
  const dir = path.resolve(config.DATA_DIR)
  const unlock = lockDataDir(dir)
  try {
    return { database: await openPglite({ dataDir: path.join(dir, 'pglite'), filesDir: path.join(dir, 'files'), migrate }), release: unlock, where: `PGlite ${dir}` }
  } catch (e) {
    unlock()
    throw e
  }
}

export async function runCli(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  const [command, ...rest] = argv
  const force = rest.includes('--force')
  const file = rest.find((a) => !a.startsWith('--'))
  if ((command !== 'backup' && command !== 'restore') || !file) {
    console.error(USAGE)
    return 2
  }
  let config: AppConfig
  try {
    config = loadConfig(env)
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message)
      return 2
    }
    throw e
  }
  if (command === 'restore' && !fs.existsSync(file)) {
    console.error(`找不到备份文件 / backup file not found: ${file}`)
    return 2
  }
  let opened: Awaited<ReturnType<typeof open>>
  try {
    // a backup reads the database as it is; a restore brings it to the backup's level itself
    opened = await open(config, false)
  } catch (e) {
    if (/in use by process/.test((e as Error).message)) {
      console.error(`${(e as Error).message}\n备份/恢复 PGlite 数据前请先停止服务。 Stop the service before a PGlite backup or restore.`)
      return 3
    }
    throw e
  }
  const { database, release, where } = opened
  const started = Date.now()
  try {
    if (command === 'backup') {
      const tmp = `${file}.partial`
      const gzip = zlib.createGzip()
      const out = fs.createWriteStream(tmp)
      const done = pipeline(gzip, out)
      let r
      try {
        r = await backupDatabase(database, gzip)
        gzip.end()
        await done
      } catch (e) {
        gzip.destroy()
        await done.catch(() => {})
        fs.rmSync(tmp, { force: true })
        throw e
      }
      fs.renameSync(tmp, file) // a failed backup never leaves a file that looks complete
      const total = Object.values(r.rows).reduce((a, b) => a + b, 0)
      console.log(`备份完成 / backup written: ${file} (${where}, ${Object.keys(r.rows).length} tables, ${total} rows, ${fs.statSync(file).size} bytes, ${Date.now() - started} ms)`)
    } else {
      if (database.kind === 'postgres') {
        const [r] = await rows<{ n: number }>(
          database.db,
          sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and application_name like 'commerce-safety-bot:%'`,
        )
        if (r.n > 0) console.error(`注意：有 ${r.n} 个服务连接仍连着这个数据库，恢复前请先停止所有实例。\nWarning: ${r.n} service connections are still open on this database; stop every instance before restoring.`)
      }
      const input = new PassThrough()
      const reading = pipeline(fs.createReadStream(file), zlib.createGunzip(), input)
      reading.catch((e) => input.destroy(e as Error))
      const r = await restoreDatabase(database, input, { force, log: (m) => console.error(m) })
      const total = Object.values(r.rows).reduce((a, b) => a + b, 0)
      console.log(`恢复完成 / restored: ${file} → ${where} (${Object.keys(r.rows).length} tables, ${total} rows, ${Date.now() - started} ms)`)
    }
    return 0
  } catch (e) {
    if (e instanceof RestoreError || e instanceof SchemaTooNewError) {
      console.error(e.message)
      return e.exitCode
    }
    if ((e as NodeJS.ErrnoException).code === 'Z_DATA_ERROR' || (e as NodeJS.ErrnoException).code === 'Z_BUF_ERROR') {
      console.error('这不是本系统的备份文件（或已损坏）。\nThis is not a backup file of this system (or it is damaged).')
      return 6
    }
    console.error(e)
    return 1
  } finally {
    await database.close()
    release()
  }
}

if (process.argv[1] && /ops[\\/]cli\.[jt]s$/.test(process.argv[1])) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e)
      process.exit(1)
    },
  )
}
