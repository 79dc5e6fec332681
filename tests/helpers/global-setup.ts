import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'


/**
 * Migrating a new PGlite database costs seconds and ~800 MB: do it once, dump the data directory,
 * and let every test clone the dump.
 */
export default async function setup({ provide }: { provide: (key: string, value: string) => void }) {
  const file = path.join(os.tmpdir(), `csb-pglite-template-${process.pid}.tar.gz`)
  const { PGlite } = await import('@electric-sql/pglite')
  const client = new PGlite()
  const { drizzle } = await import('drizzle-orm/pglite')
  const { migrate } = await import('drizzle-orm/pglite/migrator')
  const { MIGRATIONS_FOLDER } = await import('../../db/client.js')
  await migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_FOLDER })
  const blob = await client.dumpDataDir('gzip')
  fs.writeFileSync(file, Buffer.from(await blob.arrayBuffer()))
  await client.close()
  provide('pgliteTemplate', file)
  return () => fs.rmSync(file, { force: true })
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string
  }
}
