import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import { and, asc, eq, isNull } from 'drizzle-orm'
import { schema, type Db } from '../../db/client.js'
import { DEMO_VENDOR, seedDemoDevices } from '../../db/seed/demo-devices.js'
import type { AppConfig } from '../config.js'
import type { Clock } from '../core/clock.js'
import { AppError } from '../core/errors.js'
import { alarmCode, type DeviceKind } from '../core/sensors.js'
import { deviceState, kindLabel } from '../services/sensors/devices.js'
import type { IngestOutcome, SensorIngest } from './ingest.js'

export type DemoEvent = 'alarm' | 'clear' | 'fault'

/** What a demo device reads when it alarms and when it is back to normal (the simulator's buttons prefill these). */
export const DEMO_READINGS: Record<DeviceKind, { alarm: number; normal: number; unit: string }> = {
  gas_detector: { alarm: 25, normal: 0, unit: '%LEL' },
  smoke: { alarm: 0.2, normal: 0, unit: 'dB/m' },
  tank_level: { alarm: 95, normal: 60, unit: '%' },
  vapour_recovery: { alarm: 1.5, normal: 1.1, unit: 'A/L' },
  leak: { alarm: 120, normal: 0, unit: 'ppm' },
  electrical_fire: { alarm: 500, normal: 30, unit: 'mA' },
}

export interface DemoDevice {
  id: number
  vendorDeviceId: string
  businessName: string
  kind: string
  kindLabel: string
  location: string | null
  state: 'online' | 'offline' | 'alarm'
  /** the open alarm's code (A12), to answer with */
  openAlarm: string | null
  /** the simulator chat its alarms go to */
  chatId: string | null
  chatName: string | null
  /** the simulator contacts of the business's principals (who answer its alarms) */
  ownerIds: string[]
  reading: { alarm: number; normal: number; unit: string } | null
}

/** Heartbeats often enough that a device is heard within DEVICE_OFFLINE_MINUTES even after a flush's delay. */
export function heartbeatEveryMs(c: Pick<AppConfig, 'DEVICE_OFFLINE_MINUTES' | 'SENSOR_LAST_SEEN_FLUSH_MS'>): number {
  return Math.min(60_000, Math.max(1_000, Math.floor((c.DEVICE_OFFLINE_MINUTES * 60_000) / 3) - c.SENSOR_LAST_SEEN_FLUSH_MS))
}

/**
 * The demo's devices, alive in this process: registered at start, a heartbeat each through the real ingest (the
 * path MQTT and the HTTP push take) every heartbeatEveryMs, and the simulator's 报警/恢复/故障 as events on that
 * same path. Demo mode with the simulator only (src/app.ts).
 */
export class DemoDeviceFeed {
  private timer?: NodeJS.Timeout
  private beating?: Promise<void>
  private stopped = false

  constructor(private readonly d: { db: Db; config: AppConfig; clock: Clock; logger: Logger; ingest: SensorIngest; channel: string }) {}

  async start(): Promise<void> {
    this.stopped = false
    const n = await seedDemoDevices(this.d.db, this.d.clock.now(), this.d.channel)
    this.d.logger.info({ devices: n, everyMs: heartbeatEveryMs(this.d.config) }, 'demo devices registered; their heartbeats run in-process')
    await this.beat()
    await this.d.ingest.flushSeen()
    this.timer = setInterval(() => {
      if (!this.beating) this.beating = this.beat().finally(() => (this.beating = undefined))
    }, heartbeatEveryMs(this.d.config))
    this.timer.unref()
  }

  /** Stops the heartbeats; resolves once the one in hand is taken. */
  async stop(): Promise<void> {
    this.stopped = true
    clearInterval(this.timer)
    this.timer = undefined
    await this.beating
  }

  /** One heartbeat of every demo device (the timer's work; tests call it with their clock). */
  async beat(): Promise<void> {
    if (this.stopped) return
    try {
      const rows = await this.d.db
        .select({ id: schema.devices.vendorDeviceId })
        .from(schema.devices)
        .where(and(eq(schema.devices.vendor, DEMO_VENDOR), isNull(schema.devices.removedAt)))
      for (const r of rows) await this.d.ingest.take(DEMO_VENDOR, { device: r.id, event: 'heartbeat' })
    } catch (err) {
      this.d.logger.warn({ err }, 'demo device heartbeats failed; tried again at the next beat')
    }
  }

  async list(): Promise<DemoDevice[]> {
    const { devices, businesses, alarms, groups, memberships, identities } = schema
    const rows = await this.d.db
      .select({ device: devices, businessName: businesses.name, openAlarm: alarms.id, chatId: groups.externalId, chatName: groups.name })
      .from(devices)
      .innerJoin(businesses, eq(businesses.id, devices.businessId))
      .leftJoin(alarms, and(eq(alarms.deviceId, devices.id), eq(alarms.status, 'open')))
      .leftJoin(groups, eq(groups.id, devices.groupId))
      .where(and(eq(devices.vendor, DEMO_VENDOR), isNull(devices.removedAt)))
      .orderBy(asc(devices.id))
    const owners = await this.d.db
      .select({ businessId: memberships.businessId, contact: identities.externalId })
      .from(memberships)
      .innerJoin(identities, eq(identities.personId, memberships.personId))
      .where(and(eq(memberships.role, 'principal'), eq(identities.channel, this.d.channel)))
      .orderBy(asc(identities.id))
    return rows.map((r) => {
      const kind = r.device.kind as DeviceKind
      return {
        id: r.device.id,
        vendorDeviceId: r.device.vendorDeviceId,
        businessName: r.businessName,
        kind,
        kindLabel: kindLabel(kind),
        location: r.device.location,
        state: deviceState({ openAlarm: r.openAlarm, offlineSince: r.device.offlineSince }),
        openAlarm: r.openAlarm !== null ? alarmCode(r.openAlarm) : null,
        chatId: r.chatId,
        chatName: r.chatName,
        ownerIds: owners.filter((o) => o.businessId === r.device.businessId).map((o) => o.contact),
        reading: DEMO_READINGS[kind] ?? null,
      }
    })
  }

  /** Sends one event of a demo device through the ingest (a new event id each time). */
  async fire(deviceId: number, event: DemoEvent, reading?: number): Promise<{ outcome: IngestOutcome; alarm: string | null; message: string }> {
    const [d] = await this.d.db
      .select()
      .from(schema.devices)
      .where(and(eq(schema.devices.id, deviceId), eq(schema.devices.vendor, DEMO_VENDOR), isNull(schema.devices.removedAt)))
    if (!d) throw new AppError('not_found', `没有编号为 ${deviceId} 的演示设备`)
    const preset = DEMO_READINGS[d.kind as DeviceKind]
    const value = event === 'fault' ? undefined : (reading ?? (event === 'alarm' ? preset?.alarm : preset?.normal))
    const outcome = await this.d.ingest.take(DEMO_VENDOR, {
      device: d.vendorDeviceId,
      event,
      id: `sim-${randomUUID()}`,
      time: this.d.clock.now().toISOString(),
      ...(value !== undefined ? { reading: value, unit: preset?.unit } : {}),
    })
    const [open] = await this.d.db
      .select({ id: schema.alarms.id })
      .from(schema.alarms)
      .where(and(eq(schema.alarms.deviceId, d.id), eq(schema.alarms.status, 'open')))
    return { outcome, alarm: open ? alarmCode(open.id) : null, message: OUTCOME_TEXT[outcome] ?? '已发送' }
  }
}

const OUTCOME_TEXT: Partial<Record<IngestOutcome, string>> = {
  opened: '已报警：报警消息发到单位所在的群（同一群一分钟内的报警合并发送）',
  repeat: '已报警：报警还没结束，记为又一次读数',
  reopened: '已报警：刚恢复又报警，记在原报警上',
  cleared: '已恢复正常，报警结束',
  clear_without_alarm: '已恢复：这台设备没有未结束的报警',
  fault: '已记录设备故障',
  duplicate: '重复的事件，未改变什么',
}
