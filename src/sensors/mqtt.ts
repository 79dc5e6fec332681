import { readFileSync } from 'node:fs'
import mqtt, { type MqttClient, type IClientOptions } from 'mqtt'
import type { Logger } from 'pino'
import { Gauge, type Registry } from 'prom-client'
import type { AppConfig } from '../config.js'
import { parseTopic, subscription } from '../core/sensors.js'
import type { SensorIngest } from './ingest.js'

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
 * the ingest. A message is acknowledged (PUBACK) only after the ingest has committed it, so one taken while
 * the app dies is redelivered; the event id makes the redelivery change nothing. Reconnects by itself.
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
  client.handleMessage = (packet, done) => {
    const where = parseTopic(prefix, packet.topic)
    if (!where) {
      ingest.counters.bad.inc({ reason: 'topic' })
      logger.warn({ topic: packet.topic }, 'sensor message on an unknown topic dropped')
      return done()
    }
    void (async () => {
      // the database may be away for a while: keep the message (not acknowledged) and try again
      for (let attempt = 0; ; attempt++) {
        try {
          await ingest.take(where.vendor, packet.payload as Buffer, where.device)
          return done()
        } catch (err) {
          if (closing) return done(err as Error)
          logger.error({ err, vendor: where.vendor, device: where.device, attempt }, 'sensor event not recorded; trying again')
          await new Promise((r) => setTimeout(r, Math.min(30_000, 200 * 2 ** attempt)))
        }
      }
    })()
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
