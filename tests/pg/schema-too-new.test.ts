import { spawn } from 'node:child_process'
import path from 'node:path'
import { describe, it, expect } from 'vitest'
import { sql } from 'drizzle-orm'
import { rows, MIGRATIONS_FOLDER } from '../../db/client.js'
import { codeLevel } from '../../db/levels.js'
import { freshPostgres } from '../helpers/db.js'
import { ROOT } from '../helpers/process.js'

describe('ops: the service on a PostgreSQL newer than the code', () => {
  it('when the database has migrations the code does not know, then the service refuses to start with exit code 4 and both levels in its message', async () => {
    const database = await freshPostgres()
    try {
      const code = codeLevel(MIGRATIONS_FOLDER)
      await rows(database.db, sql`insert into drizzle.__drizzle_migrations (hash, created_at) values ('future', ${code.lastWhen + 1})`)
      const env: Record<string, string | undefined> = { ...process.env, DATABASE_URL: database.url, PORT: '0', LOG_LEVEL: 'warn' }
      for (const k of Object.keys(env)) if (k.startsWith('VITEST') || k === 'NODE_OPTIONS') delete env[k]
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
      let err = ''
      child.stderr.on('data', (d: Buffer) => (err += d.toString()))
      const exit = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)))
      expect(exit, err).toBe(4)
      expect(err).toContain(`数据库已应用 ${code.count + 1}`)
      expect(err).toContain(`本程序只认识 ${code.count} (${code.lastTag}`)
    } finally {
      await database.close()
    }
  })
})
