import { readFileSync } from 'node:fs'
import net from 'node:net'
import { Duplex } from 'node:stream'
import mqtt, { MqttClient, type IClientOptions } from 'mqtt'
import type { Logger } from 'pino'
import { Gauge, type Registry } from 'prom-client'
import type { AppConfig } from '../config.js'
import { parseTopic, subscription } from '../core/sensors.js'
import type { SensorIngest } from './ingest.js'
import { KeyedQueue } from '../chat/concurrency.js'

const DEFERRED = new Error('acknowledged by the AckWriter')

/**
 * PUBACKs written by the app itself, those of one turn of the event loop in one write (the messages of one read of
 * the socket, the events of one committed batch). Each is the 4-byte PUBACK (type 4, remaining
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
      setImmediate(() => this.flush())
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

/** bytes one read of the broker's socket takes at most */
const READ_BUFFER = 64 * 1024

/**
 * The client's TCP stream for mqtt://, read in gulps: after a read that emptied the socket it is left unread for
 * `pauseMs` (the kernel keeps what arrives), so one wake-up of the process reads many heartbeats instead of one.
 * On a small virtual machine a wake-up costs far more CPU than the few microseconds of parsing a heartbeat (see
 * bench/sensors.ts). `wake()` ends the wait at once: the ingestion calls it for an alarm, clear or fault, and a
 * full read (more waiting) never waits. Built anew for every connection (mqtt.js calls the builder each time).
 */
export class GulpReader {
  private socket: net.Socket | null = null
  private timer: NodeJS.Timeout | null = null
  /** an alarm, clear or fault was in the read being handled: no pause after it */
  private urgent = false
  /** reads of the socket, counted for the bench */
  reads = 0

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly pauseMs: number,
  ) {}

  /** the builder mqtt.js takes */
  readonly build = (): Duplex => {
    this.cancel()
    let wantsMore = true
    const buffer = Buffer.allocUnsafe(READ_BUFFER)
    const socket: net.Socket = net.connect({
      host: this.host,
      port: this.port,
      onread: {
        buffer,
        callback: (n: number, buf: Uint8Array) => {
          this.reads++
          this.urgent = false
          // the first message of the read is handled in push (an alarm among them calls wake, which sets urgent)
          wantsMore = duplex.push(Buffer.from(buf.subarray(0, n)))
          // paused (returning false stops reading the socket, not only the stream) until the consumer asks for more
          if (!wantsMore) return false
          if (n < buf.length && this.pauseMs > 0 && !this.timer && !this.urgent) {
            this.timer = setTimeout(() => this.wake(), this.pauseMs)
            return false
          }
          return true
        },
      },
    })
    socket.setNoDelay(true)
    const duplex = new Duplex({
      read: () => {
        if (!wantsMore) {
          wantsMore = true
          if (!this.timer) socket.resume()
        }
      },
      write: (chunk: Buffer, _enc, cb) => void socket.write(chunk, cb),
      final: (cb) => void socket.end(cb),
      destroy: (err, cb) => {
        this.cancel()
        socket.destroy()
        cb(err)
      },
    })
    socket.on('end', () => duplex.push(null))
    socket.on('close', () => duplex.destroy())
    socket.on('error', (err) => duplex.destroy(err))
    this.socket = socket
    return duplex
  }

  /** reads the socket again now (an alarm arrived, or the pause is over) */
  wake() {
    this.urgent = true
    const waited = this.timer !== null
    this.cancel()
    // returning false from the read callback stopped reading; resume() starts it again (a socket reading already is left as it is)
    if (waited && this.socket && !this.socket.destroyed) this.socket.resume()
  }

  private cancel() {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }
}

/** The client: mqtt:// through a GulpReader (READ_PAUSE_MS > 0), any other scheme through mqtt.js's own stream. */
export function mqttClient(config: AppConfig): { client: MqttClient; reader: GulpReader | null } {
  const url = new URL(config.SENSOR_MQTT_URL!)
  const options = mqttOptions(config)
  if (url.protocol !== 'mqtt:' || config.SENSOR_MQTT_READ_PAUSE_MS === 0) return { client: mqtt.connect(config.SENSOR_MQTT_URL!, options), reader: null }
  const reader = new GulpReader(url.hostname, Number(url.port || 1883), config.SENSOR_MQTT_READ_PAUSE_MS)
  // the URL's user and password, as mqtt.connect would take them, unless the config names them
  const auth = {
    username: options.username ?? (url.username ? decodeURIComponent(url.username) : undefined),
    password: options.password ?? (url.password ? decodeURIComponent(url.password) : undefined),
  }
  return { client: new MqttClient(reader.build, { ...options, ...auth, protocol: 'mqtt', hostname: url.hostname, port: Number(url.port || 1883) }), reader }
}

export interface MqttIngestion {
  readonly client: MqttClient
  /** the socket reader (mqtt:// only): its `reads` count */
  readonly reader: GulpReader | null
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
    // receiveMaximum: the broker may send this many QoS-1 messages before their PUBACKs (alarms are acknowledged
    // once committed, so a burst goes at the pace of this window; Mosquitto's own default is 20)
    properties: { sessionExpiryInterval: 86_400, receiveMaximum: config.SENSOR_MQTT_CONCURRENCY },
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
  const { client, reader } = mqttClient(config)
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
    // an alarm, clear or fault: what follows it on the socket is read at once
    reader?.wake()
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
    reader,
    ready: () => ready,
    async close() {
      closing = true
      await client.endAsync()
    },
  }
}
