/**
 * A WeCom-only app (WECHATY_ENABLED=false): the intelligent bot over the SDK's long connection (against a
 * loopback fake of WeCom's server) and group robots, side by side.
 *
 * Long connection: an @bot 隐患 from a group files the hazard through the same router and the answer goes back
 * as a stream reply on the message's req_id; a redelivered message changes nothing; a push is an active
 * aibot_send_msg; wrong credentials stop the start with the variables to check.
 *
 * Group robots as an outbox channel: groups registered with only a webhook key get their pushes by the robot — paced to 20 a minute per robot on the injected clock, rate limits
 * retried after the wait, an invalid key dead at once with its reason, a long text in parts that resume after a
 * failure without repeats, and the key never in a log line.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { desc, eq, inArray } from 'drizzle-orm'
import { createHash, randomBytes } from 'node:crypto'
import { storeAttachment } from '../../src/services/attachments.js'
import pino from 'pino'
import { schema } from '../../db/client.js'
import { buildApp, type App } from '../../src/app.js'
import { testConfig } from '../../src/config.js'
import { ManualClock } from '../../src/core/clock.js'
import { enqueue } from '../../src/services/outbox.js'
import { ROBOT_ACCOUNT, ROBOT_CHANNEL } from '../../src/channels/wecom/robot-channel.js'
import { testDatabase, type TestDatabase } from '../helpers/db.js'
import { encryptMedia, FakeAibotWs, FakeWecomHttp, WECOM_BOT_ID, WECOM_SECRET } from '../helpers/wecom.js'
import { PNG_1PX } from '../helpers/app.js'
import { longConnBot } from '../../src/channels/wecom/bot-longconn.js'

const KEYS = {
  pace: '11111111-aaaa-4bbb-8ccc-000000000001',
  limit: '11111111-aaaa-4bbb-8ccc-000000000002',
  dead: '11111111-aaaa-4bbb-8ccc-000000000003',
  split: '11111111-aaaa-4bbb-8ccc-000000000004',
  image: '11111111-aaaa-4bbb-8ccc-000000000005',
}

const clock = new ManualClock('2026-11-20T02:00:00Z')
const fake = new FakeWecomHttp(clock)
const ws = new FakeAibotWs({ botId: WECOM_BOT_ID, secret: WECOM_SECRET })
const GROUP = 'wrLongConnGroup1'
const logLines: string[] = []
let database: TestDatabase
let app: App

beforeAll(async () => {
  await fake.start()
  await ws.start()
  database = await testDatabase()
  const config = testConfig({
    WECHATY_ENABLED: false,
    WECOM_BOT_MODE: 'longconn',
    WECOM_BOT_ID,
    WECOM_BOT_SECRET: WECOM_SECRET,
    WECOM_WS_URL: ws.url,
    WECOM_ROBOT_ENABLED: true,
    WECOM_API_BASE: fake.baseUrl,
  })
  app = await buildApp({ config, db: database.db, clock, logger: pino({ level: 'debug' }, { write: (l: string) => void logLines.push(l) }), pollMs: 100_000 })
  await seedWecomDirectory()
  await app.start()
  for (const [name, key] of Object.entries(KEYS)) {
    await database.db.insert(schema.groups).values({ channel: ROBOT_CHANNEL, externalId: `rg-${name}`, name: `推送群${name}`, registered: true, webhookKey: key })
  }
})

afterAll(async () => {
  await app?.close()
  await database?.close()
  await fake.close()
  await ws.close()
})

/** A township, a business, its owner bound to the WeCom userid zhangsan, and a registered WeCom group. */
async function seedWecomDirectory() {
  const db = database.db
  const [town] = await db.insert(schema.jurisdictions).values({ name: '城关街道', kind: 'township' }).returning()
  const [shop] = await db.insert(schema.businesses).values({ name: '城关老街饭店', industry: 'catering', townshipId: town.id }).returning()
  const [owner] = await db.insert(schema.people).values({ name: '张老板', role: 'member' }).returning()
  await db.insert(schema.memberships).values({ personId: owner.id, businessId: shop.id })
  await db.insert(schema.identities).values({ channel: 'wecom', externalId: 'zhangsan', displayName: '张老板', personId: owner.id })
  await db.insert(schema.groups).values({ channel: 'wecom', externalId: GROUP, name: '城关商户企微群', registered: true, townshipId: town.id })
}

function lcMessage(msgid: string, content: string) {
  return { msgid, aibotid: WECOM_BOT_ID, chatid: GROUP, chattype: 'group', from: { userid: 'zhangsan' }, msgtype: 'text', text: { content } }
}

describe('intelligent bot over the long connection', () => {
  it('subscribes with the BotID and Secret', () => {
    expect(ws.subscribed).toContainEqual(expect.objectContaining({ bot_id: WECOM_BOT_ID, secret: WECOM_SECRET }))
    expect(app.channel.name).toBe('wecom')
    expect(app.simulator).toBeUndefined()
  })

  it('an @bot 隐患 from a group files the hazard and the answer is a finished stream reply on its req_id', async () => {
    ws.deliver('req-lc-1', lcMessage('lc-1', '@安全助手 #隐患 后厨燃气软管老化开裂'))
    expect(await app.handled('lc-1')).toBe('handled')
    const reply = await ws.next((f) => f.cmd === 'aibot_respond_msg' && f.headers.req_id === 'req-lc-1')
    expect(reply.body?.msgtype).toBe('stream')
    expect(reply.body?.stream?.finish).toBe(true)
    expect(reply.body?.stream?.content).toContain('已登记隐患 Y')
    const hazards = await database.db.select().from(schema.hazards)
    expect(hazards).toHaveLength(1)
    expect(hazards[0].reporterName).toBe('张老板')
    await settle()
    const [row] = await database.db.select().from(schema.outbox).where(eq(schema.outbox.causeMessageId, 'lc-1'))
    expect([row.channel, row.account, row.status]).toEqual(['wecom', WECOM_BOT_ID, 'sent'])
  })

  it('the same message delivered again changes nothing and is not answered twice', async () => {
    ws.deliver('req-lc-2', lcMessage('lc-1', '@安全助手 #隐患 后厨燃气软管老化开裂'))
    expect(await app.handled('lc-1')).toBe('duplicate')
    await settle()
    expect(await database.db.select().from(schema.hazards)).toHaveLength(1)
    expect(ws.frames.filter((f) => f.headers.req_id === 'req-lc-2')).toEqual([])
  })

  it('a mixed text-and-picture message: the picture is fetched and decrypted with its own aeskey by the SDK', async () => {
    const key = randomBytes(32)
    const png = Buffer.concat([Buffer.from(PNG_1PX, 'base64'), Buffer.from('#lc')])
    fake.media.set('lc-p1', encryptMedia(png, key))
    ws.deliver('req-lc-3', {
      ...lcMessage('lc-3', ''),
      msgtype: 'mixed',
      text: undefined,
      mixed: {
        msg_item: [
          { msgtype: 'text', text: { content: '@安全助手 #隐患 配电箱门未关' } },
          { msgtype: 'image', image: { url: `${fake.baseUrl}/media/lc-p1`, aeskey: key.toString('base64') } },
        ],
      },
    })
    expect(await app.handled('lc-3')).toBe('handled')
    expect(await app.handled('lc-3#img1')).toBe('photo')
    const [h] = await database.db.select().from(schema.hazards).orderBy(desc(schema.hazards.id)).limit(1)
    const photos = await database.db.select().from(schema.hazardAttachments).where(eq(schema.hazardAttachments.hazardId, h.id))
    expect(photos).toHaveLength(1)
    const [file] = await database.db.select().from(schema.attachments).where(eq(schema.attachments.sha256, photos[0].sha256))
    expect(Buffer.compare(file.bytes!, png)).toBe(0)
    const reply = await ws.next((f) => f.cmd === 'aibot_respond_msg' && f.headers.req_id === 'req-lc-3')
    expect(reply.body?.stream?.content).toContain('已登记隐患 Y')
    // a message takes one stream reply: the second answer (the photo's) is a new message mentioning the sender
    const second = await ws.next((f) => f.cmd === 'aibot_send_msg' && String((f.body?.markdown as { content?: string })?.content).includes('已收到照片 1 张'))
    expect(second.body?.chatid).toBe(GROUP)
    expect((second.body?.markdown as { content: string }).content).toMatch(/^<@zhangsan> /)
  })

  it('a push to a chat goes as an active aibot_send_msg markdown message', async () => {
    await database.db.transaction((tx) =>
      enqueue(tx, { channel: 'wecom', account: WECOM_BOT_ID, chatId: GROUP, isGroup: true, priority: 'normal', text: '今日安全提示：检查燃气阀门。' }, clock.now()),
    )
    await settle()
    const f = await ws.next((x) => x.cmd === 'aibot_send_msg' && (x.body?.markdown as { content?: string })?.content === '今日安全提示：检查燃气阀门。')
    expect(f.body?.msgtype).toBe('markdown')
    expect(f.body?.chatid).toBe(GROUP)
  })

  it('wrong credentials stop the start, naming the variables to check', async () => {
    const bot = longConnBot({ db: database.db, clock, logger: pino({ level: 'silent' }), botId: WECOM_BOT_ID, secret: 'not-the-secret', botName: '安全助手', wsUrl: ws.url })
    await expect(bot.start()).rejects.toThrow(/WECOM_BOT_SECRET/)
    await bot.stop()
  })
})

async function push(chat: string, texts: string[]) {
  await database.db.transaction(async (tx) => {
    for (const text of texts) await enqueue(tx, { channel: ROBOT_CHANNEL, account: ROBOT_ACCOUNT, chatId: chat, isGroup: true, priority: 'normal', text }, clock.now())
  })
}

async function settle() {
  for (let i = 0; i < 3; i++) {
    for (const s of app.senders) s.kick()
    await Promise.all(app.senders.map((s) => s.whenIdle()))
    await new Promise((r) => setImmediate(r))
  }
}

const rowsOf = (chat: string) => database.db.select().from(schema.outbox).where(eq(schema.outbox.chatId, chat)).orderBy(schema.outbox.id)

describe('group robot in the outbox', () => {
  it('runs beside the bot with a sender of its own', () => {
    expect(app.channels.map((c) => c.name)).toEqual(['wecom', ROBOT_CHANNEL])
    expect(app.senders).toHaveLength(2)
  })

  it('paces to 20 a minute per robot on the injected clock: 25 pushes go out 20 now, 5 a minute later, in order, with no limit refusal', async () => {
    const texts = Array.from({ length: 25 }, (_, i) => `第${i + 1}条安全提示`)
    await push('rg-pace', texts)
    await settle()
    expect(fake.ofKey(KEYS.pace)).toHaveLength(20)
    const waiting = (await rowsOf('rg-pace')).filter((r) => r.status === 'pending')
    expect(waiting).toHaveLength(5)
    // paced rows are not failures
    expect(waiting.every((r) => r.attempts === 0 && r.lastError === null)).toBe(true)
    clock.advance(30_000)
    await settle()
    expect(fake.ofKey(KEYS.pace)).toHaveLength(20)
    clock.advance(30_000)
    await settle()
    const hits = fake.ofKey(KEYS.pace)
    expect(hits.map((h) => h.body.text?.content)).toEqual(texts)
    for (const h of hits) expect(hits.filter((x) => x.at > h.at - 60_000 && x.at <= h.at).length).toBeLessThanOrEqual(20)
    expect(fake.limitRefusals).toEqual([])
    expect((await rowsOf('rg-pace')).every((r) => r.status === 'sent')).toBe(true)
  })

  it('45009 (rate limited) is retried after a minute, once, not dead', async () => {
    fake.robotScript.set(KEYS.limit, [45009])
    await push('rg-limit', ['限流后重试'])
    await settle()
    let [row] = await rowsOf('rg-limit')
    expect(row.status).toBe('pending')
    expect(row.attempts).toBe(1)
    expect(row.lastError).toContain('45009')
    expect(row.nextAttemptAt.getTime() - clock.now().getTime()).toBe(60_000)
    clock.advance(30_000)
    await settle()
    expect(fake.ofKey(KEYS.limit)).toHaveLength(0)
    expect(fake.robotScript.get(KEYS.limit)).toEqual([])
    clock.advance(30_000)
    await settle()
    ;[row] = await rowsOf('rg-limit')
    expect(row.status).toBe('sent')
    expect(fake.ofKey(KEYS.limit).map((h) => h.body.text?.content)).toEqual(['限流后重试'])
  })

  it('93000 (invalid key) is a dead letter at once, with the reason', async () => {
    fake.robotScript.set(KEYS.dead, [93000])
    await push('rg-dead', ['发不出去'])
    await settle()
    const [row] = await rowsOf('rg-dead')
    expect(row.status).toBe('dead')
    expect(row.attempts).toBe(1)
    expect(row.lastError).toContain('93000')
    expect(row.lastError).toContain('invalid webhook key')
    expect(row.lastError).not.toContain(KEYS.dead)
  })

  it('a picture goes as base64 with its md5; one over 2 MB is a dead letter with the reason', async () => {
    const png = Buffer.concat([Buffer.from(PNG_1PX, 'base64'), Buffer.from('#robot')])
    const big = Buffer.concat([Buffer.from(PNG_1PX, 'base64'), Buffer.alloc(2 * 1024 * 1024)])
    await database.db.transaction(async (tx) => {
      for (const [text, bytes] of [['现场照片', png], ['太大的照片', big]] as const) {
        const sha = await storeAttachment(tx, bytes, 'image/png')
        await enqueue(tx, { channel: ROBOT_CHANNEL, account: ROBOT_ACCOUNT, chatId: 'rg-image', isGroup: true, priority: 'normal', text, imageSha256: sha }, clock.now())
      }
    })
    await settle()
    const hits = fake.ofKey(KEYS.image)
    // the row that cannot go whole sends nothing
    expect(hits.map((h) => h.body.msgtype)).toEqual(['text', 'image'])
    expect(Buffer.from(hits[1].body.image!.base64, 'base64').equals(png)).toBe(true)
    expect(hits[1].body.image!.md5).toBe(createHash('md5').update(png).digest('hex'))
    const rows = await rowsOf('rg-image')
    expect(rows.map((r) => r.status)).toEqual(['sent', 'dead'])
    expect(rows[1].lastError).toContain('2 MB')
  })

  it('a group with no webhook key is a dead letter naming the cause', async () => {
    await push('rg-unknown', ['无处可发'])
    await settle()
    const [row] = await rowsOf('rg-unknown')
    expect(row.status).toBe('dead')
    expect(row.lastError).toContain('no webhook key')
  })

  it('a long text goes in parts of ≤ 2,048 bytes; after a failed part the retry sends only the rest', async () => {
    const lines = Array.from({ length: 120 }, (_, i) => `第${i + 1}项：检查消防通道是否畅通，灭火器是否在有效期内。`)
    const text = lines.join('\n')
    expect(Buffer.byteLength(text)).toBeGreaterThan(4096)
    fake.robotScript.set(KEYS.split, [0, 'destroy'])
    await push('rg-split', [text])
    await settle()
    let [row] = await rowsOf('rg-split')
    expect(row.status).toBe('pending')
    expect(row.lastError).toContain('network error')
    const [progress] = await database.db.select().from(schema.outboxParts).where(eq(schema.outboxParts.outboxId, row.id))
    expect(progress.sentParts).toBe(1)
    expect(fake.ofKey(KEYS.split)).toHaveLength(1)
    clock.advance(1000)
    await settle()
    ;[row] = await rowsOf('rg-split')
    expect(row.status).toBe('sent')
    const parts = fake.ofKey(KEYS.split).map((h) => h.body.text!.content)
    expect(parts.length).toBeGreaterThanOrEqual(3)
    for (const p of parts) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(2048)
    expect(parts.join('\n')).toBe(text)
    expect(await database.db.select().from(schema.outboxParts).where(inArray(schema.outboxParts.outboxId, [row.id]))).toEqual([])
  })

  it('no log line holds a webhook key; failures name the robot by fingerprint', () => {
    const all = logLines.join('')
    for (const key of Object.values(KEYS)) expect(all).not.toContain(key)
    expect(all).not.toContain(WECOM_SECRET)
    expect(all).toMatch(/robot:[0-9a-f]{8}/)
    expect(all).toContain('key=***')
  })
})

describe('long connection: drops and restarts', () => {
  const hazardCount = async () => (await database.db.select().from(schema.hazards)).length
  const health = async () => (await app.http.inject({ method: 'GET', url: '/health' })).json() as { ok: boolean; channel: boolean }

  async function until(cond: () => Promise<boolean>, ms = 5000) {
    const end = Date.now() + ms
    while (!(await cond())) {
      if (Date.now() > end) throw new Error('condition not met in time')
      await new Promise((r) => setTimeout(r, 10))
    }
  }

  it('when the server drops the connection, /health says so, the SDK reconnects, and a message after it is handled and answered', async () => {
    const before = ws.connections
    const again = ws.nextSubscription()
    ws.drop()
    await until(async () => !(await health()).channel)
    await again
    expect(ws.connections).toBe(before + 1)
    await until(async () => (await health()).ok)
    const n = await hazardCount()
    ws.deliver('req-rc-1', lcMessage('rc-1', '@安全助手 #隐患 消防通道堆放纸箱'))
    expect(await app.handled('rc-1')).toBe('handled')
    const reply = await ws.next((f) => f.cmd === 'aibot_respond_msg' && f.headers.req_id === 'req-rc-1')
    expect(reply.body?.stream?.content).toContain('已登记隐患 Y')
    expect(await hazardCount()).toBe(n + 1)
    expect(logLines.join('')).toContain('WeCom long connection re-established')
  })

  it('when the server restarts on its address, the SDK reconnects to it and messages are answered', async () => {
    const again = ws.nextSubscription()
    await ws.close()
    await ws.start()
    await again
    ws.deliver('req-rc-2', lcMessage('rc-2', '@安全助手 #隐患 灭火器过期未换'))
    expect(await app.handled('rc-2')).toBe('handled')
    const reply = await ws.next((f) => f.cmd === 'aibot_respond_msg' && f.headers.req_id === 'req-rc-2')
    expect(reply.body?.stream?.content).toContain('已登记隐患 Y')
  })

  it('a message redelivered across a reconnect (its answer lost with the connection) makes one hazard and one answer', async () => {
    const n = await hazardCount()
    const text = '@安全助手 #隐患 配电箱周边堆放杂物'
    // the connection dies as the answer goes out: WeCom never acknowledges it
    ws.dropOn = (f) => f.cmd === 'aibot_respond_msg' && f.headers.req_id === 'req-rc-3a'
    const again = ws.nextSubscription()
    ws.deliver('req-rc-3a', lcMessage('rc-3', text))
    expect(await app.handled('rc-3')).toBe('handled')
    await again
    expect(ws.dropped.map((f) => f.headers.req_id)).toEqual(['req-rc-3a'])
    // WeCom delivers the unanswered message again on the new connection
    ws.deliver('req-rc-3b', lcMessage('rc-3', text))
    expect(await app.handled('rc-3')).toBe('duplicate')
    expect(await hazardCount()).toBe(n + 1)
    // the answer is retried after its backoff, once, on the redelivered message's req_id
    const [row] = await database.db.select().from(schema.outbox).where(eq(schema.outbox.causeMessageId, 'rc-3'))
    expect(row.status).toBe('pending')
    clock.advance(1000)
    await settle()
    const answers = ws.frames.filter(
      (f) =>
        (f.cmd === 'aibot_respond_msg' && (f.headers.req_id === 'req-rc-3a' || f.headers.req_id === 'req-rc-3b')) ||
        (f.cmd === 'aibot_send_msg' && String((f.body?.markdown as { content?: string } | undefined)?.content).includes('配电箱周边')),
    )
    expect(answers.map((f) => f.headers.req_id === 'req-rc-3b')).toEqual([true])
    expect(answers[0].body?.stream?.content).toContain('已登记隐患 Y')
    const [done] = await database.db.select().from(schema.outbox).where(eq(schema.outbox.causeMessageId, 'rc-3'))
    expect([done.status, done.attempts]).toEqual(['sent', 2])
    expect(await hazardCount()).toBe(n + 1)
  })
})
