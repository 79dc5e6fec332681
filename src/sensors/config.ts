import { hostname } from 'node:os'
import { z } from 'zod'

const minutes = (def: number, max = 1440) => z.coerce.number().min(0.05).max(max).default(def)

/** HTTP push secrets: `vendor:secret,…` (secret at least 16 characters). */
const vendorKeys = z.string().transform((s, ctx) => {
  const out: Record<string, string> = {}
  for (const part of s.split(',').map((p) => p.trim()).filter(Boolean)) {
    const i = part.indexOf(':')
    const vendor = part.slice(0, i)
    const secret = part.slice(i + 1)
    if (i < 1 || !/^[\w.-]{1,64}$/.test(vendor) || secret.length < 16) {
      ctx.addIssue({ code: 'custom', message: 'each entry is VENDOR:SECRET, VENDOR letters/digits/._-, SECRET at least 16 characters' })
      return z.NEVER
    }
    out[vendor] = secret
  }
  return out
})

/** Sensors (gas detectors, tank gauges …): off unless SENSOR_MQTT_URL or SENSOR_HTTP_KEYS is set. */
export const sensorConfigShape = {
  /** the broker (mqtt://host:1883, mqtts://host:8883); unset: no MQTT ingestion */
  SENSOR_MQTT_URL: z.string().regex(/^(mqtts?|wss?):\/\//, 'must start with mqtt://, mqtts://, ws:// or wss://').optional(),
  SENSOR_MQTT_USERNAME: z.string().optional(),
  SENSOR_MQTT_PASSWORD: z.string().optional(),
  /** TLS: the broker's CA (PEM file), and a client certificate and key when the broker asks for one */
  SENSOR_MQTT_CA_FILE: z.string().optional(),
  SENSOR_MQTT_CERT_FILE: z.string().optional(),
  SENSOR_MQTT_KEY_FILE: z.string().optional(),
  /** one per instance, stable across restarts (the broker keeps its QoS-1 messages while it is down) */
  SENSOR_MQTT_CLIENT_ID: z.string().min(1).max(64).default(`csb-${hostname()}`),
  SENSOR_MQTT_TOPIC_PREFIX: z.string().regex(/^[\w-]+(\/[\w-]+)*$/, 'topic levels of letters, digits, _ and -').default('sensors'),
  /** instances with the same group split the stream ($share/GROUP/…); empty: every instance gets everything */
  SENSOR_MQTT_SHARE_GROUP: z.string().regex(/^[\w-]*$/).default('csb'),
  /** alarms, clears and faults taken at once, unacknowledged (each device's in order; recorded in batches, see the ingest); the broker's in-flight window caps it too */
  SENSOR_MQTT_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(500),
  /**
   * after a read of the broker's socket that held only heartbeats, it is left unread this long (ms) so the next
   * read takes many at once: on a small virtual machine each wake-up of the process costs more CPU than the
   * heartbeats it reads. An alarm, clear or fault ends the wait at once. 0: read as data arrives. mqtt:// only
   */
  SENSOR_MQTT_READ_PAUSE_MS: z.coerce.number().int().min(0).max(2000).default(250),
  SENSOR_HTTP_KEYS: vendorKeys.default({}),
  /** unacknowledged this long after the alarm: the officer is reminded */
  ALARM_ACK_MINUTES: minutes(5),
  /** escalation steps (the last one tells the leaders' group and files the hazard) and how far apart */
  ALARM_ESCALATE_STEPS: z.coerce.number().int().min(1).max(10).default(2),
  ALARM_ESCALATE_MINUTES: minutes(10),
  /** an alarm again within this long after a clear reopens the same alarm (flapping): a reading, no message */
  ALARM_FLAP_MINUTES: minutes(10),
  /** alarms of one chat within this long go as one message */
  ALARM_BATCH_SECONDS: z.coerce.number().int().min(0).max(600).default(60),
  /** no heartbeat this long: the business is reminded; offline longer than DEVICE_OFFLINE_HAZARD_HOURS: a hazard */
  DEVICE_OFFLINE_MINUTES: minutes(15, 10_080),
  DEVICE_OFFLINE_HAZARD_HOURS: z.coerce.number().min(0.1).max(720).default(24),
  /** last-seen times are written in one statement this often */
  SENSOR_LAST_SEEN_FLUSH_MS: z.coerce.number().int().min(50).max(600_000).default(5000),
}
