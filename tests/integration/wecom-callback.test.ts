/**
 * The intelligent bot in HTTP callback mode, end to end, beside the Wechaty simulator in one app: encrypted,
 * signed callbacks → the same dedupe, router and commands → the outbox → an encrypted passive reply (or the
 * group robot for a push). Refused callbacks store nothing.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { and, eq, sql } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { startTestApp, seedBasics, PNG_1PX, type TestApp, type Seed } from '../helpers/app.js'
import { callbackConfig, callbackRequest, encryptMedia, FakeWecomHttp, WECOM_AES_KEY, WECOM_BOT_ID, WECOM_TOKEN } from '../helpers/wecom.js'
import { decrypt, signature, encrypt } from '../../src/channels/wecom/crypto.js'
import { enqueue } from '../../src/services/outbox.js'
import { ManualClock } from '../../src/core/clock.js'
import pino from 'pino'
import { callbackBot } from '../../src/channels/wecom/bot-callback.js'
import { OutboxSender } from '../../src/outbox-sender.js'
import { RobotPush } from '../../src/channels/wecom/robot-channel.js'

const PATH = '/wecom/callback'
const GROUP = 'wrkSFfCgAAtest1'
const ROBOT_KEY = '0a1b2c3d-aaaa-4bbb-8ccc-000000000001'

let t: TestApp
let s: Seed
const clock = new ManualClock('2026-11-20T02:00:00Z')
const fake = new FakeWecomHttp(clock)
let seq = 0

beforeAll(async () => {
  await fake.start()
  t = await startTestApp({
    clock,
    config: callbackConfig(fake),
  })
  s = await seedBasics(t)
  const db = t.database.db
  // the same people on WeCom: 张老板 as userid zhangsan, the officer as liming
  await db.insert(schema.identities).values([
    { channel: 'wecom', externalId: 'zhangsan', displayName: '张老板', personId: s.owner.id },
    { channel: 'wecom', externalId: 'liming', displayName: '李明', personId: s.officer.id },
  ])
  await db.insert(schema.groups).values({
    channel: 'wecom',
    externalId: GROUP,
    name: '城关商户企微群',
    registered: true,
    townshipId: s.town.id,
    webhookKey: ROBOT_KEY,
  })
})

afterAll(async () => {
  await t?.close()
  await fake.close()
})

function textMessage(content: string, o: { msgid?: string; from?: string; chat?: string | null } = {}) {
  const msgid = o.msgid ?? `msg-${++seq}`
  return {
    msgid,
    aibotid: WECOM_BOT_ID,
    ...(o.chat === null ? {} : { chatid: o.chat ?? GROUP }),
    chattype: o.chat === null ? 'single' : 'group',
    from: { userid: o.from ?? 'zhangsan' },
    response_url: `${fake.baseUrl}/response/${msgid}`,
    msgtype: 'text',
    text: { content },
  }
}

async function post(message: object, opts: Parameters<typeof callbackRequest>[2] = {}) {
  const r = callbackRequest(message, clock.now(), opts)
  const res = await t.app.http.inject({ method: 'POST', url: `${PATH}?${r.query}`, payload: r.body, headers: { 'content-type': 'application/json' } })
  return res
}

/** Checks the passive reply's signature and decrypts it. */
function openReply(payload: string): { msgtype: string; stream: { id: string; finish: boolean; content: string; msg_item?: Array<{ image: { base64: string; md5: string } }> } } {
  const r = JSON.parse(payload) as { encrypt: string; msgsignature: string; timestamp: string; nonce: string }
  expect(signature(WECOM_TOKEN, r.timestamp, r.nonce, r.encrypt)).toBe(r.msgsignature)
  const d = decrypt(WECOM_AES_KEY, r.encrypt)
  expect(d.receiveId).toBe('')
  return JSON.parse(d.message)
}

const hazardCount = async () => (await t.database.db.select({ n: sql<number>`count(*)::int` }).from(schema.hazards))[0].n
const inboundCount = async () =>
  (await t.database.db.select({ n: sql<number>`count(*)::int` }).from(schema.inboundMessages).where(eq(schema.inboundMessages.channel, 'wecom')))[0].n

async function settleAll() {
  for (let i = 0; i < 3; i++) {
    for (const sender of t.app.senders) sender.kick()
    await Promise.all(t.app.senders.map((x) => x.whenIdle()))
    await new Promise((r) => setImmediate(r))
  }
}

describe('URL verification', () => {
  it('answers the decrypted echostr to a signed GET', async () => {
    const echo = encrypt(WECOM_AES_KEY, '8465903871230658', '')
    const ts = String(Math.floor(clock.now().getTime() / 1000))
    const q = new URLSearchParams({ msg_signature: signature(WECOM_TOKEN, ts, 'n1', echo), timestamp: ts, nonce: 'n1', echostr: echo })
    const res = await t.app.http.inject({ method: 'GET', url: `${PATH}?${q}` })
    expect(res.statusCode).toBe(200)
    expect(res.body).toBe('8465903871230658')
  })

  it('refuses a GET with a wrong signature or a stale timestamp', async () => {
    const echo = encrypt(WECOM_AES_KEY, 'x', '')
    const ts = String(Math.floor(clock.now().getTime() / 1000))
    const bad = new URLSearchParams({ msg_signature: signature('other', ts, 'n1', echo), timestamp: ts, nonce: 'n1', echostr: echo })
    expect((await t.app.http.inject({ method: 'GET', url: `${PATH}?${bad}` })).statusCode).toBe(401)
    const old = String(Number(ts) - 3600)
    const stale = new URLSearchParams({ msg_signature: signature(WECOM_TOKEN, old, 'n1', echo), timestamp: old, nonce: 'n1', echostr: echo })
    const res = await t.app.http.inject({ method: 'GET', url: `${PATH}?${stale}` })
    expect(res.statusCode).toBe(401)
    expect(res.json().error).toBe('stale')
  })
})

describe('messages', () => {
  it('an @bot 隐患 from a group files the hazard; the encrypted passive reply carries the answer', async () => {
    const before = await hazardCount()
    const res = await post(textMessage('@安全助手 #隐患 后厨燃气软管老化开裂 地点：一楼后厨', { msgid: 'e2e-1' }))
    expect(res.statusCode).toBe(200)
    const reply = openReply(res.body)
    expect(reply.msgtype).toBe('stream')
    expect(reply.stream.finish).toBe(true)
    expect(reply.stream.content).toContain('已登记隐患 Y')
    expect(await hazardCount()).toBe(before + 1)
    const [h] = await t.database.db.select().from(schema.hazards).orderBy(sql`id desc`).limit(1)
    expect(h.description).toContain('后厨燃气软管老化开裂')
    expect(h.reporterName).toBe('张老板')
    expect(h.businessId).toBe(s.shop.id)
    // the answer is an outbox row of the WeCom account, sent once
    const rows = await t.database.db.select().from(schema.outbox).where(eq(schema.outbox.causeMessageId, 'e2e-1'))
    expect(rows.map((r) => [r.channel, r.account, r.chatId, r.status])).toEqual([['wecom', WECOM_BOT_ID, GROUP, 'sent']])
    expect(fake.responses.filter((r) => r.id === 'e2e-1')).toEqual([])
  })

  it('the report word without # after the @-mention (@bot 隐患 …) files a hazard it recognises, and asks first about other words', async () => {
    const before = await hazardCount()
    const res = await post(textMessage('@安全助手 隐患 后厨灭火器过期了'))
    expect(openReply(res.body).stream.content).toContain('已登记隐患 Y')
    expect(await hazardCount()).toBe(before + 1)
    // words the recogniser does not know as a hazard: a draft to confirm, filed on 1
    const draft = await post(textMessage('@安全助手 隐患 冷库门把手损坏'))
    expect(openReply(draft.body).stream.content).toContain('回复 1 上报')
    expect(await hazardCount()).toBe(before + 1)
    const confirmed = await post(textMessage('@安全助手 1'))
    expect(openReply(confirmed.body).stream.content).toContain('已登记隐患 Y')
    expect(await hazardCount()).toBe(before + 2)
  })

  it('a replayed callback (same msgid) files nothing more and gets the same answer again', async () => {
    const before = await hazardCount()
    const first = await t.database.db.select().from(schema.outbox).where(eq(schema.outbox.causeMessageId, 'e2e-1'))
    const res = await post(textMessage('@安全助手 #隐患 后厨燃气软管老化开裂 地点：一楼后厨', { msgid: 'e2e-1' }))
    expect(res.statusCode).toBe(200)
    expect(openReply(res.body).stream.content).toContain('已登记隐患 Y')
    expect(await hazardCount()).toBe(before)
    expect(await t.database.db.select().from(schema.outbox).where(eq(schema.outbox.causeMessageId, 'e2e-1'))).toEqual(first)
  })

  it('refuses a bad signature, a stale timestamp and a broken body with a 4xx, storing nothing', async () => {
    const hazards = await hazardCount()
    const inbound = await inboundCount()
    const msg = textMessage('@安全助手 #隐患 不该登记', { msgid: 'evil-1' })
    const wrongToken = await post(msg, { token: 'notTheToken' })
    expect(wrongToken.statusCode).toBe(401)
    expect(wrongToken.json().error).toBe('bad_signature')
    const stale = await post(msg, { timestamp: String(Math.floor(clock.now().getTime() / 1000) - 301) })
    expect(stale.statusCode).toBe(401)
    expect(stale.json().error).toBe('stale')
    const future = await post(msg, { timestamp: String(Math.floor(clock.now().getTime() / 1000) + 3600) })
    expect(future.statusCode).toBe(401)
    // a byte changed in the ciphertext after signing
    const r = callbackRequest(msg, clock.now())
    const tampered = r.encrypted.slice(0, 10) + (r.encrypted[10] === 'A' ? 'B' : 'A') + r.encrypted.slice(11)
    const res = await t.app.http.inject({ method: 'POST', url: `${PATH}?${r.query}`, payload: JSON.stringify({ encrypt: tampered }) })
    expect(res.statusCode).toBe(401)
    const noEncrypt = await t.app.http.inject({ method: 'POST', url: `${PATH}?${r.query}`, payload: '{"hello":1}' })
    expect(noEncrypt.statusCode).toBe(400)
    const noQuery = await t.app.http.inject({ method: 'POST', url: PATH, payload: r.body })
    expect(noQuery.statusCode).toBe(400)
    expect(await hazardCount()).toBe(hazards)
    expect(await inboundCount()).toBe(inbound)
  })

  it('mixed text and picture in one @-message: the hazard and its photo', async () => {
    const png = Buffer.from(PNG_1PX, 'base64')
    fake.media.set('p1', encryptMedia(png))
    const msgid = 'mixed-1'
    const res = await post({
      msgid,
      aibotid: WECOM_BOT_ID,
      chatid: GROUP,
      chattype: 'group',
      from: { userid: 'zhangsan' },
      response_url: `${fake.baseUrl}/response/${msgid}`,
      msgtype: 'mixed',
      mixed: {
        msg_item: [
          { msgtype: 'text', text: { content: '@安全助手 #隐患 安全出口堆放杂物' } },
          { msgtype: 'image', image: { url: `${fake.baseUrl}/media/p1` } },
        ],
      },
    })
    expect(res.statusCode).toBe(200)
    const content = openReply(res.body).stream.content
    expect(content).toContain('已登记隐患 Y')
    expect(content).toContain('已收到照片 1 张')
    const [h] = await t.database.db.select().from(schema.hazards).orderBy(sql`id desc`).limit(1)
    expect(h.description).toContain('安全出口堆放杂物')
    const photos = await t.database.db.select().from(schema.hazardAttachments).where(eq(schema.hazardAttachments.hazardId, h.id))
    expect(photos).toHaveLength(1)
    const [file] = await t.database.db.select().from(schema.attachments).where(eq(schema.attachments.sha256, photos[0].sha256))
    expect(Buffer.compare(file.bytes!, png)).toBe(0)
  })

  it('a single chat: plain text needs no @, and a plain picture after 隐患 is attached', async () => {
    const r1 = await post(textMessage('#隐患 仓库灭火器过期', { chat: null }))
    expect(openReply(r1.body).stream.content).toContain('已登记隐患 Y')
    const png = Buffer.concat([Buffer.from(PNG_1PX, 'base64'), Buffer.from('#2')])
    fake.media.set('p2', encryptMedia(png))
    const r2 = await post({
      msgid: 'single-img-1',
      aibotid: WECOM_BOT_ID,
      chattype: 'single',
      from: { userid: 'zhangsan' },
      msgtype: 'image',
      image: { url: `${fake.baseUrl}/media/p2` },
    })
    expect(openReply(r2.body).stream.content).toContain('已收到照片 1 张')
  })

  it('an unbound WeCom user is answered with the binding hint, through the same router', async () => {
    const res = await post(textMessage('@安全助手 #受理 Y1', { from: 'stranger' }))
    expect(openReply(res.body).stream.content).toContain('#绑定')
  })

  it('events and stream refreshes get an empty 200 and are not messages', async () => {
    const inbound = await inboundCount()
    const ev = await post({ msgid: 'ev-1', aibotid: WECOM_BOT_ID, chattype: 'single', from: { userid: 'zhangsan' }, msgtype: 'event', event: { eventtype: 'enter_chat' } })
    expect(ev.statusCode).toBe(200)
    expect(ev.body).toBe('')
    expect(await inboundCount()).toBe(inbound)
  })
})

describe('pushes: two-way preferred, the group robot as fallback', () => {
  it('a push to the WeCom group (the bot cannot start a message in callback mode) goes by its robot', async () => {
    await t.database.db.transaction((tx) =>
      enqueue(tx, { channel: 'wecom', account: WECOM_BOT_ID, chatId: GROUP, isGroup: true, priority: 'normal', text: '今日安全提示：下班前检查燃气阀门。' }, clock.now()),
    )
    await settleAll()
    const hits = fake.ofKey(ROBOT_KEY)
    expect(hits.map((h) => h.body.text?.content)).toContain('今日安全提示：下班前检查燃气阀门。')
    const [row] = await t.database.db
      .select()
      .from(schema.outbox)
      .where(and(eq(schema.outbox.chatId, GROUP), eq(schema.outbox.priority, 2)))
    expect(row.status).toBe('sent')
  })

  it('a push to a direct chat it cannot reach is a dead letter with the reason', async () => {
    await t.database.db.transaction((tx) =>
      enqueue(tx, { channel: 'wecom', account: WECOM_BOT_ID, chatId: 'zhangsan', isGroup: false, priority: 'normal', text: '提醒' }, clock.now()),
    )
    await settleAll()
    const [row] = await t.database.db
      .select()
      .from(schema.outbox)
      .where(and(eq(schema.outbox.chatId, 'zhangsan'), eq(schema.outbox.text, '提醒')))
    expect(row.status).toBe('dead')
    expect(row.lastError).toContain('callback mode')
  })

  it("endpoints: a group's own two-way channel first, its robot as the fallback", () => {
    expect(t.app.channels.map((c) => c.name)).toEqual(['wechaty', 'wecom', 'wecom-robot'])
    expect(t.app.endpointFor({ channel: 'wecom', externalId: GROUP, webhookKey: ROBOT_KEY })).toEqual({ channel: 'wecom', account: WECOM_BOT_ID, chatId: GROUP })
    expect(t.app.endpointFor({ channel: 'wechaty', externalId: 'g1', webhookKey: ROBOT_KEY })?.channel).toBe('wechaty')
    expect(t.app.endpointFor({ channel: 'wecom-robot', externalId: 'robot:1', webhookKey: ROBOT_KEY })).toEqual({ channel: 'wecom-robot', account: 'robot', chatId: 'robot:1' })
    // a group of a channel this app does not run, with a robot: by the robot; without one: nowhere
    expect(t.app.endpointFor({ channel: 'other', externalId: 'x', webhookKey: ROBOT_KEY })?.channel).toBe('wecom-robot')
    expect(t.app.endpointFor({ channel: 'other', externalId: 'x', webhookKey: null })).toBeNull()
  })

  it('the Wechaty simulator still works in the same app', async () => {
    expect(await t.say('owner', s.group, '#隐患 配电箱门未关')).toBe('handled')
    expect(t.botSaid(s.group)[0].text).toContain('已登记隐患 Y')
  })
})

describe('group robots in the console API', () => {
  const KEY2 = '0a1b2c3d-aaaa-4bbb-8ccc-000000000002'

  it('registers a push-only group from the pasted webhook URL; pushes to it go by its robot; the key is never shown', async () => {
    const res = await t.app.http.inject({
      method: 'POST',
      url: '/api/wecom/robot-groups',
      payload: { name: '城关加油站推送群', webhook: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${KEY2}`, township: '城关街道', industries: ['refined_oil'] },
    })
    expect(res.statusCode).toBe(201)
    expect(res.body).not.toContain(KEY2)
    const g = res.json() as { id: number; channel: string; externalId: string; robot: string; registered: boolean }
    expect(g).toMatchObject({ channel: 'wecom-robot', registered: true })
    expect(g.robot).toMatch(/^robot:[0-9a-f]{8}$/)
    await t.database.db.transaction((tx) =>
      enqueue(tx, { channel: 'wecom-robot', account: 'robot', chatId: g.externalId, isGroup: true, priority: 'normal', text: '加油站安全提示' }, clock.now()),
    )
    await settleAll()
    expect(fake.ofKey(KEY2).map((h) => h.body.text?.content)).toEqual(['加油站安全提示'])
    const list = await t.app.http.inject({ method: 'GET', url: '/api/wecom/groups' })
    expect(list.body).not.toContain(KEY2)
    expect(list.body).not.toContain(ROBOT_KEY)
    const again = await t.app.http.inject({ method: 'POST', url: '/api/wecom/robot-groups', payload: { name: '重复', webhook: KEY2 } })
    expect(again.statusCode).toBe(409)
  })

  it('sets and clears a group webhook; a malformed one is refused with the fix', async () => {
    const [row] = await t.database.db.select().from(schema.groups).where(eq(schema.groups.externalId, GROUP))
    const bad = await t.app.http.inject({ method: 'PUT', url: `/api/wecom/groups/${row.id}/webhook`, payload: { webhook: 'https://example.com/no-key-here' } })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().message).toContain('webhook')
    const cleared = await t.app.http.inject({ method: 'PUT', url: `/api/wecom/groups/${row.id}/webhook`, payload: { webhook: null } })
    expect(cleared.json().robot).toBeNull()
    const set = await t.app.http.inject({ method: 'PUT', url: `/api/wecom/groups/${row.id}/webhook`, payload: { webhook: ROBOT_KEY } })
    expect(set.statusCode).toBe(200)
    expect(set.json().robot).toMatch(/^robot:/)
    const audit = await t.database.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'group.webhook'))
    expect(audit).toHaveLength(2)
    expect(JSON.stringify(audit)).not.toContain(ROBOT_KEY)
  })

  it('the robot API refuses a client from another machine without a bearer token', async () => {
    const res = await t.app.http.inject({ method: 'GET', url: '/api/wecom/groups', remoteAddress: '10.0.0.9' })
    expect(res.statusCode).toBe(401)
  })
})

describe('answers too late for the passive reply', () => {
  it('go once through the message\'s response_url, as markdown mentioning the sender', async () => {
    // a second bot account on the same router and database, that never waits for a passive answer
    const logger = pino({ level: 'silent' })
    const robot = new RobotPush({ db: t.database.db, clock, logger, baseUrl: fake.baseUrl })
    const bot = callbackBot({ db: t.database.db, clock, logger, account: 'aib-late', botName: '安全助手', encodingAesKey: WECOM_AES_KEY, passiveReplyMs: 0, robot })
    bot.onMessage(async (m) => {
      await t.app.router.handle(m)
    })
    const sender = new OutboxSender({ db: t.database.db, channel: bot, clock, logger, instanceId: 'late-test', maxAttempts: 3, pollMs: 100_000 })
    sender.start()
    try {
      const msg = textMessage('@安全助手 #隐患 楼梯间堆放纸箱', { msgid: 'late-1' })
      expect(await bot.receive(JSON.stringify(msg))).toBeNull()
      sender.kick()
      await sender.whenIdle()
      const sent = fake.responses.filter((r) => r.id === 'late-1')
      expect(sent).toHaveLength(1)
      expect(sent[0].body.msgtype).toBe('markdown')
      expect(sent[0].body.markdown?.content).toMatch(/^<@zhangsan> .*已登记隐患 Y/)
      const [row] = await t.database.db.select().from(schema.outbox).where(eq(schema.outbox.causeMessageId, 'late-1'))
      expect([row.account, row.status]).toEqual(['aib-late', 'sent'])
      // a second answer to the same message cannot reuse the spent response_url: the group's robot takes it
      const before = fake.ofKey(ROBOT_KEY).length
      await t.database.db.transaction((tx) =>
        enqueue(tx, { channel: 'wecom', account: 'aib-late', chatId: GROUP, isGroup: true, priority: 'reply', text: '补充说明', causeMessageId: 'late-1' }, clock.now()),
      )
      sender.kick()
      await sender.whenIdle()
      expect(fake.responses.filter((r) => r.id === 'late-1')).toHaveLength(1)
      expect(fake.ofKey(ROBOT_KEY).slice(before).map((h) => h.body.text?.content)).toEqual(['补充说明'])
    } finally {
      await sender.stop()
    }
  })
})
