import { describe, it, expect } from 'vitest'
import { eq } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { useSeededApp, type Seed, type TestApp } from '../helpers/app.js'
import { pushJobs } from '../../schedules/index.js'

describe('a direct chat with the bot', () => {
  let t: TestApp
  let s: Seed
  useSeededApp((app, seed) => {
    t = app
    s = seed
  })

  it('when a bound member writes to the bot directly, then every message is addressed and a report files for the business', async () => {
    await t.say('owner', undefined, '隐患 仓库电线私拉乱接')
    const [reply] = t.botSaid('dm:owner')
    expect(reply.text).toContain('已登记隐患')
    expect(reply.text).toContain('城关老街饭店')
    expect(reply.mentionIds).toEqual([])
    const code = /Y\d+/.exec(reply.text!)![0]
    const [h] = await t.database.db.select().from(schema.hazards).where(eq(schema.hazards.code, code))
    expect(h).toMatchObject({ groupId: null, category: 'electrical', townshipId: s.town.id })
    await t.photo('owner', undefined)
    expect(t.botSaid('dm:owner')[0].text).toContain(`${code} 已收到照片 1 张`)
    await t.say('owner', undefined, '你好')
    expect(t.botSaid('dm:owner')[0].text).toContain('#帮助')
  })

  it('when an unbound person writes directly, then they are told to report in a registered group or bind first', async () => {
    await t.say('passer', undefined, '#隐患 路边摊用液化气罐')
    expect(t.botSaid('dm:passer')[0].text).toContain('请在登记过的工作群里上报')
    await t.say('passer', undefined, '帮助')
    expect(t.botSaid('dm:passer')[0].text).toContain('未绑定身份')
  })

  it('when an officer accepts naming another responsible officer, then that officer is recorded', async () => {
    await t.say('owner', s.group, '#隐患 后厨地面油污湿滑')
    const code = /Y\d+/.exec(t.botSaid(s.group)[0].text!)![0]
    await t.say('leader', s.group, `#受理 ${code} 12月31日 负责人:李明`)
    const said = t.botSaid(s.group)[0].text!
    expect(said).toContain('整改期限：2026-12-31（周四）　负责人：李明')
    const [h] = await t.database.db.select().from(schema.hazards).where(eq(schema.hazards.code, code))
    expect(h.responsiblePersonId).toBe(s.officer.id)
    await t.say('leader', s.group, `#受理 ${code} 负责人:不存在`)
    expect(t.botSaid(s.group)[0].text).toContain('已受理过了')
  })
})

describe('help fits the chat', () => {
  let t: TestApp
  let s: Seed
  useSeededApp((app, seed) => {
    t = app
    s = seed
  })

  it('when help is asked in a direct chat, then group-only commands are left out', async () => {
    await t.say('officer', undefined, '#帮助')
    const dm = t.botSaid('dm:officer')[0].text!
    expect(dm).toContain('#受理')
    expect(dm).not.toContain('#本群登记')
    await t.say('officer', s.group, '#帮助')
    expect(t.botSaid(s.group)[0].text).toContain('#本群登记')
  })

  it('when help is asked in a group that is not registered, then reporting is left out and the reason is given', async () => {
    t.app.simulator!.createGroup({ id: 'new-group', name: '新建的群', memberIds: ['owner'] })
    await t.say('owner', 'new-group', '#帮助')
    const text = t.botSaid('new-group@chatroom')[0].text!
    expect(text).toContain('本群还未登记')
    expect(text).not.toContain('#隐患')
  })
})

describe('deadlines of a hazard reported in a direct chat', () => {
  let t: TestApp
  let s: Seed
  useSeededApp((app, seed) => {
    t = app
    s = seed
  })
  const job = pushJobs.find((j) => j.name === 'hazard-deadlines')!
  /** runs the deadline job at 10:00 (Shanghai) of a day and lets the sender drain */
  async function dayRun(day: string) {
    t.clock.set(new Date(`${day}T10:00:00+08:00`))
    expect(await t.app.scheduler.fire(job, t.clock.now())).toBe(true)
    await t.settle()
  }

  it('when it runs late, then reminders go back to that chat, the escalation to the officer directly and then to the leaders; nothing is claimed unsent', async () => {
    await t.say('owner', undefined, '隐患 配电箱箱门缺失')
    const code = /Y\d+/.exec(t.botSaid('dm:owner')[0].text!)![0]
    await t.say('officer', undefined, `#受理 ${code} 3天`)
    expect(t.botSaid('dm:officer')[0].text).toContain('整改期限：2026-11-23')
    // the router recorded which account answers each direct chat
    const chats = await t.database.db.select().from(schema.groupAccounts).where(eq(schema.groupAccounts.chatId, 'owner'))
    expect(chats).toMatchObject([{ channel: 'wechaty', account: 'bot' }])

    await dayRun('2026-11-22')
    expect(t.botSaid('dm:owner').map((e) => e.text)).toEqual([expect.stringContaining(`【整改到期提醒】${code}（城关老街饭店）`)])
    await dayRun('2026-11-24')
    expect(t.botSaid('dm:owner').map((e) => e.text)).toEqual([expect.stringContaining(`【逾期提醒】${code}`)])
    expect(t.botSaid('dm:officer')).toEqual([])
    await dayRun('2026-11-26')
    expect(t.botSaid('dm:owner').map((e) => e.text)).toEqual([expect.stringContaining('已逾期3天')])
    const escalated = t.botSaid('dm:officer')
    expect(escalated.map((e) => e.text)).toEqual([expect.stringContaining(`【逾期督办】隐患 ${code}`)])
    // never to the business owner's chat, nor twice
    await dayRun('2026-11-27')
    expect(t.botSaid('dm:officer')).toEqual([])
    expect(t.botSaid('dm:owner').map((e) => e.text)).toEqual([expect.stringContaining('已逾期4天')])
    await dayRun('2026-11-30')
    expect(t.botSaid(s.leaders).map((e) => e.text)).toEqual([expect.stringContaining(`【逾期升级】隐患 ${code}`)])

    // every claimed reminder has its message, sent
    const claims = await t.database.db.select().from(schema.hazardReminders)
    const sent = await t.database.db.select().from(schema.outbox).where(eq(schema.outbox.status, 'sent'))
    for (const c of claims) {
      const head = { due: '【整改到期提醒】', overdue: '【逾期提醒】', escalate_officer: '【逾期督办】', escalate_leaders: '【逾期升级】' }[c.kind]!
      expect(sent.filter((r) => r.text?.includes(head) && r.text.includes(code)).length, c.kind).toBeGreaterThan(0)
    }
  })

  it('when the reporter cannot be reached at all, then nothing is claimed and it is tried again', async () => {
    // a person bound on another channel only, reported through the console's API path: no chat to answer in
    const [p] = await t.database.db.insert(schema.people).values({ name: '孙老板', role: 'member' }).returning()
    await t.database.db.insert(schema.memberships).values({ personId: p.id, businessId: s.shop.id })
    const [h] = await t.database.db
      .insert(schema.hazards)
      .values({ businessId: s.shop.id, townshipId: s.town.id, reporterPersonId: p.id, reporterName: '孙老板', reporterKind: 'member', description: '灭火器过期', category: 'fire', grade: 'general', status: 'rectifying', deadline: new Date('2026-12-02T15:59:59Z') })
      .returning()
    await dayRun('2026-12-01')
    const mine = () => t.database.db.select().from(schema.hazardReminders).where(eq(schema.hazardReminders.hazardId, h.id))
    expect(await mine()).toEqual([])
    // once the owner has written to the bot, the next run reaches them
    t.app.simulator!.createContact({ id: 'sun', name: '孙老板' })
    await t.database.db.insert(schema.identities).values({ channel: 'wechaty', externalId: 'sun', displayName: '孙老板', personId: p.id })
    await t.say('sun', undefined, '你好')
    t.botSaid('dm:sun')
    await dayRun('2026-12-03')
    expect(t.botSaid('dm:sun').map((e) => e.text)).toEqual([expect.stringContaining(`【逾期提醒】${h.code}（城关老街饭店）：灭火器过期`)])
    expect((await mine()).map((r) => r.kind)).toEqual(['overdue'])
  })
})
