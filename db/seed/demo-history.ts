import { createHash } from 'node:crypto'
import { and, eq, inArray } from 'drizzle-orm'
import { schema, type Tx } from '../client.js'
import { checklistForIndustry, checklists } from '../checklists/index.js'
import type { Industry } from '../../src/core/domain.js'

/**
 * The demo city's past, from January 2024 to `now`: what a bureau would have on file after three years of the plan.
 * Hazards through their whole life (reported, accepted, rectified, verified; some sent back once, transferred,
 * voided, overdue, major), notices with acknowledgements (the latest only partly acknowledged), officers' tasks,
 * trainings with sign-ups and attendance, monthly self-checks whose failed items became hazards, the
 * responsibility register, special inspections, milestones with evidence, exhibition filings, an exclusion,
 * commendations, gas conversions and a few sent and one dead outbox message.
 *
 * Written with plain inserts in a few batches (fast on PGlite), deterministic (a seeded generator), and only once:
 * an audit entry `demo.history` marks it done.
 */

const MARK = 'demo.history'
const DAY = 86_400_000
const at = (s: string) => new Date(`${s}+08:00`)
const pad = (n: number) => String(n).padStart(2, '0')
const ymd = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`
const dayOf = (d: Date) => d.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' })

function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** What businesses and inspectors really find, by category: description, place, the measures taken. */
const FINDINGS: Record<string, [string, string, string][]> = {
  gas: [
    ['后厨燃气软管老化开裂', '后厨', '已更换燃气软管并用卡箍固定'],
    ['可燃气体报警器未通电', '后厨', '报警器已接通电源并测试报警正常'],
    ['液化气钢瓶与灶具同室存放', '操作间', '钢瓶已移至独立气瓶间'],
    ['未安装燃气泄漏自动切断装置', '后厨', '已安装自动切断装置并联动报警器'],
    ['使用过期液化气钢瓶', '气瓶间', '过期钢瓶已退回充装站更换'],
  ],
  fire: [
    ['安全出口被货物堵塞', '一楼东侧安全出口', '已清理货物，安全出口保持畅通'],
    ['灭火器压力不足', '营业大厅', '已更换灭火器8具'],
    ['疏散指示标志损坏', '二楼走廊', '已更换疏散指示标志'],
    ['消防通道停放车辆', '后院消防通道', '已清理车辆并设置禁停标识'],
    ['烟道油污较厚未清洗', '后厨烟道', '已请专业公司清洗烟道'],
    ['员工宿舍私拉电线给电动车充电', '员工宿舍', '已拆除私拉电线，设置集中充电点'],
  ],
  electrical: [
    ['配电箱周边堆放可燃物', '配电室', '已清理可燃物并划定警示区'],
    ['插线板串接使用', '收银台', '已拆除串接插线板，增设固定插座'],
    ['电线老化裸露', '仓库', '已请电工更换老化线路'],
  ],
  special_equipment: [
    ['电梯年检标志过期', '客梯', '已完成电梯年检，张贴新标志'],
    ['叉车司机无证上岗', '拆解车间', '已停止无证作业，安排司机参加培训取证'],
  ],
  building: [
    ['仓库屋面彩钢板锈蚀漏雨', '仓库', '已更换锈蚀彩钢板'],
    ['违规搭建临时用房', '后院', '临时用房已拆除'],
  ],
  hazardous: [
    ['油罐区静电接地线断开', '油罐区', '已修复静电接地并检测合格'],
    ['卸油时未设置警戒区', '卸油口', '已配备警戒设施并培训卸油员'],
    ['废油液随意存放', '拆解车间', '废油液已集中收集到专用储存间'],
  ],
}
const BY_INDUSTRY: Record<Industry, string[]> = {
  catering: ['gas', 'gas', 'fire', 'electrical'],
  refined_oil: ['hazardous', 'hazardous', 'fire', 'electrical'],
  scrap_vehicle: ['hazardous', 'fire', 'special_equipment', 'building'],
  mall: ['fire', 'fire', 'electrical', 'special_equipment'],
  exhibition: ['fire', 'electrical', 'building'],
  time_honoured: ['gas', 'fire', 'electrical'],
  county_commerce: ['fire', 'electrical', 'building'],
  foreign_trade: ['fire', 'electrical', 'building'],
}
const DEPARTMENTS = ['消防救援', '住建/燃气', '市场监管', '应急管理']

/** Risk reminders the bureau sends through the year (month → text). */
const REMINDERS: [number, string][] = [
  [1, '【安全提醒】春节将至，请各单位开展节前安全自查：燃气软管、报警器、安全出口、消防器材逐项检查，落实24小时值班。收到请回复“收到”。'],
  [3, '【安全提醒】春季风干物燥，请严禁在店内吸烟和使用明火，及时清理可燃杂物。收到请回复“收到”。'],
  [5, '【安全提醒】五一假期客流增大，商场、餐饮单位请加强人员疏导，确保疏散通道畅通。收到请回复“收到”。'],
  [6, '【安全提醒】6月是全国“安全生产月”，请组织员工参加一次应急疏散演练并在群里报备。收到请回复“收到”。'],
  [7, '【安全提醒】主汛期来临，请检查屋面、排水和配电设施，低洼处物资及时转移。收到请回复“收到”。'],
  [9, '【安全提醒】国庆、中秋临近，请开展节前燃气和消防安全检查，落实值班值守。收到请回复“收到”。'],
  [11, '【安全提醒】进入冬季供暖期，请注意用火用电用气安全，严禁私拉电线、违规使用大功率电器。收到请回复“收到”。'],
]

const TASKS: [number, string][] = [
  [2, '请于本月底前完成辖区餐饮单位燃气安全检查，报送检查台账'],
  [6, '安全生产月：组织辖区重点单位开展一次应急演练，报送照片和总结'],
  [10, '节前对辖区商场超市开展消防安全检查，重大隐患当日上报'],
]

export async function seedDemoHistory(tx: Tx, opts: { now: Date; channel: string; account?: string; contactId: (name: string) => string }): Promise<{ created: boolean; hazards: number }> {
  const [done] = await tx.select({ id: schema.auditLog.id }).from(schema.auditLog).where(eq(schema.auditLog.action, MARK)).limit(1)
  if (done) return { created: false, hazards: 0 }
  const { now, channel, contactId } = opts
  const account = opts.account ?? 'bot'
  const rnd = mulberry32(2024)
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]
  const before = (d: Date) => d.getTime() < now.getTime()

  const businesses = await tx.select().from(schema.businesses).where(eq(schema.businesses.demo, true)).orderBy(schema.businesses.id)
  const people = await tx.select().from(schema.people).where(eq(schema.people.demo, true))
  const person = (name: string) => people.find((p) => p.name === name)!
  const owners = await tx
    .select({ personId: schema.memberships.personId, businessId: schema.memberships.businessId })
    .from(schema.memberships)
    .where(inArray(schema.memberships.businessId, businesses.map((b) => b.id)))
  const ownerOf = (businessId: number) => people.find((p) => p.id === owners.find((o) => o.businessId === businessId)?.personId)!
  const [chengguan] = await tx.select().from(schema.jurisdictions).where(eq(schema.jurisdictions.name, '城关街道'))
  /** who inspects and accepts a business's hazards: the township's officer, the industry's, else the city's */
  const officerOf = (b: (typeof businesses)[number]) =>
    b.townshipId === chengguan?.id ? person('李明') : b.industry === 'refined_oil' || b.industry === 'scrap_vehicle' ? person('韩雪') : person('杨光')
  const groups = await tx.select().from(schema.groups).where(and(eq(schema.groups.demo, true), eq(schema.groups.registered, true)))
  const groupOf = (b: (typeof businesses)[number]) =>
    groups.find((g) => g.townshipId === b.townshipId) ?? groups.find((g) => g.industries.includes(b.industry)) ?? groups.find((g) => g.townshipId === null && g.industries.length === 0)

  const evidence = Buffer.from('%PDF-1.4 演示证明材料')
  const sha = createHash('sha256').update(evidence).digest('hex')
  await tx.insert(schema.attachments).values({ sha256: sha, mime: 'application/pdf', size: evidence.length, bytes: evidence }).onConflictDoNothing()

  // ---- self-checks: most businesses once a month in the season's checklist; a failed item becomes a hazard ----
  type Plan = { h: typeof schema.hazards.$inferInsert; events: Omit<typeof schema.hazardEvents.$inferInsert, 'hazardId'>[]; check?: number; itemNo?: number }
  const plans: Plan[] = []
  const checks: (typeof schema.selfChecks.$inferInsert & { failed?: number })[] = []
  for (let y = 2024; y <= 2026; y++)
    for (let m = 1; m <= 12; m++)
      for (const b of businesses) {
        if (rnd() < 0.35) continue
        const startedAt = at(`${ymd(y, m, 1 + Math.floor(rnd() * 25))}T${pad(9 + Math.floor(rnd() * 8))}:${pad(Math.floor(rnd() * 60))}:00`)
        if (!before(new Date(startedAt.getTime() + 3600_000))) continue
        const list = checklistForIndustry(b.industry) ?? checklists.find((c) => c.key === 'electrical')!
        const failed = rnd() < 0.15 ? 1 + Math.floor(rnd() * list.items.length) : undefined
        const answers = Object.fromEntries(list.items.map((_i, n) => [String(n + 1), n + 1 !== failed]))
        checks.push({ businessId: b.id, personId: ownerOf(b.id)?.id, checklistKey: list.key, title: list.title, items: list.items.map((i) => i.text), answers, status: 'done', startedAt, completedAt: new Date(startedAt.getTime() + 15 * 60_000), failed })
      }

  // ---- hazards: a few a month, from businesses, inspections, the public and self-checks ----
  const life = (b: (typeof businesses)[number], created: Date, description: string, place: string | null, measures: string, category: string, from: 'member' | 'officer' | 'public', extra: Partial<Plan> = {}) => {
    const officer = officerOf(b)
    const owner = ownerOf(b.id)
    const grade = rnd() < 0.08 ? ('major' as const) : ('general' as const)
    const reporter = from === 'member' ? owner : from === 'officer' ? officer : null
    const events: Plan['events'] = [{ action: 'report', actorPersonId: reporter?.id ?? null, actorName: reporter?.name ?? '热心群众', toStatus: 'reported', note: description, at: created }]
    const h: typeof schema.hazards.$inferInsert = {
      businessId: b.id,
      townshipId: b.townshipId,
      industry: b.industry,
      groupId: groupOf(b)?.id ?? null,
      reporterPersonId: reporter?.id ?? null,
      reporterName: reporter?.name ?? '热心群众',
      reporterKind: from,
      description: grade === 'major' ? `${description}（重大）` : description,
      place,
      category,
      grade,
      listedSupervision: grade === 'major' ? '挂牌督办' : null,
      status: 'reported',
      campaign: category === 'gas' ? '城镇燃气安全专项整治' : category === 'fire' && (created.getMonth() <= 2 || created.getMonth() >= 10) ? '冬春火灾防控' : null,
      createdAt: created,
      updatedAt: created,
    }
    const step = (days: number, e: Omit<Plan['events'][number], 'at'>) => {
      const t = new Date(created.getTime() + days * DAY + Math.floor(rnd() * 8) * 3600_000)
      if (!before(t)) return false
      events.push({ ...e, at: t })
      h.status = (e.toStatus as typeof h.status) ?? h.status
      h.updatedAt = t
      return t
    }
    const r = rnd()
    // 作废: a duplicate, voided the next day
    if (r < 0.04) {
      if (step(1, { action: 'void', actorPersonId: officer.id, actorName: officer.name, fromStatus: 'reported', toStatus: 'voided', note: '重复上报' })) {
        h.voidedAt = h.updatedAt as Date
        h.voidReason = '重复上报'
      }
      return plans.push({ h, events, ...extra })
    }
    const days = grade === 'major' ? 30 : 7
    const accepted = step(1, { action: 'accept', actorPersonId: officer.id, actorName: officer.name, fromStatus: 'reported', toStatus: 'rectifying', data: { deadlineDays: days } })
    if (!accepted) return plans.push({ h, events, ...extra })
    const deadline = new Date(at(`${dayOf(new Date(accepted.getTime() + days * DAY))}T23:59:59`))
    h.deadline = deadline
    h.responsiblePersonId = officer.id
    h.responsibleName = officer.name
    // 移交: beyond the bureau's remit, sent to the department and closed on its result
    if (r < 0.1) {
      const dept = pick(DEPARTMENTS)
      h.transferDepartment = dept
      if (!step(2, { action: 'transfer', actorPersonId: officer.id, actorName: officer.name, fromStatus: 'rectifying', toStatus: 'transferred', note: dept })) return plans.push({ h, events, ...extra })
      if (!step(12, { action: 'transfer_result', actorPersonId: officer.id, actorName: officer.name, fromStatus: 'transferred', toStatus: 'transferred', note: `${dept}已责令整改并复查合格` })) return plans.push({ h, events, ...extra })
      h.transferResult = `${dept}已责令整改并复查合格`
      if (step(14, { action: 'verify_pass', actorPersonId: officer.id, actorName: officer.name, fromStatus: 'transferred', toStatus: 'closed', note: '通过' })) h.closedAt = h.updatedAt as Date
      return plans.push({ h, events, ...extra })
    }
    // 逾期: some never get their rectification in time
    const late = r < 0.16
    const fixDays = late ? days + 5 + Math.floor(rnd() * 20) : 1 + Math.floor(rnd() * (days - 1))
    if (!step(fixDays, { action: 'rectify', actorPersonId: owner.id, actorName: owner.name, fromStatus: 'rectifying', toStatus: 'awaiting_verification', note: measures })) return plans.push({ h, events, ...extra })
    h.measures = measures
    // sent back once: the rectification was not enough
    if (r > 0.9) {
      if (!step(fixDays + 1, { action: 'verify_fail', actorPersonId: officer.id, actorName: officer.name, fromStatus: 'awaiting_verification', toStatus: 'rectifying', note: '整改不到位，请补充整改后照片' })) return plans.push({ h, events, ...extra })
      if (!step(fixDays + 3, { action: 'rectify', actorPersonId: owner.id, actorName: owner.name, fromStatus: 'rectifying', toStatus: 'awaiting_verification', note: `${measures}，已补拍照片` })) return plans.push({ h, events, ...extra })
    }
    if (step(fixDays + 4, { action: 'verify_pass', actorPersonId: officer.id, actorName: officer.name, fromStatus: 'awaiting_verification', toStatus: 'closed', note: '通过' })) h.closedAt = h.updatedAt as Date
    return plans.push({ h, events, ...extra })
  }

  for (let y = 2024; y <= 2026; y++)
    for (let m = 1; m <= 12; m++) {
      const n = 2 + Math.floor(rnd() * 3) + (m === 12 || m <= 2 ? 1 : 0)
      for (let i = 0; i < n; i++) {
        const created = at(`${ymd(y, m, 1 + Math.floor(rnd() * 27))}T${pad(8 + Math.floor(rnd() * 10))}:${pad(Math.floor(rnd() * 60))}:00`)
        if (!before(created)) continue
        const b = pick(businesses)
        const category = pick(BY_INDUSTRY[b.industry as Industry])
        const [description, place, measures] = pick(FINDINGS[category])
        const r = rnd()
        life(b, created, description, place, measures, category, r < 0.55 ? 'member' : r < 0.9 ? 'officer' : 'public')
      }
    }
  checks.forEach((c, i) => {
    if (!c.failed) return
    const b = businesses.find((x) => x.id === c.businessId)!
    const item = checklistForIndustry(b.industry) ?? checklists.find((x) => x.key === 'electrical')!
    const it = item.items[c.failed - 1]
    const [, place, measures] = pick(FINDINGS[it.category] ?? FINDINGS.fire)
    life(b, new Date((c.completedAt as Date).getTime() + 1000), `自查发现：${it.text.replace(/[，。].*$/, '')}不符合要求`, place, measures, it.category, 'member', { check: i, itemNo: c.failed })
  })
  // what any city has open today: a major one overdue, and ones waiting for each step
  const recent = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY)
  const byName = (name: string) => businesses.find((b) => b.name === name)!
  const open: [string, number, string][] = [
    ['凌源万达购物广场', 40, 'fire'],
    ['中石油凌源南环加油站', 12, 'hazardous'],
    ['城关老街饭店', 3, 'gas'],
    ['北街百货商场', 1, 'electrical'],
    ['凌源市报废机动车回收拆解有限公司', 10, 'special_equipment'],
  ]
  for (const [name, ago, category] of open) {
    const b = byName(name)
    const [description, place, measures] = FINDINGS[category][0]
    const created = recent(ago)
    const officer = officerOf(b)
    const owner = ownerOf(b.id)
    const major = ago === 40
    const deadline = at(`${dayOf(new Date(created.getTime() + (major ? 31 : 8) * DAY))}T23:59:59`)
    const events: Plan['events'] = [{ action: 'report', actorPersonId: officer.id, actorName: officer.name, toStatus: 'reported', note: description, at: created }]
    let status: typeof schema.hazards.$inferInsert.status = 'reported'
    if (ago >= 3) {
      events.push({ action: 'accept', actorPersonId: officer.id, actorName: officer.name, fromStatus: 'reported', toStatus: 'rectifying', at: new Date(created.getTime() + 3600_000) })
      status = 'rectifying'
    }
    let transferDepartment: string | null = null
    if (ago === 10) {
      transferDepartment = '市场监管'
      events.push({ action: 'transfer', actorPersonId: officer.id, actorName: officer.name, fromStatus: 'rectifying', toStatus: 'transferred', note: '特种设备由市场监管部门处理', at: new Date(created.getTime() + DAY) })
      status = 'transferred'
    }
    if (ago === 3) {
      events.push({ action: 'rectify', actorPersonId: owner.id, actorName: owner.name, fromStatus: 'rectifying', toStatus: 'awaiting_verification', note: measures, at: new Date(created.getTime() + DAY) })
      status = 'awaiting_verification'
    }
    plans.push({
      h: {
        businessId: b.id,
        townshipId: b.townshipId,
        industry: b.industry,
        groupId: groupOf(b)?.id ?? null,
        reporterPersonId: officer.id,
        reporterName: officer.name,
        reporterKind: 'officer',
        description: major ? `${description}，商场主通道防火卷帘下堆放货物（重大）` : description,
        place,
        category,
        grade: major ? 'major' : 'general',
        listedSupervision: major ? '挂牌督办' : null,
        status,
        deadline: status === 'reported' ? null : deadline,
        responsiblePersonId: status === 'reported' ? null : officer.id,
        responsibleName: status === 'reported' ? null : officer.name,
        measures: status === 'awaiting_verification' ? measures : null,
        transferDepartment,
        createdAt: created,
        updatedAt: events[events.length - 1].at,
      },
      events,
    })
  }
  // codes in the order things happened: Y1 is the first hazard of January 2024
  plans.sort((a, b) => (a.h.createdAt as Date).getTime() - (b.h.createdAt as Date).getTime())
  const hazardIds: number[] = []
  for (let i = 0; i < plans.length; i += 100) {
    const rows = await tx.insert(schema.hazards).values(plans.slice(i, i + 100).map((p) => p.h)).returning({ id: schema.hazards.id })
    hazardIds.push(...rows.map((r) => r.id))
  }
  const events = plans.flatMap((p, i) => p.events.map((e) => ({ ...e, hazardId: hazardIds[i] })))
  for (let i = 0; i < events.length; i += 300) await tx.insert(schema.hazardEvents).values(events.slice(i, i + 300))
  const checkIds: number[] = []
  for (let i = 0; i < checks.length; i += 200) {
    const rows = await tx.insert(schema.selfChecks).values(checks.slice(i, i + 200).map(({ failed: _f, ...c }) => c)).returning({ id: schema.selfChecks.id })
    checkIds.push(...rows.map((r) => r.id))
  }
  const findings = plans.flatMap((p, i) => (p.check !== undefined ? [{ selfCheckId: checkIds[p.check], itemNo: p.itemNo!, hazardId: hazardIds[i] }] : []))
  if (findings.length) await tx.insert(schema.selfCheckFindings).values(findings)

  // ---- notices: seasonal reminders to every registered group; the older ones fully acknowledged ----
  const bureau = person('杨光')
  const members = new Map<number, { id: string; name: string }[]>()
  for (const g of groups) {
    const [room] = await tx.select({ memberIds: schema.simEntities.memberIds }).from(schema.simEntities).where(eq(schema.simEntities.id, g.externalId))
    const ids = room?.memberIds ?? []
    members.set(
      g.id,
      people.filter((p) => p.role === 'member' && ids.includes(contactId(p.name))).map((p) => ({ id: contactId(p.name), name: p.name })),
    )
  }
  const identities = await tx.select().from(schema.identities).where(inArray(schema.identities.personId, people.map((p) => p.id)))
  const sendTimes: [Date, string][] = []
  for (let y = 2024; y <= 2026; y++) for (const [m, text] of REMINDERS) sendTimes.push([at(`${ymd(y, m, m === 1 ? 20 : 10)}T09:30:00`), text])
  const sent = sendTimes.filter(([t]) => before(new Date(t.getTime() + 2 * DAY)))
  for (const [n, [sendAt, text]] of sent.entries()) {
    const latest = n === sent.length - 1
    const [notice] = await tx
      .insert(schema.notices)
      .values({ text, priority: 'normal', requiresAck: true, targets: { all: true }, sendAt, channel, account, createdByName: bureau.name, createdAt: new Date(sendAt.getTime() - 3600_000) })
      .returning()
    for (const g of groups) {
      const expected = members.get(g.id) ?? []
      // the scheduler reminds a day after delivery: history has had its reminders, none are owed at start
      await tx.insert(schema.noticeDeliveries).values({
        noticeId: notice.id,
        groupId: g.id,
        chatId: g.externalId,
        chatName: g.name,
        expected,
        deliveredAt: new Date(sendAt.getTime() + 60_000),
        remindedAt: new Date(sendAt.getTime() + DAY),
        remindedCount: Math.max(1, Math.floor(expected.length / 3)),
      })
      // the latest: about half have answered so far; older ones: all but now and then one
      const answered = expected.filter((_m, i) => (latest ? i % 2 === 0 : !(n % 4 === 1 && i === expected.length - 1)))
      const acks = answered.map((m, i) => {
        const p = people.find((x) => contactId(x.name) === m.id)
        return {
          noticeId: notice.id,
          channel,
          externalId: m.id,
          identityId: identities.find((x) => x.externalId === m.id)?.id ?? null,
          personId: p?.id ?? null,
          name: m.name,
          chatName: g.name,
          groupId: g.id,
          at: new Date(sendAt.getTime() + (10 + i * 17) * 60_000),
        }
      })
      if (acks.length) await tx.insert(schema.noticeAcks).values(acks).onConflictDoNothing()
    }
  }

  // ---- 督办 tasks for the officers: done, acknowledged, and one open and overdue ----
  const officers = ['李明', '韩雪', '杨光'].map(person)
  const taskTimes: [Date, string][] = []
  for (let y = 2024; y <= 2026; y++) for (const [m, text] of TASKS) taskTimes.push([at(`${ymd(y, m, 5)}T10:00:00`), text])
  const dueTasks = taskTimes.filter(([t]) => before(t))
  for (const [n, [createdAt, text]] of dueTasks.entries()) {
    const deadline = new Date(createdAt.getTime() + 20 * DAY)
    const [task] = await tx.insert(schema.tasks).values({ text, deadline, targets: { officers: officers.map((o) => o.name) }, channel, account, createdByName: '马局长', createdAt }).returning()
    const last = n === dueTasks.length - 1
    await tx.insert(schema.taskAssignees).values(
      officers.map((o, i) => {
        const finished = last ? i === 0 : before(new Date(deadline.getTime() - DAY)) && !(n % 5 === 2 && i === 1)
        return {
          taskId: task.id,
          personId: o.id,
          personName: o.name,
          externalId: contactId(o.name),
          status: finished ? ('done' as const) : last && i === 2 ? ('assigned' as const) : ('acknowledged' as const),
          deliveredAt: new Date(createdAt.getTime() + 60_000),
          ackAt: last && i === 2 ? null : new Date(createdAt.getTime() + 2 * 3600_000),
          doneAt: finished ? new Date(createdAt.getTime() + (8 + i * 3) * DAY) : null,
          doneNote: finished ? '已完成，台账已报送' : null,
        }
      }),
    )
  }

  // ---- trainings: officials, the year's focus for principals, one for all; sign-ups and attendance ----
  const principals = owners.map((o) => ({ personId: o.personId, industry: businesses.find((b) => b.id === o.businessId)!.industry }))
  const officials = people.filter((p) => p.role === 'officer' && p.townshipId !== null)
  for (const [y, focus, focusIndustries] of [
    [2024, 'catering_gas', ['catering', 'time_honoured']],
    [2025, 'oil_scrap', ['refined_oil', 'scrap_vehicle']],
    [2026, 'exhibition_mall', ['exhibition', 'mall']],
  ] as const) {
    const sessions: [string, 'officials' | 'principals' | 'all', number, readonly string[], string | null, number[]][] = [
      [`${y}年乡镇街安全管理人员培训`, 'officials', 4, [], null, officials.map((p) => p.id)],
      [`${y}年重点行业企业负责人安全培训`, 'principals', 6, focusIndustries, focus, principals.filter((p) => (focusIndustries as readonly string[]).includes(p.industry)).map((p) => p.personId)],
      [`${y}年商务领域安全生产专题培训`, 'all', 10, [], null, [...principals.map((p) => p.personId), ...officers.map((o) => o.id)]],
    ]
    for (const [topic, audience, month, industries, f, invited] of sessions) {
      const startsAt = at(`${ymd(y, month, 16)}T09:00:00`)
      const signupsClose = new Date(startsAt.getTime() - 3 * DAY)
      if (!before(signupsClose)) continue
      const [t] = await tx
        .insert(schema.trainings)
        .values({ topic, startsAt, endsAt: new Date(startsAt.getTime() + 3 * 3600_000), place: '市商务局三楼会议室', audience, targetIndustries: [...industries], focus: f, checkinCode: String(4000 + y - 2000 + month), createdBy: '杨光', createdAt: new Date(startsAt.getTime() - 14 * DAY) })
        .returning()
      const once = [...new Set(invited)]
      const signed = once.filter((_p, i) => i % 5 !== 4 || audience === 'officials')
      if (signed.length) await tx.insert(schema.trainingSignups).values(signed.map((personId, i) => ({ trainingId: t.id, personId, at: new Date(startsAt.getTime() - (10 - (i % 7)) * DAY) })))
      const came = before(startsAt) ? signed.filter((_p, i) => i % 6 !== 5) : []
      if (came.length) await tx.insert(schema.trainingAttendance).values(came.map((personId, i) => ({ trainingId: t.id, personId, at: new Date(startsAt.getTime() + (i % 20) * 60_000) })))
    }
  }

  // ---- the responsibility register: above-quota units in 2024, the others in 2025; some late, one not yet ----
  for (const [k, b] of businesses.entries()) {
    const year = b.aboveQuota ? 2024 : 2025
    const submittedAt = at(`${ymd(year, 3 + (k % 8), 6 + k)}T10:00:00`)
    if (!before(submittedAt)) continue
    if (k === 10) {
      await tx.insert(schema.responsibilitySystems).values({ businessId: b.id, status: 'revised', submittedAt, submittedByPersonId: ownerOf(b.id)?.id, attachmentSha256: sha }).onConflictDoNothing()
      continue
    }
    const verifiedAt = k % 5 === 4 ? at(`${year + 1}-02-${pad(10 + k)}T15:00:00`) : new Date(submittedAt.getTime() + 6 * DAY)
    await tx
      .insert(schema.responsibilitySystems)
      .values(
        before(verifiedAt)
          ? { businessId: b.id, status: 'verified', submittedAt, submittedByPersonId: ownerOf(b.id)?.id, attachmentSha256: sha, verifiedAt, verifiedByName: officerOf(b).name }
          : { businessId: b.id, status: 'revised', submittedAt, submittedByPersonId: ownerOf(b.id)?.id, attachmentSha256: sha },
      )
      .onConflictDoNothing()
  }

  // ---- milestones with evidence: on time, one late, and this year's still open ----
  for (const [targetKey, year, achievedOn, title] of [
    ['joint_mechanism', 2024, '2024-09-20', '印发《联合督导检查工作机制》'],
    ['joint_mechanism', 2025, '2025-11-15', '2025年联合检查常态化工作总结'],
    ['four_into', 2024, '2024-12-10', '“四进”工作情况梳理报告'],
    ['four_into', 2025, '2026-01-20', '“四进”工作提升情况报告'],
  ] as const) {
    if (!before(at(`${achievedOn}T12:00:00`))) continue
    await tx.insert(schema.planMilestones).values({ targetKey, year, achievedOn, title, evidenceSha256: sha, evidenceName: `${title}.pdf`, recordedBy: '杨光' }).onConflictDoNothing()
  }

  // ---- special inspections: six a year, about half with other departments ----
  const themes = ['燃气安全专项检查', '消防安全专项检查', '节前安全大检查', '成品油市场安全检查', '报废机动车回收拆解安全检查', '商场综合体安全检查', '展会活动安全检查']
  const inspections: (typeof schema.specialInspections.$inferInsert)[] = []
  for (let y = 2024; y <= 2026; y++)
    for (let i = 0; i < 6 + (y === 2026 ? 1 : 0); i++) {
      const d = ymd(y, 1 + i * 2 - (i === 6 ? 1 : 0), 12 + (i % 10))
      const done = before(at(`${d}T18:00:00`))
      inspections.push({
        plannedOn: d,
        doneOn: done && !(y === 2025 && i === 5) ? d : null,
        theme: `${y}年${themes[i % themes.length]}`,
        departments: i % 2 ? ['消防救援'] : i % 3 === 0 ? ['市场监管', '住建/燃气'] : [],
        businessIds: businesses.filter((_b, j) => (j + i) % 4 === 0).map((b) => b.id),
        note: done ? '检查情况已通报各乡镇街' : null,
        createdBy: '杨光',
      })
    }
  await tx.insert(schema.specialInspections).values(inspections)

  // ---- exhibitions, an exclusion, commendations, gas conversions ----
  const hall = byName('凌源会展中心')
  for (let y = 2024; y <= 2026; y++) {
    if (before(at(`${ymd(y, 4, 20)}T10:00:00`)))
      await tx.insert(schema.exhibitionFilings).values({
        name: `${y}凌源春季商品博览会`,
        organiser: '凌源会展服务有限公司',
        venue: hall.name,
        startsOn: ymd(y, 5, 10),
        endsOn: ymd(y, 5, 12),
        safetyPlanSha256: sha,
        emergencyPlanSha256: sha,
        decision: 'approved',
        decidedBy: '杨光',
        decidedAt: at(`${ymd(y, 4, 28)}T10:00:00`),
      })
    if (before(at(`${ymd(y, 11, 25)}T10:00:00`)))
      await tx.insert(schema.exhibitionFilings).values({ name: `${y}年货节`, organiser: '凌源市商贸流通协会', venue: hall.name, startsOn: ymd(y, 12, 20), endsOn: ymd(y, 12, 28), largePublicEvent: true, safetyPlanSha256: sha, emergencyPlanSha256: y < 2026 ? sha : null, decision: y < 2026 ? 'approved' : null, decidedBy: y < 2026 ? '杨光' : null, decidedAt: y < 2026 ? at(`${ymd(y, 12, 10)}T10:00:00`) : null })
    if (before(at(`${ymd(y, 11, 20)}T10:00:00`)))
      await tx.insert(schema.commendations).values({ title: `${y}年度商务领域安全生产先进单位`, businessIds: [byName('城关老街饭店').id, byName('中石油凌源南环加油站').id], text: `对${y}年度安全生产工作突出的单位予以通报表扬。`, publishedBy: '马局长', publishedAt: at(`${ymd(y, 11, 20)}T10:00:00`) })
  }
  if (before(at('2025-07-01T10:00:00')))
    await tx.insert(schema.policyExclusions).values({ businessId: byName('宋杖子镇民营加油站').id, reason: 'refused_rectification', detail: '油罐区静电接地问题经两次督促仍未整改', source: '凌源市应急管理局 凌应急罚〔2025〕8号', decidedOn: '2025-07-01', recordedBy: '杨光' })
  for (const [k, b] of businesses.filter((x) => x.industry === 'catering' || x.industry === 'time_honoured').entries())
    await tx
      .insert(schema.gasConversions)
      .values({ businessId: b.id, fuel: 'bottled_lpg', plan: k % 2 ? 'gas_to_electric' : 'bottle_to_pipe', status: k === 0 ? 'converted' : k === 1 ? 'in_progress' : 'not_started', convertedOn: k === 0 ? '2025-09-01' : null, updatedAt: at('2025-09-01T10:00:00') })
      .onConflictDoNothing()

  // ---- what the 园区基地 and 宣传活动 pages show: a zone with two members, each year's 安全生产月 day (no devices: with
  // nothing sending heartbeats they would go 离线 a quarter of an hour after start and become hazards a day later) ----
  const [zone] = await tx
    .insert(schema.zones)
    .values({ name: '凌源经济开发区', kind: 'development_zone', townshipId: byName('凌源市报废机动车回收拆解有限公司').townshipId, createdBy: '杨光' })
    .onConflictDoNothing()
    .returning()
  if (zone)
    await tx
      .insert(schema.zoneMembers)
      .values(['凌源市报废机动车回收拆解有限公司', '凌源会展中心'].map((name) => ({ zoneId: zone.id, businessId: byName(name).id })))
      .onConflictDoNothing()
  for (const y of [2024, 2025, 2026])
    if (before(at(`${ymd(y, 6, 16)}T10:00:00`)))
      await tx.insert(schema.publicityActivities).values({ kind: 'safety_month', title: `${y}年“安全生产月”商务领域宣传咨询日`, heldOn: ymd(y, 6, 16), organiser: '凌源市商务局', place: '城关街道人民广场', forms: [], reach: 260 + (y - 2024) * 40, recordedBy: '杨光' })

  // ---- the outbox: last week's sent messages, and one that could not be sent (to retry on 推送计划) ----
  const city = groups.find((g) => g.townshipId === null && g.industries.length === 0)
  if (city) {
    await tx.insert(schema.outbox).values([
      { channel, account, chatId: city.externalId, isGroup: true, priority: 2, text: '【本周安全提示】天气转冷，请检查取暖设备和电气线路。', status: 'sent', attempts: 1, sentAt: recent(6), createdAt: recent(6), nextAttemptAt: recent(6) },
      { channel, account, chatId: city.externalId, text: '【安全提醒】请各单位本周内完成月度自查。', isGroup: true, priority: 2, status: 'dead', attempts: 5, lastError: '群已解散或机器人被移出群', createdAt: recent(2), nextAttemptAt: recent(2) },
    ])
  }

  await tx.insert(schema.auditLog).values({ actorKind: 'system', actorId: 'demo', actorName: '演示数据', action: MARK, targetType: 'demo', targetId: 'history', detail: { hazards: plans.length, selfChecks: checks.length, notices: sent.length }, at: now })
  return { created: true, hazards: plans.length }
}
