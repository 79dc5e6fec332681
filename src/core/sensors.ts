import { createHmac, timingSafeEqual } from 'node:crypto'
import { z } from 'zod'
import type { Category } from './domain.js'

/**
 * Sensors: what devices send and what the bot makes of it. Pure: the payload, the topic, the HTTP signature,
 * the device kinds, the owner's answers and the escalation times.
 */

/** Device kinds of the register: the words people use (first shown), the hazard category an alarm files. */
export const DEVICE_KINDS = {
  gas_detector: { label: '可燃气体探测器', words: ['可燃气体探测器', '燃气报警器', '燃气探测器', '可燃气体报警器'], category: 'gas', danger: 'gas' },
  smoke: { label: '烟感', words: ['烟感', '烟雾报警器', '感烟探测器'], category: 'fire', danger: 'fire' },
  tank_level: { label: '液位仪', words: ['液位仪', '液位计', '油罐液位仪'], category: 'hazardous', danger: 'spill' },
  vapour_recovery: { label: '油气回收在线监测', words: ['油气回收在线监测', '油气回收', '油气回收监测'], category: 'hazardous', danger: 'spill' },
  leak: { label: '泄漏检测', words: ['泄漏检测', '泄漏检测仪', '防渗漏监测', '渗漏检测'], category: 'hazardous', danger: 'spill' },
  electrical_fire: { label: '电气火灾监控', words: ['电气火灾监控', '电气火灾探测器'], category: 'electrical', danger: 'electric' },
} as const satisfies Record<string, { label: string; words: string[]; category: Category; danger: string }>
export type DeviceKind = keyof typeof DEVICE_KINDS

/** The kind a word names (from an import file or the console); null when none does. */
export function deviceKindOf(word: string): DeviceKind | null {
  const w = word.trim()
  if (w in DEVICE_KINDS) return w as DeviceKind
  for (const [k, d] of Object.entries(DEVICE_KINDS)) if ((d.words as readonly string[]).includes(w)) return k as DeviceKind
  return null
}

export const SENSOR_EVENTS = ['alarm', 'clear', 'fault', 'heartbeat'] as const
export type SensorEventKind = (typeof SENSOR_EVENTS)[number]

/**
 * The JSON a device (or its vendor's platform) publishes on `<prefix>/<vendor>/<device>` or POSTs:
 * `{"device":"GD-0001","event":"alarm","reading":25,"unit":"%LEL","time":"2026-12-03T08:00:00Z","id":"e-1"}`.
 * `id` is the vendor's event id (required except for heartbeats): a redelivery with the same id changes nothing.
 */
export const sensorPayload = z.object({
  device: z.string().trim().min(1).max(64),
  event: z.enum(SENSOR_EVENTS),
  reading: z.number().finite().optional(),
  unit: z.string().max(16).optional(),
  time: z.iso.datetime({ offset: true }).optional(),
  id: z.string().min(1).max(128).optional(),
})
export type SensorPayload = z.infer<typeof sensorPayload>

export type ParsedEvent = { ok: true; event: SensorPayload } | { ok: false; reason: string; device?: string }

/** `{"device":"…","event":"heartbeat"}` and nothing else, the device 1–64 characters with no space at either end */
function isBareHeartbeat(v: unknown): v is { device: string; event: 'heartbeat' } {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false
  const o = v as { device?: unknown; event?: unknown }
  if (o.event !== 'heartbeat' || typeof o.device !== 'string' || o.device.length < 1 || o.device.length > 64 || o.device.trim() !== o.device) return false
  let n = 0
  for (const k in o) if (Object.hasOwn(o, k)) n++
  return n === 2
}

/** Parses a payload; on failure says why and, when it can be read at all, which device sent it (for the log). */
export function parseSensorPayload(raw: Buffer | string | unknown, topicDevice?: string): ParsedEvent {
  let v: unknown = raw
  if (typeof raw === 'string' || Buffer.isBuffer(raw)) {
    try {
      v = JSON.parse(raw.toString())
    } catch {
      return { ok: false, reason: 'not_json', device: topicDevice }
    }
  }
  // the common case, a bare heartbeat, without the schema (most of what arrives)
  if (isBareHeartbeat(v) && (topicDevice === undefined || v.device === topicDevice)) return { ok: true, event: { device: v.device.trim(), event: 'heartbeat' } }
  const device = typeof (v as { device?: unknown })?.device === 'string' ? (v as { device: string }).device.slice(0, 64) : topicDevice
  const r = sensorPayload.safeParse(v)
  if (!r.success) return { ok: false, reason: 'invalid', device }
  if (r.data.event !== 'heartbeat' && !r.data.id) return { ok: false, reason: 'no_event_id', device }
  // the topic names the device: a payload for another device on it is refused (a vendor may publish only its own)
  if (topicDevice !== undefined && r.data.device !== topicDevice) return { ok: false, reason: 'device_mismatch', device }
  return { ok: true, event: r.data }
}

/** `<prefix>/<vendor>/<device>` → vendor and device; null for any other shape. */
export function parseTopic(prefix: string, topic: string): { vendor: string; device: string } | null {
  if (!topic.startsWith(prefix + '/')) return null
  const parts = topic.slice(prefix.length + 1).split('/')
  if (parts.length !== 2 || !parts[0] || !parts[1]) return null
  return { vendor: parts[0], device: parts[1] }
}

export const sensorTopic = (prefix: string, vendor: string, device: string) => `${prefix}/${vendor}/${device}`

/** What the app subscribes to: every vendor's devices, shared among the instances of `group` when it is set. */
export function subscription(prefix: string, group: string): string {
  return group ? `$share/${group}/${prefix}/+/+` : `${prefix}/+/+`
}

/**
 * The HTTP push signature: hex HMAC-SHA256 of `<timestamp>.<raw body>` with the vendor's secret, sent as
 * `X-Sensor-Signature: sha256=<hex>` beside `X-Sensor-Timestamp` (Unix seconds) and `X-Sensor-Vendor`.
 */
export function signPush(secret: string, timestamp: string, body: string | Buffer): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')
}

export type Verdict = { ok: true } | { ok: false; reason: 'missing' | 'stale' | 'bad_signature' }

/** The one check of a pushed request: signed with the secret, within `skewSeconds` of now. */
export function verifyPush(
  secret: string,
  req: { timestamp?: string; signature?: string; body: string | Buffer },
  now: Date,
  skewSeconds = 300,
): Verdict {
  if (!req.timestamp || !req.signature || !/^\d{1,12}$/.test(req.timestamp)) return { ok: false, reason: 'missing' }
  if (Math.abs(now.getTime() / 1000 - Number(req.timestamp)) > skewSeconds) return { ok: false, reason: 'stale' }
  const want = Buffer.from(signPush(secret, req.timestamp, req.body))
  const got = Buffer.from(req.signature)
  return want.length === got.length && timingSafeEqual(want, got) ? { ok: true } : { ok: false, reason: 'bad_signature' }
}

/** The short code of an alarm. */
export const alarmCode = (id: number) => `A${id}`

export type AlarmAnswer = 'handled' | 'false_alarm' | 'received'
const ANSWER_WORDS: Record<string, AlarmAnswer> = { 已处理: 'handled', 处理了: 'handled', 误报: 'false_alarm', 收到: 'received' }
const ANSWER = /^(已处理|处理了|误报|收到)[\s:：]*(?:([Aa])(\d{1,9}))?[\s!！.。~]*$/

/** `已处理 A12`, `误报 A12`, `收到 A12` (the code may be left out); null for anything else. */
export function parseAlarmAnswer(text: string): { answer: AlarmAnswer; alarmId: number | null } | null {
  const m = ANSWER.exec(text.trim())
  if (!m) return null
  return { answer: ANSWER_WORDS[m[1]], alarmId: m[3] ? Number(m[3]) : null }
}

export interface EscalationPolicy {
  ackMinutes: number
  steps: number
  everyMinutes: number
}

/**
 * When an unacknowledged alarm escalates: step 1 (the officer reminded) ackMinutes after the alarm, each later
 * step everyMinutes after the one before; the last step tells the leaders' group and files the hazard.
 * Null once every step is done.
 */
export function escalationAt(openedAt: Date, stepsDone: number, p: EscalationPolicy): Date | null {
  if (stepsDone >= p.steps) return null
  return new Date(openedAt.getTime() + (p.ackMinutes + stepsDone * p.everyMinutes) * 60_000)
}

/** Who an escalation step tells: the officer, or (the last step) the leaders. */
export function escalationTarget(step: number, p: EscalationPolicy): 'officer' | 'leaders' {
  return step >= p.steps ? 'leaders' : 'officer'
}

/** A reading as people read it: `25 %LEL`. */
export function readingText(reading: number | null | undefined, unit: string | null | undefined): string {
  if (reading === null || reading === undefined) return ''
  return `${Number(reading.toFixed(3))}${unit ? ' ' + unit : ''}`
}
