import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, it, expect, afterAll } from 'vitest'
import { sql } from 'drizzle-orm'
import { openPglite, rows, type Database } from '../../db/client.js'
import { freshPostgres, usingPostgres, type TestDatabase } from '../helpers/db.js'
import { startAppProcess, type AppProcess } from '../helpers/process.js'
import { api, seedDataDir, setUpGroup, type Transcript } from '../helpers/sim-http.js'

/**
 * Invariants 1 and 2 across a crash: the app process is SIGKILLed in the middle of 1,000 reports, a new process
 * starts on the same data, the reporters' phones (the puppet) deliver all 1,000 again with the same message ids,
 * and in the end there is exactly one hazard and one delivered answer per report.
 *
 * Runs on embedded PGlite (`npm test`: a temporary data directory, whose stale lock the new process takes over)
 * and on PostgreSQL (`npm run test:pg`: a fresh database).
 */

const N = 1000
const KILL_AFTER = 400
const CONCURRENCY = 25
/** how many reports the group may be ahead of the bot's answers */
const WINDOW = 250
/** kill once the bot has answered this many (so it is busy sending, too) */
const KILL_ANSWERED = 150
const GROUP = 'fault-kill'

const pg = usingPostgres()
const tmp = pg ? '' : fs.mkdtempSync(path.join(os.tmpdir(), 'csb-fault-kill-'))
let pgdb: TestDatabase | undefined
const procs: AppProcess[] = []

afterAll(async () => {
  for (const p of procs) if (p.alive) await p.stop('SIGKILL')
  await pgdb?.close()
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
})

async function start(): Promise<AppProcess> {
  const p = await startAppProcess(pg ? { databaseUrl: pgdb!.url } : { dataDir: tmp })
  procs.push(p)
  return p
}

/**
 * Sends the reports r-<i> with CONCURRENCY requests in flight. With `kill`, like a busy group (at most WINDOW reports
 * ahead of the bot's answers), SIGKILLs the process once `kill.afterAccepted` reports were accepted (202) and the
 * bot has answered at least `kill.afterAnswered` of them, so that both the handling and the outbox sender are busy
 * at the kill; then stops at the first refused connection. Returns the accepted ids and the answers seen.
 */
async function sendReports(
  p: AppProcess,
  group: string,
  after: number,
  kill?: { afterAccepted: number; afterAnswered: number },
): Promise<{ accepted: Set<string>; answered: number }> {
  const accepted = new Set<string>()
  let answered = 0
  let lastAnswerAt = Date.now()
  let next = 0
  let killed = false
  let done = false
  // the bot's answers, from the simulator's transcript
  const monitor = (async () => {
    let cursor = after
    while (!done && !killed) {
      try {
        const t = await api<Transcript>(p, 'GET', `/sim/api/transcript?chat=${encodeURIComponent(group)}&after=${cursor}`)
        cursor = t.cursor
        const n = t.entries.filter((e) => e.bot && e.text?.includes('已登记隐患')).length
        if (n) lastAnswerAt = Date.now()
        answered += n
      } catch (e) {
        if (killed || !p.alive) return
        throw e
      }
      if (kill && !killed && accepted.size >= kill.afterAccepted && answered >= kill.afterAnswered) {
        killed = true
        p.kill('SIGKILL')
        return
      }
      await new Promise((r) => setTimeout(r, 50))
    }
  })()
  async function worker() {
    while (!killed && next < N) {
      // redelivered duplicates get no answer: the window paces only the first round
      if (kill && next - answered > WINDOW) {
        if (Date.now() - lastAnswerAt > 30_000) throw new Error(`the bot stopped answering: ${answered} answers to ${accepted.size} reports\n${p.diagnostics()}`)
        await new Promise((r) => setTimeout(r, 20))
        continue
      }
      const i = next++
      const messageId = `r-${i}`
      try {
        const r = await p.request('POST', '/sim/api/messages', { from: 'owner', groupId: group, text: `#隐患 测试隐患 第${i}条`, messageId })
        if (r.status !== 202) throw new Error(`POST /sim/api/messages ${messageId} -> ${r.status} ${JSON.stringify(r.body)}`)
        accepted.add(messageId)
      } catch (e) {
        if (kill && (killed || !p.alive)) return // the connection died with the process
        throw e
      }
    }
  }
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  } finally {
    done = true
    await monitor
  }
  return { accepted, answered }
}

/** Polls until `check` returns a value, or throws with `what` after the timeout. */
async function until<T>(what: () => string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await check()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what()}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

async function outboxBacklog(db: Database['db']): Promise<{ status: string; n: number }[]> {
  return (await rows<{ status: string; n: number }>(db, sql`select status, count(*)::int as n from outbox where status in ('pending', 'sending') group by status`)).map(
    (r) => ({ status: r.status, n: Number(r.n) }),
  )
}

describe(`SIGKILL in the middle of ${N} reports (${pg ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('when the process is killed mid-traffic and everything is delivered again after a restart, then exactly one hazard and one sent answer per report', { timeout: 150_000 }, async () => {
    const t0 = Date.now()
    if (pg) pgdb = await freshPostgres()
    else seedDataDir(tmp)

    // ---- first process: directory through the admin API, people bound and the group registered in chat
    const p1 = await start()
    const setup = await setUpGroup(p1, GROUP)
    const group = setup.group
    let cursor = setup.cursor
    expect(group).toBe(`${GROUP}@chatroom`)
    const tSetup = Date.now()

    // ---- traffic, and SIGKILL once ~400 were accepted (and the bot is busy answering them)
    const { accepted: first, answered: answeredAtKill } = await sendReports(p1, group, cursor, { afterAccepted: KILL_AFTER, afterAnswered: KILL_ANSWERED })
    const e1 = await p1.exited
    expect(e1.signal, p1.diagnostics()).toBe('SIGKILL')
    expect(first.size).toBeGreaterThanOrEqual(KILL_AFTER)
    expect(first.size).toBeLessThan(N)
    const tKill = Date.now()
    // on Postgres the test can look at what the killed process left behind
    const atKill = pg
      ? (
          await rows<{ stored: number; backlog: string | null }>(
            pgdb!.db,
            sql`select (select count(*)::int from hazards) as stored,
                       (select string_agg(status || ':' || n, ' ') from (select status, count(*) as n from outbox where status in ('pending', 'sending') group by status) b) as backlog`,
          )
        )[0]
      : undefined

    // ---- a new process on the same data (PGlite: it takes the killed process's lock over)
    if (!pg) expect(fs.readFileSync(path.join(tmp, 'app.lock'), 'utf8')).toBe(String(p1.pid))
    const p2 = await start()
    // the simulator's contacts and group came back from the database
    const state = await api<{ contacts: { id: string }[]; groups: { id: string; memberIds: string[] }[] }>(p2, 'GET', '/sim/api/state')
    expect(state.groups.find((g) => g.id === group)?.memberIds.sort()).toEqual(['officer', 'owner'])
    const tRestart = Date.now()

    // the puppet delivers everything again, with the same ids
    const second = await sendReports(p2, group, 0)
    expect(second.accepted.size).toBe(N)

    const total = await until(
      () => `hazards total stayed below ${N}`,
      60_000,
      async () => {
        const r = await api<{ total: number }>(p2, 'GET', '/api/hazards?limit=1')
        return r.total >= N ? r.total : undefined
      },
    )
    expect(total).toBe(N)

    // the outbox drained: on Postgres ask the database; PGlite is owned by the process, so wait until the bot is quiet
    if (pg) {
      await until(
        () => 'the outbox kept pending/sending rows',
        // rows the killed process had claimed go back to pending after the 30 s lease
        60_000,
        async () => ((await outboxBacklog(pgdb!.db)).length === 0 ? true : undefined),
      ).catch(() => undefined) // asserted below with the numbers
    } else {
      let quietSince = Date.now()
      const deadline = Date.now() + 30_000
      while (Date.now() - quietSince < 3000 && Date.now() < deadline) {
        const t = await api<Transcript>(p2, 'GET', `/sim/api/transcript?chat=${encodeURIComponent(group)}&after=${cursor}&wait=1000`)
        if (t.entries.some((e) => e.bot)) quietSince = Date.now()
        cursor = t.cursor
      }
    }
    const tDrained = Date.now()

    // ---- a clean stop
    const e2 = await p2.stop('SIGTERM')
    expect(e2, p2.diagnostics()).toEqual({ code: 0, signal: null })
    if (!pg) expect(fs.existsSync(path.join(tmp, 'app.lock'))).toBe(false)

    console.log(
      `[fault-kill ${pg ? 'postgres' : 'pglite'}] setup ${tSetup - t0} ms, ${first.size} accepted and ${answeredAtKill} answered before SIGKILL at ${tKill - tSetup} ms, ` +
        `${atKill ? `${atKill.stored} stored and outbox ${atKill.backlog ?? 'empty'} at the kill, ` : ''}restart ${tRestart - tKill} ms, redelivery + drain ${tDrained - tRestart} ms, until stopped ${Date.now() - t0} ms`,
    )

    // ---- the database after both processes
    const database = pg ? pgdb! : await openPglite({ dataDir: path.join(tmp, 'pglite'), migrate: false })
    try {
      const db = database.db
      const one = async (q: ReturnType<typeof sql>) => Number(Object.values((await rows(db, q))[0])[0])
      expect(await one(sql`select count(*) from hazards`)).toBe(N)
      // codes without a hole: the batches the kill cut off gave theirs back
      expect(await one(sql`select max(substring(code from 2)::int) from hazards`)).toBe(N)
      // and every answer names the code of its own report
      expect(
        await one(sql`select count(*) from outbox o join hazard_events e on e.source_message_id = o.cause_message_id and e.action = 'report'
                      join hazards h on h.id = e.hazard_id where o.cause_message_id like 'r-%' and o.text like '%已登记隐患 ' || h.code || '%'`),
      ).toBe(N)
      expect(await one(sql`select count(distinct description) from hazards where description like '测试隐患 第%条'`)).toBe(N)
      expect(await one(sql`select count(*) from hazard_events where action = 'report' and source_message_id like 'r-%'`)).toBe(N)
      expect(await one(sql`select count(distinct source_message_id) from hazard_events where action = 'report' and source_message_id like 'r-%'`)).toBe(N)
      expect(await one(sql`select count(distinct message_id) from inbound_messages where message_id like 'r-%'`)).toBe(N)
      expect(await one(sql`select count(*) from inbound_messages where message_id like 'r-%' and outcome <> 'handled'`)).toBe(0)
      // one answer written per report: the redelivery wrote nothing
      expect(await one(sql`select count(*) from outbox where cause_message_id like 'r-%'`)).toBe(N)
      // rows a crash left 'sending' must go back to the queue (they may repeat, that is logged), never stay there
      expect.soft(await outboxBacklog(db), 'outbox rows still pending/sending after the drain').toEqual([])
      const unanswered = await rows<{ message_id: string; statuses: string | null }>(
        db,
        sql`select i.message_id, (select string_agg(o.status || '/' || o.attempts, ',') from outbox o where o.cause_message_id = i.message_id) as statuses
            from inbound_messages i
            where i.message_id like 'r-%'
              and not exists (select 1 from outbox o where o.cause_message_id = i.message_id and o.status = 'sent')
            order by i.message_id`,
      )
      expect(
        unanswered.map((u) => `${u.message_id} ${u.statuses}`),
        `${unanswered.length} reports without a sent answer (id status/attempts); ${p2.diagnostics()}`,
      ).toEqual([])
      expect(await one(sql`select count(*) from outbox where status = 'dead'`)).toBe(0)
    } finally {
      if (!pg) await database.close()
    }
  })
})
