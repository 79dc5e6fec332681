/**
 * The demo's devices (npm start -- --demo): registered on the demo city's businesses, kept 在线 by heartbeats sent
 * in-process through the real ingest, and fired from the simulator's 设备模拟 panel (/sim/api/devices) through
 * that same ingest: the alarm reaches the demo group with its guidance and code, and the owner's 误报 closes it.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { and, eq, sql } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { seedDemo } from '../../db/seed/demo.js'
import { DEMO_DEVICES, DEMO_VENDOR, seedDemoDevices } from '../../db/seed/demo-devices.js'
import { heartbeatEveryMs, type DemoDevice } from '../../src/sensors/demo-feed.js'
import deviceOffline from '../../schedules/device-offline.js'
import { startTestApp, withoutMentions, type TestApp } from '../helpers/app.js'
import { testDatabase } from '../helpers/db.js'

const CHENGGUAN = 'demo-chengguan@chatroom'

describe('the demo’s devices', () => {
  let t: TestApp
  const list = async (): Promise<DemoDevice[]> => {
    const r = await t.app.http.inject({ url: '/sim/api/devices' })
    expect(r.statusCode).toBe(200)
    expect(r.json().enabled).toBe(true)
    return r.json().devices
  }
  const hazardCount = async () => Number((await t.app.db.select({ n: sql<number>`count(*)` }).from(schema.hazards))[0].n)

  beforeAll(async () => {
    const database = await testDatabase()
    await seedDemo(database.db)
    t = await startTestApp({ database, demoDevices: true })
  })
  afterAll(async () => t?.close())

  it('when the demo starts, then its devices are registered on the demo businesses, each to its group, all 在线', async () => {
    const devices = await list()
    expect(devices.map((d) => d.vendorDeviceId)).toEqual(DEMO_DEVICES.map((d) => d.id))
    expect(devices.every((d) => d.state === 'online')).toBe(true)
    const gas = devices.find((d) => d.kind === 'gas_detector')!
    expect(gas).toMatchObject({ businessName: '城关老街饭店', kindLabel: '可燃气体探测器', location: '后厨', chatId: CHENGGUAN, reading: { alarm: 25, unit: '%LEL' } })
    expect(gas.ownerIds).toHaveLength(1)
    expect(devices.filter((d) => d.businessName === '中石油凌源南环加油站').map((d) => d.kindLabel).sort()).toEqual(['泄漏检测', '液位仪'])
  })

  it('when an hour passes with the feed beating, then the demo devices stay 在线 while a device nobody feeds goes 离线', async () => {
    const db = t.app.db
    const [shop] = await db.select().from(schema.businesses).where(eq(schema.businesses.name, '城关老街饭店'))
    const [silent] = await db.insert(schema.devices).values({ vendor: 'acme', vendorDeviceId: 'SILENT-1', businessId: shop.id, kind: 'smoke', location: '大堂', lastSeenAt: t.clock.now() }).returning()
    const feed = t.app.sensors!.demo!
    const every = heartbeatEveryMs(t.config)
    expect(every).toBeLessThan(t.config.DEVICE_OFFLINE_MINUTES * 60_000)
    t.botSaid(CHENGGUAN)
    const end = t.clock.now().getTime() + 60 * 60_000
    let sinceJob = 0
    while (t.clock.now().getTime() < end) {
      t.clock.advance(every)
      await feed.beat()
      await t.app.sensors!.ingest.flushSeen()
      sinceJob += every
      if (sinceJob >= 5 * 60_000) {
        sinceJob = 0
        await t.app.scheduler.fire(deviceOffline, t.clock.now())
      }
    }
    await t.settle()
    expect((await list()).map((d) => d.state)).toEqual(DEMO_DEVICES.map(() => 'online'))
    const demo = await db.select().from(schema.devices).where(eq(schema.devices.vendor, DEMO_VENDOR))
    expect(demo.every((d) => d.offlineSince === null && d.lastSeenAt!.getTime() > end - every - 1)).toBe(true)
    const [gone] = await db.select().from(schema.devices).where(eq(schema.devices.id, silent.id))
    expect(gone.offlineSince).not.toBeNull()
    const offline = t.botSaid(CHENGGUAN).filter((e) => (e.text ?? '').includes('【设备离线】'))
    expect(offline.map((e) => withoutMentions(e.text))).toEqual([expect.stringContaining('烟感（大堂）（SILENT-1）')])
    await db.update(schema.devices).set({ removedAt: t.clock.now() }).where(eq(schema.devices.id, silent.id))
  })

  it('when 报警 is pressed for the gas detector, then the group gets the alarm with guidance and its code; the owner’s 误报 closes it without a hazard', async () => {
    const gas = (await list()).find((d) => d.kind === 'gas_detector')!
    const owner = gas.ownerIds[0]
    const hazards = await hazardCount()
    t.botSaid(CHENGGUAN)
    const r = await t.app.http.inject({ method: 'POST', url: `/sim/api/devices/${gas.id}/events`, payload: { event: 'alarm' } })
    expect(r.statusCode).toBe(200)
    const { outcome, alarm } = r.json() as { outcome: string; alarm: string }
    expect(outcome).toBe('opened')
    expect(alarm).toMatch(/^A\d+$/)
    await t.settle()
    const said = t.botSaid(CHENGGUAN).filter((e) => (e.text ?? '').includes(alarm))
    expect(said).toHaveLength(1)
    const text = withoutMentions(said[0].text)
    expect(text).toContain('【设备报警】城关老街饭店')
    expect(text).toContain(`${alarm} 可燃气体探测器（后厨）报警，读数 25 %LEL`)
    expect(text).toContain('【燃气泄漏·先保命】')
    expect(text).toContain(`误报回复：误报 ${alarm}`)
    expect(said[0].mentionIds).toEqual([owner])
    expect((await list()).find((d) => d.id === gas.id)).toMatchObject({ state: 'alarm', openAlarm: alarm })
    // the event went the sensors' way: recorded under a generated event id
    const events = await t.app.db.select().from(schema.sensorEvents).where(eq(schema.sensorEvents.deviceId, gas.id))
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ event: 'alarm', reading: 25, unit: '%LEL' })
    expect(events[0].eventId).toMatch(/^sim-/)

    await t.say(owner, CHENGGUAN, `误报 ${alarm}`)
    expect(withoutMentions(t.botSaid(CHENGGUAN).at(-1)?.text)).toContain(`${alarm} 已按误报关闭，不登记隐患`)
    const [a] = await t.app.db.select().from(schema.alarms).where(and(eq(schema.alarms.deviceId, gas.id)))
    expect(a).toMatchObject({ status: 'closed', closeReason: 'false_alarm', answer: 'false_alarm', hazardId: null })
    expect(await hazardCount()).toBe(hazards)
    expect((await list()).find((d) => d.id === gas.id)).toMatchObject({ state: 'online', openAlarm: null })
  })

  it('when 故障 and 恢复 are pressed, then the fault is recorded and a clear without an alarm changes nothing', async () => {
    const level = (await list()).find((d) => d.kind === 'tank_level')!
    const fault = await t.app.http.inject({ method: 'POST', url: `/sim/api/devices/${level.id}/events`, payload: { event: 'fault' } })
    expect(fault.json()).toMatchObject({ outcome: 'fault', alarm: null, message: '已记录设备故障' })
    const clear = await t.app.http.inject({ method: 'POST', url: `/sim/api/devices/${level.id}/events`, payload: { event: 'clear' } })
    expect(clear.json()).toMatchObject({ outcome: 'clear_without_alarm', alarm: null })
    const other = await t.app.http.inject({ method: 'POST', url: `/sim/api/devices/999999/events`, payload: { event: 'alarm' } })
    expect(other.statusCode).toBe(404)
  })
})

describe('without demo mode', () => {
  let t: TestApp
  beforeAll(async () => {
    // a demo city whose devices were registered by an earlier demo start, started now without --demo
    const database = await testDatabase()
    await seedDemo(database.db)
    expect(await seedDemoDevices(database.db, new Date('2026-11-19T02:00:00Z'))).toBe(DEMO_DEVICES.length)
    t = await startTestApp({ database })
  })
  afterAll(async () => t?.close())

  it('when the app is a test’s default one, then it has no sensors, the panel’s routes say so, and the unfed demo devices are off the register', async () => {
    expect(t.app.sensors).toBeNull()
    const r = await t.app.http.inject({ url: '/sim/api/devices' })
    expect(r.json()).toEqual({ enabled: false, devices: [] })
    const fire = await t.app.http.inject({ method: 'POST', url: '/sim/api/devices/1/events', payload: { event: 'alarm' } })
    expect(fire.statusCode).toBe(404)
    expect(fire.json().message).toContain('演示模式')
    const left = await t.app.db.select().from(schema.devices).where(eq(schema.devices.vendor, DEMO_VENDOR))
    expect(left).toHaveLength(DEMO_DEVICES.length)
    expect(left.every((d) => d.removedAt !== null)).toBe(true)
    // nothing goes 离线 a day later
    t.clock.advance(30 * 3600_000)
    await t.app.scheduler.fire(deviceOffline, t.clock.now())
    expect((await t.app.db.select().from(schema.devices).where(eq(schema.devices.vendor, DEMO_VENDOR))).every((d) => d.offlineSince === null)).toBe(true)
  })
})
