import { describe, it, expect, beforeAll } from 'vitest'
import { like } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { useSeededApp, type Seed, type TestApp } from '../helpers/app.js'
import { cronOf, nextFire } from '../../src/scheduler.js'
import { registerJobs } from '../../schedules/index.js'
import { formatDate } from '../../src/core/clock.js'
import type { Job } from '../../schedules/types.js'

const ADMIN = { authorization: 'Bearer admin-token-0123456789' }
const at = (local: string) => new Date(local + '+08:00')

/**
 * The registers' reminder schedules over a whole year (2026) on the injected clock: licence expiry reminders
 * (60/30/7 days, lapsed), drill reminders (1 June, 1 October) and the weekly regulations series, each once per
 * period, and nothing twice when a slot fires again.
 */
describe('a year of the registers’ schedules (2026)', () => {
  let t: TestApp
  let s: Seed
  let oilId: number
  useSeededApp(
    (app, seed) => {
      t = app
      s = seed
    },
    { config: { ADMIN_TOKENS: [{ token: 'admin-token-0123456789', role: 'admin', name: '管理员' }] } },
  )
  const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => t.app.http.inject({ method, url, headers: ADMIN, payload: payload as object })

  beforeAll(async () => {
    const db = t.database.db
    t.clock.set(at('2026-01-01T00:00:00'))
    const [oil] = await db.insert(schema.businesses).values({ name: '城关加油站', industry: 'refined_oil', townshipId: s.town.id }).returning()
    oilId = oil.id
    const licence = await api('POST', '/api/licences', { kind: 'refined_oil_retail', number: '辽油零售〔2021〕18号', businessId: oil.id, holder: '城关加油站', validUntil: '2026-09-30' })
    expect(licence.statusCode).toBe(201)
    expect((await api('POST', '/api/drills', { businessId: s.shop.id, kind: '疏散演练', heldOn: '2025-12-20', participants: 10 })).statusCode).toBe(201)
    // two items of the series confirmed; the rest stay drafts
    const items = (await api('GET', '/api/regulations')).json() as { id: number; key: string }[]
    for (const key of ['catering-1', 'standard-1']) expect((await api('PUT', `/api/regulations/${items.find((i) => i.key === key)!.id}`, { status: 'confirmed' })).statusCode).toBe(200)
  })

  it('when every register schedule runs from 1 January to 31 December, then each reminder goes out once, on its day', async () => {
    const db = t.database.db
    const end = at('2026-12-31T23:59:59')
    const slots: { when: Date; job: Job }[] = []
    for (const job of registerJobs) for (let when = nextFire(cronOf(job, t.config), t.clock.now()); when <= end; when = nextFire(cronOf(job, t.config), when)) slots.push({ when, job })
    slots.sort((a, b) => a.when.getTime() - b.when.getTime())
    const fired: Record<string, number> = {}
    for (const { when, job } of slots) {
      t.clock.set(when)
      // in the spring a drill is recorded for 红山羊汤馆: it is not reminded in June
      if (formatDate(when) === '2026-04-01' && job.name === 'licence-reminders')
        expect((await api('POST', '/api/drills', { businessId: s.other.id, kind: '灭火演练', heldOn: '2026-03-30', participants: 6 })).statusCode).toBe(201)
      expect(await t.app.scheduler.fire(job, when, 'cron')).toBe(true)
      fired[job.name] = (fired[job.name] ?? 0) + 1
    }
    expect(fired).toEqual({ 'licence-reminders': 365, 'drill-reminders': 2, 'regulation-promotion': 52 })

    const licence = await db.select().from(schema.licenceReminders)
    expect(licence.map((r) => [r.threshold, formatDate(r.sentAt)])).toEqual([
      [60, '2026-08-01'],
      [30, '2026-08-31'],
      [7, '2026-09-23'],
      [0, '2026-10-01'],
    ])
    const drills = await db.select().from(schema.drillReminders)
    const name = (id: number) => (id === oilId ? '城关加油站' : id === s.other.id ? '红山羊汤馆' : '城关老街饭店')
    expect(drills.map((r) => [name(r.businessId), r.period, formatDate(r.sentAt)]).sort()).toEqual(
      [
        ['城关加油站', '2026-H1', '2026-06-01'],
        ['城关老街饭店', '2026-H1', '2026-06-01'],
        ['城关加油站', '2026-H2', '2026-10-01'],
        ['城关老街饭店', '2026-H2', '2026-10-01'],
      ].sort(),
    )
    // the weekly series: only the two confirmed items, taking turns, one each Wednesday
    const series = (await db.select().from(schema.outbox).where(like(schema.outbox.text, '【法规标准宣贯】%'))).filter((o) => o.chatId === s.group)
    expect(series).toHaveLength(52)
    expect(new Set(series.map((o) => o.text!.split('\n')[1])).size).toBe(2)

    // a slot fired again (a restart, a second instance) changes nothing
    const again = slots.filter((x) => formatDate(x.when) === '2026-10-01')
    for (const { when, job } of again) expect(await t.app.scheduler.fire(job, when, 'cron')).toBe(false)
    expect(await db.select().from(schema.licenceReminders)).toHaveLength(4)
    expect(await db.select().from(schema.drillReminders)).toHaveLength(4)
  })
})
