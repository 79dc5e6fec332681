import { describe, it, expect, afterAll } from 'vitest'
import { eq } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { reportCode, startTestApp, useSeededApp, withoutMentions, type Seed, type TestApp } from '../helpers/app.js'

const strip = withoutMentions

describe('transfers, unidentified businesses, major hazards and refusals', () => {
  let t: TestApp
  let s: Seed
  useSeededApp((app, seed) => {
    t = app
    s = seed
  })

  const hazard = async (code: string) => (await t.database.db.select().from(schema.hazards).where(eq(schema.hazards.code, code)))[0]
  const report = (from: string, text: string) => reportCode(t, from, s.group, text)
  const last = () => strip(t.botSaid(s.group).at(-1)?.text)

  it('when an officer transfers a hazard and records the result, then it can be closed', async () => {
    const code = await report('owner', '#隐患 消防通道被占用')
    await t.say('officer', s.group, `#受理 ${code} 3日内`)
    t.botSaid(s.group)
    await t.say('officer', s.group, `#验收 ${code} 通过`)
    expect(last()).toContain('不能验收')
    await t.say('officer', s.group, `#移交 ${code} 消防 占用严重`)
    expect(last()).toContain(`${code} 已移交 消防救援`)
    await t.say('officer', s.group, `#验收 ${code} 通过`)
    expect(last()).toContain('请先登记移交结果')
    await t.say('officer', s.group, `#移交结果 ${code} 消防大队已责令整改 复查合格`)
    expect(last()).toContain('已登记')
    await t.say('officer', s.group, `#验收 ${code} 通过`)
    expect(last()).toContain('已销号')
    const h = await hazard(code)
    expect(h).toMatchObject({ status: 'closed', transferDepartment: '消防救援', transferResult: '消防大队已责令整改 复查合格' })
  })

  it('when an unbound member of the public reports, then it is filed as 群众举报 with 待认定 and the officer names the business at 受理', async () => {
    await t.say('passer', s.group, '@安全助手 隐患 商场三楼安全出口上锁', { mentionBot: false })
    const said = t.botSaid(s.group)
    expect(said.at(-1)!.text).toContain('单位：待认定')
    const code = /Y\d+/.exec(said.at(-1)!.text!)![0]
    expect(await hazard(code)).toMatchObject({ businessId: null, reporterKind: 'public', reporterName: '热心群众', category: 'fire' })
    await t.say('officer', s.group, `#查询 ${code}`)
    expect(last()).toContain('上报：热心群众（群众举报）')
    await t.say('officer', s.group, `#受理 ${code} 7天`)
    expect(last()).toContain('待认定，受理时请写上单位名称')
    await t.say('officer', s.group, `#受理 ${code} 7天 不存在的单位`)
    expect(last()).toContain('没有找到单位')
    await t.say('officer', s.group, `#受理 ${code} 7天 老街饭店`)
    expect(last()).toContain('单位：城关老街饭店')
    const h = await hazard(code)
    expect(h.businessId).toBe(s.shop.id)
    expect(h.status).toBe('rectifying')
    const events = await t.database.db.select().from(schema.hazardEvents).where(eq(schema.hazardEvents.hazardId, h.id))
    expect(events.find((e) => e.action === 'accept')!.data).toMatchObject({ business: '城关老街饭店' })
  })

  it('when a major hazard is reported, then it is under listed supervision and the leaders group hears at once', async () => {
    t.botSaid(s.leaders)
    const code = await report('owner', '#隐患 液化气钢瓶放在地下室 重大')
    const h = await hazard(code)
    expect(h).toMatchObject({ grade: 'major', listedSupervision: '挂牌督办', category: 'gas' })
    const leaders = t.botSaid(s.leaders)
    expect(leaders).toHaveLength(1)
    expect(leaders[0].text).toContain(`【重大隐患·挂牌督办】${code}`)
    expect(leaders[0].text).toContain('城关老街饭店')
    // default deadline for major hazards is 30 days
    await t.say('officer', s.group, `#受理 ${code}`)
    expect(last()).toContain('2026-12-20')
  })

  it('when steps are invalid, then each refusal says why', async () => {
    const code = await report('owner', '#隐患 配电箱门损坏 电线裸露')
    const cases: [string, string, string][] = [
      ['owner', `#受理 ${code}`, '只有监管人员可以受理'],
      ['officer', `#验收 ${code} 通过`, '不能验收'],
      ['owner', `#整改 ${code} 已修好`, '还未受理'],
      ['officer', '#查询 Y99999', '没有找到隐患 Y99999'],
      ['officer2', `#受理 ${code}`, '不在您负责的范围内'],
      ['other-owner', `#整改 ${code} 已修好`, '不是您单位的隐患'],
      ['passer', `#受理 ${code}`, '只有监管人员可以受理'],
      ['officer', '#受理', '请写上隐患编号'],
      ['officer', `#验收 ${code}`, '请写明“通过”或“不通过”'],
      ['owner', '#隐患', '请写上隐患情况'],
      ['owner', '#随便说点什么', '没看懂'],
    ]
    for (const [who, text, expected] of cases) {
      await t.say(who, s.group, text)
      const reply = t.botSaid(s.group)
      expect(reply, text).toHaveLength(1)
      expect(reply[0].text, text).toContain(expected)
      expect(reply[0].mentionIds[0]).toBe(who)
    }
    await t.say('officer', s.group, `#受理 ${code}`)
    t.botSaid(s.group)
    await t.say('owner', s.group, `#整改 ${code} 已更换配电箱门`)
    t.botSaid(s.group)
    await t.say('owner', s.group, `#验收 ${code} 通过`)
    expect(last()).toContain('单位不能验收自己的隐患')
    await t.say('officer', s.group, `#验收 ${code} 不通过`)
    expect(last()).toContain('请写明原因')
    expect((await hazard(code)).status).toBe('awaiting_verification')
  })

  it('when people chat without addressing the bot, then it stays silent', async () => {
    t.botSaid(s.group)
    expect(await t.say('owner', s.group, '今天检查的人几点来？')).toBe('ignored')
    expect(await t.say('owner', s.group, '隐患 这不是命令，因为没有井号')).toBe('ignored')
    expect(await t.photo('officer', s.group)).toBe('ignored')
    expect(t.botSaid(s.group)).toHaveLength(0)
  })

  it('when a message arrives older than the window, then it is not acted on and the sender is asked once to resend', async () => {
    const before = (await t.database.db.select().from(schema.hazards)).length
    const old = t.clock.now().getTime() - 3600_000
    expect(await t.say('owner', s.group, '#隐患 历史消息重放', { messageId: 'old-1', sentAt: old })).toBe('stale')
    expect(await t.say('owner', s.group, '#隐患 历史消息重放', { messageId: 'old-1', sentAt: old })).toBe('duplicate')
    const said = t.botSaid(s.group)
    expect(said).toHaveLength(1)
    expect(said[0].text).toContain('请重新发送')
    expect((await t.database.db.select().from(schema.hazards)).length).toBe(before)
  })

  it('when a deadline passes, then 逾期 and 本群 show it', async () => {
    const code = await report('owner', '#隐患 灭火器过期')
    await t.say('officer', s.group, `#受理 ${code} 2天`)
    t.clock.advance(5 * 86400_000)
    t.botSaid(s.group)
    await t.say('officer', s.group, '#逾期')
    const overdue = last()
    expect(overdue).toContain(code)
    expect(overdue).toContain('【逾期】')
    await t.say('owner', s.group, '#本群')
    expect(last()).toMatch(/逾期 [1-9]\d* 条/)
    await t.say('owner', s.group, '#我的')
    expect(last()).toContain('本单位未销号隐患')
    await t.say('passer', s.group, '#我的')
    expect(last()).toContain('您上报的未销号隐患')
  })
})

describe('binding and group registration', () => {
  let t: TestApp
  afterAll(async () => t.close())

  it('when an officer binds with a one-time code and registers a group, then members can report there', async () => {
    t = await startTestApp()
    const http = t.app.http
    const town = await http.inject({ method: 'POST', url: '/api/jurisdictions', payload: { name: '宋杖子镇' } })
    expect(town.statusCode).toBe(201)
    const person = await http.inject({ method: 'POST', url: '/api/people', payload: { name: '孙科员', role: 'officer', township: '宋杖子镇' } })
    expect(person.statusCode).toBe(201)
    const code = (await http.inject({ method: 'POST', url: `/api/people/${person.json().id}/bind-codes` })).json().code as string
    expect(code).toMatch(/^\d{6}$/)
    const codes = (await http.inject({ url: '/api/bind-codes' })).json()
    expect(codes).toEqual([expect.objectContaining({ code, personName: '孙科员', usedAt: null })])
    const sim = t.app.simulator!
    sim.createContact({ id: 'sun', name: '孙科员' })
    sim.createContact({ id: 'shop', name: '店主' })
    const g = sim.createGroup({ id: 'song', name: '宋杖子镇商户群', memberIds: ['sun', 'shop'] }).id

    await t.say('shop', g, '#隐患 燃气管道锈蚀')
    expect(t.botSaid(g)[0].text).toContain('本群还未登记')
    await t.say('sun', g, '#本群登记 宋杖子镇 餐饮')
    expect(t.botSaid(g)[0].text).toContain('只有监管人员可以登记本群')
    await t.say('sun', g, `#绑定 ${code}`)
    expect(t.botSaid(g)[0].text).toContain('绑定成功：孙科员（监管人员）')
    await t.say('shop', g, `#绑定 ${code}`)
    expect(t.botSaid(g)[0].text).toContain('绑定码无效')
    await t.say('sun', g, '#本群登记 红山 餐饮')
    expect(t.botSaid(g)[0].text).toContain('没有找到乡镇')
    await t.say('sun', g, '#本群登记 宋杖子 饭店')
    expect(t.botSaid(g)[0].text).toContain('本群已登记：宋杖子镇 · 餐饮')
    // the group's own status names its township (issue 13: it showed a placeholder)
    await t.say('shop', g, '#本群')
    expect(t.botSaid(g)[0].text).toContain('本群登记：宋杖子镇 · 餐饮')
    // 查询 我的 / 查询 逾期 point to the commands of their own
    await t.say('shop', g, '#查询 我的')
    expect(t.botSaid(g)[0].text).toContain('#我的')
    await t.say('sun', g, '#查询 逾期')
    expect(t.botSaid(g)[0].text).toContain('#逾期')
    await t.say('shop', g, '#隐患 燃气管道锈蚀')
    expect(t.botSaid(g)[0].text).toContain('已登记隐患')
    // stored as typed: full-width signs stay full-width (matching uses the normalized text)
    await t.say('shop', g, '#隐患 ＜img src=x＞后厨插线板老化（约１米）')
    const typed = /已登记隐患 (Y\d+)/.exec(t.botSaid(g)[0].text ?? '')![1]
    const [h] = await t.database.db.select().from(schema.hazards).where(eq(schema.hazards.code, typed))
    expect(h.description).toBe('＜img src=x＞后厨插线板老化（约１米）')
    const [row] = await t.database.db.select().from(schema.groups).where(eq(schema.groups.externalId, g))
    expect(row).toMatchObject({ registered: true, industries: ['catering'] })
  })
})
