import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { sql } from 'drizzle-orm'
import { openPglite, rows } from '../../db/client.js'
import { startAppProcess, type AppProcess } from '../helpers/process.js'
import { api, seedDataDir, setUpGroup } from '../helpers/sim-http.js'
import { publisher, requireBroker, testPrefix, waitFor, BROKER } from '../helpers/sensors.js'

/**
 * The app SIGKILLed during a burst of 1,000 alarms from 1,000 devices (QoS 1, the real Mosquitto): a new process
 * on the same data with the same MQTT client id gets what the broker still holds for its session, and in the
 * end each alarm has exactly one alarm record and one event, and each was announced in one outbox row.
 */

const N = 1000
const KILL_AT = 300
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'csb-sensors-kill-'))
const prefix = testPrefix()
const env = {
  SENSOR_MQTT_URL: BROKER,
  SENSOR_MQTT_TOPIC_PREFIX: prefix,
  SENSOR_MQTT_CLIENT_ID: `csb-kill-${randomUUID().slice(0, 8)}`,
  SENSOR_MQTT_SHARE_GROUP: `k${randomUUID().slice(0, 6)}`,
  ALARM_BATCH_SECONDS: '0',
  SCHEDULES_ENABLED: 'false',
  QUIET_HOURS: 'off',
}
const procs: AppProcess[] = []

afterAll(async () => {
  for (const p of procs) if (p.alive) await p.stop('SIGKILL')
  fs.rmSync(tmp, { recursive: true, force: true })
})

/** `healthMs`: the restarted app takes the broker's backlog at once; on embedded PGlite /health waits behind it */
async function start(healthMs = 60_000): Promise<AppProcess> {
  const p = await startAppProcess({ dataDir: tmp, env, healthTimeoutMs: healthMs })
  procs.push(p)
  return p
}

/** alarm events taken by this process so far (its /metrics) */
async function alarmsTaken(p: AppProcess): Promise<number> {
  // the scrape reads the outbox depth from the database, which is busy with the burst: a slow answer is no answer
  const r = await p.request<string>('GET', '/metrics').catch(() => null)
  const m = /sensor_events_total\{event="alarm"\} (\d+)/.exec(String(r?.body))
  return m ? Number(m[1]) : 0
}

describe('SIGKILL during a burst of alarms', () => {
  it('when the app is killed after 300 of 1,000 alarms and started again, then every alarm has exactly one record and one announcement', { timeout: 480_000 }, async () => {
    await requireBroker()
    seedDataDir(tmp)
    const p1 = await start()
    await setUpGroup(p1, 'sensors-kill')
    const csv = ['厂商,设备编号,单位名称,设备类型,安装位置', ...Array.from({ length: N }, (_, i) => `acme,K-${i},城关老街饭店,可燃气体探测器,后厨${i}`)].join('\n')
    const form = new FormData()
    form.append('file', new Blob([csv], { type: 'text/csv' }), 'devices.csv')
    const imported = await fetch(`${p1.base}/api/sensors/devices/import`, { method: 'POST', body: form })
    expect(imported.status).toBe(200)
    expect((await imported.json()).created).toBe(N)

    const pub = await publisher()
    const sent = Array.from({ length: N }, (_, i) =>
      pub.publishAsync(`${prefix}/acme/K-${i}`, JSON.stringify({ device: `K-${i}`, event: 'alarm', id: `kill-${i}`, reading: 30, unit: '%LEL' }), { qos: 1 }),
    )
    await waitFor(async () => (await alarmsTaken(p1)) >= KILL_AT, 120_000, `${KILL_AT} alarms taken`)
    p1.kill('SIGKILL')
    await p1.exited
    await Promise.all(sent)
    await pub.endAsync()

    const p2 = await start(300_000)
    type Stats = { devices: { alarm: number }; waiting: number }
    await waitFor(async () => {
      const st = await api<Stats>(p2, 'GET', '/api/sensors/stats').catch(() => null)
      return st?.devices.alarm === N && st.waiting === 0
    }, 300_000, `${N} open alarms, all announced`).catch(
      async (e) => {
        throw new Error(`${e.message}: ${JSON.stringify((await api(p2, 'GET', '/api/sensors/stats')) ?? null).slice(0, 300)}\n${p2.diagnostics()}`)
      },
    )
    await p2.stop('SIGTERM')

    const d = await openPglite({ dataDir: path.join(tmp, 'pglite') })
    try {
      const [a] = await rows<{ n: string; devices: string }>(d.db, sql`select count(*) as n, count(distinct device_id) as devices from alarms`)
      expect(Number(a.n)).toBe(N)
      expect(Number(a.devices)).toBe(N)
      const [e] = await rows<{ n: string; ids: string }>(d.db, sql`select count(*) as n, count(distinct event_id) as ids from sensor_events`)
      expect({ n: Number(e.n), ids: Number(e.ids) }).toEqual({ n: N, ids: N })
      // each alarm's code in exactly one group message
      const codes = await rows<{ code: string; n: string }>(
        d.db,
        sql`select m[1] as code, count(*) as n from outbox, regexp_matches(text, '(A\\d+) 可燃气体探测器', 'g') as m where is_group group by 1`,
      )
      expect(codes).toHaveLength(N)
      expect(codes.filter((c) => Number(c.n) !== 1)).toEqual([])
      const [unannounced] = await rows<{ n: string }>(d.db, sql`select count(*) as n from alarms where announced_at is null`)
      expect(Number(unannounced.n)).toBe(0)
    } finally {
      await d.close()
    }
  })
})
