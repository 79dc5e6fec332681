import { randomBytes } from 'node:crypto'
import { describe, it, expect } from 'vitest'
import { eq, sql } from 'drizzle-orm'
import { schema, rows } from '../../db/client.js'
import { useSeededApp, type Seed, type TestApp } from '../helpers/app.js'

/**
 * Issue 7, limits: text length, photo size, photos per hazard and stage, total storage. Past one, the
 * sender is told what was not saved and limits_exceeded_total{kind} counts it.
 */
describe('ops: chat limits', () => {
  let t: TestApp
  let s: Seed
  useSeededApp(
    (app, seed) => {
      t = app
      s = seed
    },
    // 1,049 bytes a photo, 2 photos per hazard and stage, 2,097 bytes stored in all, 100 characters of text
    { config: { TEXT_MAX_CHARS: 100, IMAGE_MAX_MB: 0.001, PHOTOS_PER_REPORT_MAX: 2, ATTACHMENTS_MAX_TOTAL_MB: 0.002 } },
  )

  /** a photo of `bytes` bytes from the owner in the group */
  async function photo(bytes: number) {
    const id = t.app.simulator!.send({ from: 'owner', groupId: s.group, imageBase64: randomBytes(bytes).toString('base64'), mime: 'image/png', sentAt: t.clock.now().getTime() })
    const o = await t.app.handled(id)
    await t.settle()
    return o
  }
  async function limitCount(kind: string): Promise<number> {
    const r = await t.app.http.inject({ method: 'GET', url: '/metrics' })
    const m = new RegExp(`^limits_exceeded_total\\{kind="${kind}"\\} (\\d+)$`, 'm').exec(r.body)
    return m ? Number(m[1]) : 0
  }
  const hazardCount = async () => Number((await rows<{ n: number }>(t.database.db, sql`select count(*)::int as n from hazards`))[0].n)

  it('when a report is longer than the limit, then nothing is stored, the sender is told the length and the limit, and the metric counts it', async () => {
    const before = await hazardCount()
    expect(await t.say('owner', s.group, `#隐患 ${'后厨燃气软管老化开裂'.repeat(12)}`)).toBe('refused')
    const said = t.botSaid(s.group)
    expect(said).toHaveLength(1)
    expect(said[0].text).toContain('消息太长（124字，上限100字），未处理')
    expect(said[0].text).toContain('#隐患 后厨燃气软管老化开裂')
    expect(await hazardCount()).toBe(before)
    expect(await limitCount('text_length')).toBe(1)
    // the same message delivered again is not answered twice
    const again = t.app.simulator!.send({ from: 'owner', groupId: s.group, text: `#隐患 ${'x'.repeat(120)}`, messageId: 'long-1', sentAt: t.clock.now().getTime() })
    await t.app.handled(again)
    const dup = t.app.simulator!.send({ from: 'owner', groupId: s.group, text: `#隐患 ${'x'.repeat(120)}`, messageId: 'long-1', sentAt: t.clock.now().getTime() })
    expect(await t.app.handled(dup)).toBe('duplicate')
    await t.settle()
    expect(t.botSaid(s.group)).toHaveLength(1)
  })

  it('when photos are too large, too many or past the storage total, then each refused photo is named in the answer and counted', async () => {
    expect(await t.say('owner', s.group, '#隐患 配电箱门损坏 地点：二楼')).toBe('handled')
    const code = /Y\d+/.exec(t.botSaid(s.group)[0].text!)![0]
    const [h] = await t.database.db.select().from(schema.hazards).where(eq(schema.hazards.code, code))
    const photos = async () => (await t.database.db.select().from(schema.hazardAttachments).where(eq(schema.hazardAttachments.hazardId, h.id))).length

    expect(await photo(5000)).toBe('refused')
    expect(t.botSaid(s.group).at(-1)!.text).toContain('照片太大（4.9KB，上限1KB），这张照片未保存')
    expect(await limitCount('image_size')).toBe(1)
    expect(await photos()).toBe(0)

    expect(await photo(100)).toBe('photo')
    expect(await photo(100)).toBe('photo')
    expect(await photo(100)).toBe('refused')
    let said = t.botSaid(s.group)
    expect(said.at(-1)!.text).toContain(`${code} 已收满2张照片，这张未保存`)
    expect(await limitCount('image_count')).toBe(1)
    expect(await photos()).toBe(2)

    // a second hazard: its first photo fits, the next would pass the storage total
    expect(await t.say('owner', s.group, '#隐患 消防通道堆放纸箱')).toBe('handled')
    const code2 = /Y\d+/.exec(t.botSaid(s.group)[0].text!)![0]
    expect(await photo(1000)).toBe('photo')
    expect(await photo(1000)).toBe('refused')
    said = t.botSaid(s.group)
    expect(said.at(-1)!.text).toContain('照片存储空间已满，这张照片未保存')
    expect(said.at(-1)!.text).toContain(code2)
    expect(await limitCount('storage')).toBe(1)
    const [{ total }] = await rows<{ total: number }>(t.database.db, sql`select sum(size)::int as total from attachments`)
    expect(Number(total)).toBeLessThanOrEqual(Math.round(0.002 * 1024 * 1024))
  })
})
