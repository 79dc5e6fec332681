import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import { describe, it, expect, afterAll, inject } from 'vitest'
import { sql } from 'drizzle-orm'
import { openPglite, rows } from '../../db/client.js'
import { startAppProcess, type AppProcess } from '../helpers/process.js'

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

interface Transcript {
  entries: { seq: number; bot: boolean; text?: string; fromId: string }[]
  cursor: number
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'csb-ops-shutdown-'))
const tmp2 = fs.mkdtempSync(path.join(os.tmpdir(), 'csb-ops-shutdown2-'))
const procs: AppProcess[] = []

afterAll(async () => {
  for (const p of procs) if (p.alive) await p.stop('SIGKILL')
  fs.rmSync(tmp, { recursive: true, force: true })
  fs.rmSync(tmp2, { recursive: true, force: true })
})

/** The migrated PGlite template from the global setup, so the process skips initdb and the migrations. */
function seedDataDir(dir: string) {
  const target = path.join(dir, 'pglite')
  fs.mkdirSync(target, { recursive: true })
  try {
    execFileSync('tar', ['-xzf', inject('pgliteTemplate'), '-C', target], { stdio: 'ignore' })
  } catch {
    fs.rmSync(target, { recursive: true, force: true })
  }
}

async function api<T>(p: AppProcess, method: string, url: string, body?: unknown, expected = [200, 201, 202]): Promise<T> {
  const r = await p.request<T>(method, url, body)
  if (!expected.includes(r.status)) throw new Error(`${method} ${url} -> ${r.status} ${JSON.stringify(r.body)}\n${p.diagnostics()}`)
  return r.body
}

async function botSays(p: AppProcess, chat: string, after: number, re: RegExp, timeoutMs = 15_000): Promise<number> {
  const deadline = Date.now() + timeoutMs
  let cursor = after
  const seen: string[] = []
  while (Date.now() < deadline) {
    const t = await api<Transcript>(p, 'GET', `/sim/api/transcript?chat=${encodeURIComponent(chat)}&after=${cursor}&wait=1000`)
    cursor = t.cursor
    for (const e of t.entries) {
      if (!e.bot) continue
      seen.push(e.text ?? '')
      if (re.test(e.text ?? '')) return cursor
    }
  }
  throw new Error(`the bot did not say ${re} in ${chat} within ${timeoutMs} ms; it said: ${JSON.stringify(seen)}\n${p.diagnostics()}`)
}

/** Directory through the admin API, people bound and the group registered in chat; returns the transcript cursor. */
async function setUp(p: AppProcess): Promise<number> {
  // ---- directory through the admin API, people bound and the group registered in chat
  await api(p, 'POST', '/api/jurisdictions', { name: '城关街道' })
  const shop = await api<{ id: number }>(p, 'POST', '/api/businesses', { name: '城关老街饭店', industry: 'catering', township: '城关街道' })
  const officer = await api<{ id: number }>(p, 'POST', '/api/people', { name: '李明', role: 'officer' })
  const owner = await api<{ id: number }>(p, 'POST', '/api/people', { name: '张老板', role: 'member', businessIds: [shop.id] })
  const officerCode = (await api<{ code: string }>(p, 'POST', `/api/people/${officer.id}/bind-codes`)).code
  const ownerCode = (await api<{ code: string }>(p, 'POST', `/api/people/${owner.id}/bind-codes`)).code
  await api(p, 'POST', '/sim/api/contacts', { id: 'officer', name: '李明' })
  await api(p, 'POST', '/sim/api/contacts', { id: 'owner', name: '张老板' })
  const group = (await api<{ id: string }>(p, 'POST', '/sim/api/groups', { id: GROUP, name: '城关商户安全群', memberIds: ['officer', 'owner'] })).id
  let cursor = 0
  await api(p, 'POST', '/sim/api/messages', { from: 'officer', groupId: group, text: `#绑定 ${officerCode}`, messageId: 'setup-bind-officer' })
  cursor = await botSays(p, group, cursor, /绑定成功：李明/)
  await api(p, 'POST', '/sim/api/messages', { from: 'owner', groupId: group, text: `#绑定 ${ownerCode}`, messageId: 'setup-bind-owner' })
  cursor = await botSays(p, group, cursor, /绑定成功：张老板/)
  await api(p, 'POST', '/sim/api/messages', { from: 'officer', groupId: group, text: '#本群登记 全市', messageId: 'setup-register' })
  cursor = await botSays(p, group, cursor, /本群已登记：全市/)
  return cursor
}

describe('graceful shutdown (PGlite)', () => {
  it('when SIGTERM arrives during a burst of reports, then the process exits 0 in time and every answered report is stored whole', { timeout: 150_000 }, async () => {
    seedDataDir(tmp)
    const p = await startAppProcess({ dataDir: tmp, env: { SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS), LOG_LEVEL: 'info' } })
    procs.push(p)

    let cursor = await setUp(p)
    const group = `${GROUP}@chatroom`

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
    await setUp(p)
    const group = `${GROUP}@chatroom`
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
