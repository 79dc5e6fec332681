import { describe, it, expect } from 'vitest'
import { eq } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { useSeededApp, type Seed, type TestApp } from '../helpers/app.js'

describe('hazard closed loop through the real Wechaty and the mock puppet', () => {
  let t: TestApp
  let s: Seed
  useSeededApp((app, seed) => {
    t = app
    s = seed
  })

  const hazard = async (code: string) => (await t.database.db.select().from(schema.hazards).where(eq(schema.hazards.code, code)))[0]
  const events = async (id: number) =>
    (await t.database.db.select().from(schema.hazardEvents).where(eq(schema.hazardEvents.hazardId, id)).orderBy(schema.hazardEvents.id)).map((e) => e.action)

  it('when a business reports with two photos, is accepted, rectifies, is rejected, rectifies again and passes, then every step is stored and answered', async () => {
    expect(await t.say('owner', s.group, '#隐患 后厨燃气软管老化开裂 地点：一楼后厨')).toBe('handled')
    let said = t.botSaid(s.group)
    expect(said).toHaveLength(1)
    expect(said[0].text).toContain('已登记隐患 Y')
    expect(said[0].text).toContain('城关老街饭店')
    expect(said[0].mentionIds).toEqual(['owner'])
    const code = /Y\d+/.exec(said[0].text!)![0]

    expect(await t.photo('owner', s.group)).toBe('photo')
    expect(await t.photo('owner', s.group)).toBe('photo')
    said = t.botSaid(s.group)
    expect(said.map((x) => x.text)).toEqual([`@张老板 ${code} 已收到照片 1 张。`, `@张老板 ${code} 已收到照片 2 张。`])

    await t.say('officer', s.group, `#受理 ${code} 七天`)
    said = t.botSaid(s.group)
    expect(said[0].text).toContain(`已受理 ${code}`)
    expect(said[0].text).toContain('2026-11-27')
    expect(said[0].mentionIds).toEqual(['officer', 'owner'])

    await t.say('owner', s.group, `#整改 ${code} 已更换燃气软管`)
    await t.photo('owner', s.group)
    await t.say('officer', s.group, `#验收 ${code} 不通过 报警器未安装`)
    said = t.botSaid(s.group)
    expect(said.at(-1)!.text).toContain('验收不通过')
    expect((await hazard(code)).status).toBe('rectifying')

    await t.say('owner', s.group, `#整改 ${code} 已安装燃气报警器`)
    await t.photo('owner', s.group)
    await t.say('officer', s.group, `#验收 ${code} 通过`)
    said = t.botSaid(s.group)
    expect(said.at(-1)!.text).toContain('验收通过，已销号')
    const h = await hazard(code)
    expect(h.status).toBe('closed')
    expect(await events(h.id)).toEqual(['report', 'accept', 'rectify', 'verify_fail', 'rectify', 'verify_pass'])
    const photos = await t.database.db.select().from(schema.hazardAttachments).where(eq(schema.hazardAttachments.hazardId, h.id))
    expect(photos.map((p) => p.stage).sort()).toEqual(['rectification', 'rectification', 'report', 'report'])
  })

  it('when a message is delivered twice, then one hazard and one reply', async () => {
    const before = (await t.database.db.select().from(schema.hazards)).length
    expect(await t.say('owner', s.group, '#隐患 安全出口堆放杂物', { messageId: 'dup-1' })).toBe('handled')
    expect(await t.say('owner', s.group, '#隐患 安全出口堆放杂物', { messageId: 'dup-1' })).toBe('duplicate')
    expect((await t.database.db.select().from(schema.hazards)).length).toBe(before + 1)
    expect(t.botSaid(s.group)).toHaveLength(1)
  })
})
