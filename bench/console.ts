/**
 * Console bench (issue 4): the overview, a filtered ledger page, the CSV export against PostgreSQL's own
 * `COPY (same SELECT) TO STDOUT`, and the xlsx exporter's peak memory (in a child process).
 *
 * Runs on a separate, reused database (`bench_console`, or BENCH_CONSOLE_DB) filled inside PostgreSQL with
 * generate_series: 1,000,000 hazards and 5,000,000 events (smoke: 20,000 and 100,000). The fill happens only
 * when the database is missing, was filled at another size, or was migrated from other migrations.
 *
 *   npx tsx bench/console.ts [--smoke]     alone
 *   npm run bench [-- --smoke]             after the chat bench (bench/run.ts)
 */
import fs from 'node:fs'
import path from 'node:path'
import { createHash } from 'node:crypto'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import postgres from 'postgres'
import { openPostgres, postgresTarget, MIGRATIONS_FOLDER, type Db } from '../db/client.js'
import type { Actor } from '../src/core/permissions.js'
import { ledgerFilterSchema, ledgerPage, ledgerPageSchema } from '../src/services/ledger.js'
import { overview } from '../src/services/stats.js'
import { ledgerCsv, ledgerCsvSql, ledgerXlsx } from '../src/services/exports.js'

const ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const DB_NAME = process.env.BENCH_CONSOLE_DB ?? 'bench_console'
const FILL_VERSION = 4
const TARGETS = { overviewP50: 100, ledgerP50: 20, csvRatio: 0.5, xlsxPeakMb: 300 }

const admin: Actor = { role: 'admin', personId: null, identityId: null, businessIds: [], townshipId: null, industries: [] }
const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : '—')
const ms = (n: number) => `${fmt(n, n < 10 ? 2 : 1)} ms`
const mark = (ok: boolean) => (ok ? 'PASS' : 'MISS')
const line = (label: string, value: string) => console.log(`  ${label.padEnd(44)} ${value}`)

function client(url: string, opts: { max: number }) {
  const t = postgresTarget(url)
  return postgres(t.url, { ...opts, onnotice: () => {}, connect_timeout: 5, ...(t.host ? { host: t.host } : {}) })
}

/** Migrations, fill script and size: a different one means a refill. */
function fingerprint(size: Size): string {
  const h = createHash('sha256')
  for (const f of fs.readdirSync(MIGRATIONS_FOLDER).filter((x) => x.endsWith('.sql')).sort()) h.update(f).update(fs.readFileSync(path.join(MIGRATIONS_FOLDER, f)))
  h.update(`${FILL_VERSION}:${size.hazards}:${size.events}`)
  return h.digest('hex').slice(0, 16)
}

interface Size {
  name: string
  hazards: number
  events: number
  businesses: number
  runs: number
}

/** Creates (or reuses) the bench database, filled at the right size. Returns its URL. */
async function ensureDatabase(size: Size): Promise<{ url: string; filledNow: boolean; fillSeconds: number }> {
  const url = ADMIN_URL.replace(/\/[^/?]*(\?|$)/, `/${DB_NAME}$1`)
  const want = fingerprint(size)
  const a = client(ADMIN_URL, { max: 1 })
  try {
    const [exists] = await a`select 1 from pg_database where datname = ${DB_NAME}`
    if (exists) {
      const c = client(url, { max: 1 })
      try {
        const [m] = await c.unsafe(`select value from bench_meta where key = 'fingerprint'`).catch(() => [])
        if (m?.value === want) return { url, filledNow: false, fillSeconds: 0 }
      } finally {
        await c.end({ timeout: 5 })
      }
      await a.unsafe(`drop database ${DB_NAME} with (force)`)
    }
    await a.unsafe(`create database ${DB_NAME}`)
  } finally {
    await a.end({ timeout: 5 })
  }
  const t0 = performance.now()
  const database = await openPostgres(url, { max: 2 }) // migrates
  await database.close()
  const c = client(url, { max: 1 })
  try {
    await fill(c, size)
    await c.unsafe(`create table bench_meta (key text primary key, value text not null)`)
    await c`insert into bench_meta values ('fingerprint', ${want})`
  } finally {
    await c.end({ timeout: 5 })
  }
  return { url, filledNow: true, fillSeconds: (performance.now() - t0) / 1000 }
}

/** Fills the ledger inside PostgreSQL: a city, 20 townships, businesses, hazards over two years, five events each. */
async function fill(c: postgres.Sql, size: Size) {
  const N = size.hazards
  const B = size.businesses
  console.log(`  filling ${DB_NAME}: ${fmt(N)} hazards, ${fmt(size.events)} events …`)
  await c.unsafe(`insert into jurisdictions (name, kind) values ('基准市', 'city')`)
  await c.unsafe(`insert into jurisdictions (name, kind, parent_id) select '基准乡镇' || g, 'township', (select id from jurisdictions where kind = 'city')
    from generate_series(1, 20) g`)
  await c.unsafe(`with t as (select array_agg(id order by id) a from jurisdictions where kind = 'township')
    insert into businesses (name, industry, township_id, address, above_quota)
    select '基准单位' || g, (array['catering','refined_oil','scrap_vehicle','mall','exhibition','time_honoured','county_commerce','foreign_trade'])[1 + g % 8],
      t.a[1 + g % 20], '基准路' || g || '号', g % 5 = 0
    from generate_series(1, ${B}) g, t`)
  // older hazards are nearly all closed; the last 90 days hold most open ones
  await c.unsafe(`
    insert into hazards (business_id, township_id, industry, reporter_name, reporter_kind, description, place, category, grade, status,
      listed_supervision, deadline, responsible_name, measures, transfer_department, transfer_result, campaign, created_at, updated_at, closed_at)
    select b.id, b.township_id, b.industry, '上报人' || (g % 997), 'member', '基准隐患 第' || g || '条：灭火器过期，疏散通道堵塞', '一楼后厨',
      (array['fire','gas','special_equipment','building','electrical','hazardous','other'])[1 + (g::bigint * 31) % 7],
      case when g % 20 = 0 then 'major' else 'general' end, s.st,
      case when g % 20 = 0 then '挂牌督办' end,
      case when s.st <> 'reported' then x.created + interval '7 days' end,
      case when s.st <> 'reported' then '监管员' || (g % 50) end,
      case when s.st in ('awaiting_verification', 'closed') then '已整改' end,
      case when s.st = 'transferred' or (s.st = 'closed' and x.r % 31 = 0) then '消防救援' end,
      case when s.st = 'closed' and x.r % 31 = 0 then '已处罚并整改' end,
      case when g % 10 = 0 then '冬春火灾防控' end,
      x.created, x.created, case when s.st = 'closed' then x.created + ((1 + x.r % 20) || ' days')::interval end
    from generate_series(1, ${N}) g
    cross join lateral (select (g::bigint * 2654435761) % 1000 as r,
      now() - ((${N} - g)::float8 / ${N}) * interval '730 days' as created) x
    cross join lateral (select case
      when x.created < now() - interval '90 days' then case when x.r < 970 then 'closed' when x.r < 990 then 'transferred' else 'rectifying' end
      else case when x.r < 600 then 'closed' when x.r < 800 then 'rectifying' when x.r < 900 then 'awaiting_verification' when x.r < 960 then 'reported' else 'transferred' end
      end as st) s
    join businesses b on b.id = 1 + (g::bigint * 7919) % ${B}`)
  const perHazard = Math.round(size.events / N)
  await c.unsafe(`set session_replication_role = replica`) // no FK checks for the bulk events (they all point at real hazards)
  await c.unsafe(`insert into hazard_events (hazard_id, action, actor_name, from_status, to_status, note, at)
    select h.id, (array['report','accept','rectify','verify_fail','rectify','verify_pass'])[e], '基准', null, null, null, h.created_at + e * interval '1 day'
    from hazards h cross join generate_series(1, ${perHazard}) e`)
  await c.unsafe(`set session_replication_role = origin`)
  // reports from the chat come with photos: one on every hazard, a second on every third, one after rectification
  // on every closed hazard (each a link in the exports)
  await c.unsafe(`insert into attachments (sha256, mime, size, bytes) values (repeat('ab', 32), 'image/png', 1, '\\x00'), (repeat('cd', 32), 'image/png', 1, '\\x00')`)
  await c.unsafe(`insert into hazard_attachments (hazard_id, sha256, stage) select id, repeat('ab', 32), 'report' from hazards`)
  await c.unsafe(`insert into hazard_attachments (hazard_id, sha256, stage) select id, repeat('cd', 32), 'report' from hazards where id % 3 = 0`)
  await c.unsafe(`insert into hazard_attachments (hazard_id, sha256, stage) select id, repeat('cd', 32), 'rectification' from hazards where status = 'closed'`)
  await c.unsafe(`select hazard_counts_fold()`)
  await c.unsafe(`vacuum analyze`)
}

function quantile(xs: number[], q: number) {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]
}

async function timed(runs: number, fn: () => Promise<unknown>) {
  await fn() // warm: plans cached, pages in memory
  const xs: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    await fn()
    xs.push(performance.now() - t)
  }
  return { p50: quantile(xs, 0.5), p95: quantile(xs, 0.95) }
}

const sink = () => {
  let bytes = 0
  return {
    stream: new Writable({
      write(chunk: Buffer, _e, cb) {
        bytes += chunk.length
        cb()
      },
    }),
    bytes: () => bytes,
  }
}

/** The xlsx export of every row in this process, sampling its RSS; prints one JSON line (run as a child). */
async function xlsxChild(url: string) {
  const database = await openPostgres(url, { max: 2, migrate: false })
  const base = process.memoryUsage().rss
  let peak = base
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20)
  const s = sink()
  const t = performance.now()
  await pipeline(ledgerXlsx(database.db, admin, ledgerFilterSchema.parse({}), new Date(), { photoUrl: (x) => `http://localhost/api/attachments/${x}` }), s.stream)
  clearInterval(timer)
  peak = Math.max(peak, process.memoryUsage().rss)
  await database.close()
  console.log(JSON.stringify({ seconds: (performance.now() - t) / 1000, bytes: s.bytes(), baseRss: base, peakRss: peak }))
}

function runXlsxChild(url: string): Promise<{ seconds: number; bytes: number; baseRss: number; peakRss: number }> {
  const here = fileURLToPath(import.meta.url)
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', here, '--xlsx-child', url], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    p.stdout.on('data', (d) => (out += d))
    p.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? ''
      if (code === 0) resolve(JSON.parse(last))
      else reject(new Error(`xlsx child exited with ${code}: ${out}`))
    })
  })
}

export async function consoleBench(opts: { smoke: boolean }): Promise<{ ok: boolean }> {
  const size: Size = opts.smoke
    ? { name: 'smoke', hazards: 20_000, events: 100_000, businesses: 2_000, runs: 20 }
    : { name: 'full', hazards: 1_000_000, events: 5_000_000, businesses: 20_000, runs: 30 }
  console.log(`\n== console bench (${size.name}): ${fmt(size.hazards)} hazards, ${fmt(size.events)} events in database ${DB_NAME}`)
  const { url, filledNow, fillSeconds } = await ensureDatabase(size)
  line('database', filledNow ? `filled now in ${fmt(fillSeconds, 1)} s` : 'reused (already filled at this size)')
  const database = await openPostgres(url, { max: 4, migrate: false })
  const db: Db = database.db
  const raw = client(url, { max: 1 })
  try {
    const [{ n, e, p }] = await raw`select (select count(*) from hazards)::int as n, (select count(*) from hazard_events)::int as e,
      (select count(*) from hazard_attachments)::int as p`
    line('rows', `${fmt(n)} hazards, ${fmt(e)} events, ${fmt(p)} photos (links in the exports)`)
    const now = new Date()
    const [{ id: townshipId }] = await raw`select id from jurisdictions where kind = 'township' order by id limit 1 offset 2`
    const officer: Actor = { ...admin, role: 'officer', townshipId }

    const ov = await timed(size.runs, () => overview(db, admin, now))
    const ovOfficer = await timed(size.runs, () => overview(db, officer, now))
    const o = await overview(db, admin, now)
    line('overview (whole city) p50 / p95', `${ms(ov.p50)} / ${ms(ov.p95)}   target p50 ≤ ${TARGETS.overviewP50} ms   ${mark(ov.p50 <= TARGETS.overviewP50)}`)
    line('overview (one township officer) p50 / p95', `${ms(ovOfficer.p50)} / ${ms(ovOfficer.p95)}`)
    line('  figures', `open ${fmt(o.open)}, overdue ${fmt(o.overdue)}, major ${fmt(o.major)}, closed this month ${fmt(o.closedThisMonth)}, rate ${o.rectificationRate}%`)

    const pageQ = ledgerPageSchema.parse({ townshipId: String(townshipId), status: 'rectifying', grade: 'general', category: 'fire', page: '1', pageSize: '20' })
    const lp = await timed(size.runs, () => ledgerPage(db, admin, pageQ, now))
    const lp2Q = ledgerPageSchema.parse({ industry: 'catering', from: '2025-01-01', to: '2026-12-31', sort: 'deadline', order: 'asc', page: '3', pageSize: '50' })
    const lp2 = await timed(size.runs, () => ledgerPage(db, admin, lp2Q, now))
    line('ledger page (township+status+grade+category)', `p50 ${ms(lp.p50)} / p95 ${ms(lp.p95)}   target p50 ≤ ${TARGETS.ledgerP50} ms   ${mark(lp.p50 <= TARGETS.ledgerP50)}`)
    line('ledger page (industry+dates, by deadline, p3)', `p50 ${ms(lp2.p50)} / p95 ${ms(lp2.p95)}`)

    // CSV export of every row (HTTP path: COPY of the formatted SELECT on a reserved connection, BOM and header
    // in front) vs a bare COPY of the same SELECT
    const filter = ledgerFilterSchema.parse({})
    const photoUrl = (x: string) => `http://localhost/api/attachments/${x}`
    const internals = db as unknown as { dialect: { sqlToQuery(q: unknown): { sql: string } } }
    const select = internals.dialect.sqlToQuery(ledgerCsvSql(admin, filter, now, photoUrl('')).inlineParams()).sql
    let t = performance.now()
    const copySink = sink()
    await pipeline(await raw.unsafe(`copy (${select}) to stdout with (format csv)`).readable(), copySink.stream)
    const copySeconds = (performance.now() - t) / 1000
    t = performance.now()
    const csvSink = sink()
    await pipeline(ledgerCsv(db, admin, filter, now, { photoUrl }), csvSink.stream)
    const csvSeconds = (performance.now() - t) / 1000
    const ratio = copySeconds / csvSeconds
    line('COPY (same SELECT) TO STDOUT', `${fmt(n / copySeconds)} rows/s (${fmt(copySeconds, 2)} s, ${fmt(copySink.bytes() / 1e6, 1)} MB)`)
    line('CSV exporter (ledgerCsv → stream)', `${fmt(n / csvSeconds)} rows/s (${fmt(csvSeconds, 2)} s, ${fmt(csvSink.bytes() / 1e6, 1)} MB)`)
    line('ratio exporter / COPY', `${fmt(ratio, 2)}   target ≥ ${TARGETS.csvRatio}   ${mark(ratio >= TARGETS.csvRatio)}`)

    const x = await runXlsxChild(url)
    const peakMb = x.peakRss / 1024 / 1024
    line('xlsx exporter (child process)', `${fmt(n / x.seconds)} rows/s (${fmt(x.seconds, 1)} s, ${fmt(x.bytes / 1e6, 1)} MB file)`)
    line('xlsx exporter peak RSS', `${fmt(peakMb)} MB (process at start ${fmt(x.baseRss / 1024 / 1024)} MB)   target ≤ ${TARGETS.xlsxPeakMb} MB   ${mark(peakMb <= TARGETS.xlsxPeakMb)}`)
    return { ok: true }
  } finally {
    await raw.end({ timeout: 5 })
    await database.close()
  }
}

const invoked = process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])
if (invoked) {
  const i = process.argv.indexOf('--xlsx-child')
  const run = i >= 0 ? xlsxChild(process.argv[i + 1]) : consoleBench({ smoke: process.env.BENCH_SIZE === 'smoke' || process.argv.includes('--smoke') })
  run.then(
    () => process.exit(0),
    (e) => {
      console.error(`CONSOLE BENCH FAILED: ${e instanceof Error ? e.stack : String(e)}`)
      process.exit(1)
    },
  )
}
