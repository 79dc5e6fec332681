import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest'
import pino from 'pino'
import { eq } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { startTestApp, PNG_1PX, type TestApp } from '../helpers/app.js'
import { OutboxSender, backoffMs } from '../../src/outbox-sender.js'
import { enqueue, type Priority } from '../../src/services/outbox.js'
import { storeAttachment } from '../../src/services/attachments.js'
import { intervalPacer, type Channel } from '../../src/channels/types.js'

describe('the outbox sender on the simulator channel', () => {
  let t: TestApp
  let group: string
  let failures = 0
  beforeAll(async () => {
    t = await startTestApp()
    // drive a sender of our own by hand, with the test's clock (the app's own one is stopped)
    await t.app.sender.stop()
    const sim = t.app.simulator!
    sim.createContact({ id: 'a', name: '甲' })
    group = sim.createGroup({ id: 'box', name: '发件测试群', memberIds: ['a'] }).id
    const puppet = sim.puppet as unknown as { messageSendText: (...a: unknown[]) => Promise<unknown> }
    const real = puppet.messageSendText
    puppet.messageSendText = async (...a: unknown[]) => {
      if (failures > 0) {
        failures--
        throw new Error('发送消息过于频繁')
      }
      return real(...a)
    }
  })
  afterAll(async () => t.close())
  beforeEach(async () => {
    failures = 0
    await t.database.db.delete(schema.outbox)
    t.botSaid(group)
  })

  const sender = (channel: Channel = t.app.channel, maxAttempts = 5) =>
    new OutboxSender({ db: t.database.db, channel, clock: t.clock, logger: pino({ level: 'silent' }), instanceId: 'test', maxAttempts })
  const put = (text: string, priority: Priority, extra: { mentionIds?: string[]; imageSha256?: string } = {}) =>
    enqueue(t.database.db, { channel: 'wechaty', account: 'bot', chatId: group, isGroup: true, priority, text, ...extra }, t.clock.now())
  const rows = () => t.database.db.select().from(schema.outbox).orderBy(schema.outbox.id)

  it('when replies, urgent and normal messages wait, then replies go first, then urgent, then normal, with mentions', async () => {
    await put('普通推送', 'normal')
    await put('紧急提醒', 'urgent')
    await put('回复', 'reply', { mentionIds: ['a'] })
    expect(await sender().drainOnce()).toBe(3)
    const said = t.botSaid(group)
    expect(said.map((e) => e.text)).toEqual(['@甲 回复', '紧急提醒', '普通推送'])
    expect(said[0].mentionIds).toEqual(['a'])
    expect((await rows()).every((r) => r.status === 'sent' && r.sentAt)).toBe(true)
  })

  it('when sending fails, then it is retried with growing backoff on the injected clock and finally sent', async () => {
    failures = 2
    await put('重试的消息', 'reply')
    const s = sender()
    await s.drainOnce()
    let [r] = await rows()
    expect(r).toMatchObject({ status: 'pending', attempts: 1, lastError: '发送消息过于频繁' })
    expect(r.nextAttemptAt.getTime() - t.clock.now().getTime()).toBe(backoffMs(1))
    expect(await s.drainOnce()).toBe(0) // not due yet
    t.clock.advance(backoffMs(1))
    await s.drainOnce()
    ;[r] = await rows()
    expect(r).toMatchObject({ status: 'pending', attempts: 2 })
    expect(r.nextAttemptAt.getTime() - t.clock.now().getTime()).toBe(backoffMs(2))
    t.clock.advance(backoffMs(2))
    await s.drainOnce()
    ;[r] = await rows()
    expect(r).toMatchObject({ status: 'sent', attempts: 3 })
    expect(t.botSaid(group).map((e) => e.text)).toEqual(['重试的消息'])
  })

  it('when sending keeps failing, then the message becomes a dead letter with its reason', async () => {
    failures = 100
    await put('发不出去', 'normal')
    const s = sender(t.app.channel, 2)
    await s.drainOnce()
    t.clock.advance(backoffMs(1))
    await s.drainOnce()
    const [r] = await rows()
    expect(r).toMatchObject({ status: 'dead', attempts: 2, lastError: '发送消息过于频繁' })
    expect(t.botSaid(group)).toHaveLength(0)
  })

  it('when the channel is paced, then the next message waits for its slot on the injected clock', async () => {
    const paced: Channel = { ...t.app.channel, pacer: intervalPacer({ minIntervalMs: 1000, jitterMs: 0, dailyCap: 3 }) }
    for (const x of ['一', '二', '三', '四']) await put(x, 'normal')
    const s = sender(paced)
    await s.drainOnce()
    expect(t.botSaid(group).map((e) => e.text)).toEqual(['一'])
    t.clock.advance(999)
    await s.drainOnce()
    expect(t.botSaid(group)).toHaveLength(0)
    t.clock.advance(1)
    await s.drainOnce()
    t.clock.advance(1000)
    await s.drainOnce()
    expect(t.botSaid(group).map((e) => e.text)).toEqual(['二', '三'])
    // the daily cap of 3 holds the fourth until the next day
    t.clock.advance(1000)
    await s.drainOnce()
    expect(t.botSaid(group)).toHaveLength(0)
    const [fourth] = (await rows()).filter((r) => r.status === 'pending')
    expect(fourth.text).toBe('四')
    expect(fourth.attempts).toBe(0)
  })

  it('when a process died while sending, then its claimed rows go back to pending and are sent (they may repeat)', async () => {
    await put('崩溃时在途', 'reply')
    const [r] = await rows()
    await t.database.db
      .update(schema.outbox)
      .set({ status: 'sending', claimedBy: 'dead-instance', claimedAt: new Date(t.clock.now().getTime() - 5 * 60_000), attempts: 1 })
      .where(eq(schema.outbox.id, r.id))
    const s = sender()
    expect(await s.drainOnce()).toBe(0)
    expect(await s.recoverStale()).toBe(1)
    await s.drainOnce()
    expect(t.botSaid(group).map((e) => e.text)).toEqual(['崩溃时在途'])
  })

  it('when a message carries an image, then the picture is sent from the attachment store', async () => {
    const sha = await storeAttachment(t.database.db, Buffer.from(PNG_1PX, 'base64'), 'image/png')
    await put('本周统计图：', 'normal', { imageSha256: sha })
    await sender().drainOnce()
    const said = t.botSaid(group)
    expect(said[0].text).toBe('本周统计图：')
    expect(said[1].image).toBe(`data:image/png;base64,${PNG_1PX}`)
  })
})
