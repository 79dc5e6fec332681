/**
 * Benchmark: bare Wechaty echo rate on the mock puppet vs. the real app's hazard-report path on PostgreSQL.
 *
 *   npm run bench                      full size (echo 5,000; burst 5,000; steady 200/s for 15 s)
 *   BENCH_SIZE=smoke npm run bench     smoke size for CI (echo 500; burst 300; steady 200/s for 2 s)
 *   npm run bench -- --smoke           same
 *   (section 3b: pushes to 1,000 groups, 100 in smoke, through one rate-limited account: bench/pushes.ts)
 *   npm run bench -- --burst-only      only section 2b, one line (to alternate two builds: median of 5 runs each)
 *   npm run bench -- --profile         also samples the CPU during the burst (node:inspector) and prints it by package
 *   npm run bench -- --waits            also samples pg_stat_activity every 10 ms (what backends wait on; costs CPU)
 *   section 3c: plain words (bench/intake.ts): recogniser CPU per message, burst PLAIN_REPORTS=all vs off (median of 5;
 *   the CPU line alone: npx tsx bench/intake.ts)
 *   then the console bench (bench/console.ts: overview, ledger page, CSV vs COPY, xlsx memory; alone: npx tsx bench/console.ts)
 *   then the sensor bench (bench/sensors.ts: heartbeats' CPU, alarm burst latency, real Mosquitto; alone: npx tsx bench/sensors.ts)
 *   and sign-in timing (bench/sign-in.ts: unknown name / wrong password / must wait, p50s; alone: npx tsx bench/sign-in.ts)
 *   and photo memory (bench/photo-memory.ts: RSS before/after 50 photos of 8 MB, PGlite and PostgreSQL; alone: npx tsx bench/photo-memory.ts)
 *
 * What-if switches (off by default; they change the wiring or the server setting, never src/, and are printed
 * in the header so their figures are not mistaken for the app's):
 *   BENCH_WHATIF=sender-pool     the outbox sender gets its own 2-connection client instead of sharing the pool
 *   BENCH_WHATIF=async-commit    `alter database … set synchronous_commit = off` on the bench database
 *   (comma-separated to combine)
 *
 * Environment: TEST_PG_URL (admin URL, default postgres://postgres@127.0.0.1:5432/test). A fresh database
 * `csb_bench_<random>` is created, migrated by openPostgres() and dropped at the end.
 * Exit code 1 when something failed (Postgres unreachable, lost reports, a phase hung); missed targets are
 * reported as MISS but do not fail the run.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes, randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { Session } from 'node:inspector/promises'
import pino from 'pino'
import postgres from 'postgres'
import { eq, sql } from 'drizzle-orm'
import { WechatyBuilder } from 'wechaty'
import { PuppetMock, mock } from 'wechaty-puppet-mock'
import { openPostgres, postgresTarget, schema, rows, type Database, type Db } from '../db/client.js'
import { buildApp, type App } from '../src/app.js'
import { testConfig } from '../src/config.js'
import type { OutboundMessage } from '../src/channels/types.js'
import { OutboxSender } from '../src/outbox-sender.js'
import { systemClock } from '../src/core/clock.js'
import type { Outcome } from '../src/chat/router.js'
import { pushesBench, printPushBench } from './pushes.js'
import { consoleBench } from './console.js'
import { sensorsBench, insertBenchDevices, Publisher, SENSOR_SIZES } from './sensors.js'
import { alternate, median } from './figures.js'
import { codesBench, printCodesBench } from './codes.js'
import { plainBurst, recogniserCpu, TARGET_BURST_RATIO, TARGET_RECOGNISER_MS } from './intake.js'
import { signInTimingBench, printSignInTiming } from './sign-in.js'
import { photoMemoryBench, printPhotoMemory } from './photo-memory.js'

// ---------------------------------------------------------------- sizes and targets

const SMOKE = process.env.BENCH_SIZE === 'smoke' || process.argv.includes('--smoke')
const PROFILE = process.env.BENCH_PROFILE === '1' || process.argv.includes('--profile')
const WAITS = process.env.BENCH_WAITS === '1' || process.argv.includes('--waits')
/** only section 2b, printed as one line `burst-only: inbound N reports/s; replied N reports/s` (for runs that alternate two builds) */
const BURST_ONLY = process.env.BENCH_ONLY === 'burst' || process.argv.includes('--burst-only')
const WHATIF = new Set((process.env.BENCH_WHATIF ?? '').split(',').map((s) => s.trim()).filter(Boolean))
for (const w of WHATIF) if (w !== 'sender-pool' && w !== 'async-commit') throw new Error(`unknown BENCH_WHATIF: ${w}`)
const SIZE = SMOKE
  ? { name: 'smoke', echo: 500, burst: 300, spread: 100, spreadChats: 20, rate: 200, steadySeconds: 2, sequential: 30 }
  : { name: 'full', echo: 5_000, burst: 5_000, spread: 1_000, spreadChats: 50, rate: 200, steadySeconds: 15, sequential: 200 }
const TARGET_THROUGHPUT = 1_000 // reports/s
const TARGET_P99_MS = 50 // at 200 reports/s
const PHASE_TIMEOUT_MS = SMOKE ? 30_000 : 300_000
const ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

// ---------------------------------------------------------------- small helpers

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
const BROKER = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883'
/** the harness app takes sensor messages on its own topic prefix (section 3d) */
const SENSOR_PREFIX = `bench-${randomUUID().slice(0, 8)}/chat-beside`
const TARGET_BESIDE_RATIO = 0.9
const fmt = (n: number, digits = 0) =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '—'
const ms = (n: number) => `${fmt(n, n < 10 ? 2 : 1)} ms`
const mb = (b: number) => `${fmt(b / 1024 / 1024, 0)} MB`
const mark = (ok: boolean) => (ok ? 'PASS' : 'MISS')

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]
}
function stats(values: number[]) {
  const s = [...values].sort((a, b) => a - b)
  const sum = s.reduce((a, b) => a + b, 0)
  return { n: s.length, mean: s.length ? sum / s.length : NaN, p50: quantile(s, 0.5), p90: quantile(s, 0.9), p99: quantile(s, 0.99), max: s.length ? s[s.length - 1] : NaN }
}
type Stats = ReturnType<typeof stats>
const statLine = (s: Stats) => `p50 ${ms(s.p50)}  p90 ${ms(s.p90)}  p99 ${ms(s.p99)}  max ${ms(s.max)}  (mean ${ms(s.mean)}, n=${fmt(s.n)})`

function line(label: string, value: string) {
  console.log(`  ${label.padEnd(38)} ${value}`)
}
function heading(s: string) {
  console.log(`\n== ${s}`)
}
function loadLine(): string {
  const [l1, l5] = os.loadavg()
  const cores = os.availableParallelism?.() ?? os.cpus().length
  return `load average ${fmt(l1, 2)} (1 min) / ${fmt(l5, 2)} (5 min) on ${cores} cores${l1 > cores ? '  ← the machine is busy: figures are noisy' : ''}`
}

/** Node CPU time (user + system) used while fn ran. */
async function cpuOf<T>(fn: () => Promise<T>): Promise<{ result: T; cpuMs: number }> {
  const c0 = process.cpuUsage()
  const result = await fn()
  const c = process.cpuUsage(c0)
  return { result, cpuMs: (c.user + c.system) / 1000 }
}

/** Wakes the waiters of until(); called on every observed reply and router outcome. */
const wakers = new Set<() => void>()
function wake() {
  for (const w of wakers) w()
}

/** Resolves when cond() holds (checked on every wake() and every 50 ms), rejects after timeoutMs naming what was missing. */
function until(cond: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  if (cond()) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const check = () => {
      if (cond()) finish()
    }
    const finish = (err?: Error) => {
      wakers.delete(check)
      clearInterval(poll)
      clearTimeout(timer)
      if (err) reject(err)
      else resolve()
    }
    const poll = setInterval(check, 50)
    const timer = setTimeout(() => finish(new Error(`timed out after ${fmt(timeoutMs / 1000)} s: ${what()}`)), timeoutMs)
    wakers.add(check)
  })
}

// ---------------------------------------------------------------- database

interface BenchDb {
  database: Database
  name: string
  url: string
  drop(): Promise<void>
}

async function freshDatabase(): Promise<BenchDb> {
  const admin = client(ADMIN_URL, { max: 1, connect_timeout: 5 })
  const name = `csb_bench_${randomBytes(5).toString('hex')}`
  try {
    await admin.unsafe(`create database ${name}`)
    if (WHATIF.has('async-commit')) await admin.unsafe(`alter database ${name} set synchronous_commit = off`)
  } catch (e) {
    await admin.end({ timeout: 1 }).catch(() => {})
    throw new Error(
      `PostgreSQL is needed for the benchmark at ${ADMIN_URL} (set TEST_PG_URL; start it e.g. with ` +
        `pg_ctlcluster --skip-systemctl-redirect 15 main start): ${(e as Error).message}`,
      { cause: e },
    )
  }
  await admin.end({ timeout: 5 })
  const url = ADMIN_URL.replace(/\/[^/?]*(\?|$)/, `/${name}$1`)
  let database: Database
  try {
    database = await openPostgres(url)
  } catch (e) {
    await dropDatabase(name)
    throw e
  }
  return {
    database,
    name,
    url,
    async drop() {
      await database.close().catch(() => {})
      await dropDatabase(name)
    },
  }
}

/** A postgres.js client for a URL, Unix socket (`?host=/path`) included. */
function client(url: string, opts: { max: number; connect_timeout?: number }) {
  const t = postgresTarget(url)
  return postgres(t.url, { ...opts, onnotice: () => {}, ...(t.host ? { host: t.host } : {}) })
}

async function dropDatabase(name: string) {
  const a = client(ADMIN_URL, { max: 1, connect_timeout: 5 })
  try {
    await a.unsafe(`drop database if exists ${name} with (force)`)
  } finally {
    await a.end({ timeout: 5 })
  }
}

/** Round trip and durable-commit cost on this server, and the client CPU per statement: the floor under any transaction. */
async function dbFloor(url: string, db: Db) {
  const c = client(url, { max: 1 })
  try {
    await c`create table bench_floor (id serial primary key, v int)`
    const n = 200
    const timed = async (fn: (i: number) => Promise<unknown>) => {
      for (let i = 0; i < 20; i++) await fn(i) // warm up, prepare
      const t = performance.now()
      const { cpuMs } = await cpuOf(async () => {
        for (let i = 0; i < n; i++) await fn(i)
      })
      return { wall: (performance.now() - t) / n, cpu: cpuMs / n }
    }
    const rtt = await timed((i) => c`select ${i}::int`)
    const pgjs = await timed((i) => c`select * from jurisdictions where id = ${i}`)
    const drz = await timed((i) => db.select().from(schema.jurisdictions).where(eq(schema.jurisdictions.id, i)))
    const commit = await timed((i) => c.begin(async (tx) => void (await tx`insert into bench_floor (v) values (${i})`)))
    const asyncCommit = await timed((i) =>
      c.begin(async (tx) => {
        await tx`set local synchronous_commit = off`
        await tx`insert into bench_floor (v) values (${i})`
      }),
    )
    await c`drop table bench_floor`
    return { rtt, pgjs, drz, commit, asyncCommit }
  } finally {
    await c.end({ timeout: 5 })
  }
}

/** Counts statements sent by the app's postgres.js client (its `debug` hook sees every query, in transactions too). */
function queryCounter(db: Db) {
  const client = (db as unknown as { $client?: { options?: { debug?: unknown } } }).$client
  const counts = { router: 0, outbox: 0, enabled: !!client?.options }
  const byText = new Map<string, number>()
  let on = false
  // postgres.js captures a stack trace for every query while a debug hook is set: install it only while counting
  const hook = (_conn: number, text: string) => {
      if (!on) return
      const t = text.replace(/\s+/g, ' ').trim()
      // the sender's statements (claim, load, mark sent) all update or read "outbox"; the router only inserts into it
      if (/^(update\s+"?outbox"?\s|select .* from "outbox")/i.test(t)) counts.outbox++
      else counts.router++
      const key = t.slice(0, 80)
      byText.set(key, (byText.get(key) ?? 0) + 1)
  }
  return {
    counts,
    byText,
    start() {
      counts.router = counts.outbox = 0
      byText.clear()
      on = true
      if (client?.options) client.options.debug = hook
    },
    stop() {
      on = false
      if (client?.options) client.options.debug = false
    },
  }
}

/** Samples pg_stat_activity of the bench database: what the app's backends are waiting on. */
function waitSampler(url: string) {
  const c = client(url, { max: 1 })
  const seen = new Map<string, number>()
  let total = 0
  let running = false
  let loop: Promise<void> = Promise.resolve()
  return {
    start() {
      seen.clear()
      total = 0
      // sampling costs the measured run CPU on a 2-core machine: only on request
      if (!WAITS) return
      running = true
      loop = (async () => {
        while (running) {
          const r = await c<{ k: string }[]>`
            select coalesce(wait_event_type, 'CPU') || ':' || coalesce(wait_event, '-') || ' (' || state || ')' as k
            from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`
          for (const x of r) seen.set(x.k, (seen.get(x.k) ?? 0) + 1)
          total += r.length
          await sleep(10)
        }
      })()
    },
    async stop(): Promise<[string, number][]> {
      running = false
      await loop
      return [...seen].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, n]) => [k, total ? n / total : 0])
    },
    end: () => c.end({ timeout: 5 }),
  }
}
const WAIT_MEANING: Record<string, string> = {
  'Lock:transactionid': 'row lock held by another open transaction',
  'Lock:tuple': 'row lock queue',
  'Client:ClientRead': 'backend waits for Node to send the next statement',
  'IO:WALSync': 'commit waits for the WAL fsync',
  'LWLock:WALWrite': 'commit waits for another WAL flush',
  'CPU:-': 'executing',
}

/** CPU profile of a phase, summarised by package (self time). */
async function profiled<T>(fn: () => Promise<T>): Promise<{ result: T; byPackage: [string, number][] }> {
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 500 })
  await session.post('Profiler.start')
  const stopProfiler = () => session.post('Profiler.stop')
  let result: T
  let stopped: Awaited<ReturnType<typeof stopProfiler>>
  try {
    result = await fn()
  } finally {
    stopped = await stopProfiler()
    session.disconnect()
  }
  const { profile } = stopped
  const file = path.join(os.tmpdir(), `csb-bench-burst-${process.pid}.cpuprofile`)
  fs.writeFileSync(file, JSON.stringify(profile))
  console.log(`  (CPU profile of the burst written to ${file}; open it in Chrome DevTools or VS Code)`)
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]))
  const byPkg = new Map<string, number>()
  const deltas = profile.timeDeltas ?? []
  let total = 0
  ;(profile.samples ?? []).forEach((id, i) => {
    const cf = nodes.get(id)!.callFrame
    const d = deltas[i] ?? 0
    total += d
    let k: string
    if (cf.functionName === '(idle)') k = '(idle: waiting for I/O)'
    else if (cf.functionName === '(garbage collector)') k = '(garbage collector)'
    else if (cf.functionName === '(program)' || !cf.url) k = '(native, incl. socket writes)'
    else {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(cf.url)
      k = m ? m[1] : cf.url.startsWith('node:') ? 'node core (streams, net, timers)' : /\/(src|db|commands|bench)\//.exec(cf.url)?.[1] ? `app ${/\/(src|db|commands|bench)\//.exec(cf.url)![1]}/` : cf.url.slice(0, 40)
    }
    byPkg.set(k, (byPkg.get(k) ?? 0) + d)
  })
  return { result: result!, byPackage: [...byPkg].sort((a, b) => b[1] - a[1]).slice(0, 14).map(([k, v]) => [k, v / Math.max(1, total)]) }
}

// ---------------------------------------------------------------- 1. bare Wechaty echo

async function echoBench(n: number): Promise<{ rate: number; seconds: number; cpuPerMsg: number }> {
  const mocker = new mock.Mocker()
  const puppet = new PuppetMock({ mocker })
  const bot = WechatyBuilder.build({ puppet, name: `bench-echo-${randomBytes(3).toString('hex')}` })
  let echoed = 0
  let failed = 0
  bot.on('message', async (msg) => {
    if (msg.self()) return // the bot's own sends come back as messages
    const room = msg.room()
    if (!room) return
    try {
      await room.say(msg.text())
      echoed++
    } catch {
      failed++
    }
    wake()
  })
  bot.on('error', () => {
    failed++
  })
  await bot.start()
  const me = mocker.createContact({ id: 'echo-bot', name: 'echo bot' })
  const user = mocker.createContact({ id: 'echo-user', name: 'user' })
  mocker.login(me) // log in before creating rooms or sending
  puppet.emit('ready', { data: '' } as never) // the mock never emits ready by itself
  const room = mocker.createRoom({ id: 'echo@chatroom', topic: 'echo', memberIdList: [me.id, user.id] })

  const warm = Math.min(200, n)
  for (let i = 0; i < warm; i++) user.say(`warm ${i}`).to(room)
  await until(() => echoed + failed >= warm, PHASE_TIMEOUT_MS, () => `echo warm-up: ${echoed}/${warm}`)
  echoed = failed = 0

  const t0 = performance.now()
  const { cpuMs } = await cpuOf(async () => {
    for (let i = 0; i < n; i++) user.say(`消息 ${i}`).to(room)
    await until(() => echoed + failed >= n, PHASE_TIMEOUT_MS, () => `echo: ${echoed}/${n} echoed`)
  })
  const seconds = (performance.now() - t0) / 1000
  await bot.stop()
  if (failed) throw new Error(`echo: ${failed} of ${n} room.say calls failed`)
  return { rate: n / seconds, seconds, cpuPerMsg: cpuMs / n }
}

// ---------------------------------------------------------------- 2./3. the real app

interface Reporter {
  sender: string
  group: string
}

interface Harness {
  config: ReturnType<typeof testConfig>
  app: App
  db: Db
  /** the bound business owner in the registered group */
  main: Reporter
  /** more owners, each in a registered group of their own (for the spread diagnostic) */
  others: Reporter[]
  q: ReturnType<typeof queryCounter>
  /** messageId → performance.now() at sim.send (in the open-loop phase: when it was due) */
  sentAt: Map<string, number>
  /** hazard code → performance.now() when channel.send resolved for its reply */
  replyAt: Map<string, number>
  outcomes: Map<Outcome, number>
  /** messageId → performance.now() when router.handle started */
  handleStart: Map<string, number>
  handleMs: number[]
  sendMs: number[]
  otherSends: number
  seq: number
}

async function startApp(db: Db, url: string, extraReporters: number): Promise<Harness> {
  // sensors on, as in a city with detectors (section 3d sends them heartbeats; before it they are quiet)
  const config = testConfig({
    SENSOR_MQTT_URL: BROKER,
    SENSOR_MQTT_TOPIC_PREFIX: SENSOR_PREFIX,
    SENSOR_MQTT_CLIENT_ID: `csb-bench-chat-${randomUUID().slice(0, 6)}`,
    SENSOR_MQTT_SHARE_GROUP: '',
  })
  const app = await buildApp({ config, db, logger: pino({ level: 'silent' }) })
  await app.start()
  const sim = app.simulator
  if (!sim) throw new Error('buildApp did not build the simulator channel')
  if (WHATIF.has('sender-pool')) {
    // what-if: the same OutboxSender, on its own small client, so inbound transactions cannot starve it
    const own = await openPostgres(url, { max: 2, migrate: false })
    const original = app.sender
    await original.stop()
    const sender = new OutboxSender({
      db: own.db,
      channel: app.channel,
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      instanceId: randomUUID(),
      maxAttempts: config.OUTBOX_MAX_ATTEMPTS,
    })
    sender.start()
    original.kick = () => sender.kick()
    original.whenIdle = () => sender.whenIdle()
    const close = app.close.bind(app)
    app.close = async () => {
      await close()
      await sender.stop()
      await own.close()
    }
  }

  // the directory, as tests/helpers/app.ts seedBasics builds it: a registered group and a bound business owner
  const [city] = await db.insert(schema.jurisdictions).values({ name: '测试市', kind: 'city' }).returning()
  const [town] = await db.insert(schema.jurisdictions).values({ name: '城关街道', kind: 'township', parentId: city.id }).returning()
  async function reporter(k: number): Promise<Reporter> {
    const id = k === 0 ? 'owner' : `owner-${k}`
    const name = k === 0 ? '张老板' : `店主${k}`
    const [shop] = await db.insert(schema.businesses).values({ name: k === 0 ? '城关老街饭店' : `城关饭店${k}号`, industry: 'catering', townshipId: town.id }).returning()
    const [person] = await db.insert(schema.people).values({ name, role: 'member' }).returning()
    await db.insert(schema.memberships).values({ personId: person.id, businessId: shop.id })
    await db.insert(schema.identities).values({ channel: 'wechaty', externalId: id, displayName: name, personId: person.id })
    sim!.createContact({ id, name })
    const group = sim!.createGroup({ id: k === 0 ? 'g1' : `g-spread-${k}`, name: k === 0 ? '城关商户安全群' : `城关商户安全${k}群`, memberIds: [id] })
    await db.insert(schema.groups).values({ channel: 'wechaty', externalId: group.id, name: group.name, registered: true, townshipId: town.id })
    return { sender: id, group: group.id }
  }
  const main = await reporter(0)
  const others: Reporter[] = []
  for (let k = 1; k <= extraReporters; k++) others.push(await reporter(k))
  // the app loads its group chats when it starts; these were made after, so load them as a restart would
  // (else Wechaty loads each room on its first message, once per message of a burst: the echo is warmed too)
  await app.channel.listGroups?.()

  const h: Harness = {
    app,
    config,
    db,
    main,
    others,
    q: queryCounter(db),
    sentAt: new Map(),
    replyAt: new Map(),
    outcomes: new Map(),
    handleStart: new Map(),
    handleMs: [],
    sendMs: [],
    otherSends: 0,
    seq: 0,
  }

  // observe the outbox sender's sends: the sender calls send on this same channel object
  const channel = app.channel
  const send = channel.send.bind(channel)
  channel.send = async (out: OutboundMessage) => {
    const t0 = performance.now()
    await send(out)
    const t1 = performance.now()
    h.sendMs.push(t1 - t0)
    const code = /已登记隐患 (Y\d+)/.exec(out.text ?? '')?.[1]
    if (code) h.replyAt.set(code, t1)
    else h.otherSends++
    wake()
  }
  // observe the router: outcomes and the time spent in router.handle (the database transaction)
  const handle = app.router.handle
  app.router.handle = async (m) => {
    const t0 = performance.now()
    h.handleStart.set(m.messageId, t0)
    const o = await handle(m)
    h.handleMs.push(performance.now() - t0)
    h.outcomes.set(o, (h.outcomes.get(o) ?? 0) + 1)
    if (o !== 'handled') wake()
    return o
  }
  // under load plain reports go through group commit: the batch's time counts for each of its messages
  const handleBatch = app.router.handleBatch
  app.router.handleBatch = async (ms) => {
    const t0 = performance.now()
    for (const m of ms) h.handleStart.set(m.messageId, t0)
    const os = await handleBatch(ms)
    const took = performance.now() - t0
    for (const o of os) {
      h.handleMs.push(took)
      h.outcomes.set(o, (h.outcomes.get(o) ?? 0) + 1)
    }
    if (os.some((o) => o !== 'handled')) wake()
    return os
  }
  return h
}

function resetObservations(h: Harness) {
  h.sentAt.clear()
  h.replyAt.clear()
  h.outcomes.clear()
  h.handleStart.clear()
  h.handleMs = []
  h.sendMs = []
  h.otherSends = 0
}

/** Sends one hazard report through the simulator (real Wechaty, mock puppet); returns its message id. */
function fire(h: Harness, phase: string, i: number, who: Reporter = h.main, sentAt = performance.now()): string {
  const messageId = `bench-${phase}-${++h.seq}`
  h.sentAt.set(messageId, sentAt)
  h.app.simulator!.send({ from: who.sender, groupId: who.group, text: `#隐患 后厨燃气软管老化 第${i}条`, messageId })
  return messageId
}

/** Reports that are finished: replied to, or answered without a hazard (busy, refused, …). */
function settled(h: Harness): number {
  let other = 0
  for (const [o, c] of h.outcomes) if (o !== 'handled') other += c
  return h.replyAt.size + other
}

async function hazardCount(db: Db): Promise<number> {
  const [{ n }] = await rows<{ n: number }>(db, sql`select count(*)::int as n from hazards`)
  return n
}

/** Latencies from send to reply, matched through hazard_events.source_message_id → hazards.code. */
async function latencies(h: Harness, messageIds: string[]) {
  const wanted = new Set(messageIds)
  const r = await rows<{ code: string; mid: string }>(
    h.db,
    sql`select h.code, e.source_message_id as mid from hazards h join hazard_events e on e.hazard_id = h.id and e.action = 'report'`,
  )
  const total: number[] = []
  const inbound: number[] = []
  for (const { code, mid } of r) {
    if (!wanted.has(mid)) continue
    const s = h.sentAt.get(mid)
    const e = h.replyAt.get(code)
    if (s === undefined || e === undefined) continue
    total.push(e - s)
    const hs = h.handleStart.get(mid)
    if (hs !== undefined) inbound.push(hs - s)
  }
  return { total: stats(total), inbound: stats(inbound) }
}

interface Observed {
  lat: { total: Stats; inbound: Stats }
  handle: Stats
  send: Stats
  outcomes: Record<string, number>
}
async function observed(h: Harness, ids: string[]): Promise<Observed> {
  return { lat: await latencies(h, ids), handle: stats(h.handleMs), send: stats(h.sendMs), outcomes: Object.fromEntries(h.outcomes) }
}
function printObserved(o: Observed) {
  line('latency send → reply sent', statLine(o.lat.total))
  line('  send → router.handle starts (inbound)', statLine(o.lat.inbound))
  line('  router.handle (the transaction, or the batch it was in)', statLine(o.handle))
  line('  channel.send (outbound Wechaty)', statLine(o.send))
  line('outcomes', JSON.stringify(o.outcomes))
}

async function sequentialRun(h: Harness, n: number) {
  resetObservations(h)
  const ids: string[] = []
  // warm-up outside the measurement
  for (let i = 0; i < 10; i++) {
    const before = h.replyAt.size
    fire(h, 'warm', i)
    await until(() => h.replyAt.size > before, 10_000, () => `warm-up report ${i} got no reply`)
  }
  await h.app.sender.whenIdle()
  resetObservations(h)
  h.q.start()
  const t0 = performance.now()
  const { cpuMs } = await cpuOf(async () => {
    for (let i = 0; i < n; i++) {
      const before = h.replyAt.size
      ids.push(fire(h, 'seq', i))
      await until(() => h.replyAt.size > before, 10_000, () => `sequential report ${i} got no reply`)
    }
    await h.app.sender.whenIdle()
  })
  const seconds = (performance.now() - t0) / 1000
  h.q.stop()
  return { rate: n / seconds, cpuPerReport: cpuMs / n, obs: await observed(h, ids), queries: { ...h.q.counts }, byText: new Map(h.q.byText) }
}

async function burstRun(h: Harness, n: number, pick: (i: number) => Reporter, phase: string, sampler: ReturnType<typeof waitSampler>) {
  resetObservations(h)
  const before = await hazardCount(h.db)
  const ids: string[] = []
  const t0 = performance.now()
  let fireMs = 0
  sampler.start()
  // when the last of the n hazard rows was committed: a light poll beside the run
  let committedAt = 0
  const poll = (async () => {
    while (!committedAt && performance.now() - t0 < PHASE_TIMEOUT_MS) {
      if ((await hazardCount(h.db)) - before >= n) committedAt = performance.now()
      else await sleep(20)
    }
  })()
  const run = () =>
    cpuOf(async () => {
      for (let i = 0; i < n; i++) ids.push(fire(h, phase, i, pick(i)))
      fireMs = performance.now() - t0
      await until(() => settled(h) >= n, PHASE_TIMEOUT_MS, () => `${phase}: ${h.replyAt.size}/${n} replies sent, outcomes ${JSON.stringify(Object.fromEntries(h.outcomes))}`)
    })
  let cpuMs: number
  let byPackage: [string, number][] | undefined
  let waits: [string, number][]
  try {
    if (PROFILE && phase === 'burst') {
      const p = await profiled(run)
      cpuMs = p.result.cpuMs
      byPackage = p.byPackage
    } else cpuMs = (await run()).cpuMs
  } finally {
    waits = await sampler.stop()
  }
  let lastReply = t0
  for (const t of h.replyAt.values()) lastReply = Math.max(lastReply, t)
  const seconds = (lastReply - t0) / 1000
  await poll
  await h.app.sender.whenIdle()
  const committed = (await hazardCount(h.db)) - before
  const committedSeconds = committedAt ? (committedAt - t0) / 1000 : NaN
  return { rate: n / seconds, seconds, inboundRate: n / committedSeconds, committedSeconds, fireMs, committed, replies: h.replyAt.size, cpuPerReport: cpuMs / n, waits, byPackage, obs: await observed(h, ids) }
}

/**
 * Section 3d: the chat hot path's burst (2b's inbound throughput) while the devices' process (bench/sensor-publisher.ts)
 * sends heartbeats at the sensor bench's rate, against the same burst with the devices quiet; 5 runs each,
 * alternating, after one of each not counted; the median of each and their ratio.
 */
async function besideDevices(h: Harness, size: (typeof SENSOR_SIZES)['smoke'], sampler: ReturnType<typeof waitSampler>) {
  const shops = await h.db.select({ id: schema.businesses.id }).from(schema.businesses)
  await insertBenchDevices(h.db, size.devices, shops.map((s) => s.id))
  await h.app.sensors!.mqtt!.ready()
  const pub = new Publisher({ url: BROKER, prefix: SENSOR_PREFIX, devices: size.devices, periodS: size.periodS })
  await pub.ready
  let heartbeats = 0
  let heartbeatMs = 0
  const burst = async () => {
    const r = await burstRun(h, SIZE.burst, (i) => h.others[i % h.others.length], 'beside', sampler)
    if (r.committed !== SIZE.burst || r.replies !== SIZE.burst) throw new Error(`beside devices: ${r.committed} committed, ${r.replies} replied of ${SIZE.burst}`)
    return r.inboundRate
  }
  try {
    const runs = await alternate(
      {
        quiet: burst,
        devices: async () => {
          const t0 = performance.now()
          const sending = pub.run({ seconds: 3600, burst: 0, burstAt: 0 })
          // the heartbeats flowing before the burst starts
          await sleep(1000)
          const rate = await burst()
          pub.stop()
          heartbeats += (await sending).heartbeats
          heartbeatMs += performance.now() - t0
          return rate
        },
      },
      { rounds: 5, warmUp: 1 },
    )
    const quiet = median(runs.quiet)
    const devices = median(runs.devices)
    return { quiet, devices, ratio: devices / quiet, runs, heartbeats, heartbeatRate: heartbeats / (heartbeatMs / 1000) }
  } finally {
    await pub.quit()
  }
}

/** Open loop: report i is due at t0 + i/rate whatever happened to the others; latency counts from when it was due. */
async function steadyRun(h: Harness, rate: number, seconds: number, sampler: ReturnType<typeof waitSampler>) {
  resetObservations(h)
  const n = Math.round(rate * seconds)
  const interval = 1000 / rate
  const ids: string[] = []
  const lag: number[] = []
  const t0 = performance.now() + 5
  let i = 0
  let fedSeconds: number
  let waits: [string, number][]
  sampler.start()
  try {
    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now()
        while (i < n && t0 + i * interval <= now) {
          const due = t0 + i * interval
          lag.push(performance.now() - due)
          ids.push(fire(h, 'steady', i, h.others[i % h.others.length], due))
          i++
        }
        if (i >= n) return resolve()
        setTimeout(tick, Math.max(0, t0 + i * interval - performance.now()))
      }
      setTimeout(tick, 5)
    })
    fedSeconds = (performance.now() - t0) / 1000
    await until(() => settled(h) >= n, PHASE_TIMEOUT_MS, () => `steady: ${h.replyAt.size}/${n} replies sent`)
  } finally {
    waits = await sampler.stop()
  }
  await h.app.sender.whenIdle()
  return { n, offered: n / fedSeconds, lag: stats(lag), waits, obs: await observed(h, ids) }
}

function printWaits(waits: [string, number][]) {
  const s = waits
    .map(([k, f]) => {
      const key = k.replace(/ \(.*\)$/, '')
      return `${fmt(f * 100, 0)}% ${k}${WAIT_MEANING[key] ? ` — ${WAIT_MEANING[key]}` : ''}`
    })
    .join('\n' + ' '.repeat(41))
  line('Postgres backends, sampled every 10 ms', s || (WAITS ? '—' : 'not sampled (--waits to sample; it costs CPU)'))
}

// ---------------------------------------------------------------- main

async function main() {
  let rssPeak = process.memoryUsage().rss
  const rssTimer = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 200)
  rssTimer.unref()
  const started = performance.now()
  console.log(`commerce-safety-bot benchmark — size ${SIZE.name}; node ${process.version}; PostgreSQL at ${ADMIN_URL.replace(/\/\/[^@]*@/, '//')}`)
  console.log(`  ${loadLine()}`)
  if (WHATIF.size) console.log(`  WHAT-IF RUN (${[...WHATIF].join(', ')}): not the app as it ships`)

  const bdb = await freshDatabase() // first, so a missing server fails at once
  const db = bdb.database.db
  let h: Harness | null = null
  const sampler = waitSampler(bdb.url)
  try {
    if (BURST_ONLY) {
      h = await startApp(db, bdb.url, SIZE.spreadChats)
      const only = await burstRun(h, SIZE.burst, (i) => h!.others[i % h!.others.length], 'burst', sampler)
      if (only.committed !== SIZE.burst || only.replies !== SIZE.burst) throw new Error(`burst: ${only.committed} committed, ${only.replies} replied of ${SIZE.burst}`)
      console.log(`burst-only: inbound ${fmt(only.inboundRate)} reports/s; replied ${fmt(only.rate)} reports/s; Node CPU ${ms(only.cpuPerReport)} per report; ${loadLine()}`)
      return
    }
    heading(`1. bare Wechaty echo: wechaty-puppet-mock, room.say(text) for each of ${fmt(SIZE.echo)} room messages`)
    const echo = await echoBench(SIZE.echo)
    line('echo rate', `${fmt(echo.rate)} messages/s  (${fmt(echo.seconds, 2)} s; Node CPU ${ms(echo.cpuPerMsg)} per message)`)

    console.log(`\n  database ${bdb.name}: fresh, migrated by openPostgres(), dropped at the end`)
    const floor = await dbFloor(bdb.url, db)
    const f = (x: { wall: number; cpu: number }) => `${ms(x.wall)} wall, Node CPU ${ms(x.cpu)}`
    line('floor: round trip (select $1)', f(floor.rtt))
    line('  select by id, postgres.js', f(floor.pgjs))
    line('  same select through drizzle', `${f(floor.drz)}  (drizzle adds ${ms(floor.drz.cpu - floor.pgjs.cpu)} CPU)`)
    line('  1-row transaction, durable commit', `${f(floor.commit)}  → a chain of serialised commits tops out at ${fmt(1000 / floor.commit.wall)}/s`)
    line('  same, synchronous_commit = off', f(floor.asyncCommit))

    h = await startApp(db, bdb.url, SIZE.spreadChats)

    heading(`2a. one report at a time (${fmt(SIZE.sequential)} reports): unloaded latency, statements per report`)
    const seq = await sequentialRun(h, SIZE.sequential)
    printObserved(seq.obs)
    line('closed-loop rate', `${fmt(seq.rate)} reports/s; Node CPU ${ms(seq.cpuPerReport)} per report`)
    if (seq.queries.enabled) {
      const per = (x: number) => fmt(x / SIZE.sequential, 1)
      line('SQL statements per report', `${per(seq.queries.router + seq.queries.outbox)}  (router ${per(seq.queries.router)}, outbox sender ${per(seq.queries.outbox)})`)
      for (const [t, c] of [...seq.byText.entries()].sort((a, b) => b[1] - a[1]).slice(0, 18)) console.log(`      ${per(c).padStart(5)} × ${t}`)
    }

    // a city's reports come from many people: one sender's messages in one chat are handled in order, by design
    heading(`2b. burst: ${fmt(SIZE.burst)} reports fired at once by ${SIZE.spreadChats} owners, each in a registered group`)
    const burst = await burstRun(h, SIZE.burst, (i) => h!.others[i % h!.others.length], 'burst', sampler)
    line('fired in', ms(burst.fireMs))
    line('inbound throughput (rows committed)', `${fmt(burst.inboundRate)} reports/s  (all ${fmt(SIZE.burst)} committed after ${fmt(burst.committedSeconds, 2)} s)`)
    line('throughput (committed and replied)', `${fmt(burst.rate)} reports/s  (${fmt(burst.seconds, 2)} s; Node CPU ${ms(burst.cpuPerReport)} per report)`)
    line('hazard rows committed / replies sent', `${fmt(burst.committed)} / ${fmt(burst.replies)} of ${fmt(SIZE.burst)}`)
    printObserved(burst.obs)
    printWaits(burst.waits)
    if (burst.byPackage) {
      line('Node CPU profile of the burst (self)', burst.byPackage.map(([k, f]) => `${fmt(f * 100, 1)}% ${k}`).join('\n' + ' '.repeat(41)))
    }

    heading(`2c. diagnostic: burst of ${fmt(SIZE.spread)} reports from one owner in one group (handled in order)`)
    const spread = await burstRun(h, SIZE.spread, () => h!.main, 'spread', sampler)
    line('throughput (committed and replied)', `${fmt(spread.rate)} reports/s  (${fmt(spread.seconds, 2)} s; Node CPU ${ms(spread.cpuPerReport)} per report)`)
    line('hazard rows committed / replies sent', `${fmt(spread.committed)} / ${fmt(spread.replies)} of ${fmt(SIZE.spread)}`)
    printObserved(spread.obs)
    printWaits(spread.waits)

    heading(`2d. two instances on one database, each bursting ${SMOKE ? 300 : 5000} reports: one code sequence without holes`)
    const codes = await codesBench(ADMIN_URL, { smoke: SMOKE })
    printCodesBench(codes, line)
    if (!codes.gapless || codes.duplicates) throw new Error('hazard codes had holes or duplicates with two instances')

    heading(`3. steady: ${SIZE.rate} reports/s for ${SIZE.steadySeconds} s from ${SIZE.spreadChats} owners (open loop, latency from due time)`)
    const steady = await steadyRun(h, SIZE.rate, SIZE.steadySeconds, sampler)
    line('offered', `${fmt(steady.offered, 1)} reports/s (${fmt(steady.n)} reports); scheduling lag p99 ${ms(steady.lag.p99)}`)
    printObserved(steady.obs)
    printWaits(steady.waits)

    heading(`3b. pushes: 3 messages each to ${SMOKE ? 100 : 1000} groups through one account limited to 40/min (simulated channel clock)`)
    const pushes = await pushesBench(db, { smoke: SMOKE })
    printPushBench(pushes, line)

    heading(`3c. plain words: recogniser CPU per message; burst of ${SMOKE ? 300 : 1000} group messages (4 chatter : 1 report), PLAIN_REPORTS all vs off`)
    const cpu = recogniserCpu({ smoke: SMOKE })
    line('recogniser CPU per message', `${fmt(cpu.msPerMessage * 1000, 1)} µs  (mean over ${fmt(cpu.messages)} corpus messages after a warm-up)  target ≤ ${TARGET_RECOGNISER_MS * 1000} µs   ${mark(cpu.msPerMessage <= TARGET_RECOGNISER_MS)}`)
    const plain = await plainBurst(
      {
        setMode: (mode) => {
          h!.config.PLAIN_REPORTS = mode
        },
        burst: async (texts) => {
          resetObservations(h!)
          const reports = texts.filter((t) => t.startsWith('#')).length
          texts.forEach((text, i) => {
            const who = h!.others[i % h!.others.length]
            h!.app.simulator!.send({ from: who.sender, groupId: who.group, text, messageId: `bench-plain-${++h!.seq}` })
          })
          await until(() => settled(h!) >= texts.length && h!.replyAt.size >= reports, PHASE_TIMEOUT_MS, () => `plain burst: ${settled(h!)}/${texts.length} handled`)
          await h!.app.sender.whenIdle()
          return texts.length
        },
      },
      { smoke: SMOKE },
    )
    line('burst, PLAIN_REPORTS=off (median of 5)', `${fmt(plain.off)} messages/s  runs ${plain.runs.off.map((r) => fmt(r)).join(', ')}`)
    line('burst, PLAIN_REPORTS=all (median of 5)', `${fmt(plain.all)} messages/s  runs ${plain.runs.all.map((r) => fmt(r)).join(', ')}`)
    line('ratio all / off', `${fmt(plain.ratio, 3)}  target ≥ ${TARGET_BURST_RATIO}   ${mark(plain.ratio >= TARGET_BURST_RATIO)}`)

    const devices = SMOKE ? SENSOR_SIZES.smoke : SENSOR_SIZES.full
    heading(`3d. chat beside devices: burst of ${fmt(SIZE.burst)} reports while ${fmt(devices.devices)} devices send a heartbeat each per ${devices.periodS} s, against the same burst without them`)
    const beside = await besideDevices(h, devices, sampler)
    line('heartbeats during the bursts', `${fmt(beside.heartbeatRate)} per second (${fmt(beside.heartbeats)} in all)`)
    line('burst, devices quiet (median of 5)', `${fmt(beside.quiet)} reports/s  runs ${beside.runs.quiet.map((r) => fmt(r)).join(', ')}`)
    line('burst, devices sending (median of 5)', `${fmt(beside.devices)} reports/s  runs ${beside.runs.devices.map((r) => fmt(r)).join(', ')}`)
    line('ratio sending / quiet', `${fmt(beside.ratio, 3)}  target ≥ ${TARGET_BESIDE_RATIO}   ${mark(beside.ratio >= TARGET_BESIDE_RATIO)}`)

    heading('4. summary')
    const ratio = burst.inboundRate / echo.rate
    line('bare Wechaty echo', `${fmt(echo.rate)} messages/s`)
    line('inbound throughput (burst, to committed rows)', `${fmt(burst.inboundRate)} reports/s   target ≥ ${fmt(TARGET_THROUGHPUT)} reports/s   ${mark(burst.inboundRate >= TARGET_THROUGHPUT)}`)
    line('… until every reply was also sent', `${fmt(burst.rate)} reports/s`)
    line('ratio inbound throughput / echo rate', `${fmt(ratio, 3)}  (${fmt(ratio * 100, 1)}% of bare Wechaty)`)
    line('burst latency p50 / p99 / max', `${ms(burst.obs.lat.total.p50)} / ${ms(burst.obs.lat.total.p99)} / ${ms(burst.obs.lat.total.max)}`)
    line(`latency at ${SIZE.rate}/s: p50 / p99`, `${ms(steady.obs.lat.total.p50)} / ${ms(steady.obs.lat.total.p99)}   target p99 ≤ ${TARGET_P99_MS} ms   ${mark(steady.obs.lat.total.p99 <= TARGET_P99_MS)}`)
    line('one-owner burst (diagnostic)', `${fmt(spread.rate)} reports/s`)
    line('two instances bursting (codes)', `${fmt(codes.rate)} reports/s combined; longest wait on the code counter ${ms(Math.max(...codes.waits.map((w) => w.maxMs)))}`)
    line('unloaded latency p50 (one at a time)', ms(seq.obs.lat.total.p50))
    line('Node CPU per report / per echo', `${ms(burst.cpuPerReport)} / ${ms(echo.cpuPerMsg)}  (×${fmt(burst.cpuPerReport / echo.cpuPerMsg, 0)}: one core allows ~${fmt(1000 / burst.cpuPerReport)} reports/s)`)
    if (seq.queries.enabled) line('SQL statements per report', `${fmt((seq.queries.router + seq.queries.outbox) / SIZE.sequential, 1)} one at a time; drizzle builder adds ${ms(floor.drz.cpu - floor.pgjs.cpu)} CPU per select`)
    const locked = burst.waits.filter(([k]) => k.startsWith('Lock:')).reduce((a, [, f]) => a + f, 0)
    if (WAITS) line('backends waiting on row locks (burst)', `${fmt(locked * 100, 0)}%`)
    const mem = process.memoryUsage()
    line('memory at end', `RSS ${mb(mem.rss)} (peak ${mb(Math.max(rssPeak, mem.rss))}), heap used ${mb(mem.heapUsed)}`)
    line('plain words: recogniser CPU / burst all÷off', `${fmt(cpu.msPerMessage * 1000, 1)} µs per message ${mark(cpu.msPerMessage <= TARGET_RECOGNISER_MS)} / ${fmt(plain.ratio, 3)} ${mark(plain.ratio >= TARGET_BURST_RATIO)}`)
    line('chat burst beside devices / without', `${fmt(beside.ratio, 3)}  target ≥ ${TARGET_BESIDE_RATIO}   ${mark(beside.ratio >= TARGET_BESIDE_RATIO)}`)
    line('pushes: completion / minimum', `${fmt(pushes.ratio, 4)}  target ≤ 1.05   ${mark(pushes.ratio <= 1.05 && pushes.violations === 0 && pushes.starved === 0)}  (${pushes.violations} limit violations, ${pushes.starved} starved; sender ${ms(pushes.cpuMsPerMessage)} CPU per message)`)
    line('wall time', `${fmt((performance.now() - started) / 1000, 1)} s; ${loadLine()}`)
    const lost = [
      burst.committed !== SIZE.burst || burst.replies !== SIZE.burst ? `burst: ${burst.committed} committed, ${burst.replies} replied of ${SIZE.burst}` : '',
      spread.committed !== SIZE.spread || spread.replies !== SIZE.spread ? `spread: ${spread.committed} committed, ${spread.replies} replied of ${SIZE.spread}` : '',
      steady.obs.lat.total.n !== steady.n ? `steady: ${steady.obs.lat.total.n} of ${steady.n} replied` : '',
    ].filter(Boolean)
    if (lost.length) throw new Error(`reports were lost or refused: ${lost.join('; ')}`)
    await consoleBench({ smoke: SMOKE })
    if (!(await sensorsBench({ smoke: SMOKE })).ok) throw new Error('sensor alarms were lost in the sensor bench')
    printSignInTiming(await signInTimingBench(SMOKE ? 30 : 100))
    printPhotoMemory(await photoMemoryBench({ photos: SMOKE ? 10 : 50 }))
  } finally {
    clearInterval(rssTimer)
    if (h) await h.app.close().catch((e) => console.error('app close failed:', e))
    await sampler.end().catch(() => {})
    await bdb.drop().catch((e) => console.error(`could not drop database ${bdb.name}:`, e))
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`\nBENCHMARK FAILED: ${e instanceof Error ? e.message : String(e)}`)
    process.exit(1)
  },
)
