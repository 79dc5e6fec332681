import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import ExcelJS from 'exceljs'
import type { MqttClient } from 'mqtt'
import { schema } from '../../db/client.js'
import { startTestApp, seedBasics, withoutMentions, type TestApp, type Seed } from '../helpers/app.js'
import { publisher, requireBroker, testPrefix, waitFor, BROKER } from '../helpers/sensors.js'
import { recordGroupAccounts } from '../../src/services/pushes.js'
import { signPush } from '../../src/core/sensors.js'
import { alarmPolicy, recordSensorEvents } from '../../src/services/sensors/alarms.js'
import sensorAlarms from '../../schedules/sensor-alarms.js'
import deviceOffline from '../../schedules/device-offline.js'
import { weeklyFigures, summaryText } from '../../schedules/weekly-summary.js'

const prefix = testPrefix()
const VENDOR = 'acme'
const SECRET = 'acme-push-secret-0123456789'

let t: TestApp
let s: Seed
let pub: MqttClient
let seq = 0

beforeAll(async () => {
  await requireBroker()
  t = await startTestApp({
    config: {
      SENSOR_MQTT_URL: BROKER,
      SENSOR_MQTT_TOPIC_PREFIX: prefix,
      SENSOR_MQTT_CLIENT_ID: `csb-test-${randomUUID().slice(0, 8)}`,
      SENSOR_MQTT_SHARE_GROUP: `g${randomUUID().slice(0, 6)}`,
      SENSOR_HTTP_KEYS: { [VENDOR]: SECRET },
      SENSOR_LAST_SEEN_FLUSH_MS: 100,
      ALARM_ACK_MINUTES: 5,
      ALARM_ESCALATE_STEPS: 2,
      ALARM_ESCALATE_MINUTES: 10,
      ALARM_FLAP_MINUTES: 10,
      ALARM_BATCH_SECONDS: 60,
      DEVICE_OFFLINE_MINUTES: 15,
      DEVICE_OFFLINE_HAZARD_HOURS: 24,
      QUIET_HOURS: 'off',
    },
  })
  s = await seedBasics(t)
  await recordGroupAccounts(t.app.db, 'wechaty', t.app.channel.account()!, [{ id: s.group }, { id: s.leaders }], t.clock.now())
  await t.app.sensors!.mqtt!.ready()
  pub = await publisher()
})

afterAll(async () => {
  await pub?.endAsync()
  await t?.close()
})

const db = () => t.app.db

/** A business of the township with its owner in the group (bound), and one gas detector of it. */
async function business(kind = 'gas_detector', location = '后厨') {
  const n = ++seq
  const [b] = await db().insert(schema.businesses).values({ name: `测试饭店${n}`, industry: 'catering', townshipId: s.town.id }).returning()
  const [p] = await db().insert(schema.people).values({ name: `老板${n}`, role: 'member' }).returning()
  await db().insert(schema.memberships).values({ personId: p.id, businessId: b.id })
  const contact = `boss${n}`
  await db().insert(schema.identities).values({ channel: 'wechaty', externalId: contact, displayName: p.name, personId: p.id })
  t.app.simulator!.createContact({ id: contact, name: p.name })
  t.app.simulator!.createGroup({ id: s.group, name: '城关商户安全群', memberIds: [contact] })
  const [d] = await db().insert(schema.devices).values({ vendor: VENDOR, vendorDeviceId: `GD-${n}`, businessId: b.id, kind, location }).returning()
  return { business: b, owner: contact, device: d }
}

async function publish(device: string, event: string, extra: Record<string, unknown> = {}) {
  const id = `e-${randomUUID()}`
  await pub.publishAsync(`${prefix}/${VENDOR}/${device}`, JSON.stringify({ device, event, id, ...extra }), { qos: 1 })
  return id
}

/** Waits until the app recorded the event with this id. */
async function recorded(deviceId: number, eventId: string) {
  return waitFor(async () => {
    const [e] = await db().select().from(schema.sensorEvents).where(and(eq(schema.sensorEvents.deviceId, deviceId), eq(schema.sensorEvents.eventId, eventId)))
    return e
  }, 10_000, `event ${eventId}`)
}

async function alarmOf(deviceId: number) {
  const [a] = await db().select().from(schema.alarms).where(eq(schema.alarms.deviceId, deviceId)).orderBy(schema.alarms.id)
  return a
}

/** Runs a job at the clock's time plus `minutes` (moving the clock there). */
async function runJob(job: typeof sensorAlarms, minutes: number) {
  t.clock.advance(minutes * 60_000)
  await t.app.scheduler.fire(job, t.clock.now())
  await t.settle()
}

const groupSays = (code?: string) => t.botSaid(s.group).filter((e) => !code || (e.text ?? '').includes(code))


describe('device alarms in the group', () => {
  it('when a gas detector alarms, then the group gets one urgent message @-mentioning the owner with gas guidance and the officer a notice', async () => {
    t.clock.advance(5 * 60_000)
    t.botSaid(s.group)
    t.botSaid('dm:officer')
    const x = await business()
    const ev = await publish(x.device.vendorDeviceId, 'alarm', { reading: 25, unit: '%LEL', time: '2026-11-20T10:00:00+08:00' })
    await recorded(x.device.id, ev)
    await t.settle()
    const a = await alarmOf(x.device.id)
    const said = groupSays(`A${a.id}`)
    expect(said).toHaveLength(1)
    const text = withoutMentions(said[0].text)
    expect(text).toContain(`【设备报警】${x.business.name}`)
    expect(text).toContain(`A${a.id} 可燃气体探测器（后厨）报警，读数 25 %LEL`)
    expect(text).toContain('【燃气泄漏·先保命】')
    expect(text).toContain(`已处理 A${a.id}`)
    expect(said[0].mentionIds).toEqual([x.owner])
    const officer = t.botSaid('dm:officer').filter((e) => (e.text ?? '').includes(`A${a.id}`))
    expect(officer).toHaveLength(1)
    expect(officer[0].text ?? '').toContain(x.business.name)
    expect(a.status).toBe('open')
  })

  it('when the owner answers 收到 with the code, then the escalation stops: nothing at the acknowledgement time nor later', async () => {
    t.clock.advance(5 * 60_000)
    const x = await business()
    await recorded(x.device.id, await publish(x.device.vendorDeviceId, 'alarm', { reading: 30, unit: '%LEL' }))
    await t.settle()
    const a = await alarmOf(x.device.id)
    t.botSaid(s.group)
    t.botSaid('dm:officer')
    await t.say(x.owner, s.group, `收到 A${a.id}`)
    expect(withoutMentions(t.botSaid(s.group).at(-1)?.text)).toContain(`已确认收到报警 A${a.id}`)
    await runJob(sensorAlarms, 6)
    await runJob(sensorAlarms, 15)
    expect(t.botSaid('dm:officer').filter((e) => (e.text ?? '').includes(`A${a.id}`))).toEqual([])
    expect(t.botSaid(s.leaders).filter((e) => (e.text ?? '').includes(`A${a.id}`))).toEqual([])
    expect((await alarmOf(x.device.id)).hazardId).toBeNull()
  })

  it('when a device in alarm is taken off the register in the console, then its alarm escalates no more: nobody is reminded, no hazard is filed', async () => {
    t.clock.advance(5 * 60_000)
    const x = await business()
    await recorded(x.device.id, await publish(x.device.vendorDeviceId, 'alarm', { reading: 33, unit: '%LEL' }))
    await t.settle()
    const a = await alarmOf(x.device.id)
    expect(a.nextEscalationAt).not.toBeNull()
    const r = await t.app.http.inject({ method: 'DELETE', url: `/api/sensors/devices/${x.device.id}` })
    expect(r.statusCode).toBeLessThan(300)
    expect(await alarmOf(x.device.id)).toMatchObject({ status: 'open', nextEscalationAt: null })
    t.botSaid('dm:officer')
    t.botSaid(s.leaders)
    await runJob(sensorAlarms, 6)
    await runJob(sensorAlarms, 15)
    expect(t.botSaid('dm:officer').filter((e) => (e.text ?? '').includes(`A${a.id}`))).toEqual([])
    expect(t.botSaid(s.leaders).filter((e) => (e.text ?? '').includes(`A${a.id}`))).toEqual([])
    expect((await alarmOf(x.device.id)).hazardId).toBeNull()
  })

  it('when nobody acknowledges, then the officer is reminded at ALARM_ACK_MINUTES and the leaders told with a hazard filed at the last step', async () => {
    t.clock.advance(5 * 60_000)
    const x = await business()
    await recorded(x.device.id, await publish(x.device.vendorDeviceId, 'alarm', { reading: 40, unit: '%LEL' }))
    await t.settle()
    const a = await alarmOf(x.device.id)
    t.botSaid('dm:officer')
    t.botSaid(s.leaders)
    await runJob(sensorAlarms, 4)
    expect(t.botSaid('dm:officer').filter((e) => (e.text ?? '').includes(`A${a.id}`))).toEqual([])
    await runJob(sensorAlarms, 1.5)
    const reminded = t.botSaid('dm:officer').filter((e) => (e.text ?? '').includes(`A${a.id}`))
    expect(reminded).toHaveLength(1)
    expect(reminded[0].text ?? '').toContain('【报警未确认】')
    expect(t.botSaid(s.leaders).filter((e) => (e.text ?? '').includes(`A${a.id}`))).toEqual([])
    await runJob(sensorAlarms, 10)
    const told = t.botSaid(s.leaders).filter((e) => (e.text ?? '').includes(`A${a.id}`))
    expect(told).toHaveLength(1)
    expect(told[0].text ?? '').toContain('【报警升级】')
    const after = await alarmOf(x.device.id)
    expect(after.hazardId).not.toBeNull()
    const [h] = await db().select().from(schema.hazards).where(eq(schema.hazards.id, after.hazardId!))
    expect(h).toMatchObject({ category: 'gas', status: 'reported', businessId: x.business.id, groupId: s.group ? expect.any(Number) : null })
    expect(told[0].text ?? '').toContain(h.code)
    const events = await db().select().from(schema.hazardEvents).where(eq(schema.hazardEvents.hazardId, h.id))
    expect(events.filter((e) => e.action === 'sensor_reading').map((e) => e.note)).toEqual(['报警，读数 40 %LEL'])
    // no further step
    await runJob(sensorAlarms, 30)
    expect(t.botSaid(s.leaders).filter((e) => (e.text ?? '').includes(`A${a.id}`))).toEqual([])
  })

  it('when the owner answers 误报 before anything is filed (code left out, only one open), then the alarm closes with no hazard', async () => {
    t.clock.advance(5 * 60_000)
    const x = await business()
    await recorded(x.device.id, await publish(x.device.vendorDeviceId, 'alarm', { reading: 12, unit: '%LEL' }))
    await t.settle()
    t.botSaid(s.group)
    await t.say(x.owner, s.group, '误报')
    const a = await alarmOf(x.device.id)
    expect(withoutMentions(t.botSaid(s.group).at(-1)?.text)).toBe(`A${a.id} 已按误报关闭，不登记隐患。`)
    expect(a).toMatchObject({ status: 'closed', answer: 'false_alarm', hazardId: null, nextEscalationAt: null })
  })

  it('when the owner answers 已处理, then a hazard is filed with the readings; 误报 afterwards voids it', async () => {
    t.clock.advance(5 * 60_000)
    const x = await business('smoke', '二楼包间')
    await recorded(x.device.id, await publish(x.device.vendorDeviceId, 'alarm'))
    await recorded(x.device.id, await publish(x.device.vendorDeviceId, 'alarm'))
    await t.settle()
    const a = await alarmOf(x.device.id)
    expect(a.readings).toBe(2)
    t.botSaid(s.group)
    await t.say(x.owner, s.group, `已处理 A${a.id}`)
    const answer = withoutMentions(t.botSaid(s.group).at(-1)?.text)
    const code = /已登记隐患 (Y\d+)/.exec(answer)?.[1]
    expect(code).toBeTruthy()
    const [h] = await db().select().from(schema.hazards).where(eq(schema.hazards.code, code!))
    expect(h.category).toBe('fire')
    const readings = await db().select().from(schema.hazardEvents).where(and(eq(schema.hazardEvents.hazardId, h.id), eq(schema.hazardEvents.action, 'sensor_reading')))
    expect(readings).toHaveLength(2)
    await t.say(x.owner, s.group, `误报 A${a.id}`)
    expect(withoutMentions(t.botSaid(s.group).at(-1)?.text)).toContain(`隐患 ${code} 已作废`)
    const [v] = await db().select().from(schema.hazards).where(eq(schema.hazards.id, h.id))
    expect(v.status).toBe('voided')
    expect(v.voidReason).toContain(`A${a.id}`)
  })

  it('when the device clears, then the alarm closes but its hazard stays open; an alarm again within the window reopens it without a message', async () => {
    t.clock.advance(5 * 60_000)
    const x = await business()
    await recorded(x.device.id, await publish(x.device.vendorDeviceId, 'alarm', { reading: 20, unit: '%LEL' }))
    await t.settle()
    const a = await alarmOf(x.device.id)
    await t.say(x.owner, s.group, `已处理 A${a.id}`)
    t.botSaid(s.group)
    await recorded(x.device.id, await publish(x.device.vendorDeviceId, 'clear', { reading: 0, unit: '%LEL' }))
    const cleared = await alarmOf(x.device.id)
    expect(cleared).toMatchObject({ status: 'closed', closeReason: 'cleared' })
    const [h] = await db().select().from(schema.hazards).where(eq(schema.hazards.id, cleared.hazardId!))
    expect(h.status).toBe('reported')
    t.clock.advance(2 * 60_000)
    await recorded(x.device.id, await publish(x.device.vendorDeviceId, 'alarm', { reading: 22, unit: '%LEL' }))
    await recorded(x.device.id, await publish(x.device.vendorDeviceId, 'alarm', { reading: 24, unit: '%LEL' }))
    await t.settle()
    const all = await db().select().from(schema.alarms).where(eq(schema.alarms.deviceId, x.device.id))
    expect(all).toHaveLength(1)
    expect(all[0]).toMatchObject({ id: a.id, status: 'open', readings: 3, lastReading: 24 })
    expect(groupSays()).toEqual([])
    const timeline = await db().select().from(schema.hazardEvents).where(and(eq(schema.hazardEvents.hazardId, h.id), eq(schema.hazardEvents.action, 'sensor_reading')))
    expect(timeline.map((e) => e.note)).toEqual(['报警，读数 20 %LEL', '恢复正常，读数 0 %LEL', '报警，读数 22 %LEL', '报警，读数 24 %LEL'])
  })

  it('when several devices of one chat alarm within a minute, then the first goes at once and the others together after the minute', async () => {
    t.clock.advance(5 * 60_000)
    t.botSaid(s.group)
    const xs = [await business(), await business('leak', '油罐区'), await business('tank_level', '1号罐')]
    for (const x of xs) await recorded(x.device.id, await publish(x.device.vendorDeviceId, 'alarm'))
    await t.settle()
    const ids = await Promise.all(xs.map(async (x) => (await alarmOf(x.device.id)).id))
    const first = groupSays()
    expect(first).toHaveLength(1)
    expect(first[0].text ?? '').toContain(`A${ids[0]}`)
    expect(first[0].text ?? '').not.toContain(`A${ids[1]}`)
    await runJob(sensorAlarms, 1.01)
    const rest = groupSays().filter((e) => (e.text ?? '').includes('【设备报警】'))
    expect(rest).toHaveLength(1)
    expect(rest[0].text ?? '').toContain(`A${ids[1]}`)
    expect(rest[0].text ?? '').toContain(`A${ids[2]}`)
    expect(rest[0].text ?? '').toContain('【油品/化学品泄漏】')
    expect([...rest[0].mentionIds].sort()).toEqual([xs[1].owner, xs[2].owner].sort())
  })

  it('when a payload is bad, from an unknown device, or a redelivery of an event, then it is counted and dropped and nothing else happens', async () => {
    const x = await business()
    const metric = async (name: string) => {
      const m = await t.app.metrics.registry.getSingleMetric(name)!.get()
      return m.values.reduce((sum, v) => sum + v.value, 0)
    }
    const bad0 = await metric('sensor_bad_payloads_total')
    const unknown0 = await metric('sensor_unknown_devices_total')
    await pub.publishAsync(`${prefix}/${VENDOR}/${x.device.vendorDeviceId}`, 'not json', { qos: 1 })
    await pub.publishAsync(`${prefix}/${VENDOR}/${x.device.vendorDeviceId}`, JSON.stringify({ device: 'OTHER', event: 'alarm', id: '1' }), { qos: 1 })
    await pub.publishAsync(`${prefix}/${VENDOR}/NOPE-1`, JSON.stringify({ device: 'NOPE-1', event: 'alarm', id: '1' }), { qos: 1 })
    await waitFor(async () => (await metric('sensor_bad_payloads_total')) - bad0 === 2 && (await metric('sensor_unknown_devices_total')) - unknown0 === 1, 10_000, 'bad payloads counted')
    const id = await publish(x.device.vendorDeviceId, 'alarm')
    await recorded(x.device.id, id)
    await pub.publishAsync(`${prefix}/${VENDOR}/${x.device.vendorDeviceId}`, JSON.stringify({ device: x.device.vendorDeviceId, event: 'alarm', id }), { qos: 1 })
    const marker = await publish(x.device.vendorDeviceId, 'fault')
    await recorded(x.device.id, marker)
    const events = await db().select().from(schema.sensorEvents).where(eq(schema.sensorEvents.deviceId, x.device.id))
    expect(events.map((e) => e.event)).toEqual(['alarm', 'fault'])
    expect((await alarmOf(x.device.id)).readings).toBe(1)
  })

  it('when a device goes silent, then the business is reminded, told when it is back, and a silence over a day is a hazard 设备离线', async () => {
    t.clock.advance(5 * 60_000)
    const x = await business()
    await pub.publishAsync(`${prefix}/${VENDOR}/${x.device.vendorDeviceId}`, JSON.stringify({ device: x.device.vendorDeviceId, event: 'heartbeat' }), { qos: 1 })
    await waitFor(async () => (await db().select().from(schema.devices).where(eq(schema.devices.id, x.device.id)))[0].lastSeenAt, 10_000, 'last seen written')
    t.botSaid(s.group)
    await runJob(deviceOffline, 10)
    expect(groupSays(x.device.vendorDeviceId)).toEqual([])
    await runJob(deviceOffline, 6)
    const off = groupSays(x.device.vendorDeviceId)
    expect(off).toHaveLength(1)
    expect(withoutMentions(off[0].text)).toContain('【设备离线】')
    const list = await t.app.http.inject({ method: 'GET', url: `/api/sensors/devices?businessId=${x.business.id}` })
    expect(list.json()[0].state).toBe('offline')
    t.clock.advance(60_000)
    await pub.publishAsync(`${prefix}/${VENDOR}/${x.device.vendorDeviceId}`, JSON.stringify({ device: x.device.vendorDeviceId, event: 'heartbeat' }), { qos: 1 })
    const offlineSince = (await db().select().from(schema.devices).where(eq(schema.devices.id, x.device.id)))[0].offlineSince!
    await waitFor(async () => (await db().select().from(schema.devices).where(eq(schema.devices.id, x.device.id)))[0].lastSeenAt! > offlineSince, 10_000, 'seen again')
    await runJob(deviceOffline, 5)
    expect(withoutMentions(groupSays(x.device.vendorDeviceId)[0]?.text)).toContain('【设备恢复】')
    // silent again, for more than a day
    await runJob(deviceOffline, 16)
    expect(groupSays(x.device.vendorDeviceId)).toHaveLength(1)
    await runJob(deviceOffline, 25 * 60)
    const hazard = groupSays(x.device.vendorDeviceId)
    expect(hazard).toHaveLength(1)
    expect(hazard[0].text ?? '').toContain('设备离线·已登记隐患')
    const [d] = await db().select().from(schema.devices).where(eq(schema.devices.id, x.device.id))
    const [h] = await db().select().from(schema.hazards).where(eq(schema.hazards.id, d.offlineHazardId!))
    expect(h.description).toContain('设备离线')
    await runJob(deviceOffline, 5)
    expect(groupSays(x.device.vendorDeviceId)).toEqual([])
  })

  it('when a vendor pushes over HTTP, then a signed event is taken and a forged or stale one refused', async () => {
    t.clock.advance(5 * 60_000)
    const x = await business()
    const body = JSON.stringify({ device: x.device.vendorDeviceId, event: 'alarm', id: 'http-1', reading: 18, unit: '%LEL' })
    const ts = String(Math.floor(t.clock.now().getTime() / 1000))
    const headers = { 'content-type': 'application/json', 'x-sensor-vendor': VENDOR, 'x-sensor-timestamp': ts }
    const forged = await t.app.http.inject({ method: 'POST', url: '/api/sensors/push', headers: { ...headers, 'x-sensor-signature': signPush('not-the-secret-000000', ts, body) }, payload: body })
    expect(forged.statusCode).toBe(401)
    expect(forged.json().message).toBe('签名不对')
    const old = String(Number(ts) - 600)
    const stale = await t.app.http.inject({ method: 'POST', url: '/api/sensors/push', headers: { ...headers, 'x-sensor-timestamp': old, 'x-sensor-signature': signPush(SECRET, old, body) }, payload: body })
    expect(stale.statusCode).toBe(401)
    expect(await alarmOf(x.device.id)).toBeUndefined()
    const ok = await t.app.http.inject({ method: 'POST', url: '/api/sensors/push', headers: { ...headers, 'x-sensor-signature': signPush(SECRET, ts, body) }, payload: body })
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toEqual({ accepted: 1, outcomes: ['opened'] })
    expect((await alarmOf(x.device.id)).reading).toBe(18)
  })

  it('then the statistics count devices per township, alarms per month with false alarms and time to acknowledge, and the weekly summary says them', async () => {
    const st = (await t.app.http.inject({ method: 'GET', url: '/api/sensors/stats' })).json()
    const town = st.townships.find((x: { township: string }) => x.township === '城关街道')
    expect(town.online + town.offline + town.alarm).toBe(st.devices.total)
    expect(town.alarm).toBeGreaterThan(0)
    expect(town.offline).toBeGreaterThan(0)
    const alarms = (await db().select().from(schema.alarms)).length
    const falseAlarms = (await db().select().from(schema.alarms).where(eq(schema.alarms.answer, 'false_alarm'))).length
    expect(st.months.reduce((n: number, m: { alarms: number }) => n + m.alarms, 0)).toBe(alarms)
    expect(st.months.reduce((n: number, m: { falseAlarms: number }) => n + m.falseAlarms, 0)).toBe(falseAlarms)
    expect(st.months.some((m: { ackMedianMinutes: number | null }) => m.ackMedianMinutes !== null)).toBe(true)
    const week = await weeklyFigures(db(), new Date(t.clock.now().getTime() + 60_000))
    expect(week.sensors).toMatchObject({ devices: st.devices.total, falseAlarms })
    expect(summaryText(week)).toContain(`误报 ${falseAlarms} 起`)
  })

  it('then the ledger export carries the devices (state, last report) and the device alarm figures', async () => {
    const r = await t.app.http.inject({ method: 'GET', url: '/api/ledger/export.xlsx' })
    expect(r.statusCode).toBe(200)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer)
    const sheet = wb.getWorksheet('设备')!
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(['单位', '设备类型', '安装位置', '厂商', '设备编号', '状态', '最后上报'])
    const registered = await db().select().from(schema.devices)
    expect(sheet.actualRowCount).toBe(1 + registered.filter((d) => !d.removedAt).length)
    const states = new Set<unknown>()
    sheet.eachRow((row, n) => {
      if (n > 1) states.add(row.getCell(6).value)
    })
    expect(states).toContain('报警')
    const figures = wb.getWorksheet('设备报警统计')!
    const st = (await t.app.http.inject({ method: 'GET', url: '/api/sensors/stats' })).json()
    const rows: unknown[][] = []
    figures.eachRow((row) => rows.push((row.values as unknown[]).slice(1)))
    expect(rows).toContainEqual(['合计', st.devices.total - st.devices.offline - st.devices.alarm, st.devices.offline, st.devices.alarm])
    expect(rows).toContainEqual([st.months[0].month, st.months[0].alarms, st.months[0].falseAlarms, ...[st.months[0].falseRate, st.months[0].ackMedianMinutes].filter((v) => v !== null)])
  })

  it('when one call records several events of one device with a redelivery among them, then they apply in their order and the redelivery changes nothing', async () => {
    const x = await business('leak', '罐区')
    const y = await business()
    const ev = (event: 'alarm' | 'clear' | 'fault', id: string, reading?: number) => ({ device: x.device, ev: { device: x.device.vendorDeviceId, event, id, reading, unit: '%LEL' } })
    const policy = { ...alarmPolicy(t.config), fallback: undefined }
    const r = await db().transaction((tx) =>
      recordSensorEvents(
        tx,
        [ev('alarm', 'r-1', 20), { device: y.device, ev: { device: y.device.vendorDeviceId, event: 'alarm' as const, id: 'r-9', reading: 12 } }, ev('alarm', 'r-1', 20), ev('alarm', 'r-2', 35), ev('clear', 'r-3'), ev('alarm', 'r-4', 40), ev('fault', 'r-5')],
        t.clock.now(),
        policy,
      ),
    )
    expect(r.map((o) => o.outcome)).toEqual(['opened', 'opened', 'duplicate', 'repeat', 'cleared', 'reopened', 'fault'])
    const list = await db().select().from(schema.alarms).where(eq(schema.alarms.deviceId, x.device.id))
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({ status: 'open', readings: 3, reading: 20, lastReading: 40, closeReason: null })
    expect(r[3].alarmId).toBe(list[0].id)
    const events = await db().select().from(schema.sensorEvents).where(eq(schema.sensorEvents.deviceId, x.device.id)).orderBy(schema.sensorEvents.id)
    expect(events.map((e) => [e.eventId, e.alarmId])).toEqual([
      ['r-1', list[0].id],
      ['r-2', list[0].id],
      ['r-3', list[0].id],
      ['r-4', list[0].id],
      ['r-5', null],
    ])
    expect(r[1]).toMatchObject({ outcome: 'opened', groupId: expect.any(Number) })
  })
})
