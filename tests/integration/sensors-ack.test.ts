import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { MqttClient } from 'mqtt'
import { schema } from '../../db/client.js'
import { startTestApp, seedBasics, type TestApp, type Seed } from '../helpers/app.js'
import { publisher, requireBroker, testPrefix, waitFor, BROKER } from '../helpers/sensors.js'

/**
 * PUBACK only after commit, against the real Mosquitto: the app's own PUBACKs (src/sensors/mqtt.ts, AckWriter)
 * are watched on its connection's stream. An alarm held before its transaction is not acknowledged, and the broker
 * redelivers it when the connection drops; once committed it is acknowledged, and recorded once. Heartbeats are
 * acknowledged at once. mqtt.js itself sends no PUBACK.
 */

const prefix = testPrefix()
let t: TestApp
let s: Seed
let pub: MqttClient

/** PUBACKs written on the app's connection: [stream, message id, time] */
const acks: { stream: unknown; id: number; at: number }[] = []
/** the message ids of the publishes the app received, by event id */
const received = new Map<string, number[]>()
let libraryAcks = 0
let watched: unknown = null

function watch(client: MqttClient) {
  const stream = client.stream
  if (watched === stream) return
  watched = stream
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean
  ;(stream as { write: (chunk: unknown, ...rest: unknown[]) => boolean }).write = (chunk: unknown, ...rest: unknown[]) => {
    // the app's PUBACKs are whole 4-byte packets, several in one write
    if (Buffer.isBuffer(chunk) && chunk.length % 4 === 0 && chunk[0] === 0x40 && chunk[1] === 2) {
      for (let i = 0; i < chunk.length; i += 4) acks.push({ stream, id: chunk.readUInt16BE(i + 2), at: Date.now() })
    }
    return write(chunk, ...rest)
  }
}

beforeAll(async () => {
  await requireBroker()
  t = await startTestApp({
    config: {
      SENSOR_MQTT_URL: BROKER,
      SENSOR_MQTT_TOPIC_PREFIX: prefix,
      SENSOR_MQTT_CLIENT_ID: `csb-ack-${randomUUID().slice(0, 8)}`,
      SENSOR_MQTT_SHARE_GROUP: '',
      QUIET_HOURS: 'off',
    },
  })
  s = await seedBasics(t)
  const client = t.app.sensors!.mqtt!.client
  await t.app.sensors!.mqtt!.ready()
  watch(client)
  client.on('connect', () => watch(client))
  client.on('packetsend', (p) => {
    if (p.cmd === 'puback') libraryAcks++
  })
  client.on('packetreceive', (p) => {
    if (p.cmd !== 'publish' || !p.messageId) return
    const id = (JSON.parse(p.payload.toString()) as { id?: string; device: string }).id ?? `hb:${p.topic}`
    received.set(id, [...(received.get(id) ?? []), p.messageId])
  })
  pub = await publisher()
})

afterAll(async () => {
  await pub?.endAsync()
  await t?.close()
})

describe('PUBACK only after commit', () => {
  it('when an alarm waits for its transaction, then no PUBACK goes; the broker redelivers it after a dropped connection; once committed it is acknowledged and recorded once', async () => {
    const [d] = await t.app.db.insert(schema.devices).values({ vendor: 'acme', vendorDeviceId: 'ACK-1', businessId: s.shop.id, kind: 'gas_detector' }).returning()
    const ingest = t.app.sensors!.ingest
    const record = ingest.record.bind(ingest)
    let open!: () => void
    const gate = new Promise<void>((r) => (open = r))
    const committed: number[] = []
    ingest.record = async (vendor, ev) => {
      await gate
      const r = await record(vendor, ev)
      committed.push(Date.now())
      return r
    }
    try {
      const client = t.app.sensors!.mqtt!.client
      const firstStream = client.stream
      await pub.publishAsync(`${prefix}/acme/ACK-1`, JSON.stringify({ device: 'ACK-1', event: 'alarm', id: 'ack-e1', reading: 20, unit: '%LEL' }), { qos: 1 })
      const [first] = await waitFor(() => received.get('ack-e1'), 10_000, 'the alarm at the app')
      // a heartbeat behind it is acknowledged at once: the held alarm holds nothing else back
      await pub.publishAsync(`${prefix}/acme/ACK-1`, JSON.stringify({ device: 'ACK-1', event: 'heartbeat' }), { qos: 1 })
      const [hb] = await waitFor(() => received.get(`hb:${prefix}/acme/ACK-1`), 10_000, 'the heartbeat at the app')
      await waitFor(() => acks.some((a) => a.id === hb && a.stream === firstStream), 5_000, 'the heartbeat PUBACK')
      await new Promise((r) => setTimeout(r, 300))
      expect(acks.filter((a) => a.id === first && a.stream === firstStream)).toEqual([])
      expect(await t.app.db.select().from(schema.sensorEvents).where(eq(schema.sensorEvents.deviceId, d.id))).toEqual([])

      // the connection drops with the alarm unacknowledged: the broker sends it again on the next one
      client.stream.destroy()
      await waitFor(() => (received.get('ack-e1')?.length ?? 0) >= 2, 15_000, 'the redelivered alarm')
      const secondStream = client.stream
      expect(secondStream).not.toBe(firstStream)
      const again = received.get('ack-e1')![1]

      open()
      await waitFor(() => acks.some((a) => a.id === again && a.stream === secondStream), 10_000, 'the PUBACK after commit')
      const ack = acks.find((a) => a.id === again && a.stream === secondStream)!
      expect(committed.length).toBeGreaterThan(0)
      expect(Math.min(...committed)).toBeLessThanOrEqual(ack.at)
      // the first connection's message id is never acknowledged on the second connection by the first delivery
      expect(acks.filter((a) => a.stream === firstStream && a.id === first)).toEqual([])
      const events = await t.app.db.select().from(schema.sensorEvents).where(eq(schema.sensorEvents.deviceId, d.id))
      expect(events.map((e) => e.eventId)).toEqual(['ack-e1'])
      expect(libraryAcks).toBe(0)
    } finally {
      open?.()
      ingest.record = record
    }
  })
})
