import fs from 'node:fs'
import zlib from 'node:zlib'
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { evaluatePlan, type PlanTarget } from '../../src/core/plan.js'
import { planByKey, planFacts, planTargets, seedPlans } from '../../src/services/plans.js'
import { RECORDING, type Recording } from '../reference/record-plan-targets.js'
import { testDatabase, type TestDatabase } from '../helpers/db.js'
import { PLAN_DATASETS, comparisonActors, comparisonDays, targetsFingerprint } from '../helpers/plan-datasets.js'

/** What the code before the move answered (the API's fields then): new fields of the file's answer are left out. */
const FIELDS = ['key', 'title', 'kind', 'periodStart', 'deadline', 'done', 'required', 'progress', 'elapsed', 'status', 'statusLabel', 'scope', 'evidence'] as const
const asBefore = (t: PlanTarget) => JSON.parse(JSON.stringify(Object.fromEntries(FIELDS.filter((f) => f in t).map((f) => [f, t[f]]))))

const recording = JSON.parse(zlib.gunzipSync(fs.readFileSync(RECORDING)).toString('utf8')) as Recording

/**
 * The 2024–2026 plan as a file gives what the plan as code gave, for every day of the plan and the quarter after
 * it, for the whole city and a township officer, on the demo city and on a city with three years of records.
 * "What the code gave" is tests/fixtures/plan-targets-v1.json.gz, recorded from the code before the move (kept as
 * tests/reference/plan-targets-v1.ts) by tests/reference/record-plan-targets.ts.
 */
describe.each(PLAN_DATASETS.map((d) => [d.name, d] as const))('plan targets of the 2024–2026 plan file on the %s dataset', (name, dataset) => {
  let t: TestDatabase
  const recorded = recording.datasets.find((d) => d.name === name)!
  beforeAll(async () => {
    t = await testDatabase()
    await dataset.seed(t.db)
    await seedPlans(t.db)
  })
  afterAll(async () => t?.close())

  it('when the data is the data recorded on, then the recording applies (else: npm run record:plan-targets)', async () => {
    expect(recorded, `no recording for ${name}`).toBeDefined()
    expect(await targetsFingerprint(t.db)).toBe(recorded.fingerprint)
  })

  it('when every day from 2024-01-01 to 2027-03-31 is judged, then the file gives what the code gave', async () => {
    const plan = await planByKey(t.db, 'lingyuan-2024-2026')
    const days = comparisonDays()
    expect(days).toHaveLength(1186)
    const actors = await comparisonActors(t.db)
    const statuses = new Set<string>()
    let compared = 0
    for (const [who, actor] of actors) {
      const before = recorded.actors.find((a) => a.name === who)!.days
      expect(before).toHaveLength(days.length)
      // one read of the records, every day judged from it (planTargets does both for one day)
      const facts = await planFacts(t.db, plan, actor)
      days.forEach((at, i) => {
        const after = evaluatePlan(plan, facts, at).map(asBefore)
        if (JSON.stringify(after) !== JSON.stringify(before[i])) expect({ who, at: at.toISOString(), after }).toEqual({ who, at: at.toISOString(), after: before[i] })
        for (const x of after) statuses.add(x.status)
        compared++
      })
      for (const i of [180, 730, 1050]) expect((await planTargets(t.db, plan, days[i], actor)).map(asBefore)).toEqual(before[i])
    }
    expect(compared).toBe(1186 * 2)
    if (name === 'history') expect([...statuses].sort()).toEqual(['at_risk', 'met', 'missed', 'on_track'])
  })
})
