import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import pino from 'pino'
import { and, eq, inArray } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { startTestApp, seedBasics, type Seed, type TestApp } from '../helpers/app.js'
import { drainUntil } from '../helpers/drive.js'
import { OutboxSender } from '../../src/outbox-sender.js'
import { cronOf, nextFire } from '../../src/scheduler.js'
import { pushJobs as jobs } from '../../schedules/index.js'
import { formatDate, shanghaiParts } from '../../src/core/clock.js'
import { activeSeasons } from '../../src/core/calendar.js'
import { eligible } from '../../src/core/rotation.js'
import { calendarOverrides } from '../../src/services/content.js'
import type { Job } from '../../schedules/types.js'

const QUIET = '21:00-08:00'
/** tips twice a week, one of them at 22:30 so the sender must hold it until 08:00 */
// the weekly chart (about a second each, 52 of them) is tested in wecom-rich.test.ts
const CONFIG = { CRON_SAFETY_TIPS: '0 30 9,22 * * 2', QUIET_HOURS: QUIET, BUREAU_GROUP: '局机关工作群', WEEKLY_SUMMARY_CHART: false }
const at = (local: string) => new Date(local + '+08:00')

describe('a year of scheduled pushes (2026) on the injected clock', () => {
  let t: TestApp
  let s: Seed
  let sender: OutboxSender
  const groups: Record<string, number> = {}
  let elapsedMs = 0
  let delivered = 0

  beforeAll(async () => {
    t = await startTestApp({ config: CONFIG, clock: undefined })
    s = await seedBasics(t)
    const db = t.database.db
    const sim = t.app.simulator!
    // the app's own sender runs on real timers: drive one by hand on the test clock instead
    await t.app.sender.stop()
    // deliveries are recorded by the outbox rows (sent_at on the test clock); the channel only counts them
    const channel = { ...t.app.channel, send: async () => void delivered++ }
    sender = new OutboxSender({ db, channel, clock: t.clock, logger: pino({ level: 'silent' }), instanceId: 'year', maxAttempts: 5, quietHours: QUIET })
    sim.createContact({ id: 'oil-owner', name: '赵站长' })
    const mk = async (id: string, name: string, registered: boolean, townshipId: number | null, industries: string[]) => {
      sim.createGroup({ id, name, memberIds: ['oil-owner'] })
      const [g] = await db.insert(schema.groups).values({ channel: 'wechaty', externalId: id + '@chatroom', name, registered, townshipId, industries }).returning()
      return g.id
    }
    groups.oil = await mk('oil', '全市成品油安全群', true, null, ['refined_oil'])
    groups.hs = await mk('hs', '红山餐饮安全群', true, s.town2.id, ['catering'])
    groups.bureau = await mk('bureau', '局机关工作群', false, null, [])
    groups.idle = await mk('idle', '未登记的闲聊群', false, null, [])
    const [g1] = await db.select().from(schema.groups).where(eq(schema.groups.externalId, s.group))
    groups.g1 = g1.id

    // the bureau moves the provincial Two Sessions and writes the Spring Festival duty roster
    const put = (url: string, payload: object) => t.app.http.inject({ method: 'PUT', url, payload, remoteAddress: '127.0.0.1' })
    expect((await put('/api/calendar/two_sessions_provincial/2026', { start: '2026-01-20', end: '2026-01-24' })).statusCode).toBe(200)
    expect((await put('/api/duty-rosters/spring_festival/2026', { text: '带班领导：马局长 13800000000；值班员：李明' })).statusCode).toBe(200)
  })
  afterAll(async () => t?.close())

  /** Chat the simulation does on given days: hazards reported, accepted, rectified, verified. */
  const chat: [string, () => Promise<void>][] = [
    ['2026-03-02T10:00', () => say('owner', '#隐患 后厨燃气软管老化开裂')],
    ['2026-03-02T10:05', async () => say('officer', `#受理 ${await code(0)} 3天`)],
    ['2026-03-15T10:00', async () => say('owner', `#整改 ${await code(0)} 已更换软管`)],
    ['2026-03-15T10:01', async () => void (await t.photo('owner', s.group))],
    ['2026-03-15T10:05', async () => say('officer', `#验收 ${await code(0)} 通过`)],
    ['2026-06-01T10:00', () => say('owner', '#隐患 配电箱前堆放大量纸箱 重大')],
    ['2026-06-01T10:05', async () => say('officer', `#受理 ${await code(1)} 5天`)],
  ]
  async function say(who: string, text: string) {
    expect(await t.say(who, s.group, text)).toBe('handled')
  }
  async function code(i: number) {
    const hs = await t.database.db.select().from(schema.hazards).orderBy(schema.hazards.id)
    return hs[i].code
  }

  it('runs every schedule from 2026-01-01 to 2026-12-31 in well under a minute', async () => {
    const started = Date.now()
    const cpu = process.cpuUsage()
    const db = t.database.db
    const end = at('2026-12-31T23:59:59')
    t.clock.set(at('2026-01-01T00:00:00'))
    const next = new Map<Job, Date>(jobs.map((j) => [j, nextFire(cronOf(j, t.config), t.clock.now())]))
    let ci = 0
    let dirty = true
    let held = false
    t.app.sender.kick = () => void (dirty = true)
    for (;;) {
      const [job, jobAt] = [...next.entries()].reduce((a, b) => (b[1] < a[1] ? b : a))
      const chatAt = ci < chat.length ? at(chat[ci][0]) : null
      const when = chatAt && chatAt <= jobAt ? chatAt : jobAt
      if (when > end) break
      // drain only when something was queued (the app kicks its sender after a commit that wrote rows) or is held
      if (dirty) {
        dirty = false
        held = await drainUntil({ db, sender, clock: t.clock, account: 'bot', quietHours: QUIET, limit: when })
      }
      dirty ||= held
      t.clock.set(when)
      if (chatAt && when === chatAt) await chat[ci++][1]()
      else {
        expect(await t.app.scheduler.fire(job, when, 'cron')).toBe(true)
        next.set(job, nextFire(cronOf(job, t.config), when))
      }
    }
    await drainUntil({ db, sender, clock: t.clock, account: 'bot', quietHours: QUIET, limit: at('2027-01-02T00:00:00') })
    elapsedMs = Date.now() - started
    const c = process.cpuUsage(cpu)
    // CPU time, not wall time: on a shared machine the wall clock measures the neighbours (~15 s alone)
    expect((c.user + c.system) / 1000).toBeLessThan(30_000)
    expect(elapsedMs).toBeLessThan(170_000)
    const [left] = await db.select({ id: schema.outbox.id }).from(schema.outbox).where(eq(schema.outbox.status, 'pending')).limit(1)
    expect(left).toBeUndefined()
    // every row went to the channel exactly once
    expect(delivered).toBe((await sent()).length)
    // the CPU bound above is the measure; the wall clock only guards against a hang on a crowded machine
  }, 180_000)

  const sent = async () => {
    const rows = await t.database.db.select().from(schema.outbox).where(eq(schema.outbox.status, 'sent')).orderBy(schema.outbox.id)
    return rows.map((r) => ({ ...r, day: formatDate(r.sentAt!), queuedDay: formatDate(r.createdAt) }))
  }
  const chatOf = (id: string) => (id.includes('@') ? id : id + '@chatroom')
  const registered = () => [s.group, chatOf('oil'), chatOf('hs')]

  it('each key period reminds every registered group on the right day, 3 days ahead, and no other group', async () => {
    const rows = await sent()
    const expected: [string, string][] = [
      ['【省两会安全提醒】', '2026-01-17'], // moved by the bureau to 01-20
      ['【春节安全提醒】', '2026-02-12'], // days off from 02-15; the lunar new year is 02-17
      ['【全国两会安全提醒】', '2026-02-28'],
      ['【五一安全提醒】', '2026-04-28'],
      ['【安全生产月】', '2026-05-29'],
      ['【汛期提醒】', '2026-05-29'],
      ['【夏季高温提醒】', '2026-06-28'],
      ['【国庆安全提醒】', '2026-09-28'],
      ['【冬春火灾防控】', '2026-10-29'],
      ['【冰冻雨雪提醒】', '2026-11-28'],
      ['【元旦安全提醒】', '2026-12-29'], // 元旦 2027
    ]
    for (const [head, day] of expected) {
      const hits = rows.filter((r) => r.text?.startsWith(head))
      expect(hits.map((h) => h.chatId).sort(), head).toEqual(registered().sort())
      expect(new Set(hits.map((h) => h.day)), head).toEqual(new Set([day]))
    }
    expect(rows.filter((r) => r.text?.startsWith('【春节安全提醒】'))[0].text).toContain('2月15日至2月23日')
  })

  it('on the eve of each holiday the duty roster goes to the registered groups and the bureau group', async () => {
    const rows = (await sent()).filter((r) => r.text?.includes('值班安排】'))
    const byDay = new Map<string, string[]>()
    for (const r of rows) byDay.set(r.day, [...(byDay.get(r.day) ?? []), r.chatId])
    expect([...byDay.keys()].sort()).toEqual(['2026-02-14', '2026-04-30', '2026-09-30', '2026-12-31'])
    for (const chats of byDay.values()) expect(chats.sort()).toEqual([...registered(), chatOf('bureau')].sort())
    expect(rows.find((r) => r.day === '2026-02-14')!.text).toContain('带班领导：马局长')
  })

  it('tips rotate per group by industry and season and never repeat before the rest of the pool was sent', async () => {
    const db = t.database.db
    const tips = await db.select().from(schema.contentItems).where(eq(schema.contentItems.kind, 'tip'))
    const byId = new Map(tips.map((i) => [i.id, i]))
    const overrides = await calendarOverrides(db)
    const targets = await db.select().from(schema.groups).where(inArray(schema.groups.id, [groups.g1, groups.oil, groups.hs]))
    for (const g of targets) {
      const sends = await db
        .select()
        .from(schema.contentSends)
        .where(and(eq(schema.contentSends.groupId, g.id), eq(schema.contentSends.kind, 'tip')))
        .orderBy(schema.contentSends.sentAt)
      expect(sends.length).toBe(104)
      let repeats = 0
      sends.forEach((x, i) => {
        const item = byId.get(x.itemId)!
        const seasons = activeSeasons(formatDate(x.sentAt), overrides)
        expect(eligible(item, { industries: g.industries }, seasons), `${g.name}: ${item.key} fits`).toBe(true)
        let prev = i - 1
        while (prev >= 0 && sends[prev].itemId !== x.itemId) prev--
        if (prev < 0) return
        repeats++
        const between = new Set(sends.slice(prev + 1, i).map((p) => p.itemId))
        for (const other of tips)
          if (other.id !== item.id && eligible(other, { industries: g.industries }, seasons))
            expect(between.has(other.id), `${g.name}: ${item.key} repeated on ${formatDate(x.sentAt)} before ${other.key}`).toBe(true)
      })
      expect(repeats).toBeGreaterThan(0)
      // an oil group never gets a catering-only tip
      if (g.industries.includes('refined_oil')) expect(sends.some((x) => byId.get(x.itemId)!.industries.includes('catering'))).toBe(false)
    }
    // a warning case each week to each registered group
    const cases = await db.select().from(schema.contentSends).where(eq(schema.contentSends.kind, 'case'))
    expect(cases.length).toBe(52 * 3)
  })

  it('nothing normal goes out in quiet hours: the 22:30 tips wait until 08:00', async () => {
    const rows = (await sent()).filter((r) => r.priority === 2)
    for (const r of rows) {
      const h = shanghaiParts(r.sentAt!).hour
      expect(h >= 8 && h < 21, `${r.text?.slice(0, 12)} sent ${r.sentAt!.toISOString()}`).toBe(true)
    }
    const held = rows.filter((r) => r.text?.startsWith('【安全提示】') && shanghaiParts(r.createdAt).hour === 22)
    expect(held.length).toBe(52 * 3)
    for (const r of held) expect(shanghaiParts(r.sentAt!)).toMatchObject({ hour: 8, minute: 0 })
  })

  it('hazard deadlines: a reminder the day before, overdue at most daily, escalation to the officer then the leaders on the right day', async () => {
    const rows = await sent()
    const [a, b] = await t.database.db.select().from(schema.hazards).orderBy(schema.hazards.id)
    const days = (head: string, code: string, chatId: string) =>
      rows.filter((r) => r.text?.startsWith(head) && r.text.includes(code + '（') && r.chatId === chatId).map((r) => r.day)
    expect(days('【整改到期提醒】', a.code, s.group)).toEqual(['2026-03-04'])
    const overdueA = days('【逾期提醒】', a.code, s.group)
    expect(overdueA).toEqual(['06', '07', '08', '09', '10', '11', '12', '13', '14', '15'].map((d) => `2026-03-${d}`))
    expect(days('【逾期督办】', a.code, 'officer')).toEqual(['2026-03-08'])
    expect(days('【逾期升级】', a.code, s.leaders)).toEqual(['2026-03-12'])

    // the major one escalates sooner, as urgent, and is reminded every day until the year ends, never twice a day
    expect(days('【逾期督办】', b.code, 'officer')).toEqual(['2026-06-07'])
    expect(days('【逾期升级】', b.code, s.leaders)).toEqual(['2026-06-09'])
    expect(rows.filter((r) => r.text?.includes(b.code + '（') && r.text.startsWith('【逾期')).every((r) => r.text!.startsWith('【逾期提醒】') || r.priority === 1)).toBe(true)
    const overdueB = days('【逾期提醒】', b.code, s.group)
    expect(new Set(overdueB).size).toBe(overdueB.length)
    expect(overdueB[0]).toBe('2026-06-07')
    expect(overdueB.at(-1)).toBe('2026-12-31')
    expect(overdueB.length).toBe(208)
  })

  it('the weekly summary goes to the bureau group every Monday, not to the leaders', async () => {
    const rows = (await sent()).filter((r) => r.text?.startsWith('【安全隐患周报】'))
    expect(rows.length).toBe(52)
    expect(rows.every((r) => r.chatId === chatOf('bureau'))).toBe(true)
    const march9 = rows.find((r) => r.day === '2026-03-09')!
    expect(march9.text).toContain('新增 1 条')
    expect(march9.text).toContain('燃气')
  })
})
