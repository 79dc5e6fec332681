import { eq, sql } from 'drizzle-orm'
import { MIGRATION_LOCK, schema, type Db } from '../client.js'
import type { Industry } from '../../src/core/domain.js'
import { seedDemoHistory } from './demo-history.js'

/**
 * A plausible city for trying the product: townships, businesses of every industry, officers, leaders,
 * and simulated groups whose members are already bound. Everything is marked demo = true.
 */
export const DEMO_CITY = '凌源市'
export const DEMO_TOWNSHIPS = ['城关街道', '北街街道', '南街街道', '红山街道', '东城街道', '热水汤街道', '宋杖子镇', '刀尔登镇']

const BUSINESSES: { name: string; industry: Industry; township: string; aboveQuota: boolean; owner: string }[] = [
  { name: '城关老街饭店', industry: 'catering', township: '城关街道', aboveQuota: false, owner: '张建国' },
  { name: '红山羊汤馆', industry: 'catering', township: '红山街道', aboveQuota: false, owner: '王秀兰' },
  { name: '凌源宾馆餐饮部', industry: 'catering', township: '北街街道', aboveQuota: true, owner: '刘德福' },
  { name: '中石油凌源南环加油站', industry: 'refined_oil', township: '南街街道', aboveQuota: true, owner: '赵立新' },
  { name: '宋杖子镇民营加油站', industry: 'refined_oil', township: '宋杖子镇', aboveQuota: false, owner: '孙海' },
  { name: '凌源市报废机动车回收拆解有限公司', industry: 'scrap_vehicle', township: '东城街道', aboveQuota: true, owner: '周明' },
  { name: '凌源万达购物广场', industry: 'mall', township: '城关街道', aboveQuota: true, owner: '吴静' },
  { name: '北街百货商场', industry: 'mall', township: '北街街道', aboveQuota: true, owner: '郑伟' },
  { name: '凌源会展中心', industry: 'exhibition', township: '东城街道', aboveQuota: true, owner: '冯丽' },
  { name: '凌源老字号烧饼铺', industry: 'time_honoured', township: '城关街道', aboveQuota: false, owner: '陈福生' },
  { name: '刀尔登镇供销超市', industry: 'county_commerce', township: '刀尔登镇', aboveQuota: false, owner: '褚红' },
  { name: '凌源宏达进出口贸易公司', industry: 'foreign_trade', township: '热水汤街道', aboveQuota: true, owner: '卫东' },
]

const OFFICERS: { name: string; role: 'officer' | 'leader' | 'admin'; township: string | null; industries: Industry[] }[] = [
  { name: '李明', role: 'officer', township: '城关街道', industries: [] },
  { name: '韩雪', role: 'officer', township: null, industries: ['refined_oil', 'scrap_vehicle'] },
  { name: '杨光', role: 'officer', township: null, industries: [] },
  { name: '马局长', role: 'leader', township: null, industries: [] },
  { name: '系统管理员', role: 'admin', township: null, industries: [] },
]

const GROUPS: { id: string; name: string; township: string | null; industries: Industry[]; members: string[] }[] = [
  { id: 'demo-chengguan@chatroom', name: '城关街道商户安全群', township: '城关街道', industries: [], members: ['张建国', '吴静', '陈福生', '李明', '杨光'] },
  { id: 'demo-oil@chatroom', name: '成品油和报废车安全群', township: null, industries: ['refined_oil', 'scrap_vehicle'], members: ['赵立新', '孙海', '周明', '韩雪'] },
  { id: 'demo-city@chatroom', name: '全市商务安全工作群', township: null, industries: [], members: ['王秀兰', '刘德福', '郑伟', '冯丽', '褚红', '卫东', '杨光', '李明'] },
  { id: 'demo-leaders@chatroom', name: '局领导群', township: null, industries: [], members: ['马局长', '杨光', '系统管理员'] },
  // the bureau's staff group (BUREAU_GROUP's default name): the weekly summary goes here
  { id: 'demo-bureau@chatroom', name: '局机关工作群', township: null, industries: [], members: ['杨光', '系统管理员', '马局长'] },
]

const contactId = (name: string) => `demo-${Buffer.from(name).toString('hex')}`

/**
 * `history`: also the city's past from January 2024 to that time (db/seed/demo-history.ts), once — added to a demo
 * city seeded before without it. The tests that build their own history leave it out.
 */
export async function seedDemo(db: Db, channel = 'wechaty', opts: { history?: Date } = {}): Promise<{ created: boolean; businesses: number; people: number; groups: number; hazards: number }> {
  const history = (tx: Parameters<Parameters<Db['transaction']>[0]>[0]) => (opts.history ? seedDemoHistory(tx, { now: opts.history, channel, contactId }) : Promise.resolve({ created: false, hazards: 0 }))
  const [city] = await db.select().from(schema.jurisdictions).where(eq(schema.jurisdictions.name, DEMO_CITY))
  if (city) {
    const r = opts.history
      ? await db.transaction(async (tx) => {
          await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`)
          return history(tx)
        })
      : { hazards: 0 }
    return { created: false, businesses: 0, people: 0, groups: 0, hazards: r.hazards }
  }
  let hazards = 0
  const created = await db.transaction(async (tx) => {
    // two instances started together with --demo: the second waits here for the first's commit, then finds the city
    await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`)
    const [again] = await tx.select({ id: schema.jurisdictions.id }).from(schema.jurisdictions).where(eq(schema.jurisdictions.name, DEMO_CITY))
    if (again) return false
    const [c] = await tx.insert(schema.jurisdictions).values({ name: DEMO_CITY, kind: 'city', demo: true }).returning()
    const townships = new Map<string, number>()
    for (const t of DEMO_TOWNSHIPS) {
      const [row] = await tx
        .insert(schema.jurisdictions)
        .values({ name: t, kind: 'township', parentId: c.id, demo: true })
        .onConflictDoUpdate({ target: schema.jurisdictions.name, set: { demo: true } })
        .returning()
      townships.set(t, row.id)
    }
    const people = new Map<string, number>()
    for (const b of BUSINESSES) {
      const [biz] = await tx
        .insert(schema.businesses)
        .values({ name: b.name, industry: b.industry, townshipId: townships.get(b.township)!, aboveQuota: b.aboveQuota, address: `${b.township}`, demo: true })
        .returning()
      const [p] = await tx.insert(schema.people).values({ name: b.owner, role: 'member', demo: true }).returning()
      await tx.insert(schema.memberships).values({ personId: p.id, businessId: biz.id, role: 'principal' })
      people.set(b.owner, p.id)
    }
    for (const o of OFFICERS) {
      const [p] = await tx
        .insert(schema.people)
        .values({ name: o.name, role: o.role, townshipId: o.township ? townships.get(o.township)! : null, industries: o.industries, demo: true })
        .returning()
      people.set(o.name, p.id)
    }
    for (const [name, personId] of people) {
      await tx.insert(schema.identities).values({ channel, externalId: contactId(name), displayName: name, personId, boundAt: new Date() })
      await tx.insert(schema.simEntities).values({ id: contactId(name), kind: 'contact', name }).onConflictDoNothing()
    }
    // an unbound member of the public, to try 群众举报
    await tx.insert(schema.simEntities).values({ id: 'demo-public', kind: 'contact', name: '热心群众' }).onConflictDoNothing()
    for (const g of GROUPS) {
      const members = g.members.map(contactId).concat(g.id === 'demo-chengguan@chatroom' ? ['demo-public'] : [])
      await tx.insert(schema.simEntities).values({ id: g.id, kind: 'room', name: g.name, memberIds: members }).onConflictDoNothing()
      await tx.insert(schema.groups).values({
        channel,
        externalId: g.id,
        name: g.name,
        registered: g.id !== 'demo-leaders@chatroom' && g.id !== 'demo-bureau@chatroom',
        townshipId: g.township ? townships.get(g.township)! : null,
        industries: g.industries,
        registeredAt: new Date(),
        demo: true,
      })
    }
    hazards = (await history(tx)).hazards
    return true
  })
  if (!created) return { created: false, businesses: 0, people: 0, groups: 0, hazards: 0 }
  return { created: true, businesses: BUSINESSES.length, people: BUSINESSES.length + OFFICERS.length, groups: GROUPS.length, hazards }
}
