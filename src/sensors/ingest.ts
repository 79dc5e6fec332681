import type { Logger } from 'pino'
import { Counter, type Registry } from 'prom-client'
import { query, type Db, type Tx } from '../../db/client.js'
import type { AppConfig } from '../config.js'
import type { Clock } from '../core/clock.js'
import { parseSensorPayload, type SensorPayload } from '../core/sensors.js'
import { alarmPolicy, announceAlarms, recordSensorEvents, type AlarmPolicy, type EventOutcome, type SensorEventIn } from '../services/sensors/alarms.js'
import { devicesByVendorIds, type DeviceRow } from '../services/sensors/devices.js'
import { TtlCache } from '../chat/concurrency.js'

export type IngestOutcome = EventOutcome | 'heartbeat' | 'bad_payload' | 'unknown_device'

/** events recorded in one transaction at most, and transactions of events at once */
const BATCH_MAX = 200
const BATCHES = 2

interface Pending {
  vendor: string
  ev: SensorPayload
  key: string
  resolve(r: IngestOutcome): void
  reject(err: unknown): void
}

const LAST_SEEN = `update devices d set last_seen_at = greatest(d.last_seen_at, v.at)
  from unnest($1::text[], $2::text[], $3::timestamptz[]) as v(vendor, device, at)
  where d.vendor = v.vendor and d.vendor_device_id = v.device`

/**
 * What MQTT and the HTTP push hand their messages to. Heartbeats only touch memory (last seen, written for
 * all devices in one statement every SENSOR_LAST_SEEN_FLUSH_MS); alarms, clears and faults are recorded in
 * a transaction (deduplicated on device and event id) before the caller acknowledges them. Bad payloads are
 * counted, logged with the device id and dropped.
 */
export class SensorIngest {
  private readonly seen = new Map<string, { vendor: string; device: string; at: number }>()
  private timer?: NodeJS.Timeout
  private retry?: NodeJS.Timeout
  private readonly basePolicy: AlarmPolicy
  /** registered devices change rarely: a minute in memory (a moved device's events follow within it) */
  private readonly devices = new TtlCache<DeviceRow>(60_000, 20_000)
  readonly counters: { events: Counter<'event'>; bad: Counter<'reason'>; unknown: Counter }

  constructor(
    private readonly d: {
      db: Db
      config: AppConfig
      clock: Clock
      logger: Logger
      registry: Registry
      kick(): void
      /** the channel account this instance holds (for groups whose account is not recorded yet) */
      account?(): { channel: string; account: string } | null
    },
  ) {
    this.basePolicy = alarmPolicy(d.config)
    this.counters = {
      events: new Counter({ name: 'sensor_events_total', help: 'Sensor messages taken, by event', labelNames: ['event'], registers: [d.registry] }),
      bad: new Counter({ name: 'sensor_bad_payloads_total', help: 'Sensor messages dropped as unreadable, by reason', labelNames: ['reason'], registers: [d.registry] }),
      unknown: new Counter({ name: 'sensor_unknown_devices_total', help: 'Sensor messages from devices not in the register', registers: [d.registry] }),
    }
  }

  private get heartbeats() {
    return (this.heartbeatCounter ??= this.counters.events.labels({ event: 'heartbeat' }))
  }
  private heartbeatCounter?: ReturnType<Counter<'event'>['labels']>

  private get policy(): AlarmPolicy {
    const fallback = this.d.account?.() ?? undefined
    return fallback ? { ...this.basePolicy, fallback } : this.basePolicy
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flushSeen(), this.d.config.SENSOR_LAST_SEEN_FLUSH_MS)
    this.timer.unref()
  }

  async stop(): Promise<void> {
    clearInterval(this.timer)
    clearTimeout(this.retry)
    this.timer = undefined
    await this.flushSeen()
  }

  /** Takes one message of `vendor` (the topic's device, for MQTT); resolves once it is safe to acknowledge. */
  async take(vendor: string, raw: Buffer | string | unknown, topicDevice?: string): Promise<IngestOutcome> {
    const a = this.accept(vendor, raw, topicDevice)
    return typeof a === 'string' ? a : this.record(vendor, a)
  }

  /**
   * The cheap part, synchronous: reads the payload (a bad one is counted, logged with its device and dropped)
   * and notes the device as seen. A heartbeat is done here; an event is returned for `record`.
   */
  accept(vendor: string, raw: Buffer | string | unknown, topicDevice?: string): 'bad_payload' | 'heartbeat' | SensorPayload {
    const p = parseSensorPayload(raw, topicDevice)
    if (!p.ok) {
      this.counters.bad.inc({ reason: p.reason })
      this.d.logger.warn({ vendor, device: p.device ?? null, reason: p.reason }, 'sensor payload dropped')
      return 'bad_payload'
    }
    const ev = p.event
    const at = this.d.clock.now().getTime()
    const key = vendor + '\u0000' + ev.device
    const prev = this.seen.get(key)
    if (!prev) this.seen.set(key, { vendor, device: ev.device, at })
    else if (prev.at < at) prev.at = at
    if (ev.event === 'heartbeat') this.heartbeats.inc()
    else this.counters.events.inc({ event: ev.event })
    return ev.event === 'heartbeat' ? 'heartbeat' : ev
  }

  /**
   * Records an alarm, clear or fault (deduplicated on device and event id); resolves once committed. Events that
   * arrive together are recorded together: one transaction for up to BATCH_MAX of them, their new alarms announced
   * once at its end (one message per chat, one notice per officer), at most BATCHES transactions at once, one
   * device's events in their order. A batch that fails is recorded again one event at a time, so one bad event
   * fails alone.
   */
  record(vendor: string, ev: SensorPayload): Promise<IngestOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ vendor, ev, key: vendor + '\u0000' + ev.device, resolve, reject })
      if (!this.pumpScheduled) {
        this.pumpScheduled = true
        // the events of one read of the socket go together
        setImmediate(() => {
          this.pumpScheduled = false
          this.pump()
        })
      }
    })
  }

  private waiting: Pending[] = []
  private pumpScheduled = false
  private running = 0
  private readonly busy = new Map<string, number>()

  private pump() {
    while (this.running < BATCHES && this.waiting.length) {
      const batch: Pending[] = []
      const rest: Pending[] = []
      const held = new Set<string>()
      for (const x of this.waiting) {
        if (batch.length < BATCH_MAX && !this.busy.has(x.key) && !held.has(x.key)) batch.push(x)
        else {
          rest.push(x)
          held.add(x.key)
        }
      }
      if (!batch.length) return
      this.waiting = rest
      for (const x of batch) this.busy.set(x.key, (this.busy.get(x.key) ?? 0) + 1)
      this.running++
      void this.runBatch(batch).finally(() => {
        for (const x of batch) {
          const n = this.busy.get(x.key)! - 1
          if (n) this.busy.set(x.key, n)
          else this.busy.delete(x.key)
        }
        this.running--
        this.pump()
      })
    }
  }

  private async runBatch(batch: Pending[]): Promise<void> {
    const now = this.d.clock.now()
    const policy = this.policy
    let results: Awaited<ReturnType<SensorIngest['recordAll']>>
    try {
      results = await this.d.db.transaction((tx) => this.recordAll(tx, batch, now, policy))
    } catch (err) {
      if (batch.length === 1) return batch[0].reject(err)
      this.d.logger.warn({ err, events: batch.length }, 'sensor events not recorded together; recording them one at a time')
      for (const x of batch) await this.runBatch([x])
      return
    }
    if (results.sent) this.d.kick()
    if (results.retryAt) this.announceAt(results.retryAt)
    for (const [i, x] of batch.entries()) {
      const r = results.outcomes[i]
      if (r === 'unknown_device') {
        this.counters.unknown.inc()
        this.d.logger.warn({ vendor: x.vendor, device: x.ev.device }, 'sensor event from a device not in the register dropped')
      } else if (r !== 'duplicate') this.d.logger.debug({ vendor: x.vendor, device: x.ev.device, eventId: x.ev.id, outcome: r }, 'sensor event')
      x.resolve(r)
    }
  }

  private async recordAll(tx: Tx, batch: Pending[], now: Date, policy: AlarmPolicy) {
    const outcomes: IngestOutcome[] = new Array(batch.length)
    // the devices not in memory, read in one statement
    const missing = batch.filter((x) => !this.devices.get(x.key, now.getTime()))
    if (missing.length) for (const d of await devicesByVendorIds(tx, missing.map((x) => ({ vendor: x.vendor, device: x.ev.device })))) this.devices.set(d.vendor + '\u0000' + d.vendorDeviceId, d, now.getTime())
    const known: { device: DeviceRow; ev: SensorEventIn; i: number }[] = []
    for (const [i, x] of batch.entries()) {
      const device = this.devices.get(x.key, now.getTime())
      if (!device) outcomes[i] = 'unknown_device'
      else known.push({ device, ev: { ...x.ev, id: x.ev.id!, event: x.ev.event as SensorEventIn['event'] }, i })
    }
    const results = await recordSensorEvents(tx, known, now, policy)
    const opened: { groupId: number | null; alarmId: number }[] = []
    for (const [k, r] of results.entries()) {
      outcomes[known[k].i] = r.outcome
      if (r.outcome === 'opened') opened.push({ groupId: r.groupId ?? null, alarmId: r.alarmId! })
    }
    let sent = 0
    let retryAt: Date | null = null
    if (opened.length) {
      const a = await announceAlarms(tx, now, policy, { groupIds: opened.map((o) => o.groupId), alarmIds: opened.map((o) => o.alarmId) })
      sent = a.sent
      retryAt = a.nextAt
    }
    return { outcomes, sent, retryAt }
  }

  /** Alarms that waited for their chat's minute go when it is over (the escalation job also sends them). */
  private announceAt(at: Date) {
    if (this.retry) return
    const ms = Math.max(50, at.getTime() - this.d.clock.now().getTime())
    this.retry = setTimeout(() => {
      this.retry = undefined
      void this.announceDue()
    }, ms)
    this.retry.unref()
  }

  async announceDue(): Promise<void> {
    try {
      const r = await this.d.db.transaction((tx) => announceAlarms(tx, this.d.clock.now(), this.policy))
      if (r.sent) this.d.kick()
      if (r.nextAt) this.announceAt(r.nextAt)
    } catch (err) {
      this.d.logger.error({ err }, 'waiting alarms could not be announced; the escalation job tries again')
    }
  }

  /** Writes every device's last-seen time gathered since the last flush, in one statement. */
  async flushSeen(): Promise<number> {
    if (!this.seen.size) return 0
    const batch = [...this.seen.values()]
    this.seen.clear()
    try {
      await query(this.d.db, LAST_SEEN, [batch.map((b) => b.vendor), batch.map((b) => b.device), batch.map((b) => new Date(b.at))])
    } catch (err) {
      // put them back (newer ones win) for the next flush
      for (const b of batch) {
        const key = `${b.vendor}\u0000${b.device}`
        if (!this.seen.has(key)) this.seen.set(key, b)
      }
      this.d.logger.warn({ err, devices: batch.length }, 'last-seen times not written; tried again at the next flush')
    }
    return batch.length
  }
}
