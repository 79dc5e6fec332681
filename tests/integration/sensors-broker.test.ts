import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { count, eq } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { startTestApp, seedBasics, type TestApp, type Seed } from '../helpers/app.js'
import { publisher, spawnBroker, waitFor, type SpawnedBroker } from '../helpers/sensors.js'

/**
 * Against its own `mosquitto -p PORT` with a password file and per-vendor ACLs (as the README shows): a vendor
 * may publish only under its own name, the app only reads; and the broker restarted mid-stream loses no QoS-1
 * alarm (the app reconnects by itself, its persistent session keeps what arrived meanwhile).
 */

const USERS = { csb: 'app-password-1', acme: 'acme-password-1', tankco: 'tankco-password-1' }
const ACL = ['user csb', 'topic read sensors/#', '', '# each vendor publishes under its own name only', 'pattern write sensors/%u/+', ''].join('\n')

let broker: SpawnedBroker
let t: TestApp
let s: Seed

beforeAll(async () => {
  broker = await spawnBroker({ users: USERS, acl: ACL })
  t = await startTestApp({
    config: {
      SENSOR_MQTT_URL: broker.url,
      SENSOR_MQTT_USERNAME: 'csb',
      SENSOR_MQTT_PASSWORD: USERS.csb,
      SENSOR_MQTT_CLIENT_ID: `csb-${randomUUID().slice(0, 8)}`,
      QUIET_HOURS: 'off',
      // Mosquitto 2.0 keeps a plain subscription across its restart, not a shared one (README: MQTT)
      SENSOR_MQTT_SHARE_GROUP: '',
    },
  })
  s = await seedBasics(t)
  await t.app.sensors!.mqtt!.ready()
})

afterAll(async () => {
  await t?.close()
  await broker?.stop()
})

async function device(vendor: string, id: string) {
  const [d] = await t.app.db.insert(schema.devices).values({ vendor, vendorDeviceId: id, businessId: s.shop.id, kind: 'gas_detector', location: '后厨' }).returning()
  return d
}

const eventsOf = async (deviceId: number) => t.app.db.select().from(schema.sensorEvents).where(eq(schema.sensorEvents.deviceId, deviceId))

describe('per-vendor ACLs on the broker', () => {
  it('when a vendor publishes for another vendor or with a wrong password, then the broker refuses it and the app records nothing of it', async () => {
    const mine = await device('acme', 'GD-A1')
    const wrongPassword = publisher(broker.url, { username: 'tankco', password: 'guess', protocolVersion: 5 })
    await expect(wrongPassword).rejects.toThrow(/Bad User Name or Password|Not authorized/i)
    const forger = await publisher(broker.url, { username: 'tankco', password: USERS.tankco, protocolVersion: 5 })
    const forged = JSON.stringify({ device: 'GD-A1', event: 'alarm', id: 'forged-1' })
    await expect(forger.publishAsync('sensors/acme/GD-A1', forged, { qos: 1 })).rejects.toThrow(/135|Not authorized/i)
    await forger.endAsync()
    const acme = await publisher(broker.url, { username: 'acme', password: USERS.acme, protocolVersion: 5 })
    await acme.publishAsync('sensors/acme/GD-A1', JSON.stringify({ device: 'GD-A1', event: 'alarm', id: 'real-1', reading: 20, unit: '%LEL' }), { qos: 1 })
    await acme.endAsync()
    await waitFor(async () => (await eventsOf(mine.id)).length > 0, 10_000, 'the real alarm')
    expect((await eventsOf(mine.id)).map((e) => e.eventId)).toEqual(['real-1'])
  })
})

describe('the broker restarted mid-stream', () => {
  it('when Mosquitto restarts while a vendor publishes 300 alarms, then the app reconnects by itself and every alarm is recorded once', async () => {
    const N = 300
    const ids = Array.from({ length: N }, (_, i) => `R-${i}`)
    await t.app.db.insert(schema.devices).values(ids.map((id) => ({ vendor: 'tankco', vendorDeviceId: id, businessId: s.shop.id, kind: 'tank_level' })))
    const pub = await publisher(broker.url, { username: 'tankco', password: USERS.tankco, clientId: 'tankco-platform', clean: false, reconnectPeriod: 200, protocolVersion: 5, properties: { sessionExpiryInterval: 3600 } })
    const sent: Promise<unknown>[] = []
    for (let i = 0; i < N; i++) {
      sent.push(pub.publishAsync(`sensors/tankco/${ids[i]}`, JSON.stringify({ device: ids[i], event: 'alarm', id: `burst-${i}`, reading: 1.5, unit: 'm' }), { qos: 1 }))
      if (i === 100) {
        await broker.stop()
        await new Promise((r) => setTimeout(r, 500))
        await broker.restart()
      }
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 10))
    }
    await Promise.all(sent)
    await pub.endAsync()
    const alarmsOfTank = async () =>
      Number(
        (
          await t.app.db
            .select({ n: count() })
            .from(schema.alarms)
            .innerJoin(schema.devices, eq(schema.devices.id, schema.alarms.deviceId))
            .where(eq(schema.devices.vendor, 'tankco'))
        )[0].n,
      )
    await waitFor(async () => (await alarmsOfTank()) === N, 30_000, `${N} alarms`).catch(async (e) => {
      const got = await t.app.db.select({ id: schema.sensorEvents.eventId }).from(schema.sensorEvents)
      const have = new Set(got.map((g) => g.id))
      throw new Error(`${e.message}: ${have.size} recorded, missing ${ids.map((_, i) => `burst-${i}`).filter((x) => !have.has(x)).join(',').slice(0, 400)}`)
    })
    const events = await t.app.db
      .select({ n: count() })
      .from(schema.sensorEvents)
      .innerJoin(schema.devices, eq(schema.devices.id, schema.sensorEvents.deviceId))
      .where(eq(schema.devices.vendor, 'tankco'))
    expect(Number(events[0].n)).toBe(N)
    expect(await alarmsOfTank()).toBe(N)
    expect(t.app.sensors!.mqtt!.client.connected).toBe(true)
  })
})
