import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { sql } from 'drizzle-orm'
import { openPostgres, rows } from '../../db/client.js'
import { BUSY_REPLY, type Outcome } from '../../src/chat/router.js'
import { freshPostgres, type TestDatabase } from '../helpers/db.js'
import { startTestApp, seedBasics, type TestApp } from '../helpers/app.js'
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js'

/**
 * Invariant 4's last sentence: when the database cannot be reached the bot answers addressed messages directly
 * ("系统繁忙，请稍后重发") and keeps running; when it is back, the same process works on without a restart and
 * nothing committed before the outage is lost. The outage is a TCP proxy between the app and PostgreSQL that the
 * test cuts for 10 seconds in the middle of traffic.
 */

const CUT_MS = 10_000
/** a message sent while the database is unreachable must have its busy answer within this */
const BUSY_WITHIN_MS = 6000
/** reports must work again this soon after the database is back (soft), and at all within the limit */
const RECOVER_WITHIN_MS = 5000
const RECOVER_LIMIT_MS = 25_000
/** how long any message may take to be handled at all */
const SETTLE_MS = 35_000
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

let proxy: TcpProxy
let direct: TestDatabase
let t: TestApp
let s: Awaited<ReturnType<typeof seedBasics>>
const problems: string[] = []
const onRejection = (e: unknown) => problems.push(`unhandledRejection: ${(e as Error)?.stack ?? String(e)}`)
const onException = (e: unknown) => problems.push(`uncaughtException: ${(e as Error)?.stack ?? String(e)}`)

beforeAll(async () => {
  process.on('unhandledRejection', onRejection)
  process.on('uncaughtException', onException)
  // fails loudly when PostgreSQL is not there
  direct = await freshPostgres()
  const url = new URL(direct.url!)
  proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) })
  url.host = `127.0.0.1:${proxy.port}`
  const through = await openPostgres(url.toString(), { migrate: false, max: 10 })
  t = await startTestApp({ database: { ...through, url: url.toString() } })
  s = await seedBasics(t)
})

afterAll(async () => {
  process.off('unhandledRejection', onRejection)
  process.off('uncaughtException', onException)
  proxy?.restore()
  await t?.close()
  await direct?.close()
  await proxy?.close()
})

interface Sent {
  id: string
  phase: 'before' | 'during' | 'after'
  at: number
  outcome?: Outcome
  tookMs?: number
  error?: string
}

describe('the database connection is cut for 10 seconds in the middle of traffic', () => {
  it('when PostgreSQL is unreachable, then addressed messages get the busy answer directly, the app keeps running, and afterwards works on and lost nothing', { timeout: 90_000 }, async () => {
    const sim = t.app.simulator!
    const sent: Sent[] = []
    let phase: Sent['phase'] = 'before'
    let seq = 0
    const pending: Promise<void>[] = []

    function report(text?: string): Sent {
      const id = `o-${phase}-${++seq}`
      const rec: Sent = { id, phase, at: Date.now() }
      sent.push(rec)
      sim.send({ from: 'owner', groupId: s.group, text: text ?? `#隐患 断网测试 第${seq}条`, messageId: id, sentAt: t.clock.now().getTime() })
      pending.push(
        t.app.handled(id, SETTLE_MS).then(
          (o) => {
            rec.outcome = o
            rec.tookMs = Date.now() - rec.at
          },
          (e) => {
            rec.error = (e as Error).message
          },
        ),
      )
      return rec
    }
    /** a report every `everyMs` for `forMs` */
    async function traffic(forMs: number, everyMs = 60) {
      const end = Date.now() + forMs
      while (Date.now() < end) {
        report()
        await sleep(everyMs)
      }
    }

    // ---- traffic, then the cut in the middle of it
    await traffic(3000)
    await Promise.all(pending.splice(0))
    phase = 'during'
    proxy.cut()
    const cutAt = Date.now()
    await traffic(CUT_MS - 1500)
    // an addressed non-report and plain chatter during the outage
    const help = report('#帮助')
    const chatter = report('大家中午好')
    await sleep(Math.max(0, cutAt + CUT_MS - Date.now()))
    expect(proxy.refused, 'the app tried to reach the database during the cut').toBeGreaterThan(0)
    // what the outage looked like from the chat, before the database comes back
    const during = sent.filter((x) => x.phase === 'during')
    const duringSeen = during.map((x) => ({ id: x.id, outcome: x.outcome, tookMs: x.tookMs }))
    const busySaidDuringCut = t.transcript(s.group).filter((e) => e.bot && e.text?.includes(BUSY_REPLY)).length

    phase = 'after'
    proxy.restore()
    const restoredAt = Date.now()

    // ---- the same process works on: postgres.js reconnects by itself
    let firstOk: Sent | undefined
    while (!firstOk && Date.now() - restoredAt < RECOVER_LIMIT_MS) {
      const r = report()
      while (r.outcome === undefined && r.error === undefined && Date.now() - r.at < 5000) await sleep(20)
      if (r.outcome === 'handled') firstOk = r
      else await sleep(250)
    }
    expect(firstOk, `no report was handled within ${RECOVER_LIMIT_MS} ms after the database came back: ${JSON.stringify(sent.slice(-5))}`).toBeDefined()
    const reconnectMs = firstOk!.at + firstOk!.tookMs! - restoredAt
    expect.soft(reconnectMs, 'reports work again within seconds of the database coming back').toBeLessThan(RECOVER_WITHIN_MS)
    await traffic(2000)
    // everything settles (what the outage queued included)
    await Promise.all(pending.splice(0))
    const settledMs = Date.now() - restoredAt

    const by = (p: Sent['phase']) => sent.filter((x) => x.phase === p)
    const summary = JSON.stringify(
      Object.fromEntries(
        (['before', 'during', 'after'] as const).map((p) => [
          p,
          by(p).reduce<Record<string, number>>((a, x) => {
            const k = x.outcome ?? (x.error ? 'not handled' : '?')
            a[k] = (a[k] ?? 0) + 1
            return a
          }, {}),
        ]),
      ),
    )
    console.log(`[db-outage] ${summary}; reconnected ${reconnectMs} ms after restore, all settled ${settledMs} ms after restore; proxy refused ${proxy.refused} connections`)

    expect(problems, 'the process must survive the outage without unhandled errors').toEqual([])

    // ---- during the cut: every addressed message is answered busy, promptly and directly; chatter stays ignored
    const addressedDuring = duringSeen.filter((x) => x.id !== chatter.id)
    const notAnswered = addressedDuring.filter((x) => x.outcome !== 'busy' || x.tookMs! > BUSY_WITHIN_MS)
    expect
      .soft(
        notAnswered.map((x) => x.id),
        `${notAnswered.length} of ${addressedDuring.length} addressed messages sent while the database was unreachable got no busy answer within ${BUSY_WITHIN_MS} ms ` +
          `(only ${busySaidDuringCut} busy answers during the cut); afterwards: ` +
          JSON.stringify(notAnswered.slice(0, 8).map((x) => sent.find((y) => y.id === x.id))),
      )
      .toEqual([])
    expect.soft(duringSeen.find((x) => x.id === help.id)?.outcome, '#帮助 during the cut').toBe('busy')
    expect(chatter.outcome, 'chatter is not addressed: no answer, no database').toBe('ignored')
    expect.soft(sent.filter((x) => x.error).map((x) => `${x.id}: ${x.error}`), 'every message is handled in the end').toEqual([])

    const before = by('before')
    const after = by('after').filter((x) => x.at >= firstOk!.at)
    expect(before.length).toBeGreaterThan(20)
    expect(during.length).toBeGreaterThan(50)
    expect(before.every((x) => x.outcome === 'handled'), summary).toBe(true)
    // after: the same process handles reports normally again
    expect(after.length).toBeGreaterThan(10)
    expect(after.every((x) => x.outcome === 'handled'), summary).toBe(true)

    // the busy answers went straight to the chat, one per busy outcome, @-mentioning the sender
    const busy = sent.filter((x) => x.outcome === 'busy')
    const said = t.transcript(s.group).filter((e) => e.bot)
    const busySaid = said.filter((e) => e.text?.includes(BUSY_REPLY))
    expect(busySaid.length).toBe(busy.length)
    expect(busySaid.every((e) => e.mentionIds.includes('owner'))).toBe(true)

    // ---- nothing committed is lost: every handled report has its hazard, its ledger entry and a delivered reply
    const handled = sent.filter((x) => x.outcome === 'handled' && x !== help).map((x) => x.id)
    const db = direct.db
    const ids = sql.join(handled.map((id) => sql`${id}`), sql`, `)
    const stored = await rows<{ id: string }>(db, sql`select source_message_id as id from hazard_events where action = 'report' and source_message_id in (${ids})`)
    expect(stored.map((r) => r.id).sort()).toEqual([...handled].sort())
    const ledger = await rows<{ n: number }>(db, sql`select count(*)::int as n from inbound_messages where message_id in (${ids})`)
    expect(Number(ledger[0].n)).toBe(handled.length)
    // the sender drains everything, including what it had claimed when the connection broke
    const deadline = Date.now() + 10_000
    let unsent: { cause: string; status: string; attempts: number }[]
    do {
      await t.settle()
      unsent = await rows(db, sql`select cause_message_id as cause, status, attempts from outbox where cause_message_id in (${ids}) and status <> 'sent' order by id`)
      if (unsent.length) await sleep(250)
    } while (unsent.length && Date.now() < deadline)
    expect(unsent, `replies not sent ${Date.now() - restoredAt} ms after the database came back (${summary})`).toEqual([])
    const replies = await rows<{ n: number }>(db, sql`select count(*)::int as n from outbox where cause_message_id in (${ids})`)
    expect(Number(replies[0].n)).toBe(handled.length)
    expect(t.transcript(s.group).filter((e) => e.bot && /已登记隐患 Y\d+/.test(e.text ?? '')).length).toBeGreaterThanOrEqual(handled.length)

    // a busy answer asks to resend: the resend (a new message) is stored
    const again: string[] = []
    for (const x of busy.filter((b) => b !== help).slice(0, 5)) {
      const id = `${x.id}-again`
      again.push(id)
      sim.send({ from: 'owner', groupId: s.group, text: `#隐患 重发 ${x.id}`, messageId: id, sentAt: t.clock.now().getTime() })
    }
    for (const id of again) expect(await t.app.handled(id, 10_000)).toBe('handled')
  })
})
