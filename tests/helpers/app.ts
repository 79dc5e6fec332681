import pino, { type Logger } from 'pino'
import { beforeAll, afterAll } from 'vitest'
import { buildApp, type App } from '../../src/app.js'
import { testConfig, type AppConfig } from '../../src/config.js'
import { ManualClock } from '../../src/core/clock.js'
import type { Outcome } from '../../src/chat/router.js'
import type { TranscriptEntry } from '../../src/channels/simulator.js'
import { testDatabase, type TestDatabase } from './db.js'
import { schema } from '../../db/client.js'

export const PNG_1PX =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='

/** A different image each call, so content-addressed storage keeps them apart. */
let pngSeq = 0
export function uniquePng(): string {
  const buf = Buffer.from(PNG_1PX, 'base64')
  return Buffer.concat([buf, Buffer.from(`#${++pngSeq}`)]).toString('base64')
}

export interface TestApp {
  app: App
  database: TestDatabase
  clock: ManualClock
  config: AppConfig
  /** sends as a contact and waits until the bot handled it and its answers went out */
  say(from: string, groupId: string | undefined, text: string, opts?: { messageId?: string; sentAt?: number; mentionBot?: boolean }): Promise<Outcome>
  photo(from: string, groupId: string | undefined, opts?: { messageId?: string }): Promise<Outcome>
  /** the bot's messages in a chat since the last call */
  botSaid(chat: string): TranscriptEntry[]
  /** all messages in a chat */
  transcript(chat: string): TranscriptEntry[]
  settle(): Promise<void>
  close(opts?: { keepDatabase?: boolean }): Promise<void>
}

/** The real app on the simulator channel (real Wechaty + mock puppet) over a fresh test database. */
export async function startTestApp(
  opts: { config?: Partial<AppConfig>; database?: TestDatabase; clock?: ManualClock; logger?: Logger; demoDevices?: boolean } = {},
): Promise<TestApp> {
  const database = opts.database ?? (await testDatabase())
  const clock = opts.clock ?? new ManualClock('2026-11-20T02:00:00Z')
  const config = testConfig(opts.config)
  const app = await buildApp({ config, db: database.db, clock, logger: opts.logger ?? pino({ level: process.env.TEST_LOG ?? 'silent' }), pollMs: 200, demoDevices: opts.demoDevices })
  await app.start()
  const sim = app.simulator!
  const cursors = new Map<string, number>()
  async function settle() {
    // the sender may be kicked again by the last commit: wait until it is idle twice in a row
    for (let i = 0; i < 3; i++) {
      await app.sender.whenIdle()
      await new Promise((r) => setImmediate(r))
    }
  }
  async function send(s: Parameters<typeof sim.send>[0]): Promise<Outcome> {
    const id = sim.send({ sentAt: clock.now().getTime(), ...s })
    const o = await app.handled(id)
    await settle()
    return o
  }
  return {
    app,
    database,
    clock,
    config,
    say: (from, groupId, text, o = {}) => send({ from, groupId, text, ...o }),
    photo: (from, groupId, o = {}) => send({ from, groupId, imageBase64: uniquePng(), mime: 'image/png', ...o }),
    botSaid(chat) {
      const after = cursors.get(chat) ?? 0
      const entries = sim.transcript(chat, after)
      if (entries.length) cursors.set(chat, entries[entries.length - 1].seq)
      return entries.filter((e) => e.bot)
    },
    transcript: (chat) => sim.transcript(chat, 0),
    settle,
    async close(o = {}) {
      await app.close()
      if (!o.keepDatabase) await database.close()
    },
  }
}

/** Reports in a chat and returns the code the bot answered with (throws when it answered something else). */
export async function reportCode(t: TestApp, from: string, chat: string, text: string): Promise<string> {
  await t.say(from, chat, text)
  const said = t.botSaid(chat)
  const code = /已登记隐患 (Y\d+)/.exec(said.at(-1)?.text ?? '')?.[1]
  if (!code) throw new Error(`no hazard code in the answer to ${text}: ${JSON.stringify(said.map((e) => e.text))}`)
  return code
}

/** The bot's answer text without the @-mentions in front. */
export const withoutMentions = (text?: string) => (text ?? '').replace(/^(@\S+\s)+/, '')

/** Builders for the directory: a township, businesses, people bound to simulator contacts, registered groups. */
export async function seedBasics(t: TestApp) {
  const db = t.database.db
  const sim = t.app.simulator!
  const [city] = await db.insert(schema.jurisdictions).values({ name: '测试市', kind: 'city' }).returning()
  const [town] = await db.insert(schema.jurisdictions).values({ name: '城关街道', kind: 'township', parentId: city.id }).returning()
  const [town2] = await db.insert(schema.jurisdictions).values({ name: '红山街道', kind: 'township', parentId: city.id }).returning()
  const [shop] = await db.insert(schema.businesses).values({ name: '城关老街饭店', industry: 'catering', townshipId: town.id }).returning()
  const [other] = await db.insert(schema.businesses).values({ name: '红山羊汤馆', industry: 'catering', townshipId: town2.id }).returning()
  async function person(id: string, name: string, role: 'member' | 'officer' | 'leader' | 'admin', extra: { townshipId?: number; businessId?: number } = {}) {
    const [p] = await db.insert(schema.people).values({ name, role, townshipId: extra.townshipId ?? null }).returning()
    if (extra.businessId) await db.insert(schema.memberships).values({ personId: p.id, businessId: extra.businessId })
    await db.insert(schema.identities).values({ channel: 'wechaty', externalId: id, displayName: name, personId: p.id })
    sim.createContact({ id, name })
    return p
  }
  const owner = await person('owner', '张老板', 'member', { businessId: shop.id })
  const otherOwner = await person('other-owner', '王老板', 'member', { businessId: other.id })
  const officer = await person('officer', '李明', 'officer', { townshipId: town.id })
  const otherOfficer = await person('officer2', '赵红', 'officer', { townshipId: town2.id })
  const leader = await person('leader', '马局长', 'leader')
  sim.createContact({ id: 'passer', name: '热心群众' })
  const group = sim.createGroup({ id: 'g1', name: '城关商户安全群', memberIds: ['owner', 'other-owner', 'officer', 'officer2', 'passer', 'leader'] })
  const leaders = sim.createGroup({ id: 'leaders', name: '局领导群', memberIds: ['leader'] })
  await db.insert(schema.groups).values({ channel: 'wechaty', externalId: group.id, name: group.name, registered: true, townshipId: town.id })
  await db.insert(schema.groups).values({ channel: 'wechaty', externalId: leaders.id, name: leaders.name, registered: false })
  return { town, town2, shop, other, owner, otherOwner, officer, otherOfficer, leader, group: group.id, leaders: leaders.id }
}

export type Seed = Awaited<ReturnType<typeof seedBasics>>

/** Starts the app with the basic directory before the suite and closes it after; hands both to `use`. */
export function useSeededApp(use: (t: TestApp, s: Seed) => void, opts: Parameters<typeof startTestApp>[0] = {}): void {
  let t: TestApp | undefined
  beforeAll(async () => {
    t = await startTestApp(opts)
    use(t, await seedBasics(t))
  })
  afterAll(async () => t?.close())
}
