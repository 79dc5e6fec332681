import path from 'node:path'
import { loadConfig } from './config.js'
import { openPglite, openPostgres } from '../db/client.js'
import { lockDataDir } from './data-lock.js'
import { seedDemo } from '../db/seed/demo.js'

/** `npm run demo`: fills the configured database with the demo city (once). */
const config = loadConfig()
let unlock = () => {}
if (!config.DATABASE_URL) unlock = lockDataDir(path.resolve(config.DATA_DIR))
const database = config.DATABASE_URL ? await openPostgres(config.DATABASE_URL) : await openPglite({ dataDir: path.join(path.resolve(config.DATA_DIR), 'pglite') })
const r = await seedDemo(database.db, 'wechaty', { history: new Date() })
console.log(r.created ? `演示数据已载入 / demo data loaded: ${r.businesses} 家单位, ${r.people} 人, ${r.groups} 个群，${r.hazards} 条历史隐患（2024年1月至今）` : '演示数据已存在 / demo data already present')
await database.close()
unlock()
