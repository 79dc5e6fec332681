/**
 * The devices' side of the sensor bench, in its own process so the app's CPU is counted alone: every device sends
 * a heartbeat once per period (spread evenly), and at `burstAt` seconds `burst` devices send an alarm each.
 * Prints one JSON line per alarm ({ id, at }: the event id and Date.now() at publish) and a last line { done }.
 *
 *   node --import tsx bench/sensor-publisher.ts '<json options>'
 */
import mqtt from 'mqtt'

const o = JSON.parse(process.argv[2]) as { url: string; prefix: string; devices: number; periodS: number; seconds: number; burst: number; burstAt: number }
const client = await mqtt.connectAsync(o.url, { clientId: `bench-pub-${process.pid}`, reconnectPeriod: 0 })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const start = Date.now()
let hb = 0
let burstDone = o.burst === 0
const tickMs = 50
const perTick = (o.devices / (o.periodS * 1000)) * tickMs
let owed = 0
let next = 0
while (Date.now() - start < o.seconds * 1000) {
  owed += perTick
  while (owed >= 1) {
    const d = next++ % o.devices
    client.publish(`${o.prefix}/bench/D-${d}`, JSON.stringify({ device: `D-${d}`, event: 'heartbeat' }), { qos: 1 })
    hb++
    owed--
  }
  if (!burstDone && Date.now() - start >= o.burstAt * 1000) {
    burstDone = true
    for (let i = 0; i < o.burst; i++) {
      const id = `burst-${i}`
      const at = Date.now()
      client.publish(`${o.prefix}/bench/D-${i}`, JSON.stringify({ device: `D-${i}`, event: 'alarm', id, reading: 30, unit: '%LEL' }), { qos: 1 })
      process.stdout.write(JSON.stringify({ id, at }) + '\n')
    }
  }
  await sleep(tickMs)
}
await client.endAsync()
process.stdout.write(JSON.stringify({ done: true, heartbeats: hb }) + '\n')
