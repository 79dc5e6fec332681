import { describe, it, expect } from 'vitest'
import { eq, inArray } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { jobs } from '../../schedules/index.js'
import { useSeededApp, type Seed, type TestApp } from '../helpers/app.js'

const ADMIN = { authorization: 'Bearer admin-token-0123456789' }
const VIEWER = { authorization: 'Bearer viewer-token-0123456789' }
const LEADER = { authorization: 'Bearer leader-token-0123456789' }
const tokens = {
  ADMIN_TOKENS: [
    { token: 'admin-token-0123456789', role: 'admin' as const, name: '管理员' },
    { token: 'viewer-token-0123456789', role: 'viewer' as const, name: '只读' },
    { token: 'leader-token-0123456789', role: 'leader' as const, name: '马局长' },
  ],
}

describe('programmes through the chat: self-check, training, responsibility system', () => {
  let t: TestApp
  let s: Seed
  useSeededApp(
    (app, seed) => {
      t = app
      s = seed
    },
    { config: tokens },
  )
  const texts = (chat: string) => t.botSaid(chat).map((e) => e.text)
  const outboxTexts = async () => (await t.database.db.select().from(schema.outbox)).map((o) => o.text ?? '')

  it('when a business self-checks its gas and fails two items, then each failed item becomes a hazard linked to the check', async () => {
    // a check started and left for another one is abandoned, never counted as done
    expect(await t.say('owner', s.group, '#自查 用电')).toBe('handled')
    expect(texts(s.group)[0]).toContain('【用电安全自查】')
    expect(await t.say('owner', s.group, '#自查 燃气')).toBe('handled')
    const [list] = texts(s.group)
    expect(list).toContain('【餐饮燃气安全自查】城关老街饭店')
    expect(list).toContain('3. 按规定安装了可燃气体报警器')
    expect(list).toContain('全部合格')

    // someone else's answer is chatter; a contradiction gets the usage
    expect(await t.say('other-owner', s.group, '全部合格')).toBe('ignored')
    expect(await t.say('owner', s.group, '3是3否')).toBe('usage')
    expect(texts(s.group)[0]).toContain('第3项既答了合格又答了不合格')

    // a partial answer: the bot asks for the rest, then the rest comes
    expect(await t.say('owner', s.group, '1是2是3否')).toBe('handled')
    expect(texts(s.group)[0]).toContain('还差第4、5、6、7、8、9、10、11项')
    expect(await t.say('owner', s.group, '第五项不合格 其余合格')).toBe('handled')
    const done = texts(s.group)[0]
    expect(done).toContain('11项中2项不合格')
    expect(done).toMatch(/Y\d+（第3项）/)
    expect(done).toMatch(/Y\d+（第5项）/)

    const db = t.database.db
    const checks = await db.select().from(schema.selfChecks).where(eq(schema.selfChecks.businessId, s.shop.id)).orderBy(schema.selfChecks.id)
    expect(checks.map((c) => [c.checklistKey, c.status])).toEqual([
      ['electrical', 'abandoned'],
      ['gas', 'done'],
    ])
    const check = checks[1]
    const findings = await db.select().from(schema.selfCheckFindings).where(eq(schema.selfCheckFindings.selfCheckId, check.id))
    expect(findings.map((f) => f.itemNo).sort()).toEqual([3, 5])
    const hs = await db.select().from(schema.hazards).where(inArray(schema.hazards.id, findings.map((f) => f.hazardId)))
    expect(hs.every((h) => h.businessId === s.shop.id && h.status === 'reported' && h.category === 'gas')).toBe(true)
    expect(hs.map((h) => h.description).join()).toContain('可燃气体报警器')
    // the slot is closed: the same answer again is chatter
    expect(await t.say('owner', s.group, '全部合格')).toBe('ignored')

    // the hazard is in the closed loop: the officer can accept it
    const code = hs.find((h) => h.description.includes('第3项'))!.code
    expect(await t.say('officer', s.group, `#受理 ${code} 7天`)).toBe('handled')
    expect(texts(s.group)[0]).toContain(`已受理 ${code}`)
  })

  it('when the monthly reminder runs, then groups hear only the businesses that have not self-checked', async () => {
    await t.database.db.insert(schema.businesses).values({ name: '城关烧烤店', industry: 'catering', townshipId: s.town.id })
    const job = jobs.find((j) => j.name === 'selfcheck-reminders')!
    expect(job.period(t.clock.now())).toBe('2026-11')
    // through the scheduler, which records the groups the account sits in: pushes name the account that sends
    expect(await t.app.scheduler.fire(job, t.clock.now())).toBe(true)
    await t.settle()
    const said = texts(s.group).join('\n')
    expect(said).toContain('【自查提醒】')
    expect(said).toContain('城关烧烤店')
    expect(said).not.toContain('城关老街饭店')
    expect(said).not.toContain('红山羊汤馆')
  })

  it('when the bureau creates a training, then the notice reaches the groups, people sign up, check in with the code, and coverage counts them', async () => {
    const h = t.app.http
    const created = await h.inject({
      method: 'POST',
      url: '/api/trainings',
      headers: ADMIN,
      payload: {
        topic: '餐饮场所燃气安全培训',
        startsAt: '2026-11-25T09:00:00+08:00',
        endsAt: '2026-11-25T11:00:00+08:00',
        place: '市商务局三楼会议室',
        audience: 'all',
        targetIndustries: ['catering'],
        targetTownships: ['城关街道'],
      },
    })
    expect(created.statusCode).toBe(201)
    const training = created.json()
    expect(training.code).toMatch(/^P\d+$/)
    expect(training.checkinCode).toMatch(/^\d{4}$/)
    expect(training.notifiedGroups).toEqual(['城关商户安全群'])
    await t.settle()
    const notice = texts(s.group).join('\n')
    expect(notice).toContain('【安全培训通知】餐饮场所燃气安全培训')
    expect(notice).toContain(`#报名 ${training.code}`)

    expect(await t.say('owner', s.group, `#报名 ${training.code}`)).toBe('handled')
    expect(texts(s.group)[0]).toContain('报名成功')
    expect(await t.say('passer', s.group, `#报名 ${training.code}`)).toBe('refused')
    texts(s.group)
    expect(await t.say('owner', s.group, '#报名 P')).toBe('usage')
    texts(s.group)

    // too early to check in
    expect(await t.say('owner', s.group, `#签到 ${training.code} ${training.checkinCode}`)).toBe('refused')
    expect(texts(s.group)[0]).toContain('签到时间为')
    t.clock.set('2026-11-25T01:10:00Z')
    const wrong = training.checkinCode === '0000' ? '1111' : '0000'
    expect(await t.say('owner', s.group, `#签到 ${training.code} ${wrong}`)).toBe('refused')
    expect(texts(s.group)[0]).toContain('签到码不对')
    expect(await t.say('owner', s.group, `#签到 ${training.code} ${training.checkinCode}`)).toBe('handled')
    expect(texts(s.group)[0]).toContain('签到成功')
    expect(await t.say('officer', s.group, `#签到 ${training.checkinCode}`)).toBe('handled')
    expect(texts(s.group)[0]).toContain('签到成功')

    const cov = await h.inject({ url: '/api/trainings/coverage?year=2026', headers: VIEWER })
    expect(cov.statusCode).toBe(200)
    const c = cov.json()
    expect(c.officials).toMatchObject({ total: 2, trained: 1 })
    expect(c.officials.missing.map((p: { name: string }) => p.name)).toEqual(['赵红'])
    expect(c.principals).toMatchObject({ total: 2, trained: 1 })
    expect(c.principals.missing.map((p: { name: string }) => p.name)).toEqual(['王老板'])
    expect(c.focus.label).toContain('展览')
  })

  it('when a business submits its revised responsibility system with a photo, then an officer of its township verifies it', async () => {
    expect(await t.say('owner', s.group, '#责任制')).toBe('handled')
    expect(texts(s.group)[0]).toContain('城关老街饭店：未开始')
    expect(await t.say('owner', s.group, '#责任制 已修订')).toBe('handled')
    expect(texts(s.group)[0]).toContain('发送修订后的全员安全生产责任制文件或照片')
    expect(await t.say('officer', s.group, '#责任制 核验 城关老街饭店')).toBe('refused')
    expect(texts(s.group)[0]).toContain('还没有报送')
    expect(await t.photo('owner', s.group)).toBe('photo')
    expect(texts(s.group)[0]).toContain('等待监管人员核验')

    expect(await t.say('owner', s.group, '#责任制 核验 城关老街饭店')).toBe('refused')
    expect(texts(s.group)[0]).toContain('只有监管人员可以核验责任制')
    expect(await t.say('officer2', s.group, '#责任制 核验 城关老街饭店')).toBe('refused')
    expect(texts(s.group)[0]).toContain('不在您负责的范围内')
    expect(await t.say('officer', s.group, '#责任制 核验 城关老街饭店')).toBe('handled')
    expect(texts(s.group)[0]).toContain('已核验')

    const cov = (await t.app.http.inject({ url: '/api/responsibility/coverage', headers: VIEWER })).json()
    expect(cov.byClass.others).toMatchObject({ verified: 1, deadline: '2025-12-31' })
    const city = cov.byTownship.find((x: { township: string }) => x.township === '城关街道')
    expect(city).toMatchObject({ total: 2, verified: 1 })
    // 2026: the others' deadline has passed, the unverified ones are late
    expect(cov.late.map((l: { name: string }) => l.name)).toContain('红山羊汤馆')
    const audit = await t.database.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'responsibility.verify'))
    expect(audit).toHaveLength(1)

    const job = jobs.find((j) => j.name === 'responsibility-reminders')!
    expect(await t.app.scheduler.fire(job, t.clock.now())).toBe(true)
    expect((await outboxTexts()).some((x) => x.includes('【全员安全生产责任制提醒】') && x.includes('城关烧烤店') && !x.includes('城关老街饭店'))).toBe(true)
  })

  it('when milestones and inspections are recorded, then plan targets show progress and status at any date', async () => {
    const h = t.app.http
    const evidence = { name: '联合检查机制文件.pdf', mime: 'application/pdf', base64: Buffer.from('%PDF-1.4 联合检查').toString('base64') }
    const noEvidence = await h.inject({ method: 'POST', url: '/api/plan/milestones', headers: ADMIN, payload: { targetKey: 'joint_mechanism', year: 2024, achievedOn: '2024-10-10', title: '印发联合督导检查工作机制' } })
    expect(noEvidence.statusCode).toBe(400)
    const m = await h.inject({ method: 'POST', url: '/api/plan/milestones', headers: ADMIN, payload: { targetKey: 'joint_mechanism', year: 2024, achievedOn: '2024-10-10', title: '印发联合督导检查工作机制', evidence } })
    expect(m.statusCode).toBe(201)
    for (let i = 0; i < 3; i++) {
      const p = await h.inject({ method: 'POST', url: '/api/inspections', headers: ADMIN, payload: { plannedOn: `2026-0${i + 3}-10`, theme: `燃气专项检查${i + 1}`, departments: i ? ['住建/燃气'] : [], businessIds: [s.shop.id] } })
      expect(p.statusCode).toBe(201)
      const r = await h.inject({ method: 'POST', url: `/api/inspections/${p.json().id}/record`, headers: ADMIN, payload: { doneOn: `2026-0${i + 3}-12`, hazardCodes: [] } })
      expect(r.statusCode).toBe(200)
    }
    const insp = (await h.inject({ url: '/api/inspections?year=2026', headers: VIEWER })).json()
    expect(insp).toMatchObject({ required: 6, done: 3, joint: 2 })

    const at = async (d: string) => {
      const r = await h.inject({ url: `/api/plan/targets?at=${d}`, headers: VIEWER })
      expect(r.statusCode).toBe(200)
      return Object.fromEntries(r.json().targets.map((x: { key: string; status: string }) => [x.key, x]))
    }
    const y2024 = await at('2024-12-31')
    expect(y2024['joint_mechanism.2024'].status).toBe('met')
    expect(y2024['joint_mechanism.2024'].evidence[0].title).toBe('印发联合督导检查工作机制')
    expect(y2024['four_into.2024'].status).toBe('at_risk')
    expect((await at('2025-01-01'))['four_into.2024'].status).toBe('missed')
    expect((await at('2024-06-01'))['joint_mechanism.2024'].status).toBe('at_risk')
    const mid2026 = await at('2026-06-30')
    expect(mid2026['inspections.2026']).toMatchObject({ done: 3, required: 6, status: 'on_track' })
    expect((await at('2026-11-28'))['inspections.2026'].status).toBe('at_risk')
    expect((await at('2026-11-28'))['responsibility.others'].status).toBe('missed')
    // a milestone recorded after its year does not turn missed into met
    const late = await h.inject({ method: 'POST', url: '/api/plan/milestones', headers: ADMIN, payload: { targetKey: 'four_into', year: 2024, achievedOn: '2025-02-01', title: '“四进”梳理报告', evidence } })
    expect(late.statusCode).toBe(201)
    const after = await at('2025-03-01')
    expect(after['four_into.2024']).toMatchObject({ status: 'missed', done: 0 })
    expect(after['four_into.2024'].evidence).toHaveLength(1)
  })

  it('when the API is called without a token, with a read-only token, or with bad input, then it answers 401, 403 and 400 in Chinese', async () => {
    const h = t.app.http
    for (const url of ['/api/plan/targets', '/api/trainings/coverage', '/api/responsibility/coverage', '/api/policy-exclusions', '/api/gas-conversions', '/api/exhibitions']) {
      expect((await h.inject({ url })).statusCode).toBe(401)
    }
    const post = (url: string, payload: unknown, headers = ADMIN) => h.inject({ method: 'POST', url, headers, payload: payload as object })
    expect((await post('/api/trainings', { topic: '培训' }, VIEWER)).statusCode).toBe(403)
    expect((await post('/api/commendations', { title: '表扬', businessIds: [1] }, VIEWER)).statusCode).toBe(403)
    const bad = await post('/api/trainings', { topic: '燃气培训', startsAt: '明天上午', endsAt: '2026-12-01T10:00:00+08:00', audience: 'all', place: '局里' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().message).toBe('参数有误')
    expect(bad.json().details.join()).toContain('时间格式应为')
    const noPlace = await post('/api/trainings', { topic: '燃气培训', startsAt: '2026-12-01T09:00:00+08:00', endsAt: '2026-12-01T10:00:00+08:00', audience: 'all' })
    expect(noPlace.statusCode).toBe(400)
    expect(noPlace.json().message).toBe('请填写培训地点或线上链接')
    const badDate = await h.inject({ url: '/api/plan/targets?at=2026-02-30', headers: VIEWER })
    expect(badDate.statusCode).toBe(400)
    expect(badDate.json().details.join()).toContain('没有这一天')
  })

  it('when a business is excluded from policy support, then commendation candidates flag it and a commendation of it is refused', async () => {
    const h = t.app.http
    const ex = await h.inject({ method: 'POST', url: '/api/policy-exclusions', headers: ADMIN, payload: { businessId: s.other.id, reason: 'refused_rectification', detail: '拒不整改燃气隐患', source: '市应急管理局 凌应急罚〔2026〕12号', decidedOn: '2026-10-01' } })
    expect(ex.statusCode).toBe(201)
    const cands = (await h.inject({ url: '/api/commendations/candidates', headers: VIEWER })).json()
    const other = cands.find((c: { businessId: number }) => c.businessId === s.other.id)
    expect(other).toMatchObject({ excluded: true, commendable: false })
    expect(other.exclusionReasons[0]).toContain('凌应急罚')
    const refused = await h.inject({ method: 'POST', url: '/api/commendations', headers: LEADER, payload: { title: '2026年安全生产先进单位', businessIds: [s.other.id] } })
    expect(refused.statusCode).toBe(409)
    expect(refused.json().message).toContain('不再给予政策支持')
  })

  it('when an exhibition is filed without the police permit, then it is listed as missing and approval waits for it', async () => {
    const h = t.app.http
    const pdf = (s: string) => ({ name: `${s}.pdf`, mime: 'application/pdf', base64: Buffer.from(`%PDF ${s}`).toString('base64') })
    const filed = await h.inject({
      method: 'POST',
      url: '/api/exhibitions',
      headers: ADMIN,
      payload: { name: '2026凌源年货博览会', organiser: '凌源会展公司', venue: '体育馆', startsOn: '2026-12-20', endsOn: '2026-12-25', largePublicEvent: true, documents: { safety_plan: pdf('安全方案'), emergency_plan: pdf('应急预案') } },
    })
    expect(filed.statusCode).toBe(201)
    const e = filed.json()
    expect(e.missing).toEqual(['公安机关大型群众性活动安全许可'])
    const early = await h.inject({ method: 'POST', url: `/api/exhibitions/${e.id}/decision`, headers: ADMIN, payload: { decision: 'approved' } })
    expect(early.statusCode).toBe(409)
    expect(early.json().message).toContain('缺公安机关大型群众性活动安全许可')
    const permit = await h.inject({ method: 'PUT', url: `/api/exhibitions/${e.id}/documents/police_permit`, headers: ADMIN, payload: pdf('安全许可') })
    expect(permit.json().missing).toEqual([])
    const ok = await h.inject({ method: 'POST', url: `/api/exhibitions/${e.id}/decision`, headers: ADMIN, payload: { decision: 'approved', note: '材料齐全' } })
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toMatchObject({ decision: 'approved', decidedBy: '管理员' })
  })

  it('when restaurants record their fuel and conversion, then progress counts 瓶改管 and 气改电', async () => {
    const h = t.app.http
    const put = (id: number, payload: object) => h.inject({ method: 'PUT', url: `/api/gas-conversions/${id}`, headers: ADMIN, payload })
    expect((await put(s.shop.id, { fuel: 'piped_gas', plan: 'bottle_to_pipe', status: 'converted', convertedOn: '2026-09-01' })).statusCode).toBe(200)
    expect((await put(s.other.id, { fuel: 'bottled_lpg', plan: 'gas_to_electric', status: 'in_progress' })).statusCode).toBe(200)
    const noDate = await put(s.other.id, { fuel: 'electric', plan: 'gas_to_electric', status: 'converted' })
    expect(noDate.statusCode).toBe(400)
    expect(noDate.json().message).toContain('完成日期')
    const p = (await h.inject({ url: '/api/gas-conversions', headers: VIEWER })).json()
    expect(p.bottleToPipe).toEqual({ planned: 1, converted: 1 })
    expect(p.gasToElectric).toEqual({ planned: 1, converted: 0 })
    expect(p.rate).toBe(0.5)
  })

  it('when a leader commends a business with a good record, then the commendation is pushed to the groups', async () => {
    const r = await t.app.http.inject({ method: 'POST', url: '/api/commendations', headers: LEADER, payload: { title: '11月安全生产先进单位', businessIds: [s.shop.id] } })
    expect(r.statusCode).toBe(201)
    expect(r.json().notifiedGroups).toContain('城关商户安全群')
    await t.settle()
    const said = texts(s.group).join('\n')
    expect(said).toContain('【通报表扬】11月安全生产先进单位')
    expect(said).toContain('城关老街饭店')

    // in the chat: leaders only, and never an excluded business
    expect(await t.say('officer', s.group, '#表扬 城关老街饭店')).toBe('refused')
    expect(texts(s.group)[0]).toContain('监管人员不能执行这个操作')
    expect(await t.say('leader', s.group, '#表扬 红山羊汤馆')).toBe('refused')
    expect(texts(s.group)[0]).toContain('不再给予政策支持')
    expect(await t.say('leader', s.group, '#表扬 城关老街饭店 标题:年度自查自改先进单位')).toBe('handled')
    const chat = texts(s.group)
    expect(chat.some((x) => x?.includes('已发布通报表扬“年度自查自改先进单位”'))).toBe(true)
    expect(chat.some((x) => x?.startsWith('【通报表扬】年度自查自改先进单位'))).toBe(true)
  })

  it('when people mistype programme commands, then they get a clear Chinese answer with the usage', async () => {
    expect(await t.say('officer', s.group, '#自查 燃气')).toBe('refused')
    expect(texts(s.group)[0]).toContain('监管人员不能执行这个操作')
    expect(await t.say('passer', s.group, '#自查 燃气')).toBe('refused')
    expect(texts(s.group)[0]).toContain('只有绑定了单位的经营主体可以自查')
    expect(await t.say('owner', s.group, '#自查 火锅')).toBe('usage')
    const unknown = texts(s.group)[0]
    expect(unknown).toContain('没有“火锅”自查表')
    expect(unknown).toContain('用法：自查')
    expect(await t.say('owner', s.group, '#签到 abc')).toBe('usage')
    expect(texts(s.group)[0]).toContain('请写老师公布的4位签到码')
    expect(await t.say('owner', s.group, '#报名 P999')).toBe('refused')
    expect(texts(s.group)[0]).toContain('没有找到培训 P999')
    expect(await t.say('owner', s.group, '#责任制 随便')).toBe('usage')
    expect(texts(s.group)[0]).toContain('责任制 已修订')
    // already verified: nothing more to submit
    expect(await t.say('owner', s.group, '#责任制 已修订')).toBe('refused')
    expect(texts(s.group)[0]).toContain('已核验通过')
  })
})
