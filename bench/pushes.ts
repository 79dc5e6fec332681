/**
 * Pushes benchmark: 3 messages each to G groups through one account limited to R messages a minute (sliding
 * window), on a simulated channel clock. Reports the completion time against the theoretical minimum
 * (3·G / R minutes), limit violations, starvation (every group got its 3, and its first one in the first third),
 * and the sender's own real-time cost per message.
 *
 *   npx tsx bench/pushes.ts [--smoke]     on an in-memory PGlite
 *   npm run bench [-- --smoke]            as part of bench/run.ts, on the bench's PostgreSQL database
 */
import { performance } from 'node:perf_hooks'
import pino from 'pino'
import { and, eq, min, sql } from 'drizzle-orm'
import { schema, type Db } from '../db/client.js'
import { ManualClock } from '../src/core/clock.js'
import { OutboxSender } from '../src/outbox-sender.js'
import { intervalPacer, type Channel, type OutboundMessage } from '../src/channels/types.js'
import { pushToGroups, recordGroupAccounts, targetGroups } from '../src/services/pushes.js'

export interface PushBenchResult {
  groups: number
  messages: number
  perMinute: number
  dailyCap: number
  simulatedSeconds: number
  theoreticalSeconds: number
  ratio: number
  violations: number
  starved: number
  lastFirstMessageAt: number
  realSeconds: number
  realMsPerMessage: number
  cpuMsPerMessage: number
}

const ACCOUNT = 'bench-push-account'
const CHANNEL = 'bench'

export async function pushesBench(db: Db, opts: { smoke: boolean; perMinute?: number }): Promise<PushBenchResult> {
  const groups = opts.smoke ? 100 : 1000
  const perMinute = opts.perMinute ?? 40
  const dailyCap = 5000
  const slot = 60_000 / perMinute
  const clock = new ManualClock('2026-03-03T10:00:00+08:00')
  const t0 = clock.now().getTime()

  // G registered groups the account sits in
  const ids = Array.from({ length: groups }, (_, i) => `bench-${i}@chatroom`)
  for (let i = 0; i < ids.length; i += 500)
    await db.insert(schema.groups).values(ids.slice(i, i + 500).map((externalId, k) => ({ channel: CHANNEL, externalId, name: `压测群${i + k}`, registered: true }))).onConflictDoNothing()
  await recordGroupAccounts(db, CHANNEL, ACCOUNT, ids.map((id) => ({ id })), clock.now())

  // the simulated channel: a sliding-window limit of R a minute, judged on the simulated clock
  const sends: { chatId: string; at: number }[] = []
  let violations = 0
  const channel: Channel = {
    name: CHANNEL,
    account: () => ACCOUNT,
    pacer: intervalPacer({ minIntervalMs: slot / 2, jitterMs: slot / 2, dailyCap, limit: { count: perMinute, windowMs: 60_000 } }),
    async send(m: OutboundMessage) {
      const at = clock.now().getTime()
      const k = sends.length - perMinute
      if (k >= 0 && at - sends[k].at < 60_000) violations++
      sends.push({ chatId: m.chatId, at })
    },
    onMessage() {},
    async start() {},
    async stop() {},
  }
  const sender = new OutboxSender({ db, channel, clock, logger: pino({ level: 'silent' }), instanceId: 'bench', maxAttempts: 3, quietHours: '21:00-08:00', dailyCap })

  await db.transaction(async (tx) => {
    const targets = (await targetGroups(tx)).filter((g) => g.channel === CHANNEL)
    for (const n of [1, 2, 3]) await pushToGroups(tx, targets, (g) => `【安全提示】第${n}条 ${g.name}`, 'normal', clock.now())
  })

  const messages = groups * 3
  const cpu = process.cpuUsage()
  const started = performance.now()
  const { outbox } = schema
  for (let guard = 0; sends.length < messages && guard < messages * 20; guard++) {
    if ((await sender.drainOnce()) > 0) continue
    if (sender.pacedUntil && sender.pacedUntil > clock.now()) {
      clock.set(sender.pacedUntil)
      continue
    }
    const [r] = await db
      .select({ next: min(outbox.nextAttemptAt) })
      .from(outbox)
      .where(and(eq(outbox.account, ACCOUNT), eq(outbox.status, 'pending')))
    if (!r.next) break
    clock.set(Math.max(new Date(r.next).getTime(), clock.now().getTime() + 1))
  }
  const realMs = performance.now() - started
  const c = process.cpuUsage(cpu)

  const per = new Map<string, number[]>()
  sends.forEach((s, i) => per.set(s.chatId, [...(per.get(s.chatId) ?? []), i]))
  const starved = ids.filter((id) => (per.get(id)?.length ?? 0) !== 3).length
  const lastFirst = Math.max(...ids.map((id) => per.get(id)?.[0] ?? Infinity))
  await db.delete(outbox).where(eq(outbox.account, ACCOUNT))
  await db.delete(schema.groupAccounts).where(eq(schema.groupAccounts.account, ACCOUNT))
  await db.delete(schema.groups).where(sql`${schema.groups.channel} = ${CHANNEL}`)

  const simulated = (sends.at(-1)!.at - t0) / 1000
  const theoretical = (messages / perMinute) * 60
  return {
    groups,
    messages: sends.length,
    perMinute,
    dailyCap,
    simulatedSeconds: simulated,
    theoreticalSeconds: theoretical,
    ratio: simulated / theoretical,
    violations,
    starved,
    lastFirstMessageAt: lastFirst,
    realSeconds: realMs / 1000,
    realMsPerMessage: realMs / sends.length,
    cpuMsPerMessage: (c.user + c.system) / 1000 / sends.length,
  }
}

export function printPushBench(r: PushBenchResult, line: (label: string, value: string) => void): boolean {
  const ok = r.ratio <= 1.05 && r.violations === 0 && r.starved === 0 && r.messages === r.groups * 3
  line('messages sent', `${r.messages} of ${r.groups * 3} (${r.groups} groups × 3), limit ${r.perMinute}/min, daily cap ${r.dailyCap}`)
  line('simulated completion', `${(r.simulatedSeconds / 60).toFixed(2)} min; minimum ${(r.theoreticalSeconds / 60).toFixed(2)} min; ratio ${r.ratio.toFixed(4)} (target ≤ 1.05) ${r.ratio <= 1.05 ? 'PASS' : 'MISS'}`)
  line('limit violations (any 60 s window)', `${r.violations}  ${r.violations === 0 ? 'PASS' : 'MISS'}`)
  line('groups starved', `${r.starved}; every group's first message within the first ${r.lastFirstMessageAt + 1} sends (of ${r.messages})  ${r.starved === 0 ? 'PASS' : 'MISS'}`)
  line('sender real-time cost', `${r.realMsPerMessage.toFixed(2)} ms wall, ${r.cpuMsPerMessage.toFixed(2)} ms Node CPU per message (${r.realSeconds.toFixed(1)} s in all)`)
  return ok
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { openPglite } = await import('../db/client.js')
  const database = await openPglite({})
  const smoke = process.argv.includes('--smoke') || process.env.BENCH_SIZE === 'smoke'
  console.log(`pushes benchmark on in-memory PGlite, size ${smoke ? 'smoke' : 'full'}`)
  const r = await pushesBench(database.db, { smoke })
  const ok = printPushBench(r, (l, v) => console.log(`  ${l.padEnd(38)} ${v}`))
  await database.close()
  process.exit(ok ? 0 : 1)
}
