import { describe, it, expect } from 'vitest'
import pino from 'pino'
import { eq, and } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { intakeJobs } from '../../schedules/index.js'
import type { JobContext } from '../../schedules/types.js'
import { useSeededApp, withoutMentions, type Seed, type TestApp } from '../helpers/app.js'

/** Issue 12: hazards told in everyday words, urgent dangers answered at once, chatter left alone. */
describe('plain words: drafts, prompts and urgent guidance through the real Wechaty path', () => {
  let t: TestApp
  let s: Seed
  useSeededApp((app, seed) => {
    t = app
    s = seed
  })
  const texts = (chat: string) => t.botSaid(chat).map((e) => withoutMentions(e.text))
  const hazardByCode = async (code: string) => (await t.database.db.select().from(schema.hazards).where(eq(schema.hazards.code, code)))[0]
  const codeIn = (text: string) => /已登记隐患 (Y\d+)/.exec(text)?.[1] ?? ''
  /** the tests share one app: earlier drafts and prompt limits run out first */
  const freshStart = () => {
    t.clock.advance((Math.max(t.config.PLAIN_DRAFT_MINUTES, t.config.PLAIN_PROMPT_MINUTES) + 1) * 60_000)
    texts('dm:owner')
    texts(s.group)
  }
  const runExpiry = async () => {
    const ctx: JobContext = { db: t.database.db, config: t.config, clock: t.clock, logger: pino({ level: 'silent' }), kick: () => t.app.sender.kick() }
    for (const j of intakeJobs) await j.run(ctx, t.clock.now())
    await t.settle()
  }

  it('when an owner overhears a gas smell in the group, then guidance comes at once, the officer is told, a one-line prompt asks, and 1 files it as 重大', async () => {
    expect(await t.say('owner', s.group, '后厨那根燃气管子一直有股味儿', { messageId: 'gas-1' })).toBe('handled')
    const said = texts(s.group)
    expect(said[0]).toMatch(/燃气泄漏[\s\S]*关燃气总阀[\s\S]*开门开窗[\s\S]*119/)
    expect(said[1]).toBe('像是安全隐患（燃气），要上报吗？回复 1 上报，回复 2 不报')
    const [notice] = texts('dm:officer')
    expect(notice).toContain('【紧急·未确认】燃气泄漏')
    expect(notice).toContain('“城关商户安全群”群里张老板说：“后厨那根燃气管子一直有股味儿”')
    // the same message delivered again: one draft, one answer
    expect(await t.say('owner', s.group, '后厨那根燃气管子一直有股味儿', { messageId: 'gas-1' })).not.toBe('handled')
    expect(texts(s.group)).toEqual([])
    expect(texts('dm:officer')).toEqual([])
    expect(await t.database.db.select().from(schema.plainDrafts).where(eq(schema.plainDrafts.sourceMessageId, 'gas-1'))).toHaveLength(1)
    expect(await t.database.db.select().from(schema.urgentAlerts).where(eq(schema.urgentAlerts.sourceMessageId, 'gas-1'))).toHaveLength(1)
    await t.say('owner', s.group, '1')
    const [filed] = texts(s.group)
    expect(filed).toMatch(/^已登记隐患 Y\d+【重大·挂牌督办】（燃气）\n单位：城关老街饭店/)
    const h = await hazardByCode(codeIn(filed))
    expect(h).toMatchObject({ grade: 'major', category: 'gas', description: '后厨那根燃气管子一直有股味儿', businessId: s.shop.id })
    expect(texts(s.leaders)[0]).toContain('【重大隐患·挂牌督办】')
  })

  it('when the same sender overhears another hazard within PLAIN_PROMPT_MINUTES, then no second prompt; after it, one again', async () => {
    await t.say('owner', s.group, '饭店后门安全出口让纸箱子堵死了')
    expect(texts(s.group)).toEqual([])
    t.clock.advance((t.config.PLAIN_PROMPT_MINUTES + 1) * 60_000)
    await t.say('owner', s.group, '饭店后门安全出口让纸箱子堵死了')
    expect(texts(s.group)).toEqual(['像是安全隐患（消防），要上报吗？回复 1 上报，回复 2 不报'])
    await t.say('owner', s.group, '2')
    expect(texts(s.group)).toEqual(['好的，不上报。'])
  })

  it('when group chatter passes (greetings, notices, news, done, prices, 举报电话), then the bot stays silent', async () => {
    for (const text of ['大家早上好', '收到', '明天下午两点开消防培训会 请准时参加', '听说隔壁县商场前几天着火了', '燃气软管已经换过了', '灭火器多少钱一个', '举报电话12345']) {
      expect(await t.say('passer', s.group, text), text).toBe('ignored')
    }
    expect(texts(s.group)).toEqual([])
  })

  it('when a hazard is told to the bot by @-mention, then a draft shows what it understood; a photo joins it and 1 files both', async () => {
    await t.say('owner', s.group, '@安全助手 楼梯口堆满了装修垃圾', { mentionBot: true })
    const [draft] = texts(s.group)
    expect(draft).toContain('要上报这条隐患吗？')
    expect(draft).toContain('类别：消防　地点：楼梯口')
    expect(draft).toContain('单位：城关老街饭店')
    expect(draft).toContain('回复 1 上报，回复 2 不报')
    await t.photo('owner', s.group)
    expect(texts(s.group)).toEqual(['已收到照片 1 张，回复 1 上报，回复 2 不报。'])
    await t.say('owner', s.group, '1')
    const [filed] = texts(s.group)
    expect(filed).toMatch(/已登记隐患 Y\d+（消防）[\s\S]*照片：1 张/)
    const h = await hazardByCode(codeIn(filed))
    const photos = await t.database.db.select().from(schema.hazardAttachments).where(eq(schema.hazardAttachments.hazardId, h.id))
    expect(photos).toHaveLength(1)
    expect(h.grade).toBe('general')
  })

  it('when a hazard is told in a direct chat, then 2 drops the draft and nothing is filed', async () => {
    const before = (await t.database.db.select().from(schema.hazards)).length
    await t.say('owner', undefined, '插线板串着插线板，都烫手了')
    expect(texts('dm:owner')[0]).toContain('类别：电气')
    await t.say('owner', undefined, '2')
    expect(texts('dm:owner')).toEqual(['好的，不上报。'])
    expect((await t.database.db.select().from(schema.hazards)).length).toBe(before)
    const [d] = await t.database.db.select().from(schema.plainDrafts).where(and(eq(schema.plainDrafts.senderId, 'owner'), eq(schema.plainDrafts.isGroup, false), eq(schema.plainDrafts.status, 'dropped')))
    expect(d.text).toBe('插线板串着插线板,都烫手了')
  })

  it('when a photo comes first in a direct chat, then the bot asks for one sentence and keeps the photo for the report', async () => {
    await t.photo('owner', undefined)
    expect(texts('dm:owner')).toEqual(['收到照片。请用一句话说说是什么问题、在哪，我帮您登记。'])
    await t.say('owner', undefined, '仓库门口那根电线私拉乱接的')
    const [draft] = texts('dm:owner')
    expect(draft).toContain('照片：1 张')
    await t.say('owner', undefined, '1')
    const h = await hazardByCode(codeIn(texts('dm:owner')[0]))
    expect(h).toMatchObject({ category: 'electrical' })
    expect(await t.database.db.select().from(schema.hazardAttachments).where(eq(schema.hazardAttachments.hazardId, h.id))).toHaveLength(1)
  })

  it('when a draft is left unanswered past its time, then its sender is told it was not filed', async () => {
    await t.say('owner', undefined, '冷库那边电线都露铜了')
    expect(texts('dm:owner')[0]).toContain('要上报这条隐患吗？')
    t.clock.advance((t.config.PLAIN_DRAFT_MINUTES + 1) * 60_000)
    await runExpiry()
    expect(texts('dm:owner')).toEqual(['刚才“冷库那边电线都露铜了”没有上报（未回复1，已过时）。\n如要上报，请再说一遍，或发：#隐患 情况'])
    await runExpiry()
    expect(texts('dm:owner')).toEqual([])
  })

  it('when 报隐患 is typed without # in the group, then it files when the words describe a hazard, and 举报 with a phone number does not', async () => {
    await t.say('owner', s.group, '报隐患 卸油区有司机抽烟')
    expect(texts(s.group)[0]).toMatch(/已登记隐患 Y\d+（油品\/危化品）/)
    expect(await t.say('owner', s.group, '举报电话12345')).toBe('ignored')
    await t.say('owner', undefined, '举报电话12345')
    expect(texts('dm:owner')[0]).toContain('要上报隐患，请说清在哪、什么问题')
  })

  it('when an owner answers a draft as people do (好的, 上报, 确认, 不报了), then it is filed or dropped; an overheard 好的 in a group files nothing', async () => {
    freshStart()
    await t.say('owner', undefined, '我们店后厨的灭火器过期了')
    expect(texts('dm:owner')[0]).toContain('要上报这条隐患吗？')
    await t.say('owner', undefined, '好的')
    expect(texts('dm:owner')[0]).toMatch(/^已登记隐患 Y\d+（消防）/)
    await t.say('owner', undefined, '后厨燃气灶那块软管老化了')
    expect(texts('dm:owner')[0]).toContain('类别：燃气')
    // 上报 and 确认 are command words too: with a draft open they answer it
    await t.say('owner', undefined, '上报')
    expect(texts('dm:owner')[0]).toMatch(/^已登记隐患 Y\d+（燃气）/)
    await t.say('owner', undefined, '前厅插座烧黑了')
    expect(texts('dm:owner')[0]).toContain('类别：电气')
    await t.say('owner', undefined, '确认。')
    expect(texts('dm:owner')[0]).toMatch(/^已登记隐患 Y\d+（电气）/)
    await t.say('owner', undefined, '冷库那边电线都露铜了')
    expect(texts('dm:owner')[0]).toContain('类别：电气')
    await t.say('owner', undefined, '不报了')
    expect(texts('dm:owner')).toEqual(['好的，不上报。'])
    // in the group the prompt's sender says 好的 to someone else: not an answer; told to the bot it is
    await t.say('owner', s.group, '后门安全出口让纸箱子堵死了')
    expect(texts(s.group)).toEqual(['像是安全隐患（消防），要上报吗？回复 1 上报，回复 2 不报'])
    const before = (await t.database.db.select().from(schema.hazards)).length
    expect(await t.say('owner', s.group, '好的')).toBe('ignored')
    expect((await t.database.db.select().from(schema.hazards)).length).toBe(before)
    await t.say('owner', s.group, '@安全助手 好的', { mentionBot: true })
    expect(texts(s.group)[0]).toMatch(/^已登记隐患 Y\d+（消防）/)
    // with no draft open, 确认 is still the command it always was
    await t.say('owner', undefined, '确认')
    expect(texts('dm:owner')[0]).not.toContain('已登记隐患')
  })

  it('when an owner says hello, thanks, asks how to report or how the reports are doing, or says it is fixed, then a short useful answer comes back', async () => {
    freshStart()
    await t.say('owner', undefined, '你好')
    expect(texts('dm:owner')[0]).toContain('直接说什么问题、在哪就行')
    await t.say('owner', undefined, '谢谢！')
    expect(texts('dm:owner')).toEqual(['不客气。'])
    await t.say('owner', undefined, '隐患怎么报啊？')
    expect(texts('dm:owner')[0]).toContain('回复 1 上报')
    await t.say('owner', undefined, '消防检查什么时候来')
    expect(texts('dm:owner')[0]).toBe('这个问题我答不了，请问本街道的监管人员。\n要上报隐患，直接说什么问题、在哪。')
    await t.say('owner', undefined, '#隐患 后厨灭火器过期了')
    const code = codeIn(texts('dm:owner')[0])
    await t.say('owner', undefined, '我报的隐患咋样了')
    const [mine] = texts('dm:owner')
    expect(mine).toContain('本单位未销号隐患')
    expect(mine).toContain(code)
    await t.say('owner', undefined, '灭火器已经换好了')
    expect(texts('dm:owner')[0]).toContain('#整改 编号')
    // words alone do not close it: the rectification goes through #整改 with its photos
    expect((await hazardByCode(code)).status).toBe('reported')
  })

  it('when two hazards are told in a row, then 1 files the second and the first is asked about next, not left to expire', async () => {
    freshStart()
    await t.say('owner', undefined, '后厨燃气软管老化了')
    expect(texts('dm:owner')[0]).toContain('类别：燃气')
    await t.say('owner', undefined, '还有仓库的灭火器也过期了')
    expect(texts('dm:owner')[0]).toContain('类别：消防')
    await t.say('owner', undefined, '1')
    const [filed, next] = texts('dm:owner')
    expect(filed).toMatch(/^已登记隐患 Y\d+（消防）/)
    expect(next).toBe('还有一条没回复：“后厨燃气软管老化了”（燃气）\n回复 1 上报，回复 2 不报')
    await t.say('owner', undefined, '1')
    expect(texts('dm:owner')).toEqual([expect.stringMatching(/^已登记隐患 Y\d+（燃气）/)])
    // nothing left open: a stray 1 says so instead of 没看懂
    await t.say('owner', undefined, '1')
    expect(texts('dm:owner')).toEqual(['现在没有等您回复的隐患（可能已过时）。\n要上报，直接说什么问题、在哪。'])
  })

  it('when an owner asks after one report by its code in words (Y2怎么样了), then it is looked up; 我要报个隐患 gets how to', async () => {
    freshStart()
    await t.say('owner', undefined, '#隐患 后厨灭火器过期了')
    const code = codeIn(texts('dm:owner')[0])
    await t.say('owner', undefined, `${code.toLowerCase()}怎么样了？`)
    const [q] = texts('dm:owner')
    expect(q).toMatch(new RegExp(`^${code}【一般隐患·消防】已上报待受理`))
    await t.say('owner', undefined, '我要报个隐患')
    expect(texts('dm:owner')[0]).toContain('直接说什么问题、在哪就行')
  })

  it('when the owner corrects the place of a draft (不是后厨 是前厅吧台那), then the draft takes it and files with it', async () => {
    freshStart()
    await t.say('owner', undefined, '后厨燃气软管老化了')
    expect(texts('dm:owner')[0]).toContain('地点：后厨')
    await t.say('owner', undefined, '不是后厨 是前厅吧台那')
    const [again] = texts('dm:owner')
    expect(again).toContain('类别：燃气　地点：前厅吧台')
    expect(again).toContain('回复 1 上报，回复 2 不报')
    await t.say('owner', undefined, '地点：二楼包间')
    expect(texts('dm:owner')[0]).toContain('地点：二楼包间')
    // a second hazard that starts with 在 is not taken for a place
    await t.say('owner', undefined, '在仓库门口堆了好多纸箱 消防栓都挡住了')
    expect(texts('dm:owner')[0]).toContain('情况：在仓库门口堆了好多纸箱')
    await t.say('owner', undefined, '2')
    texts('dm:owner')
    await t.say('owner', undefined, '1')
    const h = await hazardByCode(codeIn(texts('dm:owner')[0]))
    expect(h).toMatchObject({ category: 'gas', place: '二楼包间', description: '后厨燃气软管老化了' })
  })

  it('when someone asks for #帮助, then it says plain words work, with an example', async () => {
    await t.say('owner', s.group, '#帮助')
    expect(texts(s.group)[0]).toContain('也可以直接说：@安全助手 楼梯口堆满了装修垃圾')
  })

  it('when PLAIN_REPORTS is off, then no prompt or draft, but an urgent danger still gets its guidance', async () => {
    t.config.PLAIN_REPORTS = 'off'
    try {
      expect(await t.say('other-owner', s.group, '二楼包间的疏散指示灯不亮')).toBe('ignored')
      await t.say('other-owner', s.group, '3号梯困人了 里面有个老太太')
      const said = texts(s.group)
      expect(said).toHaveLength(1)
      expect(said[0]).toMatch(/电梯困人[\s\S]*96333/)
    } finally {
      t.config.PLAIN_REPORTS = 'all'
    }
  })
})

describe('free answers to an open self-check, as owners give them', () => {
  let t: TestApp
  let s: Seed
  useSeededApp((app, seed) => {
    t = app
    s = seed
  })
  const last = (chat: string) => withoutMentions(t.botSaid(chat).at(-1)?.text)

  it.each([
    ['都正常，一切都好', /6项全部合格/],
    ['行', /6项全部合格/],
    ['电梯年检过期了其他都好', /6项中1项不合格[\s\S]*（第2项）/],
    ['2号不行 别的都行', /6项中1项不合格[\s\S]*（第2项）/],
    ['1到4合格 5 6不合格', /6项中2项不合格[\s\S]*（第5项）[\s\S]*（第6项）/],
    ['1 4 不合格', /6项中2项不合格[\s\S]*（第1项）[\s\S]*（第4项）/],
    ['第二项没达到', /6项中1项不合格[\s\S]*（第2项）/],
  ])('when the owner answers %j in the group without # or @, then it is read', async (answer, want) => {
    await t.say('owner', s.group, '#自查 特种设备')
    expect(last(s.group)).toContain('特种设备安全自查')
    await t.say('owner', s.group, answer)
    expect(last(s.group)).toMatch(want)
  })

  it('when an answer names a problem no item covers, then it is filed from the words beside the result', async () => {
    await t.say('owner', s.group, '#自查 特种设备')
    t.botSaid(s.group)
    await t.say('owner', s.group, '楼道灯坏了 其他都好')
    expect(last(s.group)).toMatch(/6项全部合格[\s\S]*另登记：Y\d+（楼道灯坏了）/)
  })

  it('when an answer cannot be read, then a short question comes back and nothing is guessed', async () => {
    await t.say('owner', s.group, '#自查 特种设备')
    t.botSaid(s.group)
    await t.say('owner', s.group, '有两项不合格')
    expect(last(s.group)).toBe('请写明是哪几项，例如：2、5不合格')
    await t.say('owner', s.group, '@安全助手 等我看看', { mentionBot: true })
    expect(last(s.group)).toContain('没看懂这个回答，请写哪几项不合格')
    await t.say('owner', s.group, '3不行 其余都合格')
    expect(last(s.group)).toMatch(/6项中1项不合格[\s\S]*（第3项）/)
  })
})
