/**
 * Plain words through the other doors: the simulator's HTTP API (what the try-it page and e2e scripts use) and
 * WeCom's intelligent bot in callback mode (only @-messages in groups; voice arrives transcribed in single chats).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { eq, sql } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { startTestApp, seedBasics, type TestApp, type Seed } from '../helpers/app.js'
import { callbackConfig, callbackRequest, FakeWecomHttp, WECOM_AES_KEY, WECOM_BOT_ID } from '../helpers/wecom.js'
import { decrypt } from '../../src/channels/wecom/crypto.js'
import { ManualClock } from '../../src/core/clock.js'

const GROUP = 'wrkSFfCgAAplain'
let t: TestApp
let s: Seed
const clock = new ManualClock('2026-11-20T02:00:00Z')
const fake = new FakeWecomHttp(clock)
let seq = 0

beforeAll(async () => {
  await fake.start()
  t = await startTestApp({ clock, config: callbackConfig(fake) })
  s = await seedBasics(t)
  await t.database.db.insert(schema.identities).values([{ channel: 'wecom', externalId: 'zhangsan', displayName: '张老板', personId: s.owner.id }])
  await t.database.db.insert(schema.groups).values({ channel: 'wecom', externalId: GROUP, name: '城关商户企微群', registered: true, townshipId: s.town.id })
})

afterAll(async () => {
  await t?.close()
  await fake.close()
})

async function post(message: object): Promise<string> {
  const r = callbackRequest(message, clock.now())
  const res = await t.app.http.inject({ method: 'POST', url: `/wecom/callback?${r.query}`, payload: r.body, headers: { 'content-type': 'application/json' } })
  expect(res.statusCode).toBe(200)
  const body = JSON.parse(res.body) as { encrypt: string }
  return (JSON.parse(decrypt(WECOM_AES_KEY, body.encrypt).message) as { stream: { content: string } }).stream.content
}

function message(o: { content: string; msgtype?: 'text' | 'voice'; chat?: string | null; msgid?: string }) {
  const msgid = o.msgid ?? `plain-${++seq}`
  const type = o.msgtype ?? 'text'
  return {
    msgid,
    aibotid: WECOM_BOT_ID,
    ...(o.chat === null ? {} : { chatid: o.chat ?? GROUP }),
    chattype: o.chat === null ? 'single' : 'group',
    from: { userid: 'zhangsan' },
    response_url: `${fake.baseUrl}/response/${msgid}`,
    msgtype: type,
    [type]: { content: o.content },
  }
}

const hazards = async () => (await t.database.db.select({ n: sql<number>`count(*)::int` }).from(schema.hazards))[0].n

describe('WeCom intelligent bot', () => {
  it('when a hazard is @-told in a group, then the passive reply is the draft; @bot 1 files it', async () => {
    const draft = await post(message({ content: '@安全助手 楼梯口堆满了装修垃圾' }))
    expect(draft).toContain('要上报这条隐患吗？')
    expect(draft).toContain('类别：消防')
    const before = await hazards()
    expect(await post(message({ content: '@安全助手 1' }))).toMatch(/已登记隐患 Y\d+（消防）/)
    expect(await hazards()).toBe(before + 1)
  })

  it('when a gas smell is spoken in a single chat (voice, transcribed), then guidance and a draft come back at once; redelivery adds nothing', async () => {
    const reply = await post(message({ content: '我跟你说后厨那个燃气管子好像漏了一股味', msgtype: 'voice', chat: null, msgid: 'voice-1' }))
    expect(reply).toMatch(/关燃气总阀[\s\S]*要上报这条隐患吗？/)
    const drafts = await t.database.db.select().from(schema.plainDrafts).where(eq(schema.plainDrafts.sourceMessageId, 'voice-1'))
    expect(drafts).toHaveLength(1)
    await post(message({ content: '我跟你说后厨那个燃气管子好像漏了一股味', msgtype: 'voice', chat: null, msgid: 'voice-1' }))
    expect(await t.database.db.select().from(schema.plainDrafts).where(eq(schema.plainDrafts.sourceMessageId, 'voice-1'))).toHaveLength(1)
    expect(await t.database.db.select().from(schema.urgentAlerts).where(eq(schema.urgentAlerts.sourceMessageId, 'voice-1'))).toHaveLength(1)
  })
})

describe('WeCom intelligent bot in callback mode: the officer told of an urgent danger', () => {
  const BUREAU = 'wrkSFfCgAAbureau'
  const BUREAU_KEY = '0a1b2c3d-aaaa-4bbb-8ccc-00000000b0e1'

  async function settleAll() {
    for (let i = 0; i < 3; i++) {
      for (const sender of t.app.senders) sender.kick()
      await Promise.all(t.app.senders.map((x) => x.whenIdle()))
      await new Promise((r) => setImmediate(r))
    }
  }

  it('when the officer has only a WeCom userid (the bot cannot start a chat with him), then the notice goes to BUREAU_GROUP by its robot', async () => {
    const db = t.database.db
    // the township's officer 李明 on WeCom: a userid, but the bot in callback mode only answers messages
    await db.insert(schema.identities).values({ channel: 'wecom', externalId: 'liming', displayName: '李明', personId: s.officer.id })
    await db.insert(schema.groups).values({ channel: 'wecom', externalId: BUREAU, name: '局机关工作群', registered: false, webhookKey: BUREAU_KEY })

    const reply = await post(message({ content: '@安全助手 配电箱冒烟了 一股焦糊味', msgid: 'urgent-cb-1' }))
    expect(reply).toContain('要上报这条隐患吗？')
    await settleAll()

    const notices = fake.ofKey(BUREAU_KEY).map((h) => JSON.stringify(h.body))
    expect(notices).toHaveLength(1)
    expect(notices[0]).toContain('【紧急·未确认】')
    expect(notices[0]).toContain('配电箱冒烟了 一股焦糊味')
    expect(notices[0]).toContain('城关商户企微群')
    const [alert] = await db.select().from(schema.urgentAlerts).where(eq(schema.urgentAlerts.sourceMessageId, 'urgent-cb-1'))
    expect(alert.notified).toBe('局机关工作群')
    // nothing was written to a chat the bot cannot open (it would only fail)
    expect(await db.select().from(schema.outbox).where(eq(schema.outbox.chatId, 'liming'))).toEqual([])
  })
})

describe('the simulator API', () => {
  const sim = async (method: 'GET' | 'POST', url: string, payload?: object) => {
    const r = await t.app.http.inject({ method, url, payload: payload as never })
    // the API answers 202 before the router has the message: wait for its outcome, then for the replies
    if (url === '/sim/api/messages' && r.statusCode === 202) await t.app.handled(r.json().messageId)
    await t.settle()
    return r
  }
  const botTexts = async () =>
    ((await sim('GET', `/sim/api/transcript?chat=${s.group}&after=0`)).json() as { entries: { bot: boolean; text?: string }[] }).entries.filter((e) => e.bot).map((e) => e.text ?? '')

  it('when a hazard is overheard through the API, then the prompt comes once; the same message id again adds no second answer', async () => {
    const say = { from: 'owner', groupId: s.group, text: '三楼东侧安全出口上锁了 营业时间也锁着', messageId: 'sim-plain-1' }
    expect((await sim('POST', '/sim/api/messages', say)).statusCode).toBeLessThan(300)
    const after1 = await botTexts()
    expect(after1.at(-1)).toContain('像是安全隐患（消防），要上报吗？回复 1 上报，回复 2 不报')
    await sim('POST', '/sim/api/messages', say)
    expect(await botTexts()).toEqual(after1)
    await sim('POST', '/sim/api/messages', { from: 'owner', groupId: s.group, text: '1', messageId: 'sim-plain-2' })
    expect((await botTexts()).at(-1)).toMatch(/已登记隐患 Y\d+（消防）/)
  })
})
