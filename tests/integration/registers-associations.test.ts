import { describe, it, expect, beforeAll } from 'vitest'
import { eq, like } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { useSeededApp, withoutMentions, type Seed, type TestApp } from '../helpers/app.js'
import { consoleUser, signInAs, type Session } from '../helpers/console.js'

const ADMIN = { authorization: 'Bearer admin-token-0123456789' }

/** 方案 4: an association issues 自律倡议 and 风险提醒 (notices with 收到) and 公益培训 (trainings); the bureau may require approval. */
describe('associations act', () => {
  let t: TestApp
  let s: Seed
  let assoc: Session
  let officer: Session
  useSeededApp(
    (app, seed) => {
      t = app
      s = seed
    },
    { config: { ADMIN_TOKENS: [{ token: 'admin-token-0123456789', role: 'admin', name: '管理员' }] } },
  )
  const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => t.app.http.inject({ method, url, headers: ADMIN, payload: payload as object })
  const toGroup = async (prefix: string) => (await t.database.db.select().from(schema.outbox).where(like(schema.outbox.text, `%${prefix}%`))).filter((o) => o.chatId === s.group)

  beforeAll(async () => {
    const db = t.database.db
    const pid = await consoleUser(db, 'canyin-xiehui', { role: 'association', name: '市餐饮行业协会' })
    await db.update(schema.people).set({ industries: ['catering'] }).where(eq(schema.people.id, pid))
    await consoleUser(db, 'liming', { role: 'officer', personId: s.officer.id })
    assoc = await signInAs(t.app.http, 'canyin-xiehui')
    officer = await signInAs(t.app.http, 'liming')
  })

  it('when the association issues an initiative, then its industry’s groups get it as a notice and a 收到 in chat is its receipt', async () => {
    const r = await assoc.call({ method: 'POST', url: '/api/association-issues', payload: { kind: 'initiative', title: '燃气安全自律倡议', body: '各餐饮单位每日营业前检查燃气软管和报警器。' } })
    expect(r.statusCode).toBe(201)
    expect(r.json()).toMatchObject({ status: 'issued', industries: ['catering'], noticeId: expect.any(Number) })
    await t.settle()
    const sent = await toGroup('【自律倡议】燃气安全自律倡议')
    expect(sent).toHaveLength(1)
    expect(sent[0].text).toContain('——市餐饮行业协会')
    await t.say('owner', s.group, '收到')
    expect(withoutMentions(t.botSaid(s.group).at(-1)?.text)).toContain('收到')
    const [n] = await t.database.db.select().from(schema.notices).where(eq(schema.notices.id, r.json().noticeId))
    const report = (await api('GET', `/api/notices/${n.code}`)).json()
    expect(JSON.stringify(report)).toContain('张老板')
  })

  it('when the association speaks to another industry, or an officer tries to issue, then it is refused', async () => {
    const other = await assoc.call({ method: 'POST', url: '/api/association-issues', payload: { kind: 'risk_reminder', title: '加油站防静电', body: '卸油时必须接好静电接地。', industries: ['refined_oil'] } })
    expect(other.statusCode).toBe(403)
    expect(other.json().message).toContain('协会只能发给本行业')
    expect((await officer.call({ method: 'POST', url: '/api/association-issues', payload: { kind: 'initiative', title: '倡议', body: '内容内容' } })).statusCode).toBe(403)
  })

  it('when the bureau requires approval, then a risk reminder waits until approved, and a rejected one never goes out', async () => {
    expect((await assoc.call({ method: 'PUT', url: '/api/association-issues/approval', payload: { required: true } })).statusCode).toBe(403)
    expect((await api('PUT', '/api/association-issues/approval', { required: true })).json()).toEqual({ approvalRequired: true })
    const r = await assoc.call({ method: 'POST', url: '/api/association-issues', payload: { kind: 'risk_reminder', title: '冬季燃气风险提醒', body: '天冷门窗紧闭，使用燃气务必保持通风。' } })
    expect(r.statusCode).toBe(202)
    expect(await toGroup('【风险提醒】')).toEqual([])
    const ok = await api('POST', `/api/association-issues/${r.json().id}/decision`, { decision: 'approve' })
    expect(ok.json()).toMatchObject({ status: 'issued', decidedBy: '管理员' })
    await t.settle()
    expect(await toGroup('【风险提醒】冬季燃气风险提醒')).toHaveLength(1)
    expect((await api('POST', `/api/association-issues/${r.json().id}/decision`, { decision: 'approve' })).statusCode).toBe(409)

    const bad = await assoc.call({ method: 'POST', url: '/api/association-issues', payload: { kind: 'risk_reminder', title: '不实提醒', body: '这条内容有误，不应发出。' } })
    expect((await api('POST', `/api/association-issues/${bad.json().id}/decision`, { decision: 'reject', note: '内容不准确' })).json().status).toBe('rejected')
    expect(await toGroup('【风险提醒】不实提醒')).toEqual([])
    const mine = (await assoc.call({ url: '/api/association-issues' })).json()
    expect(mine.items.map((i: { status: string }) => i.status)).toEqual(['rejected', 'issued', 'issued'])
  })

  it('when the association registers a 公益培训, then it is a training its industry can sign up for', async () => {
    await api('PUT', '/api/association-issues/approval', { required: false })
    const r = await assoc.call({
      method: 'POST',
      url: '/api/association-issues',
      payload: { kind: 'training', title: '后厨燃气安全', body: '讲解燃气泄漏处置和报警器维护。', startsAt: '2026-12-10T09:00:00+08:00', endsAt: '2026-12-10T11:00:00+08:00', place: '市商务局三楼会议室' },
    })
    expect(r.statusCode).toBe(201)
    const [training] = await t.database.db.select().from(schema.trainings).where(eq(schema.trainings.id, r.json().trainingId))
    expect(training).toMatchObject({ topic: '后厨燃气安全（市餐饮行业协会公益培训）', targetIndustries: ['catering'], audience: 'principals' })
    await t.say('owner', s.group, `#报名 ${training.code}`)
    expect(withoutMentions(t.botSaid(s.group).at(-1)?.text)).toContain('报名')
    expect((await assoc.call({ method: 'POST', url: '/api/association-issues', payload: { kind: 'training', title: '缺时间', body: '内容内容内容' } })).json().message).toContain('开始和结束时间')
  })
})
