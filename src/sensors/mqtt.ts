import { readFileSync } from 'node:fs'
import mqtt, { type MqttClient, type IClientOptions } from 'mqtt'
import type { Logger } from 'pino'
import { Gauge, type Registry } from 'prom-client'
import type { AppConfig } from '../config.js'
import { parseTopic, subscription } from '../core/sensors.js'
import type { SensorIngest } from './ingest.js'
import { KeyedQueue } from '../chat/concurrency.js'

const DEFERRED = new Error('acknowledged after commit')

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
  let generation = 0
  client.on('connect', () => generation++)
  const puback = (messageId: number | undefined, gen: number) => {
    // an id of an earlier connection must not acknowledge another message: the broker redelivers that one
    if (messageId === undefined || gen !== generation || !client.connected) return
    ;(client as unknown as { _sendPacket(p: object): void })._sendPacket({ cmd: 'puback', messageId, reasonCode: 0 })
  }
  client.handleMessage = (packet, done) => {
    const where = parseTopic(prefix, packet.topic)
    if (!where) {
      ingest.counters.bad.inc({ reason: 'topic' })
      logger.warn({ topic: packet.topic }, 'sensor message on an unknown topic dropped')
      return done()
    }
    const ev = ingest.accept(where.vendor, packet.payload as Buffer, where.device)
    // heartbeats and bad payloads are done: mqtt.js acknowledges them
    if (typeof ev === 'string' || packet.qos === 0) {
      if (typeof ev !== 'string') void queue.run(`${where.vendor}/${where.device}`, () => ingest.record(where.vendor, ev)).catch((err) => logger.error({ err }, 'QoS-0 sensor event lost'))
      return done()
    }
    const gen = generation
    void queue
      .run(`${where.vendor}/${where.device}`, async () => {
        // the database may be away for a while: keep the message (unacknowledged) and try again
        for (let attempt = 0; ; attempt++) {
          try {
            return await ingest.record(where.vendor, ev)
          } catch (err) {
            if (closing || gen !== generation) throw err
            logger.error({ err, vendor: where.vendor, device: where.device, attempt }, 'sensor event not recorded; trying again')
            await new Promise((r) => setTimeout(r, Math.min(30_000, 200 * 2 ** attempt)))
          }
        }
      })
      .then(
        () => puback(packet.messageId, gen),
        (err) => logger.warn({ err, vendor: where.vendor, device: where.device }, 'sensor event left unacknowledged for redelivery'),
      )
    // with an error mqtt.js goes on to the next message without sending its own PUBACK (sent above after commit)
    done(DEFERRED)
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
