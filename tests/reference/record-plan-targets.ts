/**
 * Records what the plan-targets code gave before plans became data (tests/reference/plan-targets-v1.ts) for every
 * day from 2024-01-01 to 2027-03-31, on each dataset of tests/helpers/plan-datasets.ts and for each compared
 * actor, into tests/fixtures/plan-targets-v1.json.gz. The equivalence test compares the 2024–2026 plan file with
 * it. Rerun after a change to those datasets (e.g. the demo data): npm run record:plan-targets
 */
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { openPglite } from '../../db/client.js'
import { planTargetsV1 } from './plan-targets-v1.js'
import { PLAN_DATASETS, comparisonActors, comparisonDays, targetsFingerprint } from '../helpers/plan-datasets.js'

export const RECORDING = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'plan-targets-v1.json.gz')

export interface Recording {
  from: string
  to: string
  datasets: { name: string; fingerprint: string; actors: { name: string; days: unknown[][] }[] }[]
}

async function main() {
  const days = comparisonDays()
  const out: Recording = { from: '2024-01-01', to: '2027-03-31', datasets: [] }
  for (const d of PLAN_DATASETS) {
    const database = await openPglite({})
    await d.seed(database.db)
    const actors = []
    for (const [name, actor] of await comparisonActors(database.db)) {
      const t0 = Date.now()
      const all = []
      for (const at of days) all.push(await planTargetsV1(database.db, at, actor))
      actors.push({ name, days: all })
      console.log(`${d.name} / ${name}: ${days.length} days in ${Date.now() - t0} ms`)
    }
    out.datasets.push({ name: d.name, fingerprint: await targetsFingerprint(database.db), actors })
    await database.close()
  }
  const gz = zlib.gzipSync(JSON.stringify(out), { level: 9 })
  fs.writeFileSync(RECORDING, gz)
  console.log(`wrote ${path.relative(process.cwd(), RECORDING)} (${gz.length} bytes)`)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await main()
