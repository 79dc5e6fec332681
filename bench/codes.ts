/**
 * Hazard codes without holes, under load from two instances on one PostgreSQL: both take bursts of reports at
 * once through their routers (the group commit's batches: up to 100 messages, 2 batches in flight per instance,
 * as src/app.ts forms them), each transaction taking its block of codes from the one counter row at commit.
 * Prints the combined throughput and how long blocks waited on the counter, and checks the codes have no hole.
 *
 *   npx tsx bench/codes.ts [--smoke]     alone; `npm run bench` runs it as section 2d
 */
import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import pino from 'pino'
import postgres from 'postgres'
import { sql } from 'drizzle-orm'
import { openPostgres, rows, schema, type Database } from '../db/client.js'
import { buildApp, type App } from '../src/app.js'
import { testConfig } from '../src/config.js'
import { noPacing, type Channel, type InboundMessage } from '../src/channels/types.js'

export interface CodesBench {
  perInstance: number
  seconds: number
  rate: number
  /** each instance's blocks taken and their waits on the counter, ms */
  waits: { n: number; maxMs: number; meanMs: number }[]
  gapless: boolean
  duplicates: number
}

/** A channel that only records: the bench measures the inbound side. */
function quietChannel(account: string, chats: string[]): Channel {
  return {
    name: 'wechaty',
    pacer: noPacing,
    account: () => account,
    async send() {},
    onMessage() {},
    listGroups: async () => chats.map((id) => ({ id, name: `群${id}` })),
    async start() {},
    async stop() {},
  }
}

/** Two instances (two pools) on one fresh database, each bursting `perInstance` reports. */
export async function codesBench(adminUrl: string, opts: { smoke: boolean }): Promise<CodesBench> {
  const perInstance = opts.smoke ? 300 : 5_000
  const name = `csb_bench_codes_${randomBytes(4).toString('hex')}`
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  const url = adminUrl.replace(/\/[^/?]*(\?|$)/, `/${name}$1`)
  const handles: Database[] = []
  const apps: App[] = []
  try {
    handles.push(await openPostgres(url, { max: 10 }), await openPostgres(url, { max: 10, migrate: false }))
    const chats = Array.from({ length: 20 }, (_, i) => `codes-${i}@chatroom`)
    for (const id of chats) await handles[0].db.insert(schema.groups).values({ channel: 'wechaty', externalId: id, name: `群${id}`, registered: true })
    const config = testConfig()
    for (const [i, h] of handles.entries()) {
      const app = await buildApp({ config, db: h.db, logger: pino({ level: 'silent' }), channel: quietChannel(`acct-${i}`, chats), instanceId: `codes-${i}`, pollMs: 50 })
      await app.start()
      apps.push(app)
    }
    const message = (inst: number, i: number): InboundMessage => ({
      channel: 'wechaty',
      account: `acct-${inst}`,
      messageId: `codes-${inst}-${i}`,
      chatId: chats[i % chats.length],
      chatName: `群${chats[i % chats.length]}`,
      isGroup: true,
      senderId: `reporter-${inst}-${i % 50}`,
      senderName: `群众${i % 50}`,
      kind: 'text',
      text: `#隐患 两个实例同时上报 第${i}条 楼道堆放杂物`,
      mentionsBot: false,
      sentAt: new Date(),
    })
    const burst = async (inst: number) => {
      let next = 0
      const lane = async () => {
        while (next < perInstance) {
          const first = next
          next = Math.min(perInstance, next + 100)
          const out = await apps[inst].router.handleBatch(Array.from({ length: next - first }, (_, k) => message(inst, first + k)))
          if (out.some((o) => o !== 'handled')) throw new Error(`instance ${inst}: ${out.filter((o) => o !== 'handled').length} reports not handled`)
        }
      }
      await Promise.all([lane(), lane()])
    }
    const t0 = performance.now()
    await Promise.all(apps.map((_, i) => burst(i)))
    const seconds = (performance.now() - t0) / 1000
    const codes = await rows<{ n: number; distinct: number; top: number }>(
      handles[0].db,
      sql`select count(*)::int as n, count(distinct code)::int as distinct, max(substring(code from 2)::int) as top from hazards`,
    )
    const [{ n, distinct, top }] = codes.map((c) => ({ n: Number(c.n), distinct: Number(c.distinct), top: Number(c.top) }))
    return {
      perInstance,
      seconds,
      rate: (2 * perInstance) / seconds,
      waits: apps.map((a) => ({ n: a.router.codeWaits.n, maxMs: a.router.codeWaits.maxMs, meanMs: a.router.codeWaits.n ? a.router.codeWaits.totalMs / a.router.codeWaits.n : 0 })),
      gapless: n === 2 * perInstance && top === n,
      duplicates: n - distinct,
    }
  } finally {
    for (const a of apps) await a.close().catch(() => {})
    for (const h of handles) await h.close().catch(() => {})
    await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => {})
    await admin.end({ timeout: 5 })
  }
}

export function printCodesBench(r: CodesBench, line: (label: string, value: string) => void): void {
  const f = (n: number, d = 0) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d })
  line('combined throughput (two instances)', `${f(r.rate)} reports/s  (${f(2 * r.perInstance)} reports in ${f(r.seconds, 2)} s)`)
  r.waits.forEach((w, i) => line(`  instance ${i + 1}: code blocks taken`, `${f(w.n)}; wait on the counter mean ${f(w.meanMs, 2)} ms, longest ${f(w.maxMs, 1)} ms`))
  line('codes', `${r.gapless ? 'one sequence without holes' : 'HOLES'}; ${r.duplicates} duplicates`)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const smoke = process.argv.includes('--smoke') || process.env.BENCH_SIZE === 'smoke'
  codesBench(process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test', { smoke }).then(
    (r) => {
      printCodesBench(r, (l, v) => console.log(`  ${l.padEnd(40)} ${v}`))
      process.exit(r.gapless && r.duplicates === 0 ? 0 : 1)
    },
    (e) => {
      console.error(e)
      process.exit(1)
    },
  )
}
