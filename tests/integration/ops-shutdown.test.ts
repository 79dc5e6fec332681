import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, it, expect, afterAll } from 'vitest'
import { sql } from 'drizzle-orm'
import { openPglite, rows } from '../../db/client.js'
import { startAppProcess, type AppProcess } from '../helpers/process.js'
import { api, seedDataDir, setUpGroup, type Transcript } from '../helpers/sim-http.js'

/**
 * Issue 7, graceful shutdown: SIGTERM in the middle of a burst of reports. The process stops taking messages,
 * finishes those in flight, lets the outbox sender finish the row in hand, closes the database and exits 0 within
 * SHUTDOWN_TIMEOUT_MS; every report that got an answer is stored and none is half-done.
 */

const N = 400
const CONCURRENCY = 20
/** SIGTERM once this many reports were accepted and this many answered */
const TERM_AFTER_ACCEPTED = 150
const TERM_AFTER_ANSWERED = 40
const SHUTDOWN_TIMEOUT_MS = 15_000
const GROUP = 'ops-shutdown'

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'csb-ops-shutdown-'))
const tmp2 = fs.mkdtempSync(path.join(os.tmpdir(), 'csb-ops-shutdown2-'))
const procs: AppProcess[] = []

afterAll(async () => {
  for (const p of procs) if (p.alive) await p.stop('SIGKILL')
  fs.rmSync(tmp, { recursive: true, force: true })
  fs.rmSync(tmp2, { recursive: true, force: true })
})

describe('graceful shutdown (PGlite)', () => {
  it('when SIGTERM arrives during a burst of reports, then the process exits 0 in time and every answered report is stored whole', { timeout: 150_000 }, async () => {
    seedDataDir(tmp)
    const p = await startAppProcess({ dataDir: tmp, env: { SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS), LOG_LEVEL: 'info' } })
    procs.push(p)

    const setup = await setUpGroup(p, GROUP)
    let cursor = setup.cursor
    const group = setup.group

    // ---- the burst, and SIGTERM once the bot is busy both handling and answering
    const accepted = new Set<string>()
    /** hazard codes the bot answered with, as the group saw them */
    const answeredCodes = new Set<string>()
    let termAt = 0
    let next = 0
    const terminated = () => termAt > 0
    const monitor = (async () => {
      while (!terminated()) {
        try {
          const t = await api<Transcript>(p, 'GET', `/sim/api/transcript?chat=${encodeURIComponent(group)}&after=${cursor}`)
          cursor = t.cursor
          for (const e of t.entries) {
            const m = e.bot ? /已登记隐患 (Y\d+)/.exec(e.text ?? '') : null
            if (m) answeredCodes.add(m[1])
          }
        } catch (e) {
          if (terminated() || !p.alive) return
          throw e
        }
        if (!terminated() && accepted.size >= TERM_AFTER_ACCEPTED && answeredCodes.size >= TERM_AFTER_ANSWERED) {
          termAt = Date.now()
          p.kill('SIGTERM')
          return
        }
        await new Promise((r) => setTimeout(r, 30))
      }
    })()
    async function worker() {
      while (!terminated() && next < N) {
        const i = next++
        const messageId = `r-${i}`
        try {
          const r = await p.request('POST', '/sim/api/messages', { from: 'owner', groupId: group, text: `#隐患 测试隐患 第${i}条`, messageId })
          if (r.status === 202) accepted.add(messageId)
          else if (!terminated()) throw new Error(`POST /sim/api/messages ${messageId} -> ${r.status} ${JSON.stringify(r.body)}`)
        } catch (e) {
          if (terminated() || !p.alive) return // the server closed
          throw e
        }
      }
    }
    await Promise.all([monitor, ...Array.from({ length: CONCURRENCY }, worker)])
    expect(terminated(), `the burst ended before SIGTERM: ${accepted.size} accepted, ${answeredCodes.size} answered\n${p.diagnostics()}`).toBe(true)

    // ---- exit 0 within the timeout
    const exit = await Promise.race([
      p.exited,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), SHUTDOWN_TIMEOUT_MS + 5000)),
    ])
    const stoppedIn = Date.now() - termAt
    expect(exit, p.diagnostics()).toEqual({ code: 0, signal: null })
    expect(stoppedIn).toBeLessThan(SHUTDOWN_TIMEOUT_MS)
    expect(fs.existsSync(path.join(tmp, 'app.lock'))).toBe(false)
    expect(p.stdout() + p.stderr()).toMatch(/"msg":"stopped"/)
    console.log(`[ops-shutdown] SIGTERM after ${accepted.size} accepted and ${answeredCodes.size} answered; exited 0 after ${stoppedIn} ms`)

    // ---- the database after the process
    const database = await openPglite({ dataDir: path.join(tmp, 'pglite'), migrate: false })
    try {
      const db = database.db
      const one = async (q: ReturnType<typeof sql>) => Number(Object.values((await rows(db, q))[0])[0])
      // every report the group saw answered is stored
      const codes = new Set((await rows<{ code: string }>(db, sql`select code from hazards`)).map((r) => r.code))
      expect([...answeredCodes].filter((c) => !codes.has(c))).toEqual([])
      expect(codes.size).toBeGreaterThanOrEqual(answeredCodes.size)
      // none is half-done: each hazard has its report event, each handled report its hazard and its answer
      expect(await one(sql`select count(*) from hazards h where not exists (select 1 from hazard_events e where e.hazard_id = h.id and e.action = 'report')`)).toBe(0)
      expect(
        await one(sql`select count(*) from inbound_messages i where i.message_id like 'r-%' and i.outcome = 'handled'
          and not exists (select 1 from hazard_events e where e.source_message_id = i.message_id and e.action = 'report')`),
      ).toBe(0)
      expect(
        await one(sql`select count(*) from hazard_events e where e.action = 'report' and e.source_message_id like 'r-%'
          and not exists (select 1 from outbox o where o.cause_message_id = e.source_message_id)`),
      ).toBe(0)
      expect(await one(sql`select count(*) from hazard_events where action = 'report' and source_message_id like 'r-%'`)).toBe(
        await one(sql`select count(*) from hazards`),
      )
      // the sender released its claims: nothing is left 'sending' for a lease to expire
      expect(await one(sql`select count(*) from outbox where status = 'sending'`)).toBe(0)
      expect(await one(sql`select count(*) from outbox where status = 'dead'`)).toBe(0)
    } finally {
      await database.close()
    }
  })

  it('when a second SIGTERM arrives while stopping, then the process exits 1 at once', { timeout: 120_000 }, async () => {
    seedDataDir(tmp2)
    const p = await startAppProcess({ dataDir: tmp2, env: { SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS), LOG_LEVEL: 'info' } })
    procs.push(p)
    const { group } = await setUpGroup(p, GROUP)
    let accepted = 0
    let next = 0
    let termAt = 0
    async function worker() {
      while (!termAt && next < N) {
        const i = next++
        try {
          const r = await p.request('POST', '/sim/api/messages', { from: 'owner', groupId: group, text: `#隐患 测试隐患 第${i}条`, messageId: `r-${i}` })
          if (r.status === 202) accepted++
        } catch (e) {
          if (termAt || !p.alive) return
          throw e
        }
        // with many reports in flight the graceful stop takes a while: interrupt it
        if (!termAt && accepted >= 100) {
          termAt = Date.now()
          p.kill('SIGTERM')
          await new Promise((r) => setTimeout(r, 5))
          p.kill('SIGTERM')
        }
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker))
    expect(termAt).toBeGreaterThan(0)
    const exit = await Promise.race([p.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5000))])
    expect(exit, p.diagnostics()).toEqual({ code: 1, signal: null })
    expect(Date.now() - termAt).toBeLessThan(5000)
    expect(p.stdout() + p.stderr()).toMatch(/second signal: exiting now/)
  })
})
