import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import pino from 'pino'
import { and, eq, inArray, sql } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { openPostgres, type Database } from '../../db/client.js'
import { freshPostgres, type TestDatabase } from '../helpers/db.js'
import { buildApp, type App } from '../../src/app.js'
import { testConfig } from '../../src/config.js'
import { ManualClock } from '../../src/core/clock.js'
import { noPacing, type Channel, type InboundMessage, type OutboundMessage } from '../../src/channels/types.js'
import { cronOf, nextFire } from '../../src/scheduler.js'
import { pushJobs as jobs } from '../../schedules/index.js'
import type { Job } from '../../schedules/types.js'

interface Delivery {
  via: string
  account: string
  chatId: string
  text: string
}

/** A simulated channel account: it sits in its own group chats and records what it sends. */
function fakeAccount(account: string, chats: string[], log: Delivery[]): Channel {
  return {
    name: 'wechaty',
    pacer: noPacing,
    account: () => account,
    async send(m: OutboundMessage) {
      if (!chats.includes(m.chatId)) throw new Error(`${account} is not in ${m.chatId}`)
      log.push({ via: account, account, chatId: m.chatId, text: m.text ?? '' })
    },
    onMessage() {},
    listGroups: async () => chats.map((id) => ({ id, name: id === 'bureau@chatroom' ? '局机关工作群' : `群${id}` })),
    async start() {},
    async stop() {},
  }
}

describe('two instances on one PostgreSQL, each holding a different account, both running every schedule', () => {
  let database: TestDatabase
  let second: Database
  const apps: App[] = []
  const log: Delivery[] = []
  const clock = new ManualClock('2026-03-01T00:00:00+08:00')
  const chatsA = ['a1@chatroom', 'a2@chatroom', 'a3@chatroom']
  const chatsB = ['b1@chatroom', 'b2@chatroom', 'b3@chatroom', 'bureau@chatroom']

  beforeAll(async () => {
    database = await freshPostgres()
    second = await openPostgres(database.url!, { max: 5 })
    const db = database.db
    const [town] = await db.insert(schema.jurisdictions).values({ name: '城关街道', kind: 'township' }).returning()
    for (const [i, id] of [...chatsA, ...chatsB.slice(0, 3)].entries())
      await db.insert(schema.groups).values({ channel: 'wechaty', externalId: id, name: `群${id}`, registered: true, townshipId: i % 2 ? town.id : null, industries: i % 3 ? [] : ['catering'] })
    await db.insert(schema.groups).values({ channel: 'wechaty', externalId: 'bureau@chatroom', name: '局机关工作群', registered: false })
    const config = testConfig({ BUREAU_GROUP: '局机关工作群', WEEKLY_SUMMARY_CHART: false })
    for (const [name, handle, chats] of [['acct-a', database, chatsA], ['acct-b', second, chatsB]] as const) {
      const app = await buildApp({ config, db: handle.db, clock, logger: pino({ level: 'silent' }), channel: fakeAccount(name, [...chats], log), instanceId: name, pollMs: 20 })
      await app.start()
      apps.push(app)
    }
  })
  afterAll(async () => {
    for (const a of apps) await a.close()
    await second?.close()
    await database?.close()
  })

  async function drained() {
    for (let i = 0; i < 500; i++) {
      const [r] = await database.db.select({ n: sql<number>`count(*)::int` }).from(schema.outbox).where(inArray(schema.outbox.status, ['pending', 'sending']))
      if (r.n === 0) return
      for (const a of apps) a.sender.kick()
      await new Promise((r) => setTimeout(r, 20))
    }
    throw new Error('outbox did not drain')
  }

  it('when both fire every job for three weeks, then each period runs once and every delivery is made once, by the instance holding its account', async () => {
    const end = new Date('2026-03-22T00:00:00+08:00')
    const next = new Map<Job, Date>(jobs.map((j) => [j, nextFire(cronOf(j, testConfig()), clock.now())]))
    let fires = 0
    for (;;) {
      const [job, at] = [...next.entries()].reduce((a, b) => (b[1] < a[1] ? b : a))
      if (at > end) break
      clock.set(at)
      const won = await Promise.all(apps.map((a) => a.scheduler.fire(job, at, 'cron')))
      expect(won.filter(Boolean), `${job.name} ${at.toISOString()}`).toHaveLength(1)
      fires++
      await drained()
      next.set(job, nextFire(cronOf(job, testConfig()), at))
    }
    expect(fires).toBeGreaterThan(60)
    const runs = await database.db.select().from(schema.jobRuns)
    expect(runs).toHaveLength(fires)
    expect(new Set(runs.map((r) => r.instanceId))).toEqual(new Set(['acct-a', 'acct-b']))

    const sent = await database.db.select().from(schema.outbox).where(eq(schema.outbox.status, 'sent'))
    expect(sent.length).toBeGreaterThan(50)
    // exactly one delivery per row, through the account the row names, and that account sits in the chat
    expect(log).toHaveLength(sent.length)
    const key = (x: { account: string; chatId: string; text: string | null }) => `${x.account}|${x.chatId}|${x.text}`
    const counts = new Map<string, number>()
    for (const d of log) counts.set(key(d), (counts.get(key(d)) ?? 0) + 1)
    for (const r of sent) expect(counts.get(key(r)), key(r)).toBe(sent.filter((x) => key(x) === key(r)).length)
    for (const d of log) expect(d.via).toBe(d.account)
    for (const r of sent) expect(r.account).toBe(r.chatId.startsWith('a') ? 'acct-a' : 'acct-b')

    // every registered group got its six tips of the three weeks, and the bureau its summaries
    const tips = await database.db.select().from(schema.contentSends).where(eq(schema.contentSends.kind, 'tip'))
    const perGroup = new Map<number, number>()
    for (const t of tips) perGroup.set(t.groupId, (perGroup.get(t.groupId) ?? 0) + 1)
    expect([...perGroup.values()]).toEqual([6, 6, 6, 6, 6, 6])
    expect(log.filter((d) => d.text.startsWith('【安全提示】'))).toHaveLength(36)
    expect(log.filter((d) => d.chatId === 'bureau@chatroom' && d.text.startsWith('【安全隐患周报】'))).toHaveLength(3)
    const [{ n }] = await database.db.select({ n: sql<number>`count(*)::int` }).from(schema.outbox).where(and(eq(schema.outbox.status, 'dead')))
    expect(n).toBe(0)
  })

  it('when both instances take bursts of reports at once, then the codes form one sequence without holes or duplicates', async () => {
    const report = (app: App, account: string, chatId: string, i: number): InboundMessage => ({
      channel: 'wechaty',
      account,
      messageId: `two-${account}-${i}`,
      chatId,
      chatName: `群${chatId}`,
      isGroup: true,
      senderId: `reporter-${account}-${i % 7}`,
      senderName: `群众${i % 7}`,
      kind: 'text',
      text: `#隐患 两个实例同时上报 第${i}条`,
      mentionsBot: false,
      sentAt: clock.now(),
    })
    const burst = async (app: App, account: string, chatId: string) => {
      const outcomes: string[] = []
      // batches of 25 as the group commit forms them, three at a time like a busy instance
      for (let first = 0; first < 300; first += 75) {
        const rounds = [0, 25, 50].map((k) => Array.from({ length: 25 }, (_, j) => report(app, account, chatId, first + k + j)))
        for (const r of await Promise.all(rounds.map((ms) => app.router.handleBatch(ms)))) outcomes.push(...r)
      }
      return outcomes
    }
    const [a, b] = apps
    const [oa, ob] = await Promise.all([burst(a, 'acct-a', 'a1@chatroom'), burst(b, 'acct-b', 'b1@chatroom')])
    expect([...oa, ...ob].every((o) => o === 'handled')).toBe(true)
    const codes = (await database.db.select({ code: schema.hazards.code }).from(schema.hazards)).map((h) => Number(h.code.slice(1))).sort((x, y) => x - y)
    expect(codes).toHaveLength(600)
    expect(codes).toEqual(Array.from({ length: 600 }, (_, i) => i + 1))
    // both instances took blocks, and each waited on the other at times
    expect(a.router.codeWaits.n).toBeGreaterThan(0)
    expect(b.router.codeWaits.n).toBeGreaterThan(0)
    await drained()
  })

  it('when the instance holding an account dies mid-push and comes back, then every target gets the push and only the message in flight repeats', async () => {
    const [a, b] = apps
    const tips = jobs.find((j) => j.name === 'safety-tips')!
    // B's next send goes out on the wire and then the process hangs: it never learns the send succeeded
    let hang = true
    const stuck = b.channel as Channel & { send: Channel['send'] }
    const realSend = stuck.send.bind(stuck)
    stuck.send = async (m) => {
      await realSend(m)
      if (hang) {
        hang = false
        await new Promise(() => {})
      }
    }
    const before = log.length
    const at = new Date('2026-03-24T09:30:00+08:00')
    clock.set(at)
    expect((await Promise.all([a.scheduler.fire(tips, at, 'cron'), b.scheduler.fire(tips, at, 'cron')])).filter(Boolean)).toHaveLength(1)
    for (let i = 0; i < 200 && hang; i++) await new Promise((r) => setTimeout(r, 20))
    expect(hang).toBe(false)
    // B is dead: it will never send again; its rows stay 'sending' under its name
    ;(b.channel as { account: () => string | undefined }).account = () => undefined
    const inFlight = await database.db.select().from(schema.outbox).where(and(eq(schema.outbox.status, 'sending'), eq(schema.outbox.account, 'acct-b')))
    expect(inFlight.length).toBeGreaterThanOrEqual(1)

    // B restarts (a new process with the same account) after the claim's lease ran out on the shared clock
    clock.set(new Date(at.getTime() + 60_000))
    const third = await openPostgres(database.url!, { max: 5 })
    const warnings: string[] = []
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line).msg) })
    const b2 = await buildApp({ config: testConfig({ BUREAU_GROUP: '局机关工作群', WEEKLY_SUMMARY_CHART: false }), db: third.db, clock, logger, channel: fakeAccount('acct-b', chatsB, log), instanceId: 'acct-b-2', pollMs: 20 })
    await b2.start()
    apps.splice(1, 1, b2)
    try {
      await drained()
      const pushed = log.slice(before).filter((d) => d.text.startsWith('【安全提示】'))
      const byChat = new Map<string, number>()
      for (const d of pushed) byChat.set(d.chatId, (byChat.get(d.chatId) ?? 0) + 1)
      // every registered group got the tip; the one in flight when B died came twice, nothing else did
      expect([...byChat.keys()].sort()).toEqual([...chatsA, ...chatsB.slice(0, 3)].sort())
      expect([...byChat.values()].filter((c) => c > 1)).toEqual([2])
      expect(pushed).toHaveLength(7)
      expect(warnings).toContain('outbox rows were in flight at a crash; they may repeat')
    } finally {
      await b2.close()
      apps.splice(1, 1)
      await third.close()
    }
  })
})
