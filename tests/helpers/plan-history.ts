import { createHash } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { schema, type Db } from '../../db/client.js'
import { mulberry32 } from './random.js'

const at = (s: string) => new Date(`${s}+08:00`)
const pad = (n: number) => String(n).padStart(2, '0')
const ymd = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`

/**
 * A small city of its own for the plan tests: three townships, ten businesses of every class (one principal runs
 * two of them, as the rosters count memberships), four township officials and a city-wide officer.
 */
export async function seedHistoryCity(db: Db) {
  const [city] = await db.insert(schema.jurisdictions).values({ name: '历史市', kind: 'city' }).returning()
  const towns = []
  for (const name of ['东关街道', '西关街道', '河口镇']) towns.push((await db.insert(schema.jurisdictions).values({ name, kind: 'township', parentId: city.id }).returning())[0])
  const list: [string, string, number, boolean, string][] = [
    ['东关饭庄', 'catering', 0, false, '赵一'],
    ['西关大酒店', 'catering', 1, true, '钱二'],
    ['河口农家院', 'catering', 2, false, '孙三'],
    ['东关加油站', 'refined_oil', 0, true, '李四'],
    ['河口加油站', 'refined_oil', 2, false, '李四'],
    ['西关报废车拆解厂', 'scrap_vehicle', 1, true, '周五'],
    ['东关购物中心', 'mall', 0, true, '吴六'],
    ['西关会展中心', 'exhibition', 1, true, '郑七'],
    ['东关老字号酱菜', 'time_honoured', 0, false, '王八'],
    ['河口供销社', 'county_commerce', 2, false, '冯九'],
  ]
  const owners = new Map<string, number>()
  for (const [name, industry, t, aboveQuota, owner] of list) {
    const [b] = await db.insert(schema.businesses).values({ name, industry, townshipId: towns[t].id, aboveQuota }).returning()
    let personId = owners.get(owner)
    if (!personId) {
      personId = (await db.insert(schema.people).values({ name: owner, role: 'member' }).returning())[0].id
      owners.set(owner, personId)
    }
    await db.insert(schema.memberships).values({ personId, businessId: b.id, role: 'principal' })
  }
  const officials = []
  for (const [name, t] of [['陈官', 0], ['褚官', 0], ['卫官', 1], ['蒋官', 2]] as const)
    officials.push((await db.insert(schema.people).values({ name, role: 'officer', townshipId: towns[t].id }).returning())[0])
  await db.insert(schema.people).values({ name: '沈全市', role: 'officer' })
  return { towns, officials }
}

/**
 * Three years of records (2024-01 to 2026-11) over whatever city the database holds — the demo city or the one
 * above: hazards of every category, grade and state, responsibility systems verified on time, late or never,
 * milestones on time and late, special inspections, trainings with attendance, self-checks, exhibitions, an
 * exclusion, commendations, gas conversions. Deterministic (seeded); idempotent where the records are unique.
 */
export async function seedPlanHistory(db: Db, opts: { seed?: number; until?: string } = {}) {
  const rnd = mulberry32(opts.seed ?? 2024)
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]
  const until = at(`${opts.until ?? '2026-11-30'}T23:59:59`)
  const businesses = await db.select().from(schema.businesses).orderBy(schema.businesses.id)
  const officers = await db.select().from(schema.people).where(eq(schema.people.role, 'officer'))
  const officials = officers.filter((p) => p.townshipId !== null)
  const principals = await db
    .select({ personId: schema.memberships.personId, industry: schema.businesses.industry })
    .from(schema.memberships)
    .innerJoin(schema.businesses, eq(schema.businesses.id, schema.memberships.businessId))
    .where(eq(schema.memberships.role, 'principal'))
  const evidence = Buffer.from('%PDF-1.4 证明材料')
  const sha = createHash('sha256').update(evidence).digest('hex')
  await db.insert(schema.attachments).values({ sha256: sha, mime: 'application/pdf', size: evidence.length, bytes: evidence }).onConflictDoNothing()

  // hazards: a few a month, the older ones mostly closed; some transferred, some overdue, some in campaigns
  const categories = ['fire', 'fire', 'gas', 'gas', 'special_equipment', 'building', 'electrical', 'hazardous', 'other'] as const
  const hazards: (typeof schema.hazards.$inferInsert)[] = []
  for (let y = 2024; y <= 2026; y++)
    for (let m = 1; m <= 12; m++) {
      const n = 2 + Math.floor(rnd() * 5) + (y - 2024)
      for (let i = 0; i < n; i++) {
        const created = at(`${ymd(y, m, 1 + Math.floor(rnd() * 27))}T${pad(8 + Math.floor(rnd() * 10))}:${pad(Math.floor(rnd() * 60))}:00`)
        if (created.getTime() > until.getTime()) continue
        const b = pick(businesses)
        const category = pick(categories)
        const grade = rnd() < 0.1 ? ('major' as const) : ('general' as const)
        const deadline = new Date(created.getTime() + (grade === 'major' ? 30 : 7) * 86_400_000)
        const age = (until.getTime() - created.getTime()) / 86_400_000
        const r = rnd()
        const closedAt = new Date(created.getTime() + (2 + Math.floor(rnd() * 20)) * 86_400_000)
        const transfer = r < 0.08
        const status = transfer ? (age > 60 ? 'closed' : 'transferred') : age > 45 ? (r < 0.93 ? 'closed' : 'rectifying') : r < 0.5 ? 'closed' : r < 0.75 ? 'rectifying' : 'reported'
        const winter = m <= 3 || m >= 11
        hazards.push({
          businessId: b.id,
          townshipId: b.townshipId,
          industry: b.industry,
          reporterName: '历史记录',
          reporterKind: 'member',
          description: `${y}年${m}月检查发现的隐患`,
          category,
          grade,
          listedSupervision: grade === 'major' ? '挂牌督办' : null,
          status,
          deadline,
          responsibleName: officials[0]?.name ?? '监管人员',
          transferDepartment: transfer ? pick(['消防救援', '住建/燃气', '市场监管']) : null,
          transferResult: transfer && status === 'closed' ? '已处理' : null,
          campaign: category === 'fire' && winter ? '冬春火灾防控' : category === 'gas' && y === 2024 ? '城镇燃气安全专项整治' : null,
          createdAt: created,
          updatedAt: created,
          closedAt: status === 'closed' ? (closedAt.getTime() > until.getTime() ? until : closedAt) : null,
        })
      }
    }
  for (let i = 0; i < hazards.length; i += 200) await db.insert(schema.hazards).values(hazards.slice(i, i + 200))

  // responsibility systems: above-quota units mostly in 2024, the others in 2025; one of each late, one never
  let k = 0
  for (const b of businesses) {
    k++
    const year = b.aboveQuota ? 2024 : 2025
    const late = k % 5 === 0
    if (k % 7 === 3) {
      await db.insert(schema.responsibilitySystems).values({ businessId: b.id, status: 'revised', submittedAt: at(`${year}-06-01T10:00:00`) }).onConflictDoNothing()
      continue
    }
    const verifiedAt = at(late ? `${year + 1}-02-${pad(10 + (k % 10))}T10:00:00` : `${year}-${pad(3 + (k % 9))}-${pad(5 + (k % 20))}T15:00:00`)
    if (verifiedAt.getTime() > until.getTime()) continue
    await db
      .insert(schema.responsibilitySystems)
      .values({ businessId: b.id, status: 'verified', submittedAt: new Date(verifiedAt.getTime() - 5 * 86_400_000), verifiedAt, verifiedByName: '历史核验' })
      .onConflictDoNothing()
  }

  // milestones: on time, late (recorded after its year), and one stage never proved
  for (const [targetKey, year, achievedOn, title] of [
    ['joint_mechanism', 2024, '2024-09-20', '印发联合督导检查工作机制'],
    ['joint_mechanism', 2025, '2025-11-15', '联合检查常态化工作总结'],
    ['four_into', 2024, '2024-12-10', '“四进”工作情况梳理报告'],
    ['four_into', 2025, '2026-01-20', '“四进”工作提升情况报告'],
    ['four_into', 2026, '2026-10-30', '行业安全生产管理水平评估'],
  ] as const) {
    if (at(`${achievedOn}T00:00:00`).getTime() > until.getTime()) continue
    await db.insert(schema.planMilestones).values({ targetKey, year, achievedOn, title, evidenceSha256: sha, evidenceName: `${title}.pdf`, recordedBy: '历史' }).onConflictDoNothing()
  }

  // special inspections: 6 in 2024, 5 (and one left planned) in 2025, 7 in 2026; about half joint
  const inspections: (typeof schema.specialInspections.$inferInsert)[] = []
  for (const [y, done, planned] of [
    [2024, 6, 0],
    [2025, 5, 1],
    [2026, 7, 0],
  ] as const)
    for (let i = 0; i < done + planned; i++) {
      const d = ymd(y, 1 + Math.floor((i * 11) / (done + planned)), 10 + (i % 15))
      inspections.push({ plannedOn: d, doneOn: i < done && at(`${d}T12:00:00`).getTime() <= until.getTime() ? d : null, theme: `${y}年第${i + 1}次专项检查`, departments: i % 2 ? ['消防救援'] : [], createdBy: '历史' })
    }
  await db.insert(schema.specialInspections).values(inspections)

  // trainings: officials each year (one missing in 2025), the year's focus (some principals), one open to all
  for (const [y, focusIndustries] of [
    [2024, ['catering']],
    [2025, ['refined_oil', 'scrap_vehicle']],
    [2026, ['exhibition', 'mall']],
  ] as const) {
    const sessions: [string, 'officials' | 'principals' | 'all', number[]][] = [
      [`${y}年乡镇街安全管理人员培训`, 'officials', officials.filter((_p, i) => !(y === 2025 && i === 0)).map((p) => p.id)],
      [`${y}年重点行业负责人培训`, 'principals', principals.filter((p, i) => (focusIndustries as readonly string[]).includes(p.industry) && i % 3 !== 1).map((p) => p.personId)],
      [`${y}年商务系统安全生产培训`, 'all', principals.filter((_p, i) => i % 2 === 0).map((p) => p.personId)],
    ]
    let s = 0
    for (const [topic, audience, attendees] of sessions) {
      const startsAt = at(`${ymd(y, 4 + s * 3, 15)}T09:00:00`)
      s++
      if (startsAt.getTime() > until.getTime()) continue
      const [t] = await db
        .insert(schema.trainings)
        .values({ topic, startsAt, endsAt: new Date(startsAt.getTime() + 2 * 3600_000), place: '市商务局会议室', audience, checkinCode: '1234', createdBy: '历史' })
        .returning()
      const once = [...new Set(attendees)]
      if (once.length) await db.insert(schema.trainingAttendance).values(once.map((personId) => ({ trainingId: t.id, personId, at: new Date(startsAt.getTime() + 600_000) })))
    }
  }

  // self-checks: most businesses once a quarter
  const checks: (typeof schema.selfChecks.$inferInsert)[] = []
  for (let y = 2024; y <= 2026; y++)
    for (let q = 0; q < 4; q++)
      for (const b of businesses) {
        if (rnd() < 0.3) continue
        const done = at(`${ymd(y, q * 3 + 2, 1 + Math.floor(rnd() * 27))}T10:00:00`)
        if (done.getTime() > until.getTime()) continue
        checks.push({ businessId: b.id, checklistKey: 'gas', title: '燃气安全自查', items: ['燃气报警器'], answers: { 1: true }, status: 'done', startedAt: done, completedAt: done })
      }
  for (let i = 0; i < checks.length; i += 200) await db.insert(schema.selfChecks).values(checks.slice(i, i + 200))

  // exhibitions, an exclusion, commendations, gas conversions
  for (let y = 2024; y <= 2026; y++) {
    await db.insert(schema.exhibitionFilings).values([
      { name: `${y}年春季商品博览会`, organiser: '会展公司', startsOn: ymd(y, 5, 10), endsOn: ymd(y, 5, 12), safetyPlanSha256: sha, emergencyPlanSha256: sha, decision: 'approved', decidedBy: '历史', decidedAt: at(`${ymd(y, 5, 1)}T10:00:00`) },
      { name: `${y}年年货节`, organiser: '商贸公司', startsOn: ymd(y, 12, 20), endsOn: ymd(y, 12, 26), largePublicEvent: true, safetyPlanSha256: sha },
    ])
    await db.insert(schema.commendations).values({ title: `${y}年安全生产先进单位`, businessIds: [businesses[0].id], text: '通报表扬', publishedBy: '局领导', publishedAt: at(`${ymd(y, 11, 20)}T10:00:00`) })
  }
  await db.insert(schema.policyExclusions).values({ businessId: businesses[businesses.length - 1].id, reason: 'refused_rectification', detail: '拒不整改', source: '应急管理局 罚〔2025〕8号', decidedOn: '2025-07-01', recordedBy: '历史' })
  for (const b of businesses.filter((x) => x.industry === 'catering'))
    await db
      .insert(schema.gasConversions)
      .values({ businessId: b.id, fuel: 'bottled_lpg', plan: b.id % 2 ? 'bottle_to_pipe' : 'gas_to_electric', status: b.id % 3 ? 'converted' : 'in_progress', convertedOn: b.id % 3 ? '2025-09-01' : null, updatedAt: at('2025-09-01T10:00:00') })
      .onConflictDoNothing()
  return { hazards: hazards.length, inspections: inspections.length, selfChecks: checks.length }
}
