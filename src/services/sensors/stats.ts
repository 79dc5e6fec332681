import { sql } from 'drizzle-orm'
import { schema, rows, type Tx } from '../../../db/client.js'
import type { Actor } from '../../core/permissions.js'
import { businessReach } from '../scope.js'

const { devices, businesses } = schema

export interface SensorStats {
  /** devices per township: online, offline, in alarm (a device in alarm is not counted online) */
  townships: { townshipId: number | null; township: string; online: number; offline: number; alarm: number }[]
  /** per Shanghai month, newest first (12 at most) */
  months: { month: string; alarms: number; falseAlarms: number; falseRate: number | null; ackMedianMinutes: number | null }[]
  devices: { total: number; offline: number; alarm: number }
}

/** Devices online/offline/in alarm per township, alarms per month, the false-alarm rate and time to acknowledge. */
export async function sensorStats(tx: Tx, actor: Actor, now: Date): Promise<SensorStats> {
  const reach = businessReach(actor, 'admin.read') ?? sql`true`
  const towns = await rows<{ township_id: number | null; township: string | null; online: string; offline: string; alarm: string }>(
    tx,
    sql`select businesses.township_id, j.name as township,
          count(*) filter (where a.id is null and d.offline_since is null) as online,
          count(*) filter (where a.id is null and d.offline_since is not null) as offline,
          count(*) filter (where a.id is not null) as alarm
        from ${devices} d
        join ${businesses} on ${businesses.id} = d.business_id
        left join jurisdictions j on j.id = businesses.township_id
        left join alarms a on a.device_id = d.id and a.status = 'open'
        where d.removed_at is null and ${reach}
        group by businesses.township_id, j.name
        order by j.name nulls last`,
  )
  const since = new Date(now.getTime() - 366 * 86_400_000)
  const months = await rows<{ month: string; alarms: string; false_alarms: string; ack_median: number | string | null }>(
    tx,
    sql`select to_char(a.opened_at at time zone 'Asia/Shanghai', 'YYYY-MM') as month,
          count(*) as alarms,
          count(*) filter (where a.answer = 'false_alarm') as false_alarms,
          percentile_cont(0.5) within group (order by extract(epoch from a.answered_at - a.opened_at) / 60)
            filter (where a.answered_at is not null) as ack_median
        from alarms a
        join ${businesses} on ${businesses.id} = a.business_id
        where a.opened_at >= ${since.toISOString()}::timestamptz and ${reach}
        group by 1 order by 1 desc limit 12`,
  )
  const townships = towns.map((t) => ({
    townshipId: t.township_id === null ? null : Number(t.township_id),
    township: t.township ?? '未划分',
    online: Number(t.online),
    offline: Number(t.offline),
    alarm: Number(t.alarm),
  }))
  return {
    townships,
    months: months.map((m) => {
      const alarms = Number(m.alarms)
      const falseAlarms = Number(m.false_alarms)
      return {
        month: m.month,
        alarms,
        falseAlarms,
        falseRate: alarms ? Math.round((falseAlarms / alarms) * 1000) / 10 : null,
        ackMedianMinutes: m.ack_median === null ? null : Math.round(Number(m.ack_median) * 10) / 10,
      }
    }),
    devices: {
      total: townships.reduce((s, t) => s + t.online + t.offline + t.alarm, 0),
      offline: townships.reduce((s, t) => s + t.offline, 0),
      alarm: townships.reduce((s, t) => s + t.alarm, 0),
    },
  }
}
