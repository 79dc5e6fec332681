import { describe, it, expect, beforeAll } from 'vitest'
import pino from 'pino'
import { and, eq, like } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import type { JobContext } from '../../schedules/types.js'
import { noticeJobs as jobs } from '../../schedules/index.js'
import dueNotices from '../../schedules/notices.js'
import ackReminders from '../../schedules/ack-reminders.js'
import taskReminders from '../../schedules/task-reminders.js'
import { enqueue } from '../../src/services/outbox.js'
import { PNG_1PX, useSeededApp, type Seed, type TestApp } from '../helpers/app.js'

const ADMIN = { authorization: 'Bearer admin-token-0123456789' }
const LEADER = { authorization: 'Bearer leader-token-0123456789' }
const VIEWER = { authorization: 'Bearer viewer-token-0123456789' }
const OFFICER = { authorization: 'Bearer officer-token-0123456789' }
const HOUR = 3600_000

describe('notices with acknowledgement, officers’ tasks and dead letters, through the mock puppet', () => {
  let t: TestApp
  let s: Seed
  let g2: string
  let ctx: JobContext
  let firstNotice: string
  useSeededApp(
    (app, seed) => {
      t = app
      s = seed
    },
    {
      config: {
        // the reminders run at night on the test clock: quiet hours are the pushes' concern (tests/integration/pushes-*.test.ts)
        QUIET_HOURS: 'off',
        ADMIN_TOKENS: [
          { token: 'admin-token-0123456789', role: 'admin', name: '管理员' },
          { token: 'leader-token-0123456789', role: 'leader', name: '马局长' },
          { token: 'viewer-token-0123456789', role: 'viewer', name: '审计' },
          { token: 'officer-token-0123456789', role: 'officer', name: '李明' },
        ],
        OUTBOX_MAX_ATTEMPTS: 1,
      },
    },
  )
  beforeAll(async () => {
    const sim = t.app.simulator!
    sim.createContact({ id: 'staff2', name: '小刘' })
    g2 = sim.createGroup({ id: 'g2', name: '红山商户安全群', memberIds: ['other-owner', 'officer2', 'staff2'] }).id
    await t.database.db.insert(schema.groups).values({ channel: 'wechaty', externalId: g2, name: '红山商户安全群', registered: true, townshipId: s.town2.id })
    ctx = { db: t.database.db, config: t.config, clock: t.clock, logger: pino({ level: 'silent' }), kick: () => t.app.sender.kick() }
  })

  const api = async (method: 'GET' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = ADMIN) => {
    const r = await t.app.http.inject({ method, url, payload: payload as never, headers })
    await t.settle()
    return r
  }
  const runJob = async (job: (typeof jobs)[number]) => {
    await job.run(ctx, t.clock.now())
    await t.settle()
  }
  const texts = (chat: string) => t.botSaid(chat).map((e) => e.text ?? '[image]')

  it('lists its jobs as plain Job objects', () => {
    expect(jobs.map((j) => j.name)).toEqual(['notices.due', 'notices.ack_reminders', 'tasks.reminders'])
    for (const j of jobs) expect(j.period(new Date('2026-11-20T01:37:00Z'))).toMatch(/^2026-11-20T09:[0-9]{2}$/)
  })

  it('when a notice asking for acknowledgement goes to two groups, then 收到 and 确认 are recorded once, chatter stays silent, the reminder @-mentions only the others once, and the API shows the rate and names', async () => {
    const r = await api('POST', '/api/notices', { text: '明日起开展燃气安全专项检查，请各单位做好自查。', targets: { townships: ['城关街道', '红山街道'] }, requiresAck: true })
    expect(r.statusCode).toBe(201)
    const { code, groups } = r.json()
    expect(code).toMatch(/^N\d+$/)
    firstNotice = code
    expect(groups).toEqual(['城关商户安全群', '红山商户安全群'])
    const sent1 = texts(s.group)
    expect(sent1).toHaveLength(1)
    expect(sent1[0]).toContain(`【通知 ${code}】`)
    expect(sent1[0]).toContain('请回复“收到”')
    expect(texts(g2)).toHaveLength(1)
    expect(texts(s.leaders)).toEqual([])

    expect(await t.say('owner', s.group, '收到')).toBe('handled')
    expect(texts(s.group)).toEqual([`@张老板 已确认收到通知 ${code}。`])
    // once: a second 收到 from the same person is chatter again
    expect(await t.say('owner', s.group, '收到')).toBe('ignored')
    expect(await t.say('passer', s.group, '收到了！')).toBe('handled')
    expect(await t.say('officer2', g2, `#确认 ${code.toLowerCase()}`)).toBe('handled')
    expect(texts(g2)).toEqual([`@赵红 已确认收到通知 ${code}。`])
    expect(await t.say('officer2', g2, `确认 ${code}`, { mentionBot: true })).toBe('handled')
    expect(texts(g2)).toEqual([`@赵红 您已确认过通知 ${code}。`])
    // nothing open in the leaders' group: 收到 is chatter, and it claims nothing
    expect(await t.say('leader', s.leaders, '收到', { messageId: 'leaders-ack' })).toBe('ignored')
    expect(texts(s.leaders)).toEqual([])
    expect(await t.database.db.select().from(schema.inboundMessages).where(eq(schema.inboundMessages.messageId, 'leaders-ack'))).toEqual([])
    texts(s.group)

    const acks = await t.database.db.select().from(schema.noticeAcks)
    expect(acks.map((a) => [a.externalId, a.name, a.chatName, a.personId !== null]).sort()).toEqual([
      ['officer2', '赵红', '红山商户安全群', true],
      ['owner', '张老板', '城关商户安全群', true],
      ['passer', '热心群众', '城关商户安全群', false],
    ])

    // not yet due: nothing
    t.clock.advance(23 * HOUR)
    await runJob(ackReminders)
    expect(texts(s.group)).toEqual([])
    t.clock.advance(1 * HOUR + 60_000)
    await runJob(ackReminders)
    await runJob(ackReminders)
    const g1Reminder = t.botSaid(s.group)
    expect(g1Reminder).toHaveLength(1)
    expect(g1Reminder[0].text).toContain(`请回复“收到”确认通知 ${code}`)
    expect([...g1Reminder[0].mentionIds].sort()).toEqual(['leader', 'officer', 'other-owner'])
    const g2Reminder = t.botSaid(g2)
    expect(g2Reminder).toHaveLength(1)
    expect([...g2Reminder[0].mentionIds].sort()).toEqual(['other-owner', 'staff2'])
    t.clock.advance(48 * HOUR)
    await runJob(ackReminders)
    expect(texts(s.group)).toEqual([])
    expect(texts(g2)).toEqual([])

    const report = (await api('GET', `/api/notices/${code}`, undefined, VIEWER)).json()
    expect(report.ack.expected).toBe(7)
    expect(report.ack.acknowledged).toBe(3)
    expect(report.ack.rate).toBe(42.9)
    expect(report.ack.nonAcknowledgers.map((m: { group: string; name: string }) => `${m.group}:${m.name}`).sort()).toEqual([
      '城关商户安全群:李明',
      '城关商户安全群:王老板',
      '城关商户安全群:马局长',
      '红山商户安全群:小刘',
      '红山商户安全群:王老板',
    ])
    expect(report.deliveries.map((d: { group: string; status: string; sentAt: string }) => [d.group, d.status, !!d.sentAt])).toEqual([
      ['城关商户安全群', 'sent', true],
      ['红山商户安全群', 'sent', true],
    ])
    const list = (await api('GET', '/api/notices', undefined, LEADER)).json()
    expect(list[0]).toMatchObject({ code, status: 'sent', ack: { expected: 7, acknowledged: 3 } })
    const audit = await t.database.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'notice.create'))
    expect(audit.map((a) => [a.targetId, a.actorName])).toEqual([[code, '管理员']])
  })

  it('when a notice is scheduled, then it goes out once at its time, with its image, even when the job runs twice or again later', async () => {
    const at = new Date(t.clock.now().getTime() + 2 * HOUR)
    const r = await api('POST', '/api/notices', {
      text: '本周六上午九点在市商务局三楼开展燃气安全培训。',
      image: { base64: PNG_1PX, mime: 'image/png' },
      targets: { groups: ['城关商户安全群'] },
      priority: 'urgent',
      sendAt: at.toISOString(),
    })
    expect(r.statusCode).toBe(201)
    const { code, scheduled } = r.json()
    expect(scheduled).toBe(true)
    expect(texts(s.group)).toEqual([])
    t.clock.advance(HOUR)
    await runJob(dueNotices)
    expect(texts(s.group)).toEqual([])
    expect((await api('GET', `/api/notices/${code}`)).json().status).toBe('scheduled')
    t.clock.set(at)
    await Promise.all([dueNotices.run(ctx, t.clock.now()), dueNotices.run(ctx, t.clock.now())])
    await t.settle()
    await runJob(dueNotices)
    const said = texts(s.group)
    expect(said).toEqual([`【紧急通知 ${code}】\n本周六上午九点在市商务局三楼开展燃气安全培训。`, '[image]'])
    t.clock.advance(HOUR)
    await runJob(dueNotices)
    expect(texts(s.group)).toEqual([])
    expect(texts(g2)).toEqual([])
    const rows = await t.database.db.select().from(schema.outbox).where(like(schema.outbox.text, `%${code}】%`))
    expect(rows).toHaveLength(1)
    expect(rows[0].imageSha256).toMatch(/^[0-9a-f]{64}$/)
    const report = (await api('GET', `/api/notices/${code}`)).json()
    expect(report).toMatchObject({ status: 'sent', priority: 'urgent', ack: null, image: `/api/attachments/${rows[0].imageSha256}` })
    // a notice that needs no acknowledgement: 收到 is chatter, 确认 says so
    expect(await t.say('owner', s.group, '收到')).toBe('ignored')
    expect(await t.say('owner', s.group, `#确认 ${code}`)).toBe('refused')
    expect(texts(s.group)).toEqual([`@张老板 通知 ${code} 不需要确认`])
  })

  it('when a task is assigned, then each officer gets it by direct message, acknowledges, reports completion with a photo, and the API shows each one’s status', async () => {
    const [silent] = await t.database.db.insert(schema.people).values({ name: '孙强', role: 'officer', townshipId: s.town2.id }).returning()
    const r = await api('POST', '/api/tasks', { text: '请于本周内完成辖区加油站安全检查并报告。', deadline: '2026-12-30', officers: ['李明'], townships: ['红山街道'] })
    expect(r.statusCode).toBe(201)
    const { code, assignees } = r.json()
    expect(code).toMatch(/^R\d+$/)
    expect(assignees).toEqual([
      { name: '李明', reachable: true },
      { name: '赵红', reachable: true },
      { name: silent.name, reachable: false },
    ])
    const dm = texts('dm:officer')
    expect(dm).toHaveLength(1)
    expect(dm[0]).toContain(`【督办任务 ${code}】`)
    expect(dm[0]).toContain('2026-12-30 23:59')
    expect(texts('dm:officer2')).toHaveLength(1)

    expect(await t.say('officer', undefined, '收到')).toBe('handled')
    expect(texts('dm:officer')[0]).toContain(`已确认收到督办任务 ${code}`)
    expect(await t.say('officer', undefined, '收到')).toBe('handled')
    expect(texts('dm:officer')[0]).toContain('目前没有需要您确认的督办任务')
    // by code, even in a group
    expect(await t.say('officer2', g2, `收到 ${code}`)).toBe('handled')
    expect(texts(g2)[0]).toContain(`已确认收到督办任务 ${code}`)
    expect(await t.say('owner', s.group, `收到 ${code}`)).toBe('refused')
    expect(texts(s.group)).toEqual([`@张老板 ${code} 不是派给您的任务`])

    // who may complete, and bad input
    expect(await t.say('owner', s.group, `#完成 ${code} 检查完了`)).toBe('refused')
    expect(texts(s.group)[0]).toContain('只有监管人员可以报告督办任务完成')
    expect(await t.say('leader', undefined, `完成 ${code} 已办结`)).toBe('refused')
    expect(texts('dm:leader')).toEqual([`${code} 不是派给您的任务`])
    expect(await t.say('officer', undefined, `完成 ${code}`)).toBe('usage')
    expect(texts('dm:officer')[0]).toMatch(/请写办理情况。\n用法：完成 <任务编号> <办理情况>/)
    expect(await t.say('officer', undefined, '完成 Y12 换了软管')).toBe('usage')
    expect(texts('dm:officer')[0]).toContain('#整改 Y12')
    expect(await t.say('officer', undefined, '完成 R99999 检查完了')).toBe('refused')
    expect(texts('dm:officer')[0]).toContain('没有找到督办任务 R99999')

    expect(await t.say('officer2', g2, '#我的任务')).toBe('handled')
    expect(texts(g2)[0]).toMatch(new RegExp(`您未完成的督办任务：\\n${code}　办理中　期限 2026-12-30 23:59\\n　请于本周内`))
    expect(await t.say('owner', s.group, '#我的任务')).toBe('refused')
    texts(s.group)
    expect(await t.say('officer', undefined, `完成 ${code.toLowerCase()} 已检查辖区加油站12家，发现问题3处已督促整改`)).toBe('handled')
    expect(texts('dm:officer')[0]).toContain(`已登记 ${code} 完成`)
    expect(await t.photo('officer', undefined)).toBe('photo')
    expect(texts('dm:officer')).toEqual([`${code} 已收到附件 1 个。`])
    expect(await t.say('officer', undefined, `完成 ${code} 再报一次`)).toBe('refused')
    expect(texts('dm:officer')[0]).toContain(`您已报告过 ${code} 完成`)
    expect(await t.say('officer', undefined, '我的任务')).toBe('handled')
    expect(texts('dm:officer')).toEqual(['您没有未完成的督办任务。'])

    const status = (await api('GET', `/api/tasks/${code}`, undefined, VIEWER)).json()
    expect(status.summary).toEqual({ total: 3, assigned: 1, acknowledged: 1, done: 1, overdue: 0 })
    const li = status.assignees.find((a: { name: string }) => a.name === '李明')
    expect(li).toMatchObject({ status: 'done', doneNote: '已检查辖区加油站12家,发现问题3处已督促整改', late: false })
    expect(li.files).toHaveLength(1)
    expect((await api('GET', li.files[0].url)).headers['content-type']).toBe('image/png')
    expect(status.assignees.find((a: { name: string }) => a.name === '赵红')).toMatchObject({ status: 'acknowledged', doneAt: null })
    expect((await api('GET', '/api/tasks', undefined, LEADER)).json()[0]).toMatchObject({ code, summary: { done: 1 } })

    // reminders: a day before the deadline, then once a day while overdue; never to who is done
    const deadline = new Date(status.deadline)
    // 孙强 binds a chat identity later: the next run hands him the task, once
    t.app.simulator!.createContact({ id: 'sun', name: '孙强' })
    await t.database.db.insert(schema.identities).values({ channel: 'wechaty', externalId: 'sun', displayName: '孙强', personId: silent.id, boundAt: t.clock.now() })
    t.clock.set(deadline.getTime() - 30 * HOUR)
    await runJob(taskReminders)
    await runJob(taskReminders)
    expect(texts('dm:officer2')).toEqual([])
    const late = texts('dm:sun')
    expect(late).toHaveLength(1)
    expect(late[0]).toContain(`【督办任务 ${code}】`)
    t.clock.set(deadline.getTime() - 20 * HOUR)
    await runJob(taskReminders)
    await runJob(taskReminders)
    const before = texts('dm:officer2')
    expect(before).toHaveLength(1)
    expect(before[0]).toContain(`【提醒】督办任务 ${code} 将于 2026-12-30 23:59 到期`)
    expect(texts('dm:sun')).toHaveLength(1)
    // after the deadline, before 09:00: not yet; from 09:00 once that day
    t.clock.set(deadline.getTime() + 3 * HOUR)
    await runJob(taskReminders)
    expect(texts('dm:officer2')).toEqual([])
    t.clock.set(deadline.getTime() + 10 * HOUR)
    await runJob(taskReminders)
    t.clock.advance(5 * HOUR)
    await runJob(taskReminders)
    const overdue = texts('dm:officer2')
    expect(overdue).toHaveLength(1)
    expect(overdue[0]).toContain(`【逾期】督办任务 ${code} 已超期 1 天`)
    t.clock.advance(24 * HOUR)
    await runJob(taskReminders)
    expect(texts('dm:officer2')).toHaveLength(1)
    expect(texts('dm:sun')).toHaveLength(2)
    expect(texts('dm:officer')).toEqual([])
    const later = (await api('GET', `/api/tasks/${code}`)).json()
    expect(later.summary).toMatchObject({ done: 1, overdue: 2 })
    expect(later.summary.total).toBe(3)
    expect(later.overdue).toBe(true)
    const audit = await t.database.db.select().from(schema.auditLog).where(and(eq(schema.auditLog.action, 'task.create'), eq(schema.auditLog.targetId, code)))
    expect(audit).toHaveLength(1)
  })

  it('when a message cannot be delivered, then it is listed as a dead letter with its reason, and a retry sends it and is audited', async () => {
    await enqueue(
      t.database.db,
      { channel: 'wechaty', account: t.app.channel.account()!, chatId: 'later@chatroom', isGroup: true, priority: 'normal', text: '补发测试' },
      t.clock.now(),
    )
    t.app.sender.kick()
    await t.settle()
    const dead = (await api('GET', '/api/outbox/dead', undefined, VIEWER)).json()
    const row = dead.find((d: { chatId: string }) => d.chatId === 'later@chatroom')
    expect(row).toMatchObject({ attempts: 1, text: '补发测试' })
    expect(row.reason).toBeTruthy()
    t.app.simulator!.createGroup({ id: 'later@chatroom', name: '新建群', memberIds: ['owner'] })
    const retried = await api('POST', `/api/outbox/${row.id}/retry`)
    expect(retried.statusCode).toBe(200)
    expect(retried.json()).toMatchObject({ id: row.id, status: 'pending', attempts: 0 })
    await t.settle()
    expect(texts('later@chatroom')).toEqual(['补发测试'])
    const [sent] = await t.database.db.select().from(schema.outbox).where(eq(schema.outbox.id, row.id))
    expect(sent.status).toBe('sent')
    expect((await api('POST', `/api/outbox/${row.id}/retry`)).statusCode).toBe(409)
    expect((await api('POST', '/api/outbox/99999999/retry')).statusCode).toBe(404)
    const audit = await t.database.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'outbox.retry'))
    expect(audit.map((a) => a.targetId)).toEqual([String(row.id)])
  })

  it('when a route is called without a token or by a role that may not, then 401 and 403', async () => {
    const routes: [method: 'GET' | 'POST', url: string, forbidden: Record<string, string>][] = [
      ['POST', '/api/notices', VIEWER],
      ['GET', '/api/notices', OFFICER],
      ['GET', '/api/notices/N1', OFFICER],
      ['POST', '/api/tasks', OFFICER],
      ['GET', '/api/tasks', OFFICER],
      ['GET', '/api/tasks/R1', OFFICER],
      ['GET', '/api/outbox/dead', OFFICER],
      ['POST', '/api/outbox/1/retry', LEADER],
    ]
    for (const [method, url, forbidden] of routes) {
      expect((await api(method, url, {}, {})).statusCode, `${method} ${url}`).toBe(401)
      expect((await api(method, url, {}, { authorization: 'Bearer wrong-token-0123456789' })).statusCode, `${method} ${url}`).toBe(401)
      expect((await api(method, url, {}, forbidden)).statusCode, `${method} ${url}`).toBe(403)
    }
  })

  it('when the API gets bad input, then a 4xx with a clear Chinese message', async () => {
    const bad = async (url: string, payload: unknown, status: number, message: RegExp) => {
      const r = await api('POST', url, payload)
      expect(r.statusCode, JSON.stringify(payload)).toBe(status)
      expect(JSON.stringify(r.json()), JSON.stringify(payload)).toMatch(message)
    }
    await bad('/api/notices', { text: '通知内容' }, 400, /参数有误/)
    await bad('/api/notices', { text: '通知内容', targets: {} }, 400, /请选择发送范围/)
    await bad('/api/notices', { text: '通知内容', targets: { industries: ['bakery'] } }, 400, /参数有误/)
    await bad('/api/notices', { text: '通知内容', targets: { groups: ['没有这个群'] } }, 404, /没有找到群“没有这个群”/)
    await bad('/api/notices', { text: '通知内容', targets: { townships: ['火星街道'] } }, 404, /没有找到乡镇“火星街道”/)
    await bad('/api/notices', { text: '通知内容', targets: { all: true }, image: { base64: '不是图片!!', mime: 'image/png' } }, 400, /base64/)
    await bad('/api/notices', { text: '通知内容', targets: { all: true }, sendAt: '明天' }, 400, /参数有误/)
    await bad('/api/notices', { text: '通知内容', targets: { industries: ['refined_oil'] }, requiresAck: true }, 201, /N\d+/)
    await bad('/api/tasks', { text: '任务内容', deadline: '2020-01-01', officers: ['李明'] }, 400, /期限已过/)
    await bad('/api/tasks', { text: '任务内容', deadline: '2027-01-01', officers: ['无名氏'] }, 404, /没有找到监管人员“无名氏”/)
    await bad('/api/tasks', { text: '任务内容', deadline: '2027-01-01' }, 400, /请指定承办人/)
    await bad('/api/tasks', { text: '任务内容', deadline: '下周', officers: ['李明'] }, 400, /参数有误/)
    expect((await api('GET', '/api/notices/N99999')).statusCode).toBe(404)
    expect((await api('GET', '/api/tasks/X1')).statusCode).toBe(400)
  })

  it('when chat input is wrong, then the answer shows the usage or the reason', async () => {
    texts(s.group)
    expect(await t.say('owner', s.group, '#确认')).toBe('usage')
    expect(texts(s.group)[0]).toContain('用法：确认 <通知编号>')
    expect(await t.say('owner', s.group, '#确认 Y12')).toBe('usage')
    expect(texts(s.group)[0]).toContain('不是通知编号')
    expect(await t.say('owner', s.group, '#确认 N99999')).toBe('refused')
    expect(texts(s.group)).toEqual(['@张老板 没有找到通知 N99999，请检查编号'])
    expect(await t.say('owner', undefined, '收到 R99999')).toBe('refused')
    expect(texts('dm:owner')).toEqual(['没有找到督办任务 R99999，请检查编号'])
    // after ACK_OPEN_DAYS a plain 收到 is chatter again; 确认 with the code still counts
    t.clock.advance((t.config.ACK_OPEN_DAYS + 1) * 24 * HOUR)
    texts(g2)
    expect(await t.say('staff2', g2, '收到')).toBe('ignored')
    expect(await t.say('staff2', g2, `#确认 ${firstNotice}`)).toBe('handled')
    expect(texts(g2)).toEqual([`@小刘 已确认收到通知 ${firstNotice}。`])
    expect((await api('GET', `/api/notices/${firstNotice}`)).json().ack.acknowledged).toBe(4)
  })

  it('when several notices are open in a group, then each 收到 acknowledges the latest one not yet acknowledged', async () => {
    const send = async (text: string) => (await api('POST', '/api/notices', { text, targets: { groups: [g2] }, requiresAck: true })).json().code as string
    const first = await send('请各单位本周五前上报自查情况。')
    t.clock.advance(60_000)
    const second = await send('请各单位检查燃气报警器是否正常。')
    texts(g2)
    expect(await t.say('staff2', g2, '收到')).toBe('handled')
    expect(await t.say('staff2', g2, '收到。')).toBe('handled')
    expect(await t.say('staff2', g2, '收到')).toBe('ignored')
    expect(texts(g2)).toEqual([`@小刘 已确认收到通知 ${second}。`, `@小刘 已确认收到通知 ${first}。`])
  })
})
