import { readFileSync } from 'node:fs'
import mqtt, { type MqttClient, type IClientOptions } from 'mqtt'
import type { Logger } from 'pino'
import { Gauge, type Registry } from 'prom-client'
import type { AppConfig } from '../config.js'
import { parseTopic, subscription } from '../core/sensors.js'
import type { SensorIngest } from './ingest.js'
import { KeyedQueue } from '../chat/concurrency.js'

const DEFERRED = new Error('acknowledged by the AckWriter')

/** how long a PUBACK may wait for others to go in the same write (a write per message costs more than the rest of a heartbeat) */
const ACK_DELAY_MS = 10

/**
 * PUBACKs written by the app itself, those of ACK_DELAY_MS in one write. Each is the 4-byte PUBACK (type 4, remaining
 * length 2, the packet id): reason Success with no properties, which MQTT 5 (3.4.2.1) allows to leave out, and the
 * same bytes as in 3.1.1. mqtt.js has no public call to acknowledge a message later without holding every message
 * behind it (`handleMessage` and `customHandleAcks` take one message at a time), so the app writes the packet on the
 * client's stream (public); an id taken on an earlier connection is never sent on a later one, where it could
 * acknowledge another message (the broker redelivers the first).
 */
export class AckWriter {
  private pending: number[] = []
  private stream: unknown = null
  private scheduled = false
  /** counts the connections */
  generation = 0

  constructor(private readonly client: MqttClient) {
    client.on('connect', () => this.generation++)
  }

  /** Returns the call that acknowledges this message (once; nothing when its connection is gone). */
  ticket(messageId: number): () => void {
    const stream = this.client.stream
    let used = false
    return () => {
      if (used) return
      used = true
      this.add(stream, messageId)
    }
  }

  private add(stream: unknown, id: number) {
    if (stream !== this.client.stream) return
    if (this.stream !== stream) {
      this.flush()
      this.stream = stream
    }
    this.pending.push(id)
    if (!this.scheduled) {
      this.scheduled = true
      setTimeout(() => this.flush(), ACK_DELAY_MS)
    }
  }

  flush() {
    this.scheduled = false
    const ids = this.pending
    const stream = this.stream as MqttClient['stream'] | null
    this.pending = []
    if (!ids.length || !stream || stream !== this.client.stream || !this.client.connected || stream.destroyed) return
    const b = Buffer.allocUnsafe(4 * ids.length)
    for (let i = 0; i < ids.length; i++) {
      b[4 * i] = 0x40
      b[4 * i + 1] = 2
      b.writeUInt16BE(ids[i], 4 * i + 2)
    }
    stream.write(b)
  }
}

export interface MqttIngestion {
  readonly client: MqttClient
  /** resolves once subscribed (first connection) */
  ready(): Promise<void>
  close(): Promise<void>
}

/** The client's options from the config: one client id per instance, a persistent session, TLS files when given. */
export function mqttOptions(config: AppConfig): IClientOptions {
  const file = (p?: string) => (p ? readFileSync(p) : undefined)
  return {
    clientId: config.SENSOR_MQTT_CLIENT_ID,
    protocolVersion: 5,
    // the broker keeps the subscription and the unacknowledged QoS-1 messages while this instance restarts
    clean: false,
    properties: { sessionExpiryInterval: 86_400 },
    username: config.SENSOR_MQTT_USERNAME,
    password: config.SENSOR_MQTT_PASSWORD,
    ca: file(config.SENSOR_MQTT_CA_FILE),
    cert: file(config.SENSOR_MQTT_CERT_FILE),
    key: file(config.SENSOR_MQTT_KEY_FILE),
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
  }
}

/**
 * Subscribes (QoS 1, shared among the instances) to `<prefix>/<vendor>/<device>` and hands each message to
 * the ingest. Heartbeats are taken at once. An alarm, clear or fault is acknowledged (PUBACK) only after the
 * ingest has committed it (several are recorded at once, one device's in order), so one taken while the app
 * dies is redelivered; the event id makes the redelivery change nothing. Reconnects by itself.
 */
export function startMqttIngestion(d: { config: AppConfig; ingest: SensorIngest; logger: Logger; registry: Registry }): MqttIngestion {
  const { config, ingest, logger } = d
  const prefix = config.SENSOR_MQTT_TOPIC_PREFIX
  const topic = subscription(prefix, config.SENSOR_MQTT_SHARE_GROUP)
  const client = mqtt.connect(config.SENSOR_MQTT_URL!, mqttOptions(config))
  const connected = new Gauge({ name: 'sensor_mqtt_connected', help: '1 while the MQTT broker connection is up', registers: [d.registry] })
  let closing = false
  let resolveReady: () => void
  const ready = new Promise<void>((r) => (resolveReady = r))
  client.on('connect', (ack) => {
    connected.set(1)
    logger.info({ clientId: config.SENSOR_MQTT_CLIENT_ID, sessionPresent: ack.sessionPresent }, 'MQTT connected')
    // every time, even with a session present: Mosquitto does not keep shared subscriptions across its restart
    client.subscribe({ [topic]: { qos: 1 }, resubscribe: true } as unknown as string, (err, granted) => {
      if (err || granted?.some((g) => g.qos > 2)) logger.error({ err, topic, granted }, 'MQTT subscription refused')
      else resolveReady()
    })
  })
  client.on('close', () => connected.set(0))
  client.on('reconnect', () => logger.debug('MQTT reconnecting'))
  client.on('error', (err) => logger.warn({ err: { message: err.message, code: (err as { code?: unknown }).code } }, 'MQTT error'))
  // events are recorded several at once (one device's in order); each is acknowledged once committed
  const queue = new KeyedQueue(config.SENSOR_MQTT_CONCURRENCY)
  const acks = new AckWriter(client)
  client.handleMessage = (packet, done) => {
    const where = parseTopic(prefix, packet.topic)
    const qos1 = packet.qos === 1 && packet.messageId !== undefined
    const ack = qos1 ? acks.ticket(packet.messageId!) : null
    // mqtt.js sends no PUBACK of its own when the callback gets an error: every QoS-1 message is acknowledged
    // by the AckWriter (heartbeats and dropped messages at once, events once committed)
    const finish = () => done(qos1 ? DEFERRED : undefined)
    if (!where) {
      ingest.counters.bad.inc({ reason: 'topic' })
      logger.warn({ topic: packet.topic }, 'sensor message on an unknown topic dropped')
      ack?.()
      return finish()
    }
    const ev = ingest.accept(where.vendor, packet.payload as Buffer, where.device)
    if (typeof ev === 'string') {
      ack?.()
      return finish()
    }
    if (!ack) {
      void queue.run(`${where.vendor}/${where.device}`, () => ingest.record(where.vendor, ev)).catch((err) => logger.error({ err }, 'QoS-0 sensor event lost'))
      return finish()
    }
    const gen = acks.generation
    void queue
      .run(`${where.vendor}/${where.device}`, async () => {
        // the database may be away for a while: keep the message (unacknowledged) and try again
        for (let attempt = 0; ; attempt++) {
          try {
            return await ingest.record(where.vendor, ev)
          } catch (err) {
            if (closing || gen !== acks.generation) throw err
            logger.error({ err, vendor: where.vendor, device: where.device, attempt }, 'sensor event not recorded; trying again')
            await new Promise((r) => setTimeout(r, Math.min(30_000, 200 * 2 ** attempt)))
          }
        }
      })
      .then(ack, (err) => logger.warn({ err, vendor: where.vendor, device: where.device }, 'sensor event left unacknowledged for redelivery'))
    finish()
  }
  return {
    client,
    ready: () => ready,
    async close() {
      closing = true
      await client.endAsync()
    },
  }
}
