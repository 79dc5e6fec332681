import { describe, it, expect } from 'vitest'
import { and, eq, like } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { useSeededApp, withoutMentions, type Seed, type TestApp } from '../helpers/app.js'
import { cronOf, nextFire } from '../../src/scheduler.js'
import { registerJobs } from '../../schedules/index.js'

const ADMIN = { authorization: 'Bearer admin-token-0123456789' }
const at = (local: string) => new Date(local + '+08:00')

/** 方案 13: a business records its drill in chat with photos; yearly coverage by industry; reminders to those with none. */
describe('drills (应急演练)', () => {
  let t: TestApp
  let s: Seed
  useSeededApp(
    (app, seed) => {
      t = app
      s = seed
    },
    { config: { ADMIN_TOKENS: [{ token: 'admin-token-0123456789', role: 'admin', name: '管理员' }] } },
  )
  const api = (method: 'GET' | 'POST', url: string, payload?: unknown) => t.app.http.inject({ method, url, headers: ADMIN, payload: payload as object })
  const last = () => withoutMentions(t.botSaid(s.group).at(-1)?.text)

  it('when an owner sends #演练 with the number of people and then photos, then the drill is recorded with its photos', async () => {
    await t.say('owner', s.group, '#演练 疏散演练 参加12人')
    expect(last()).toBe('已登记应急演练：城关老街饭店\n疏散演练，2026-11-20，参加12人\n30分钟内可直接发现场照片。')
    await t.photo('owner', s.group)
    expect(last()).toBe('已收到演练照片（共1张）。')
    await t.photo('owner', s.group)
    expect(last()).toBe('已收到演练照片（共2张）。')
    const list = (await api('GET', '/api/drills')).json()
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({ businessName: '城关老街饭店', kind: '疏散演练', participants: 12, heldOn: '2026-11-20', recordedBy: '张老板' })
    expect(list[0].photos).toHaveLength(2)
  })

  it('when #演练 is sent without a name, with a future date, or by someone without a business, then a short Chinese answer says why', async () => {
    await t.say('owner', s.group, '#演练')
    expect(last()).toContain('请写上演练名称')
    await t.say('owner', s.group, '#演练 灭火演练 12月25日')
    expect(last()).toContain('演练日期不对')
    await t.say('passer', s.group, '#演练 灭火演练')
    expect(last()).not.toContain('已登记')
    expect((await api('GET', '/api/drills')).json()).toHaveLength(1)
  })

  it('when coverage is asked for, then each industry shows its businesses with a drill this year and the rest are listed', async () => {
    const cov = (await api('GET', '/api/drills/coverage?year=2026')).json()
    expect(cov.byIndustry).toEqual([{ industry: 'catering', name: '餐饮', businesses: 2, drilled: 1, rate: 50 }])
    expect(cov.missing.map((b: { name: string }) => b.name)).toEqual(['红山羊汤馆'])
  })

  it('when the year passes, then on 1 June and 1 October the groups hear of their businesses with no drill yet, once each', async () => {
    const db = t.database.db
    const job = registerJobs.find((j) => j.name === 'drill-reminders')!
    const end = at('2027-12-31T23:59:59')
    const fired: string[] = []
    for (let when = nextFire(cronOf(job, t.config), t.clock.now()); when <= end; when = nextFire(cronOf(job, t.config), when)) {
      if (when > at('2027-07-15T12:00:00') && !fired.includes('drill')) {
        t.clock.set(at('2027-07-15T12:00:00'))
        expect((await api('POST', '/api/drills', { businessId: s.shop.id, kind: '燃气泄漏处置演练', heldOn: '2027-07-15', participants: 8 })).statusCode).toBe(201)
        fired.push('drill')
      }
      t.clock.set(when)
      expect(await t.app.scheduler.fire(job, when, 'cron')).toBe(true)
      fired.push(when.toISOString())
    }
    expect(fired).toEqual(['2027-06-01T02:00:00.000Z', 'drill', '2027-10-01T02:00:00.000Z'])
    const reminded = await db.select().from(schema.drillReminders)
    expect(reminded.map((r) => [r.businessId, r.period]).sort()).toEqual([[s.other.id, '2027-H2'], [s.other.id, '2027-H1'], [s.shop.id, '2027-H1']].sort())
    const toGroup = await db.select().from(schema.outbox).where(and(eq(schema.outbox.chatId, s.group), like(schema.outbox.text, '【应急演练提醒】%')))
    // 城关's group hears of 城关老街饭店 in June only (it drilled in July); 红山羊汤馆 is not in that group's township
    expect(toGroup.map((o) => o.text)).toEqual(['【应急演练提醒】2027年以下单位还没有登记应急演练：\n城关老街饭店\n组织演练后请发：#演练 疏散演练 参加12人，再发现场照片。'])
  })
})
