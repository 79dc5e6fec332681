/**
 * Rich messages through the outbox, and the major-hazard announcement across channels, in one app running the
 * Wechaty simulator, the intelligent bot (callback mode) and group robots against a loopback fake of WeCom that
 * checks every robot message's shape as WeCom documents it (sizes, image md5, news article fields).
 *
 * - Text, markdown, image and news rows to a robot arrive exactly once, in order, paced to 20 a minute; markdown
 *   over 4,096 bytes goes in parts; rows WeCom would refuse are dead letters with their reason.
 * - The same rows to a Wechaty group arrive as their plain-text fallback.
 * - The weekly summary reaches a robot-only bureau group as markdown plus its chart; a weather alert is markdown
 *   on robots and plain text on Wechaty.
 * - A major hazard reported through the intelligent bot is announced in the leaders' group by its robot when
 *   that is the only way there, and in the leaders' Wechaty group when the app sits in it (two-way preferred).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { eq, inArray, sql } from 'drizzle-orm'
import { createHash } from 'node:crypto'
import pino from 'pino'
import { schema } from '../../db/client.js'
import { startTestApp, seedBasics, PNG_1PX, type TestApp, type Seed } from '../helpers/app.js'
import { callbackConfig, callbackRequest, FakeWecomHttp, robotShapeError, WECOM_AES_KEY, WECOM_BOT_ID, type RobotHit } from '../helpers/wecom.js'
import { decrypt } from '../../src/channels/wecom/crypto.js'
import { enqueue, type OutboxItem, type RichMessage } from '../../src/services/outbox.js'
import { storeAttachment } from '../../src/services/attachments.js'
import { recordGroupAccounts } from '../../src/services/pushes.js'
import { pushWeatherAlert } from '../../src/services/alerts.js'
import { ManualClock } from '../../src/core/clock.js'
import { ROBOT_ACCOUNT, ROBOT_CHANNEL } from '../../src/channels/wecom/robot-channel.js'
import weeklySummary from '../../schedules/weekly-summary.js'
import hazardDeadlines from '../../schedules/hazard-deadlines.js'

const GROUP = 'wrkRichGroup1'
const KEYS = {
  rich: '22222222-aaaa-4bbb-8ccc-000000000001',
  bureau: '22222222-aaaa-4bbb-8ccc-000000000002',
  alert: '22222222-aaaa-4bbb-8ccc-000000000003',
  leaders: '22222222-aaaa-4bbb-8ccc-000000000004',
  leadersWechaty: '22222222-aaaa-4bbb-8ccc-000000000005',
}

let t: TestApp
let s: Seed
const clock = new ManualClock('2026-11-20T02:00:00Z')
const fake = new FakeWecomHttp(clock)

beforeAll(async () => {
  await fake.start()
  t = await startTestApp({
    clock,
    config: callbackConfig(fake),
  })
  s = await seedBasics(t)
  const db = t.database.db
  await db.insert(schema.identities).values({ channel: 'wecom', externalId: 'zhangsan', displayName: '张老板', personId: s.owner.id })
  await db.insert(schema.groups).values([
    { channel: 'wecom', externalId: GROUP, name: '城关商户企微群', registered: true, townshipId: s.town.id },
    { channel: ROBOT_CHANNEL, externalId: 'rg-rich', name: '富文本推送群', registered: false, webhookKey: KEYS.rich },
    { channel: ROBOT_CHANNEL, externalId: 'rg-bureau', name: '局机关工作群', registered: false, webhookKey: KEYS.bureau },
    { channel: ROBOT_CHANNEL, externalId: 'rg-alert', name: '城关加油站推送群', registered: true, townshipId: s.town.id, webhookKey: KEYS.alert },
  ])
  // the Wechaty account sits in the merchants' group, as the app records at start for the chats it is in
  await recordGroupAccounts(db, 'wechaty', t.app.channel.account()!, [{ id: s.group }], clock.now())
})

afterAll(async () => {
  await t?.close()
  await fake.close()
})

async function settleAll() {
  for (let i = 0; i < 3; i++) {
    for (const sender of t.app.senders) sender.kick()
    await Promise.all(t.app.senders.map((x) => x.whenIdle()))
    await new Promise((r) => setImmediate(r))
  }
}

const png = (tag: string) => Buffer.concat([Buffer.from(PNG_1PX, 'base64'), Buffer.from(tag)])
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex')
const rowsOf = (chat: string) => t.database.db.select().from(schema.outbox).where(eq(schema.outbox.chatId, chat)).orderBy(schema.outbox.id)
const hazardCount = async () => (await t.database.db.select({ n: sql<number>`count(*)::int` }).from(schema.hazards))[0].n

/** What a robot request shows: its type and the text (or image md5, or first article title) that names it. */
function label(h: RobotHit): string {
  const b = h.body
  if (b.msgtype === 'text') return `text:${b.text!.content}`
  if (b.msgtype === 'markdown') return `markdown:${b.markdown!.content}`
  if (b.msgtype === 'image') return `image:${b.image!.md5}`
  return `news:${b.news!.articles[0].title}`
}

describe('rich messages to a group robot through the outbox', () => {
  type Planned = { item: Partial<OutboxItem> & { image?: Buffer }; expect: string[] | { dead: string } }
  const longMarkdown = Array.from({ length: 150 }, (_, i) => `> 第${i + 1}项：检查消防通道是否畅通，灭火器是否在有效期内。`).join('\n')
  const plan: Planned[] = []

  it('text, markdown, image and news each arrive exactly once, in order, paced; invalid rows are dead letters with their reason', async () => {
    for (let i = 1; i <= 6; i++) {
      const article = { title: `第${i}期安全简报`, url: `https://aq.example.gov.cn/n/${i}`, description: '本期要点', picurl: `https://aq.example.gov.cn/p/${i}.png` }
      const image = png(`#rich${i}`)
      plan.push(
        { item: { text: `第${i}条安全提示` }, expect: [`text:第${i}条安全提示`] },
        { item: { rich: { type: 'markdown', content: `**第${i}条**<font color="info">重点</font>` } }, expect: [`markdown:**第${i}条**<font color="info">重点</font>`] },
        { item: { image }, expect: [`image:${md5(image)}`] },
        { item: { rich: { type: 'news', articles: [article] } }, expect: [`news:${article.title}`] },
      )
      if (i === 1) {
        const nine = Array.from({ length: 9 }, (_, k) => ({ title: `文章${k}`, url: `https://aq.example.gov.cn/a/${k}` }))
        plan.push({ item: { rich: { type: 'news', articles: nine } }, expect: { dead: '1 to 8 articles' } })
      }
      if (i === 2) plan.push({ item: { image: Buffer.concat([png('#big'), Buffer.alloc(2 * 1024 * 1024)]) }, expect: { dead: '2 MB' } })
      // over 4,096 bytes (about 12,000): several markdown messages, cut at line breaks
      if (i === 3) plan.push({ item: { rich: { type: 'markdown', content: longMarkdown } }, expect: ['markdown-long'] })
      if (i === 4) {
        plan.push({ item: { rich: { type: 'news', articles: [{ title: '链接不对', url: 'aq.example.gov.cn/x' }] } }, expect: { dead: 'http(s) link' } })
        // WeCom cuts a title over 128 bytes anywhere: the app cuts it between characters first (42 of 50)
        plan.push({ item: { rich: { type: 'news', articles: [{ title: '长'.repeat(50), url: 'https://aq.example.gov.cn/x' }] } }, expect: [`news:${'长'.repeat(42)}`] })
      }
    }
    await t.database.db.transaction(async (tx) => {
      for (const p of plan) {
        const { image, ...item } = p.item
        const imageSha256 = image ? await storeAttachment(tx, image, 'image/png') : undefined
        await enqueue(tx, { channel: ROBOT_CHANNEL, account: ROBOT_ACCOUNT, chatId: 'rg-rich', isGroup: true, priority: 'normal', ...item, imageSha256 }, clock.now())
      }
    })
    await settleAll()
    // paced: the robot's minute is full; the rest wait without counting a failed attempt
    const first = fake.ofKey(KEYS.rich).length
    expect(first).toBeGreaterThan(15)
    expect(first).toBeLessThanOrEqual(20)
    const waiting = (await rowsOf('rg-rich')).filter((r) => r.status === 'pending')
    expect(waiting.length).toBeGreaterThan(0)
    expect(waiting.every((r) => r.lastError === null)).toBe(true)
    clock.advance(60_000)
    await settleAll()
    clock.advance(60_000)
    await settleAll()

    const hits = fake.ofKey(KEYS.rich)
    // every request WeCom took had the documented shape (the fake records only those)
    for (const h of hits) expect(robotShapeError(h.body)).toBeNull()
    const labels = hits.map(label)
    const i = labels.findIndex((l) => l.startsWith('markdown:> 第1项'))
    const longParts = hits.slice(i).filter((h) => h.body.msgtype === 'markdown' && h.body.markdown!.content.startsWith('> 第'))
    expect(longParts.length).toBe(Math.ceil(Buffer.byteLength(longMarkdown) / 4096))
    for (const p of longParts) expect(Buffer.byteLength(p.body.markdown!.content)).toBeLessThanOrEqual(4096)
    expect(longParts.map((p) => p.body.markdown!.content).join('\n')).toBe(longMarkdown)
    const expected = plan.flatMap((p) => (Array.isArray(p.expect) ? p.expect : [])).flatMap((e) => (e === 'markdown-long' ? longParts.map(label) : [e]))
    expect(labels).toEqual(expected)
    // pictures: base64 of the stored bytes with their md5
    const firstImage = plan[2].item.image!
    expect(Buffer.from(hits.find((h) => h.body.msgtype === 'image')!.body.image!.base64, 'base64').equals(firstImage)).toBe(true)
    // never more than 20 in any minute, and WeCom never had to refuse one for the rate
    for (const h of hits) expect(hits.filter((x) => x.at > h.at - 60_000 && x.at <= h.at).length).toBeLessThanOrEqual(20)
    expect(fake.limitRefusals.filter((r) => r.key === KEYS.rich)).toEqual([])

    const rows = await rowsOf('rg-rich')
    expect(rows).toHaveLength(plan.length)
    rows.forEach((r, k) => {
      const e = plan[k].expect
      if (Array.isArray(e)) expect([k, r.status]).toEqual([k, 'sent'])
      else {
        expect([k, r.status]).toEqual([k, 'dead'])
        expect(r.lastError).toContain(e.dead)
        expect(r.attempts).toBe(1)
      }
    })
    // invalid rows never reached WeCom: nothing was refused there for its shape
    expect(fake.shapeRefusals).toEqual([])
    // rich rows keep a plain-text fallback
    const news = rows.find((r) => r.rich?.type === 'news')!
    expect(news.text).toBe('第1期安全简报\n本期要点\nhttps://aq.example.gov.cn/n/1')
    expect(rows.find((r) => r.rich?.type === 'markdown')!.text).toBe('第1条重点')
  })

  it('the fake refuses a wrong md5, an oversized text or markdown, a news article without a url or with a title WeCom would cut', () => {
    const image = png('#x')
    expect(robotShapeError({ msgtype: 'image', image: { base64: image.toString('base64'), md5: md5(image) } })).toBeNull()
    expect(robotShapeError({ msgtype: 'image', image: { base64: image.toString('base64'), md5: md5(png('#y')) } })?.[0]).toBe(40058)
    expect(robotShapeError({ msgtype: 'text', text: { content: '字'.repeat(683) } })?.[0]).toBe(45002)
    expect(robotShapeError({ msgtype: 'markdown', markdown: { content: 'a'.repeat(4097) } })?.[0]).toBe(45002)
    expect(robotShapeError({ msgtype: 'news', news: { articles: [{ title: '无链接', url: '' }] } })?.[0]).toBe(40058)
    expect(robotShapeError({ msgtype: 'news', news: { articles: [{ title: '长'.repeat(43), url: 'https://a.example' }] } })?.[0]).toBe(40058)
    expect(robotShapeError({ msgtype: 'file' })?.[0]).toBe(40008)
  })

  it('the same rich rows to a Wechaty group arrive as their plain-text fallback', async () => {
    const rich: RichMessage[] = [
      { type: 'markdown', content: '**【消防提示】**\n> 请检查<font color="warning">灭火器</font>压力' },
      { type: 'news', articles: [{ title: '燃气安全十条', url: 'https://aq.example.gov.cn/gas', description: '餐饮单位必看' }] },
    ]
    t.botSaid(s.group)
    await t.database.db.transaction(async (tx) => {
      for (const r of rich) await enqueue(tx, { channel: 'wechaty', account: t.app.channel.account()!, chatId: s.group, isGroup: true, priority: 'normal', rich: r }, clock.now())
    })
    await settleAll()
    expect(t.botSaid(s.group).map((e) => e.text)).toEqual(['【消防提示】\n请检查灭火器压力', '燃气安全十条\n餐饮单位必看\nhttps://aq.example.gov.cn/gas'])
  })
})

describe('rich pushes where they help', () => {
  it('the weekly summary reaches a bureau group served only by its robot as markdown, then its chart as an image', async () => {
    expect(await t.say('owner', s.group, '#隐患 后厨燃气软管老化开裂')).toBe('handled')
    clock.advance(3600_000)
    const ctx = { db: t.database.db, config: t.config, clock, logger: pino({ level: 'silent' }), kick: () => t.app.senders.forEach((x) => x.kick()) }
    await weeklySummary.run(ctx, clock.now())
    await settleAll()
    const hits = fake.ofKey(KEYS.bureau)
    expect(hits.map((h) => h.body.msgtype)).toEqual(['markdown', 'image'])
    const content = hits[0].body.markdown!.content
    expect(content).toContain('**【安全隐患周报】**')
    expect(content).toContain('新增 <font color="warning">1</font> 条')
    const chart = Buffer.from(hits[1].body.image!.base64, 'base64')
    expect(hits[1].body.image!.md5).toBe(md5(chart))
    expect(chart.subarray(1, 4).toString()).toBe('PNG')
    expect(chart.length).toBeGreaterThan(10_000)
    // the row keeps the plain text for other channels
    const [row] = await rowsOf('rg-bureau')
    expect(row.text).toMatch(/^【安全隐患周报】.*\n新增 1 条/)
  })

  it('a weather alert is markdown on a robot group and plain text in a Wechaty group', async () => {
    t.botSaid(s.group)
    const r = await t.database.db.transaction((tx) => pushWeatherAlert(tx, { alert: 'heat', now: clock.now() }))
    expect(r.groups.sort()).toEqual(['城关加油站推送群', '城关商户安全群'])
    await settleAll()
    const [hit] = fake.ofKey(KEYS.alert)
    expect(hit.body.msgtype).toBe('markdown')
    expect(hit.body.markdown!.content).toMatch(/^\*\*<font color="warning">【高温预警】<\/font>\*\*\n> 全市将出现高温天气。\n> /)
    const said = t.botSaid(s.group).map((e) => e.text)
    expect(said).toHaveLength(1)
    expect(said[0]).toMatch(/^【高温预警】全市将出现高温天气。请调整作业时间/)
  })
})

describe('major-hazard announcement across channels', () => {
  let seq = 0
  async function reportMajor(text: string, msgid = `major-${++seq}`) {
    const message = { msgid, aibotid: WECOM_BOT_ID, chatid: GROUP, chattype: 'group', from: { userid: 'zhangsan' }, msgtype: 'text', text: { content: `@安全助手 #隐患 ${text} 重大` } }
    const req = callbackRequest(message, clock.now())
    const res = await t.app.http.inject({ method: 'POST', url: `/wecom/callback?${req.query}`, payload: req.body, headers: { 'content-type': 'application/json' } })
    expect(res.statusCode).toBe(200)
    const reply = JSON.parse(decrypt(WECOM_AES_KEY, (res.json() as { encrypt: string }).encrypt).message) as { stream: { content: string } }
    await settleAll()
    return { msgid, reply: reply.stream.content }
  }
  const renameGroup = (externalId: string, name: string) => t.database.db.update(schema.groups).set({ name }).where(eq(schema.groups.externalId, externalId))

  it("reported through the intelligent bot, it reaches a leaders' group that only a robot serves, as markdown, once", async () => {
    await renameGroup(s.leaders, '局领导群（微信旧群）')
    await t.database.db.insert(schema.groups).values({ channel: ROBOT_CHANNEL, externalId: 'rg-leaders', name: '局领导群', registered: false, webhookKey: KEYS.leaders })
    t.botSaid(s.leaders)
    const before = await hazardCount()
    const { msgid, reply } = await reportMajor('仓库内违规存放液化气钢瓶')
    expect(reply).toContain('【重大·挂牌督办】')
    const [h] = await t.database.db.select().from(schema.hazards).orderBy(sql`id desc`).limit(1)
    const hits = fake.ofKey(KEYS.leaders)
    expect(hits).toHaveLength(1)
    expect(hits[0].body.msgtype).toBe('markdown')
    const content = hits[0].body.markdown!.content
    expect(content).toContain(`**<font color="warning">【重大隐患·挂牌督办】${h.code}</font>**`)
    expect(content).toContain('> 单位：城关老街饭店')
    expect(content).toContain('> 上报：张老板（城关商户企微群）')
    const [row] = await rowsOf('rg-leaders')
    expect([row.channel, row.account, row.priority, row.status]).toEqual([ROBOT_CHANNEL, ROBOT_ACCOUNT, 1, 'sent'])
    expect(row.text).toContain(`【重大隐患·挂牌督办】${h.code}\n单位：城关老街饭店`)
    // WeCom retries the callback: nothing more is filed or announced
    const again = callbackRequest(
      { msgid, aibotid: WECOM_BOT_ID, chatid: GROUP, chattype: 'group', from: { userid: 'zhangsan' }, msgtype: 'text', text: { content: '@安全助手 #隐患 仓库内违规存放液化气钢瓶 重大' } },
      clock.now(),
    )
    await t.app.http.inject({ method: 'POST', url: `/wecom/callback?${again.query}`, payload: again.body, headers: { 'content-type': 'application/json' } })
    await settleAll()
    expect(await hazardCount()).toBe(before + 1)
    expect(fake.ofKey(KEYS.leaders)).toHaveLength(1)
    expect(t.botSaid(s.leaders)).toEqual([])
  })

  it("an overdue major hazard escalates to that robot-only leaders' group too", async () => {
    const [h] = await t.database.db.select().from(schema.hazards).orderBy(sql`id desc`).limit(1)
    await t.database.db.update(schema.hazards).set({ deadline: new Date(clock.now().getTime() - 4 * 86_400_000) }).where(eq(schema.hazards.id, h.id))
    const ctx = { db: t.database.db, config: t.config, clock, logger: pino({ level: 'silent' }), kick: () => t.app.senders.forEach((x) => x.kick()) }
    await hazardDeadlines.run(ctx, clock.now())
    await settleAll()
    const texts = fake.ofKey(KEYS.leaders).map((x) => x.body.text?.content ?? '')
    expect(texts.filter((x) => x.startsWith(`【逾期升级】重大隐患 ${h.code}（城关老街饭店）`))).toHaveLength(1)
  })

  it("when the app sits in the leaders' Wechaty group, that two-way endpoint is preferred over the group's robot", async () => {
    await renameGroup('rg-leaders', '局领导群（机器人）')
    await renameGroup(s.leaders, '局领导群')
    await t.database.db.update(schema.groups).set({ webhookKey: KEYS.leadersWechaty }).where(eq(schema.groups.externalId, s.leaders))
    await recordGroupAccounts(t.database.db, 'wechaty', t.app.channel.account()!, [{ id: s.leaders }], clock.now())
    const robotBefore = fake.ofKey(KEYS.leaders).length
    await reportMajor('地下车库堆放易燃杂物')
    const [h] = await t.database.db.select().from(schema.hazards).orderBy(sql`id desc`).limit(1)
    const said = t.botSaid(s.leaders).map((e) => e.text)
    expect(said).toEqual([`【重大隐患·挂牌督办】${h.code}\n单位：城关老街饭店\n情况：地下车库堆放易燃杂物\n上报：张老板（城关商户企微群）`])
    expect(fake.ofKey(KEYS.leadersWechaty)).toEqual([])
    expect(fake.ofKey(KEYS.leaders)).toHaveLength(robotBefore)
    const rows = await t.database.db.select().from(schema.outbox).where(inArray(schema.outbox.chatId, [s.leaders]))
    expect(rows.map((r) => [r.channel, r.status])).toEqual([['wechaty', 'sent']])
  })
})
