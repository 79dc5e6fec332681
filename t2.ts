import { PGlite } from '@electric-sql/pglite'
const c = new PGlite()
await c.exec('create table x(a int); insert into x values (1)')
const blob = await c.dumpDataDir('gzip')
console.log('size', blob.size)
const d = new PGlite(undefined as any, { loadDataDir: blob })
console.log(await d.query('select * from x').catch(e => e.message))
const e = new PGlite({ loadDataDir: blob })
console.log(await e.query('select * from x').catch(e => e.message))
