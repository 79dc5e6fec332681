import { describe, it, expect } from 'vitest'
import { eq } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { useSeededApp, type Seed, type TestApp } from '../helpers/app.js'

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
    expect(said).toContain('整改期限：2026-12-31　负责人：李明')
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
