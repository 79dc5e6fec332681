import { describe, it, expect } from 'vitest'
import { eq } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { overview } from '../../src/services/stats.js'
import { ledgerPage } from '../../src/services/ledger.js'
import { reportCode, useSeededApp, withoutMentions, type Seed, type TestApp } from '../helpers/app.js'
import { consoleUser, signInAs } from '../helpers/console.js'

const strip = withoutMentions
const ADMIN = { role: 'admin' as const, personId: null, identityId: null, businessIds: [], townshipId: null, industries: [] }

describe('hazard codes without holes, junk reports and voiding (作废)', () => {
  let t: TestApp
  let s: Seed
  useSeededApp((app, seed) => {
    t = app
    s = seed
  })
  const db = () => t.database.db
  const hazard = async (code: string) => (await db().select().from(schema.hazards).where(eq(schema.hazards.code, code)))[0]
  const last = (chat = s.group) => t.botSaid(chat).at(-1)
  const report = (from: string, text: string) => reportCode(t, from, s.group, text)
  /** every code given so far, as numbers in order */
  const numbers = async () =>
    (await db().select({ code: schema.hazards.code }).from(schema.hazards))
      .map((h) => Number(h.code.slice(1)))
      .sort((a, b) => a - b)

  it('when reports and a self-check with failed items interleave, then the codes run on without a hole', async () => {
    expect(await report('owner', '#隐患 后厨燃气软管老化')).toBe('Y1')
    await t.say('owner', s.group, '#自查 燃气')
    t.botSaid(s.group)
    await t.say('owner', s.group, '3、5不合格 其余合格')
    const done = last()!.text!
    expect(done).toContain('Y2（第3项）')
    expect(done).toContain('Y3（第5项）')
    expect(await report('owner', '#隐患 楼道堆放纸箱')).toBe('Y4')
    expect(await numbers()).toEqual([1, 2, 3, 4])
  })

  it('when a report is only digits, punctuation or emoji, then it gets the usage and no hazard', async () => {
    const before = (await numbers()).length
    for (const junk of ['#隐患 666', '#隐患 ？？？', '#隐患 🔥🔥🔥', '#隐患 火', '#报隐患 。。。']) {
      expect(await t.say('owner', s.group, junk), junk).toBe('usage')
      const said = strip(last()?.text)
      expect(said).toContain('请写上隐患情况')
      expect(said).toContain('用法：隐患')
    }
    expect((await numbers()).length).toBe(before)
  })

  it('when an officer voids a duplicate with a reason, then it stays in the ledger as 已作废, out of statistics, and can no longer be acted on', async () => {
    const first = await report('owner', '#隐患 安全出口堆放货物')
    const dup = await report('owner', '#隐患 安全出口堆放货物')
    const actor = { ...ADMIN }
    const before = await overview(db(), actor, t.clock.now())

    expect(await t.say('officer', s.group, `#作废 ${dup}`)).toBe('usage')
    expect(strip(last()?.text)).toContain('请写明作废原因')
    expect(await t.say('owner', s.group, `#作废 ${dup} 重复上报`)).toBe('refused')
    expect(strip(last()?.text)).toContain('只有监管人员可以作废隐患')
    expect(await t.say('officer2', s.group, `#作废 ${dup} 重复上报`)).toBe('refused')
    expect(strip(last()?.text)).toContain('不在您负责的范围内')

    expect(await t.say('officer', s.group, `#作废 ${dup} 重复上报 与${first}相同`)).toBe('handled')
    const answer = last()!
    expect(strip(answer.text)).toContain(`${dup} 已作废：重复上报 与${first}相同`)
    // the reporter is told where it was filed: here, mentioned in the answer
    expect(answer.mentionIds).toEqual(['officer', 'owner'])
    expect(await hazard(dup)).toMatchObject({ status: 'voided', voidReason: `重复上报 与${first}相同` })
    const events = await db().select().from(schema.hazardEvents).where(eq(schema.hazardEvents.hazardId, (await hazard(dup)).id))
    expect(events.map((e) => [e.action, e.toStatus, e.note, e.actorName])).toEqual([
      ['report', 'reported', '安全出口堆放货物', '张老板'],
      ['void', 'voided', `重复上报 与${first}相同`, '李明'],
    ])

    const after = await overview(db(), actor, t.clock.now())
    expect(after.total).toBe(before.total - 1)
    expect(after.open).toBe(before.open - 1)
    const voidedPage = await ledgerPage(db(), actor, { status: 'voided', sort: 'createdAt', order: 'desc', page: 1, pageSize: 20 }, t.clock.now())
    expect(voidedPage.items.map((i) => [i.code, i.statusLabel])).toEqual([[dup, '已作废']])
    const openPage = await ledgerPage(db(), actor, { status: 'open', sort: 'createdAt', order: 'desc', page: 1, pageSize: 50 }, t.clock.now())
    expect(openPage.items.map((i) => i.code)).not.toContain(dup)

    await t.say('officer', s.group, `#查询 ${dup}`)
    const shown = strip(last()?.text)
    expect(shown).toContain('已作废')
    expect(shown).toContain('作废原因：重复上报')
    expect(await t.say('officer', s.group, `#受理 ${dup} 7天`)).toBe('refused')
    expect(strip(last()?.text)).toContain('已作废，不能再操作')
  })

  it('when the business has reported its rectification, then an officer may not void it but a leader may, and the reporter hears of it in the group', async () => {
    const code = await report('owner', '#隐患 配电箱门损坏')
    await t.say('officer', s.group, `#受理 ${code} 7天`)
    await t.say('owner', s.group, `#整改 ${code} 已更换箱门`)
    t.botSaid(s.group)
    expect(await t.say('officer', s.group, `#作废 ${code} 误报`)).toBe('refused')
    expect(strip(last()?.text)).toContain('作废需由局领导办理')

    expect(await t.say('leader', s.leaders, `#作废 ${code} 经核实为误报`)).toBe('handled')
    expect(strip(last(s.leaders)?.text)).toContain(`${code} 已作废：经核实为误报`)
    const told = last(s.group)!
    expect(told.text).toContain(`您上报的隐患 ${code} 已作废：经核实为误报（马局长）`)
    expect(told.mentionIds).toEqual(['owner'])
    expect((await hazard(code)).status).toBe('voided')
  })

  it('when an admin voids from the console, then the same rule applies, it is audited and the group is told', async () => {
    const code = await report('owner', '#隐患 测试误发的一条')
    await consoleUser(db(), 'void-admin', { name: '控制台管理员', role: 'admin' })
    const session = await signInAs(t.app.http, 'void-admin')
    const detail = await session.call({ method: 'GET', url: `/console/api/hazards/${code}` })
    expect(detail.json().actions.void).toBe(true)
    const bad = await session.call({ method: 'POST', url: `/console/api/hazards/${code}/void`, payload: { reason: '' } })
    expect(bad.statusCode).toBe(400)
    const r = await session.call({ method: 'POST', url: `/console/api/hazards/${code}/void`, payload: { reason: '测试数据' } })
    expect(r.statusCode, r.body).toBe(200)
    expect(r.json()).toMatchObject({ code, status: 'voided' })
    await t.settle()
    expect(last(s.group)?.text).toContain(`您上报的隐患 ${code} 已作废：测试数据（控制台管理员）`)
    const audit = await db().select().from(schema.auditLog).where(eq(schema.auditLog.targetId, code))
    expect(audit.map((a) => a.action)).toContain('hazard.void')
    const again = await session.call({ method: 'GET', url: `/console/api/hazards/${code}` })
    expect(again.json().actions.void).toBe(false)
  })
})
