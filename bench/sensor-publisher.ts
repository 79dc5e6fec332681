/**
 * The devices' side of the sensor bench, in its own process so the app's CPU is counted alone. It connects once
 * and stays connected, so the bench's idle and heartbeat windows see the same processes and connections. Prints
 * `{ ready }` once connected, then takes one command a line on stdin:
 *
 *   { seconds, burst, burstAt }: every device sends a heartbeat once per period (spread evenly) for `seconds`; at
 *     `burstAt` seconds `burst` devices send an alarm each (one JSON line { id, at } per alarm: the event id and
 *     Date.now() at publish); then one line { done, heartbeats } once the broker acknowledged all of them
 *   { stop }: ends the run in progress early (its { done } line follows)
 *   { quit }: ends the run in progress, disconnects and exits
 *
 *   node --import tsx bench/sensor-publisher.ts '<json options>'
 */
import { createInterface } from 'node:readline'
import mqtt from 'mqtt'

const o = JSON.parse(process.argv[2]) as { url: string; prefix: string; devices: number; periodS: number }
const client = await mqtt.connectAsync(o.url, { clientId: `bench-pub-${process.pid}`, reconnectPeriod: 0 })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const out = (m: object) => process.stdout.write(JSON.stringify(m) + '\n')
let next = 0
let round = 0
let stopping = false

async function run(c: { seconds: number; burst: number; burstAt: number }) {
  round++
  const start = Date.now()
  let hb = 0
  let burstDone = c.burst === 0
  const tickMs = 50
  const perTick = (o.devices / (o.periodS * 1000)) * tickMs
  let owed = 0
  const acked: Promise<unknown>[] = []
  for (let tick = 1; Date.now() - start < c.seconds * 1000 && !stopping; tick++) {
    owed += perTick
    while (owed >= 1) {
      const d = next++ % o.devices
      acked.push(client.publishAsync(`${o.prefix}/bench/D-${d}`, JSON.stringify({ device: `D-${d}`, event: 'heartbeat' }), { qos: 1 }))
      hb++
      owed--
    }
    if (!burstDone && Date.now() - start >= c.burstAt * 1000) {
      burstDone = true
      for (let i = 0; i < c.burst; i++) {
        const id = `burst-${round}-${i}`
        const at = Date.now()
        acked.push(client.publishAsync(`${o.prefix}/bench/D-${i}`, JSON.stringify({ device: `D-${i}`, event: 'alarm', id, reading: 30, unit: '%LEL' }), { qos: 1 }))
        out({ id, at })
      }
    }
    // ticks on a fixed schedule (a late tick does not push the later ones back)
    await sleep(Math.max(0, start + tick * tickMs - Date.now()))
  }
  await Promise.all(acked)
  out({ done: true, heartbeats: hb })
}

out({ ready: true })
// a run goes on while the next line is read, so { stop } can end it
let running: Promise<void> = Promise.resolve()
for await (const l of createInterface({ input: process.stdin })) {
  const c = JSON.parse(l) as { seconds: number; burst: number; burstAt: number; quit?: boolean; stop?: boolean }
  if (c.quit || c.stop) {
    stopping = true
    await running
    if (c.quit) break
    continue
  }
  await running
  stopping = false
  running = run(c)
}
stopping = true
await running
await client.endAsync()
process.exit(0)
