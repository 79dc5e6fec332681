import { describe, it, expect, beforeAll } from 'vitest'
import pino from 'pino'
import { and, eq, inArray } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { useSeededApp, type Seed, type TestApp } from '../helpers/app.js'
import { OutboxSender } from '../../src/outbox-sender.js'
import { enqueue, type Priority } from '../../src/services/outbox.js'
import { seedContentLibrary, pickForGroups } from '../../src/services/content.js'
import { targetGroups } from '../../src/services/pushes.js'
import { pushJobs as jobs } from '../../schedules/index.js'
import type { Channel } from '../../src/channels/types.js'
import { Scheduler } from '../../src/scheduler.js'
import { systemClock } from '../../src/core/clock.js'
import { testDatabase } from '../helpers/db.js'

const ADMIN = { authorization: 'Bearer admin-token-0123456789' }
const VIEWER = { authorization: 'Bearer viewer-token-0123456789' }
const OFFICER = { authorization: 'Bearer officer-token-0123456789' }

describe('pushes: content API, weather alerts, job claims and delivery rules', () => {
  let t: TestApp
  let s: Seed
  let hsGroup: string
  useSeededApp(
    (app, seed) => {
      t = app
      s = seed
    },
    {
      config: {
        ADMIN_TOKENS: [
          { token: 'admin-token-0123456789', role: 'admin', name: '管理员' },
          { token: 'viewer-token-0123456789', role: 'viewer', name: '审计' },
          { token: 'officer-token-0123456789', role: 'officer', name: '监管员' },
        ],
      },
    },
  )
  beforeAll(async () => {
    const sim = t.app.simulator!
    hsGroup = sim.createGroup({ id: 'hs', name: '红山商户群', memberIds: ['other-owner', 'officer2'] }).id
    await t.database.db.insert(schema.groups).values({ channel: 'wechaty', externalId: hsGroup, name: '红山商户群', registered: true, townshipId: s.town2.id })
  })

  const api = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object, headers = ADMIN) => t.app.http.inject({ method, url, payload, headers })
  const urgentTo = async () =>
    (await t.database.db.select().from(schema.outbox).where(eq(schema.outbox.priority, 1)).orderBy(schema.outbox.id)).map((r) => ({ chat: r.chatId, text: r.text }))

  describe('the content library', () => {
    it('when listed, then the seeded tips, cases, period texts and alerts are there', async () => {
      const r = await api('GET', '/api/content?kind=tip')
      expect(r.statusCode).toBe(200)
      expect(r.json().length).toBeGreaterThanOrEqual(60)
      expect((await api('GET', '/api/content?kind=case')).json().length).toBeGreaterThanOrEqual(20)
      expect((await api('GET', '/api/content?kind=alert')).json().map((i: { key: string }) => i.key)).toContain('alert:heat')
      expect((await api('GET', '/api/content', undefined, VIEWER)).statusCode).toBe(200)
    })

    it('when the bureau adds, edits and retires items, then a restart seed keeps its edits and retired items are never picked', async () => {
      expect((await api('POST', '/api/content', { kind: 'tip', title: '新提示', body: '短' })).statusCode).toBe(400)
      expect((await api('POST', '/api/content', { kind: 'tip', title: '新提示', body: '春季风大，注意广告牌加固。' }, VIEWER)).statusCode).toBe(403)
      const added = await api('POST', '/api/content', { kind: 'tip', title: '春季防风', body: '春季风大，注意广告牌加固。', industries: ['mall'], key: 'tip:spring-wind' })
      expect(added.statusCode).toBe(201)
      expect(added.json()).toMatchObject({ key: 'tip:spring-wind', source: 'bureau', active: true })
      expect((await api('POST', '/api/content', { kind: 'tip', title: '重复', body: '重复的标识不行。', key: 'tip:spring-wind' })).statusCode).toBe(409)

      const [gasAlarm] = await t.database.db.select().from(schema.contentItems).where(eq(schema.contentItems.key, 'tip:catering-gas-alarm'))
      const edited = await api('PATCH', `/api/content/${gasAlarm.id}`, { body: '本局修改后的报警器提示。' })
      expect(edited.json()).toMatchObject({ body: '本局修改后的报警器提示。', source: 'bureau' })
      // a shipped item the bureau never touched follows the shipped text again
      await t.database.db.update(schema.contentItems).set({ body: '旧版文字' }).where(eq(schema.contentItems.key, 'tip:catering-gas-hose'))
      await seedContentLibrary(t.database.db, t.clock.now())
      const rows = await t.database.db.select().from(schema.contentItems).where(inArray(schema.contentItems.key, ['tip:catering-gas-alarm', 'tip:catering-gas-hose']))
      expect(rows.find((r) => r.key === 'tip:catering-gas-alarm')!.body).toBe('本局修改后的报警器提示。')
      expect(rows.find((r) => r.key === 'tip:catering-gas-hose')!.body).not.toBe('旧版文字')

      expect((await api('POST', `/api/content/${gasAlarm.id}/retire`)).json()).toMatchObject({ active: false })
      expect((await api('POST', '/api/content/999999/retire')).statusCode).toBe(404)
      const targets = await targetGroups(t.database.db)
      for (let i = 0; i < 5; i++) {
        const picks = await pickForGroups(t.database.db, 'tip', targets, [])
        expect([...picks.values()].some((p) => p.id === gasAlarm.id)).toBe(false)
      }
    })

    it('when the bureau sets holiday and Two Sessions dates, then the calendar shows them, bad dates are refused, deleting restores the default', async () => {
      const year2027 = (await api('GET', '/api/calendar?year=2027')).json() as { key: string; start: string; source: string }[]
      expect(year2027.find((p) => p.key === 'spring_festival')).toMatchObject({ start: '2027-02-05', end: '2027-02-12', source: 'default' })
      expect((await api('PUT', '/api/calendar/spring_festival/2027', { start: '2027-02-13', end: '2027-02-05' })).statusCode).toBe(400)
      expect((await api('PUT', '/api/calendar/spring_festival/2027', { start: '2027-02-30', end: '2027-03-02' })).statusCode).toBe(400)
      expect((await api('PUT', '/api/calendar/qingming/2027', { start: '2027-04-04', end: '2027-04-06' })).statusCode).toBe(400)
      expect((await api('PUT', '/api/calendar/spring_festival/2027', { start: '2027-02-05', end: '2027-02-13' }, VIEWER)).statusCode).toBe(403)
      const ok = await api('PUT', '/api/calendar/spring_festival/2027', { start: '2027-02-04', end: '2027-02-13' })
      expect(ok.statusCode).toBe(200)
      expect(ok.json()).toMatchObject({ name: '春节', source: 'bureau' })
      const after = (await api('GET', '/api/calendar?year=2027')).json() as { key: string; start: string; source: string; anchor?: string }[]
      expect(after.find((p) => p.key === 'spring_festival')).toMatchObject({ start: '2027-02-04', end: '2027-02-13', source: 'bureau', anchor: '2027-02-06' })
      expect((await api('DELETE', '/api/calendar/spring_festival/2027')).statusCode).toBe(200)
      expect((await api('DELETE', '/api/calendar/spring_festival/2027')).statusCode).toBe(404)
      const back = (await api('GET', '/api/calendar?year=2027')).json() as { key: string; start: string; source: string }[]
      expect(back.find((p) => p.key === 'spring_festival')).toMatchObject({ start: '2027-02-05', source: 'default' })
    })

    it('when the duty roster is set twice, then the latest text is kept', async () => {
      expect((await api('PUT', '/api/duty-rosters/national_day/2026', { text: '值班：甲' })).statusCode).toBe(200)
      expect((await api('PUT', '/api/duty-rosters/national_day/2026', { text: '值班：乙 13900000000' })).json()).toMatchObject({ text: '值班：乙 13900000000', updatedBy: '管理员' })
      expect((await api('PUT', '/api/duty-rosters/two_sessions_national/2026', { text: '值班：丙丙丙' })).statusCode).toBe(400)
      const list = (await api('GET', '/api/duty-rosters')).json()
      expect(list).toHaveLength(1)
    })
  })

  describe('weather alerts', () => {
    it('when an officer sends 预警 高温, then his township groups get it at once as urgent, not other townships', async () => {
      await t.database.db.delete(schema.outbox)
      expect(await t.say('officer', s.group, '#预警 高温')).toBe('handled')
      const said = t.botSaid(s.group).map((x) => x.text).join('\n')
      expect(said).toContain('【高温预警】城关街道将出现高温天气')
      expect(said).toContain('已向城关街道1个群发送高温预警（紧急）')
      expect((await urgentTo()).map((r) => r.chat)).toEqual([s.group])
    })

    it('when the type is unknown, another township is named or a member asks, then a clear answer and nothing is sent', async () => {
      await t.database.db.delete(schema.outbox)
      expect(await t.say('officer', s.group, '#预警 沙尘暴')).toBe('usage')
      expect(t.botSaid(s.group).at(-1)!.text).toMatch(/没有“沙尘暴”这种预警。可选：高温、暴雨.*\n用法：预警 <类型>/)
      expect(await t.say('officer', s.group, '#预警 暴雨 红山街道')).toBe('refused')
      expect(t.botSaid(s.group).at(-1)!.text).toContain('只能向您负责的乡镇发布预警')
      expect(await t.say('owner', s.group, '#预警 暴雨')).toBe('refused')
      expect(t.botSaid(s.group).at(-1)!.text).toContain('只有监管人员可以发布天气预警')
      expect(await urgentTo()).toEqual([])
    })

    it('when the bureau alerts the whole city over HTTP, then every registered group gets it; a viewer cannot, an officer may name one township', async () => {
      await t.database.db.delete(schema.outbox)
      expect((await api('POST', '/api/alerts/weather', { type: '龙卷风' })).statusCode).toBe(400)
      expect((await api('POST', '/api/alerts/weather', { type: '寒潮' }, VIEWER)).statusCode).toBe(403)
      const r = await api('POST', '/api/alerts/weather', { type: '寒潮' })
      expect(r.statusCode).toBe(201)
      expect(r.json()).toMatchObject({ area: '全市', groups: ['城关商户安全群', '红山商户群'] })
      await t.settle()
      expect((await urgentTo()).map((x) => x.chat).sort()).toEqual([s.group, hsGroup].sort())
      expect(t.botSaid(hsGroup).at(-1)!.text).toContain('【寒潮预警】全市将有寒潮降温')
      const township = await api('POST', '/api/alerts/weather', { type: '大风', township: '红山街道' }, OFFICER)
      expect(township.json()).toMatchObject({ area: '红山街道', groups: ['红山商户群'] })
    })
  })

  describe('the runner', () => {
    it('when a period is fired twice or caught up after it ran, then it runs once; a missed one is caught up where relevant', async () => {
      const tips = jobs.find((j) => j.name === 'safety-tips')!
      const at = new Date('2026-11-20T09:30:00+08:00')
      expect(await t.app.scheduler.fire(tips, at)).toBe(true)
      expect(await t.app.scheduler.fire(tips, at)).toBe(false)
      const runs = await t.database.db.select().from(schema.jobRuns).where(eq(schema.jobRuns.job, 'safety-tips'))
      expect(runs.map((r) => r.period)).toEqual(['2026-11-20 09:30'])
      // the test clock is Friday 10:00: today's 09:00 jobs are caught up, Wednesday's case is within three days,
      // today's tips were sent already, yesterday's 16:00 duty notice and Monday's summary are too old
      // (the notices' and programmes' jobs are caught up too: only the pushes' are looked at here)
      const pushes = (names: string[]) => names.filter((n) => jobs.some((j) => j.name === n)).sort()
      const ran = await t.app.scheduler.catchUp(t.clock.now())
      expect(pushes(ran)).toEqual(['hazard-deadlines', 'key-periods', 'warning-cases'])
      expect(pushes(await t.app.scheduler.catchUp(t.clock.now()))).toEqual([])
      const later = new Date('2026-11-30T10:00:00+08:00')
      expect(pushes(await t.app.scheduler.catchUp(later))).toEqual(['hazard-deadlines', 'key-periods', 'weekly-summary'])
    })

    it('when schedules are on, then node-cron fires the jobs on their expressions and stop() ends them', async () => {
      const periods: string[] = []
      const everySecond = { name: 'every-second', cron: '* * * * * *', period: (d: Date) => d.toISOString().slice(0, 19), async run(_: unknown, now: Date) {
        periods.push(now.toISOString())
      } }
      const runner = new Scheduler({ db: t.database.db, config: { ...t.config, SCHEDULES_ENABLED: true }, clock: systemClock, logger: pino({ level: 'silent' }), jobs: [everySecond], instanceId: 'cron-test', kick: () => {} })
      await runner.start()
      for (let i = 0; i < 60 && periods.length < 2; i++) await new Promise((r) => setTimeout(r, 50))
      await runner.stop()
      const n = periods.length
      expect(n).toBeGreaterThanOrEqual(2)
      await new Promise((r) => setTimeout(r, 1200))
      expect(periods.length).toBe(n)
    })

    it('when the app starts, then missed periods are caught up after start returns; on a database where nothing ever ran, nothing is', async () => {
      const fresh = await testDatabase()
      try {
        const ran: string[] = []
        const daily = { name: 'daily', cron: '0 0 9 * * *', period: (d: Date) => d.toISOString().slice(0, 10), catchUp: () => true, async run() {
          ran.push('daily')
        } }
        const runner = (instanceId: string) =>
          new Scheduler({ db: fresh.db, config: { ...t.config, SCHEDULES_ENABLED: true }, clock: t.clock, logger: pino({ level: 'silent' }), jobs: [daily], instanceId, kick: () => {} })
        const first = runner('first')
        expect(await (await first.start()).caughtUp).toEqual([])
        await first.stop()
        expect(ran).toEqual([])
        expect(await fresh.db.select().from(schema.jobRuns)).toEqual([])
        // once anything has run on the database, a restart catches up what it missed
        await fresh.db.insert(schema.jobRuns).values({ job: 'other', period: 'p', instanceId: 'first', reason: 'manual', startedAt: t.clock.now() })
        const again = runner('again')
        const started = await again.start()
        expect(await started.caughtUp).toEqual(['daily'])
        await again.stop()
        expect(ran).toEqual(['daily'])
      } finally {
        await fresh.close()
      }
    })

    it('when a job fails, then its claim is rolled back and a later fire runs it', async () => {
      let fail = true
      const flaky = { name: 'flaky', cron: '0 0 12 * * *', period: () => 'p1', async run(ctx: { db: typeof t.database.db }) {
        await ctx.db.insert(schema.hazardReminders).values({ hazardId: -1, kind: 'test', day: 'x', at: new Date() })
        if (fail) throw new Error('boom')
      } }
      expect(await t.app.scheduler.fire(flaky, t.clock.now())).toBe(false)
      expect(await t.database.db.select().from(schema.jobRuns).where(eq(schema.jobRuns.job, 'flaky'))).toEqual([])
      expect(await t.database.db.select().from(schema.hazardReminders).where(eq(schema.hazardReminders.kind, 'test'))).toEqual([])
      fail = false
      expect(await t.app.scheduler.fire(flaky, t.clock.now())).toBe(true)
    })
  })

  describe('delivery rules in the sender', () => {
    let box: string
    beforeAll(async () => {
      box = t.app.simulator!.createGroup({ id: 'box', name: '投递测试群', memberIds: ['owner'] }).id
    })
    const put = (text: string, priority: Priority) =>
      enqueue(t.database.db, { channel: 'wechaty', account: 'bot', chatId: box, isGroup: true, priority, text }, t.clock.now())
    const sender = (channel: Channel, extra: Partial<ConstructorParameters<typeof OutboxSender>[0]> = {}) =>
      new OutboxSender({ db: t.database.db, channel, clock: t.clock, logger: pino({ level: 'silent' }), instanceId: 'rules', maxAttempts: 3, ...extra })
    const statusOf = async (text: string) => (await t.database.db.select().from(schema.outbox).where(and(eq(schema.outbox.chatId, box), eq(schema.outbox.text, text))))[0].status

    it('when it is 22:00, then replies and urgent ones go and normal pushes wait for 08:00', async () => {
      await t.app.sender.stop()
      await t.database.db.delete(schema.outbox)
      t.botSaid(box)
      t.clock.set('2026-11-20T22:00:00+08:00')
      await put('夜间普通推送', 'normal')
      await put('夜间紧急预警', 'urgent')
      await put('夜间回复', 'reply')
      const q = sender(t.app.channel, { quietHours: '21:00-08:00' })
      await q.drainOnce()
      expect(t.botSaid(box).map((x) => x.text)).toEqual(['夜间回复', '夜间紧急预警'])
      expect(await statusOf('夜间普通推送')).toBe('pending')
      t.clock.set('2026-11-21T07:59:00+08:00')
      expect(await q.drainOnce()).toBe(0)
      t.clock.set('2026-11-21T08:00:00+08:00')
      await q.drainOnce()
      expect(t.botSaid(box).map((x) => x.text)).toEqual(['夜间普通推送'])
    })

    it('when the daily cap is reached, then normal pushes wait for the next Shanghai day and replies still go', async () => {
      await t.database.db.delete(schema.outbox)
      t.clock.set('2026-11-21T10:00:00+08:00')
      for (const x of ['一', '二', '三']) await put(x, 'normal')
      const q = sender(t.app.channel, { dailyCap: 2 })
      await q.drainOnce()
      await put('回复照发', 'reply')
      await q.drainOnce()
      expect(t.botSaid(box).map((x) => x.text)).toEqual(['一', '二', '回复照发'])
      // a restarted sender counts today's sends from the outbox
      const again = sender(t.app.channel, { dailyCap: 2 })
      expect(await again.drainOnce()).toBe(0)
      t.clock.set('2026-11-22T00:00:00+08:00')
      await again.drainOnce()
      expect(t.botSaid(box).map((x) => x.text)).toEqual(['三'])
    })

    it('when a text is longer than the channel takes, then it goes in parts, in order, each within the limit', async () => {
      await t.database.db.delete(schema.outbox)
      t.clock.set('2026-11-22T10:00:00+08:00')
      const parts: string[] = []
      const small: Channel = { ...t.app.channel, maxTextBytes: 60, send: async (m) => void parts.push(m.text!) }
      const long = Array.from({ length: 8 }, (_, i) => `第${i + 1}行：请检查燃气软管。`).join('\n')
      await put(long, 'normal')
      await sender(small).drainOnce()
      expect(parts.length).toBeGreaterThan(2)
      for (const p of parts) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(60)
      expect(parts.join('').replace(/\n/g, '')).toBe(long.replace(/\n/g, ''))
    })
  })
})
