import { createHash } from 'node:crypto'
import { asc, eq } from 'drizzle-orm'
import { schema, type Db } from '../../db/client.js'
import { endOfShanghaiDay } from '../../src/core/clock.js'
import type { Actor } from '../../src/core/permissions.js'
import { seedDemo } from '../../db/seed/demo.js'
import { seedHistoryCity, seedPlanHistory } from './plan-history.js'

/** The datasets the 2024–2026 plan file is compared on (the recording and its test build them the same way). */
export const PLAN_DATASETS: { name: string; seed(db: Db): Promise<void> }[] = [
  { name: 'demo', seed: async (db) => void (await seedDemo(db)) },
  {
    name: 'history',
    seed: async (db) => {
      await seedHistoryCity(db)
      await seedPlanHistory(db, { until: '2027-03-31' })
    },
  },
]

/** Every day from 2024-01-01 to 2027-03-31, judged at the end of the day (what the page shows for `?at=`). */
export function comparisonDays(): Date[] {
  const out: Date[] = []
  const last = endOfShanghaiDay(2027, 3, 31).getTime()
  for (let d = 1; endOfShanghaiDay(2024, 1, d).getTime() <= last; d++) out.push(endOfShanghaiDay(2024, 1, d))
  return out
}

/** Whose view is compared: the whole city, and an officer of the first township (shares count that township only). */
export async function comparisonActors(db: Db): Promise<[string, Actor | undefined][]> {
  const [town] = await db.select().from(schema.jurisdictions).where(eq(schema.jurisdictions.kind, 'township')).orderBy(asc(schema.jurisdictions.id)).limit(1)
  return [
    ['city', undefined],
    ['township', { role: 'officer', personId: null, identityId: null, businessIds: [], townshipId: town.id, industries: [] }],
  ]
}

/** A hash of what the plan targets read, so a recording made on other data is noticed (creation times left out). */
export async function targetsFingerprint(db: Db): Promise<string> {
  const s = schema
  const parts = await Promise.all([
    db.select({ id: s.businesses.id, q: s.businesses.aboveQuota, i: s.businesses.industry, t: s.businesses.townshipId }).from(s.businesses).orderBy(s.businesses.id),
    db.select({ b: s.responsibilitySystems.businessId, v: s.responsibilitySystems.verifiedAt }).from(s.responsibilitySystems).orderBy(s.responsibilitySystems.businessId),
    db.select({ id: s.planMilestones.id, k: s.planMilestones.targetKey, y: s.planMilestones.year, a: s.planMilestones.achievedOn, t: s.planMilestones.title, e: s.planMilestones.evidenceSha256, n: s.planMilestones.evidenceName }).from(s.planMilestones).orderBy(s.planMilestones.id),
    db.select({ id: s.specialInspections.id, d: s.specialInspections.doneOn, j: s.specialInspections.departments }).from(s.specialInspections).orderBy(s.specialInspections.id),
    db.select({ id: s.trainings.id, t: s.trainings.startsAt }).from(s.trainings).orderBy(s.trainings.id),
    db.select({ t: s.trainingAttendance.trainingId, p: s.trainingAttendance.personId, a: s.trainingAttendance.at }).from(s.trainingAttendance).orderBy(s.trainingAttendance.trainingId, s.trainingAttendance.personId),
    db.select({ id: s.people.id, r: s.people.role, t: s.people.townshipId }).from(s.people).orderBy(s.people.id),
    db.select({ p: s.memberships.personId, b: s.memberships.businessId, r: s.memberships.role }).from(s.memberships).orderBy(s.memberships.personId, s.memberships.businessId),
  ])
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex')
}
