/**
 * Issue 15 item 2: `npm start -- --demo` opens on a city with a past. The demo history from January 2024 to today:
 * hazards in every state (overdue, major, transferred, voided included) each with its steps, notices with
 * acknowledgements (the latest only partly), trainings with attendance, self-checks whose failed items became
 * hazards, plan targets in more than one status; seeded once, also into a demo city seeded before without it.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { and, eq, gt, isNotNull, lt, sql } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { seedDemo } from '../../db/seed/demo.js'
import fs from 'node:fs'
import { planTargets } from '../../src/services/plans.js'
import { noticeTiming } from '../../src/services/notices.js'
import { parsePlanFile } from '../../src/core/plan.js'
import { testDatabase, type TestDatabase } from '../helpers/db.js'

const NOW = new Date('2026-12-03T02:00:00Z')

describe('the demo city’s history', () => {
  let database: TestDatabase
  const count = async (table: Parameters<ReturnType<TestDatabase['db']['select']>['from']>[0]) =>
    Number((await database.db.select({ n: sql<number>`count(*)` }).from(table))[0].n)

  beforeAll(async () => {
    database = await testDatabase()
  })
  afterAll(async () => database?.close())

  it('when a demo city seeded without history is started with --demo again, then its history is added once', async () => {
    const first = await seedDemo(database.db)
    expect(first.created).toBe(true)
    expect(await count(schema.hazards)).toBe(0)
    const r = await seedDemo(database.db, 'wechaty', { history: NOW })
    expect(r.created).toBe(false)
    expect(r.hazards).toBeGreaterThan(100)
    const again = await seedDemo(database.db, 'wechaty', { history: NOW })
    expect(again.hazards).toBe(0)
    expect(await count(schema.hazards)).toBe(r.hazards)
  })

  it('then hazards run from Y1 in January 2024 to this week, in every state, each with the steps that brought it there', async () => {
    const db = database.db
    const h = schema.hazards
    const [y1] = await db.select().from(h).where(eq(h.code, 'Y1'))
    expect(y1.createdAt.toISOString().slice(0, 7)).toBe('2024-01')
    const states = await db.select({ status: h.status, n: sql<number>`count(*)` }).from(h).groupBy(h.status)
    expect(states.map((s) => s.status).sort()).toEqual(['awaiting_verification', 'closed', 'rectifying', 'reported', 'transferred', 'voided'].sort())
    const overdue = await db.select().from(h).where(and(eq(h.status, 'rectifying'), lt(h.deadline, NOW)))
    expect(overdue.length).toBeGreaterThan(0)
    expect(overdue.some((x) => x.grade === 'major')).toBe(true)
    expect((await db.select().from(h).where(eq(h.grade, 'major'))).length).toBeGreaterThan(3)
    expect((await db.select().from(h).where(isNotNull(h.transferResult))).length).toBeGreaterThan(0)
    expect((await db.select().from(h).where(gt(h.createdAt, NOW))).length).toBe(0)
    // every hazard was reported; every closed one verified (or closed on a transfer's result), by an officer
    const all = await db.select().from(h)
    const events = await db.select().from(schema.hazardEvents)
    const did = (id: number, action: string) => events.some((e) => e.hazardId === id && e.action === action)
    const missing = all.filter((x) => !did(x.id, 'report') || (x.status === 'closed' && !did(x.id, 'verify_pass')) || (x.status === 'voided' && (!did(x.id, 'void') || !x.voidReason)))
    expect(missing.map((x) => x.code)).toEqual([])
    // and no step happened after today
    expect(events.filter((e) => e.at.getTime() > NOW.getTime())).toEqual([])
    const closed = await db.select().from(h).where(eq(h.status, 'closed'))
    expect(closed.every((x) => x.closedAt && x.closedAt.getTime() <= NOW.getTime() && x.measures !== null || x.transferResult !== null)).toBe(true)
  })

  it('then notices were acknowledged (the latest by about half), tasks, trainings, self-checks and the registers have records', async () => {
    const db = database.db
    const notices = await db.select().from(schema.notices).orderBy(schema.notices.id)
    expect(notices.length).toBeGreaterThan(15)
    // the zone and publicity pages have something to show
    expect(await count(schema.zoneMembers)).toBe(2)
    expect(await count(schema.publicityActivities)).toBe(3)
    const share = async (noticeId: number) => {
      const d = await db.select().from(schema.noticeDeliveries).where(eq(schema.noticeDeliveries.noticeId, noticeId))
      const expected = d.reduce((n, x) => n + x.expected.length, 0)
      const acks = await db.select().from(schema.noticeAcks).where(eq(schema.noticeAcks.noticeId, noticeId))
      return acks.length / expected
    }
    expect(await share(notices[0].id)).toBe(1)
    // history has had its reminders: starting the demo sends none for notices of past years
    expect((await db.select().from(schema.noticeDeliveries)).every((d) => d.remindedAt !== null)).toBe(true)
    // a notice of the past is said as received back then, not estimated anew (its messages are not in the outbox)
    const timing = await noticeTiming(db, notices[0], { intervalMs: 3000, robotPerMinute: 20, quiet: null }, NOW)
    expect(timing.estimated).toBe(false)
    expect(timing.lastAt!.getTime()).toBeLessThan(new Date('2024-02-01T00:00:00Z').getTime())
    const latest = await share(notices[notices.length - 1].id)
    expect(latest).toBeGreaterThan(0.3)
    expect(latest).toBeLessThan(0.8)
    expect(await count(schema.taskAssignees)).toBeGreaterThan(10)
    expect(await count(schema.trainingAttendance)).toBeGreaterThan(20)
    expect(await count(schema.selfChecks)).toBeGreaterThan(200)
    expect(await count(schema.selfCheckFindings)).toBeGreaterThan(5)
    expect(await count(schema.specialInspections)).toBeGreaterThanOrEqual(18)
    expect(await count(schema.responsibilitySystems)).toBe(12)
    expect(await count(schema.exhibitionFilings)).toBeGreaterThan(3)
    const dead = await db.select().from(schema.outbox).where(eq(schema.outbox.status, 'dead'))
    expect(dead).toHaveLength(1)
  })

  it('then the plan’s targets today are not all alike: some met, some missed, some still running', async () => {
    const parsed = parsePlanFile(JSON.parse(fs.readFileSync('db/plans/lingyuan-2024-2026.json', 'utf8')))
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'))
    const plan = parsed.plan
    const targets = await planTargets(database.db, plan, NOW)
    const statuses = new Set(targets.map((t) => t.status))
    expect(statuses.size).toBeGreaterThanOrEqual(3)
  })
})
