// Copies what the compiled code reads at run time next to it in dist/ (paths relative to import.meta.url):
// the SQL migrations (db/client.ts MIGRATIONS_FOLDER), the bundled plan files (src/services/plans.ts), the simulator page (src/http/sim-routes.ts PAGE) and the
// console's pages and script (src/http/console-routes.ts DIR).
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const assets = ['db/migrations', 'db/plans', 'db/lexicon', 'src/http/simulator.html', 'src/http/console']
for (const rel of assets) {
  const from = path.join(root, rel)
  const to = path.join(root, 'dist', rel)
  fs.rmSync(to, { recursive: true, force: true })
  fs.mkdirSync(path.dirname(to), { recursive: true })
  fs.cpSync(from, to, { recursive: true })
  console.log(`copied ${rel} -> dist/${rel}`)
}
