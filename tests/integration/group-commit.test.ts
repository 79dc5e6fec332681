import { describe, it, expect } from 'vitest'
import { eq, inArray } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { useSeededApp, type Seed, type TestApp } from '../helpers/app.js'

/**
 * Under a burst, plain commands from different senders share one transaction, and their claims, reports, photo
 * slots and replies are written as one statement per kind. Each must still land on its own message, and the
 * codes, taken as one block at commit, have no hole even where a batch rolled back.
 */
describe('group commit: a burst of reports from many owners', () => {
  let t: TestApp
  let s: Seed
  useSeededApp((app, seed) => {
    t = app
    s = seed
  })
  const N = 30

  it('when thirty owners report at once, then each gets their own hazard, event, reply with mention and photo slot', async () => {
    const db = t.database.db
    const sim = t.app.simulator!
    const owners: { id: string; group: string; shop: string }[] = []
    for (let k = 0; k < N; k++) {
      const id = `burst-owner-${k}`
      const [shop] = await db.insert(schema.businesses).values({ name: `突发测试饭店${k}号`, industry: 'catering', townshipId: s.town.id }).returning()
      const [p] = await db.insert(schema.people).values({ name: `店主${k}`, role: 'member' }).returning()
      await db.insert(schema.memberships).values({ personId: p.id, businessId: shop.id })
      await db.insert(schema.identities).values({ channel: 'wechaty', externalId: id, displayName: `店主${k}`, personId: p.id })
      sim.createContact({ id, name: `店主${k}` })
      const g = sim.createGroup({ id: `burst-g-${k}`, name: `突发测试${k}群`, memberIds: [id] })
      await db.insert(schema.groups).values({ channel: 'wechaty', externalId: g.id, name: g.name, registered: true, townshipId: s.town.id })
      owners.push({ id, group: g.id, shop: shop.name })
    }
    // every message id is also delivered a second time within the burst
    const outcomes = await Promise.all(
      owners.flatMap((o, k) => [
        t.say(o.id, o.group, `#隐患 突发测试第${k}条 冷库门口堆放杂物`, { messageId: `burst-${k}` }),
        ...(k % 3 === 0 ? [t.say(o.id, o.group, `#隐患 突发测试第${k}条 冷库门口堆放杂物`, { messageId: `burst-${k}` })] : []),
      ]),
    )
    // (the harness waits per message id, so a redelivery reports the outcome of whichever copy finished)
    expect(outcomes.every((o) => o === 'handled' || o === 'duplicate')).toBe(true)

    const hazards = await db.select().from(schema.hazards).where(inArray(schema.hazards.reporterName, owners.map((_, k) => `店主${k}`)))
    expect(hazards.length).toBe(N)
    // a batch that met a second copy of a message rolled back after taking its codes: they were given back
    expect(hazards.map((h) => Number(h.code.slice(1))).sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i + 1))
    for (const [k, o] of owners.entries()) {
      const h = hazards.find((x) => x.description === `突发测试第${k}条 冷库门口堆放杂物`)!
      expect(h, o.id).toBeDefined()
      const said = t.botSaid(o.group)
      expect(said.length, o.id).toBe(1)
      expect(said[0].text).toContain(`已登记隐患 ${h.code}`)
      expect(said[0].text).toContain(o.shop)
      expect(said[0].mentionIds).toEqual([o.id])
      const events = await db.select().from(schema.hazardEvents).where(eq(schema.hazardEvents.hazardId, h.id))
      expect(events).toMatchObject([{ action: 'report', sourceMessageId: `burst-${k}`, actorName: `店主${k}`, toStatus: 'reported' }])
    }
    const claims = await db.select().from(schema.inboundMessages).where(inArray(schema.inboundMessages.messageId, owners.map((_, k) => `burst-${k}`)))
    expect(claims.map((c) => [c.messageId, c.chatId, c.senderId, c.outcome]).sort()).toEqual(owners.map((o, k) => [`burst-${k}`, o.group, o.id, 'handled']).sort())

    // each owner's photo goes to their own hazard through the slot the batch opened
    await Promise.all(owners.slice(0, 10).map((o) => t.photo(o.id, o.group)))
    for (const [k, o] of owners.slice(0, 10).entries()) {
      const h = hazards.find((x) => x.description === `突发测试第${k}条 冷库门口堆放杂物`)!
      expect(t.botSaid(o.group)[0].text, o.id).toContain(`${h.code} 已收到照片 1 张`)
      const photos = await db.select().from(schema.hazardAttachments).where(eq(schema.hazardAttachments.hazardId, h.id))
      expect(photos.length).toBe(1)
    }
  })
})
