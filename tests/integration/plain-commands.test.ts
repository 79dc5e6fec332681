import { describe, it, expect } from 'vitest'
import { eq } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { formatDate } from '../../src/core/clock.js'
import { reportCode, useSeededApp, withoutMentions, type Seed, type TestApp } from '../helpers/app.js'

const strip = withoutMentions

/** The test clock stands on Friday 2026-11-20, 10:00 in Shanghai. */
describe('commands as people type them and deadlines as they say them, through the simulator', () => {
  let t: TestApp
  let s: Seed
  useSeededApp((app, seed) => {
    t = app
    s = seed
  })
  const hazard = async (code: string) => (await t.database.db.select().from(schema.hazards).where(eq(schema.hazards.code, code)))[0]
  const last = () => strip(t.botSaid(s.group).at(-1)?.text)
  const report = (from: string, text: string) => reportCode(t, from, s.group, text)

  it('when an officer accepts a 待认定 report with a date word and the business, without #, then both are read and the reply states the deadline', async () => {
    const code = await report('passer', '#隐患 商场三楼安全出口上锁')
    expect(await t.say('officer', s.group, `受理 ${code} 下周三前 城关老街饭店`)).toBe('handled')
    const said = last()
    expect(said).toContain('整改期限：2026-11-25（周三）')
    expect(said).toContain('单位：城关老街饭店')
    const h = await hazard(code)
    expect([h.status, h.businessId, formatDate(h.deadline!)]).toEqual(['rectifying', s.shop.id, '2026-11-25'])
  })

  it('when a date word is not one the bot reads, then it is refused with the forms it reads, never taken for a business or replaced by the default', async () => {
    const pub = await report('passer', '#隐患 楼道里电动车充电')
    expect(await t.say('officer', s.group, `#受理 ${pub} 下下下周 城关老街饭店`)).toBe('usage')
    expect(last()).toContain('期限“下下下周”看不懂，可写：7天、15天内、本周内、下周三前、月底')
    const own = await report('owner', '#隐患 后厨排烟罩油污')
    expect(await t.say('officer', s.group, `#受理 ${own} 过几天`)).toBe('usage')
    expect(last()).toContain('没看懂“过几天”')
    expect(await t.say('officer', s.group, `#受理 ${own} 春节前`)).toBe('usage')
    expect(last()).toContain('2027年春节放假日期还没有确认，请写具体日期')
    expect((await hazard(pub)).status).toBe('reported')
    expect((await hazard(own)).status).toBe('reported')

    expect(await t.say('officer', s.group, `受理${own} 本周内`)).toBe('handled')
    expect(last()).toContain('整改期限：2026-11-22（周日）')
    const other = await report('owner', '#隐患 仓库灭火器过期')
    expect(await t.say('officer', s.group, `#受理 ${other}`)).toBe('handled')
    expect(last()).toContain('整改期限：2026-11-27（周五）（未写期限，按7天）')
  })

  it('when the loop is run without # by owner and officer, then every step is taken; chatter that starts with a command word stays silent', async () => {
    const code = await report('owner', '#隐患 配电箱门锈坏')
    expect(await t.say('officer', s.group, `受理${code} 月底`)).toBe('handled')
    expect(last()).toContain('整改期限：2026-11-30（周一）')
    expect(await t.say('owner', s.group, `整改 ${code} 已更换配电箱门`)).toBe('handled')
    expect(await t.photo('owner', s.group)).toBe('photo')
    expect(await t.say('officer', s.group, `查询${code}`)).toBe('handled')
    expect(last()).toContain('整改完成待验收')
    expect(await t.say('officer', s.group, `验收${code}通过`)).toBe('handled')
    expect(last()).toContain(`${code} 验收通过，已销号。`)
    for (const chatter of ['验收的时候要带什么材料', `整改${code}的事明天再说`, '查询一下', '受理了吗', '举报电话12345']) {
      expect(await t.say('owner', s.group, chatter), chatter).toBe('ignored')
    }
    expect(t.botSaid(s.group)).toEqual([])
    // a report word before words that describe a hazard goes through the recogniser and files (issue 12)
    expect(await t.say('owner', s.group, '报隐患 门头招牌锈蚀 重大')).toBe('handled')
    expect(last()).toMatch(/已登记隐患 Y\d+【重大·挂牌督办】（房屋）/)
  })
})
