import { sql } from 'drizzle-orm'
import type { Paragraph, Table } from 'docx'
import { rows, type Tx } from '../../../db/client.js'
import type { FigureBook, Figure } from './figures.js'
import { cnDate } from './figures.js'
import { para, type Inline } from './gongwen.js'

type Piece = Paragraph | Table

/** What the register blocks of the summary need from its context (src/services/documents/summary.ts). */
export interface RegisterCtx {
  tx: Tx
  book: FigureBook
  years: number[]
  plan: { from: string; to: string }
  asOf: string
}

const unrecorded = (what: string): Piece[] => [para(`${what}：本系统未记录。请据实补充。`)]

function yearRange(c: RegisterCtx, y: number): { from: string; to: string } {
  return { from: c.plan.from > `${y}-01-01` ? c.plan.from : `${y}-01-01`, to: c.plan.to < `${y}-12-31` ? c.plan.to : `${y}-12-31` }
}

/** One figure per plan year: rows of `from` (a FROM … WHERE fragment over a date column `day`) in that year. */
async function perYearCount(c: RegisterCtx, label: string, name: string, path: string, count: (from: string, to: string) => ReturnType<typeof sql>): Promise<Figure[]> {
  const out: Figure[] = []
  for (const y of c.years) {
    const r = yearRange(c, y)
    const [x] = await rows<{ n: string }>(c.tx, count(r.from, r.to))
    out.push(c.book.register(`${y}年${label}`, Number(x.n), `${name}：${y}年`, path))
  }
  return out
}

function perYear(c: RegisterCtx, figs: Figure[], unit: string): Inline[] {
  const out: Inline[] = []
  figs.forEach((f, i) => out.push(`${i ? '、' : ''}${c.years[i]}年`, c.book.run(f), unit))
  return out
}

const total = (figs: Figure[]) => figs.reduce((n, f) => n + Number(f.value), 0)

export async function accidentsBlock(c: RegisterCtx): Promise<Piece[]> {
  const all = await perYearCount(c, '登记安全生产事故', '事故记录', '/api/accidents', (from, to) => sql`select count(*) as n from accidents where deleted_at is null and occurred_on between ${from} and ${to}`)
  if (!total(all)) return unrecorded('安全生产事故')
  const larger = await perYearCount(c, '较大及以上安全生产事故', '事故记录（较大及以上）', '/api/accidents', (from, to) =>
    sql`select count(*) as n from accidents where deleted_at is null and level <> 'general' and occurred_on between ${from} and ${to}`,
  )
  const [ex] = await rows<{ n: string }>(
    c.tx,
    sql`select count(distinct e.business_id) as n from accidents a join policy_exclusions e on e.id = a.exclusion_id
        where a.deleted_at is null and e.decided_on <= ${c.asOf} and (e.lifted_on is null or e.lifted_on > ${c.asOf})`,
  )
  const f = c.book.register('因事故或拒绝整改不再给予政策支持的企业', Number(ex.n), '不再给予政策支持名单（由事故记录自动列入、未解除的）', '/api/policy-exclusions')
  return [
    para(
      '登记安全生产事故',
      ...perYear(c, all, '起'),
      '，其中较大及以上',
      ...perYear(c, larger, '起'),
      `；截至${cnDate(c.asOf)}，据此不再给予政策支持的企业`,
      c.book.run(f),
      '家。',
    ),
  ]
}

export async function licencesBlock(c: RegisterCtx): Promise<Piece[]> {
  const list = await rows<{ kind: string; valid_until: string; revoked_on: string | null }>(c.tx, sql`select kind, valid_until::text, revoked_on::text from licences where created_at <= ${c.asOf}::date + 1`)
  if (!list.length) return unrecorded('成品油流通、报废机动车回收拆解许可')
  const path = '/api/licences'
  const kinds = { refined_oil_retail: '成品油零售经营批准证书', scrap_vehicle_recycling: '报废机动车回收拆解企业资质' } as Record<string, string>
  const text: Inline[] = ['将安全生产要求纳入行政许可，登记']
  Object.entries(kinds).forEach(([k, label], i) => {
    const f = c.book.register(`登记${label}`, list.filter((l) => l.kind === k).length, `许可登记：${label}`, path)
    text.push(i ? '、' : '', label, c.book.run(f), '件')
  })
  const live = list.filter((l) => !l.revoked_on || l.revoked_on > c.asOf)
  const valid = c.book.register('许可证在有效期内', live.filter((l) => l.valid_until >= c.asOf).length, `许可登记：截至${c.asOf}有效的`, path)
  const lapsed = c.book.register('许可证已过期未延续', live.filter((l) => l.valid_until < c.asOf).length, `许可登记：截至${c.asOf}已过期的`, path + '?state=lapsed')
  const [r] = await rows<{ n: string }>(c.tx, sql`select count(*) as n from licence_reminders where sent_at <= ${c.asOf}::date + 1`)
  const reminded = c.book.register('发出许可证到期提醒', Number(r.n), '许可证到期提醒记录（到期前60、30、7天及过期时）', path)
  text.push(`；截至${cnDate(c.asOf)}在有效期内`, c.book.run(valid), '件、已过期', c.book.run(lapsed), '件，到期前60、30、7天自动提醒单位和属地监管人员，共提醒', c.book.run(reminded), '次。')
  return [para(...text)]
}

export async function drillsBlock(c: RegisterCtx): Promise<Piece[]> {
  const held = await perYearCount(c, '登记应急演练', '应急演练记录', '/api/drills', (from, to) => sql`select count(*) as n from drills where held_on between ${from} and ${to}`)
  if (!total(held)) return unrecorded('应急演练')
  const units = await perYearCount(c, '开展应急演练的单位', '应急演练覆盖（有演练的单位）', '/api/drills/coverage', (from, to) =>
    sql`select count(distinct business_id) as n from drills where held_on between ${from} and ${to}`,
  )
  const [p] = await rows<{ n: string }>(c.tx, sql`select coalesce(sum(participants), 0) as n from drills where held_on between ${c.plan.from} and ${c.plan.to}`)
  const people = c.book.register('应急演练参加人次', Number(p.n), '应急演练记录：参加人数合计', '/api/drills')
  return [para('督促经营主体开展应急演练，在工作群登记演练并上传现场照片：登记演练', ...perYear(c, held, '次'), '，开展演练的单位', ...perYear(c, units, '家'), '，参加', c.book.run(people), '人次。')]
}

export async function zonesBlock(c: RegisterCtx): Promise<Piece[]> {
  const list = await rows<{ id: number; name: string; kind: string; members: string; found: string; major: string; larger: string }>(
    c.tx,
    sql`select z.id, z.name, z.kind,
          (select count(*) from zone_members m where m.zone_id = z.id) as members,
          (select count(*) from hazards h join zone_members m on m.business_id = h.business_id and m.zone_id = z.id
            where h.status <> 'voided' and h.created_at::date between ${c.plan.from} and ${c.plan.to}) as found,
          (select count(*) from hazards h join zone_members m on m.business_id = h.business_id and m.zone_id = z.id
            where h.status <> 'voided' and h.grade = 'major' and h.created_at::date between ${c.plan.from} and ${c.plan.to}) as major,
          (select count(*) from accidents a join zone_members m on m.business_id = a.business_id and m.zone_id = z.id
            where a.deleted_at is null and a.level <> 'general' and a.occurred_on between ${c.plan.from} and ${c.plan.to}) as larger
        from zones z order by z.id`,
  )
  if (!list.length) return unrecorded('经济开发区、外贸基地、电商基地考核')
  const text: Inline[] = ['将安全生产纳入经济开发区、外贸转型升级基地、电子商务示范基地考核，登记园区基地', String(list.length), '个：']
  list.forEach((z, i) => {
    const path = `/api/zones/${z.id}/record?from=${c.plan.from}&to=${c.plan.to}`
    const found = c.book.register(`${z.name}成员单位发现隐患`, Number(z.found), `${z.name}考核记录：发现隐患`, path)
    const major = c.book.register(`${z.name}成员单位发现重大隐患`, Number(z.major), `${z.name}考核记录：重大隐患`, path)
    const larger = c.book.register(`${z.name}成员单位较大及以上事故`, Number(z.larger), `${z.name}考核记录：较大及以上事故`, path)
    text.push(i ? '；' : '', `${z.name}（成员单位${z.members}家）发现隐患`, c.book.run(found), '项、其中重大', c.book.run(major), '项，较大及以上事故', c.book.run(larger), '起')
  })
  text.push('。未发生较大及以上事故的园区基地，考核中不因安全生产事项减扣分值。')
  return [para(...text)]
}

export async function associationsBlock(c: RegisterCtx): Promise<Piece[]> {
  const kinds: [string, string, string][] = [
    ['initiative', '发布自律倡议', '次'],
    ['risk_reminder', '发布风险提醒', '次'],
    ['training', '开展公益培训', '场'],
  ]
  const figs: Figure[][] = []
  for (const [k, label] of kinds) {
    figs.push(
      await perYearCount(c, `行业协会${label}`, `行业协会发布：${label.slice(2)}`, '/api/association-issues', (from, to) =>
        sql`select count(*) as n from association_issues where status = 'issued' and kind = ${k} and created_at::date between ${from} and ${to}`,
      ),
    )
  }
  if (!figs.flat().some((f) => Number(f.value))) return unrecorded('行业协会自律倡议、风险提醒、公益培训')
  const text: Inline[] = ['发挥行业协会作用：']
  kinds.forEach(([, label, unit], i) => text.push(i ? '；' : '', label, ...perYear(c, figs[i], unit)))
  text.push('。倡议和风险提醒经工作群发到本行业，要求回复“收到”。')
  return [para(...text)]
}

export async function regulationsBlock(c: RegisterCtx): Promise<Piece[]> {
  const [r] = await rows<{ confirmed: string; sent: string }>(
    c.tx,
    sql`select count(*) filter (where status = 'confirmed') as confirmed, count(*) filter (where last_sent_at is not null) as sent from regulation_items`,
  )
  if (!Number(r.sent)) return unrecorded('法规标准宣贯')
  const path = '/api/regulations'
  const confirmed = c.book.register('法规标准宣贯条目（已核对确认）', Number(r.confirmed), '法规标准宣贯条目：已确认的', path)
  const sent = c.book.register('已推送的法规标准宣贯条目', Number(r.sent), '法规标准宣贯条目：已推送过的', path)
  return [
    para(
      '推动安全生产要求进法规标准，围绕《餐饮业经营管理办法（试行）》《报废机动车回收管理办法》《购物中心等级划分与评定》和安全生产标准化，编写宣贯条目并经核对确认',
      c.book.run(confirmed),
      '条，已按行业在工作群推送',
      c.book.run(sent),
      '条。',
    ),
  ]
}

export async function policySupportsBlock(c: RegisterCtx): Promise<Piece[]> {
  const path = '/console#/policy'
  const supported = await perYearCount(c, '产业政策支持（写明安全生产要求）', '产业政策登记：支持', path, (from, to) =>
    sql`select count(*) as n from policy_supports where outcome = 'supported' and decided_on between ${from} and ${to}`,
  )
  const refused = await perYearCount(c, '因安全生产不予政策支持', '产业政策登记：不予支持', path, (from, to) =>
    sql`select count(*) as n from policy_supports where outcome = 'refused' and decided_on between ${from} and ${to}`,
  )
  if (!total(supported) && !total(refused)) return unrecorded('产业政策中的安全生产要求')
  const programmes = await rows<{ programme: string; n: string }>(
    c.tx,
    sql`select programme, count(*) as n from policy_supports where decided_on between ${c.plan.from} and ${c.plan.to} group by 1 order by 2 desc`,
  )
  const names: Record<string, string> = { catering_quality: '餐饮业高质量发展', time_honoured_brand: '老字号示范创建', county_commerce: '县域商业体系建设', demonstration: '商务领域示范评选', other: '其他产业政策' }
  return [
    para(
      `在${programmes.map((p) => names[p.programme] ?? p.programme).join('、')}等工作中明确安全生产要求：支持经营主体`,
      ...perYear(c, supported, '家次'),
      '；因安全生产问题不予支持',
      ...perYear(c, refused, '家次'),
      '，列入不再给予政策支持名单的企业均未获支持。',
    ),
  ]
}

export async function publicityBlock(c: RegisterCtx): Promise<Piece[]> {
  const path = '/console#/publicity'
  const held = await perYearCount(c, '开展安全生产宣传活动', '宣传活动登记', path, (from, to) => sql`select count(*) as n from publicity_activities where held_on between ${from} and ${to}`)
  if (!total(held)) return unrecorded('安全生产宣传活动')
  const month = await perYearCount(c, '“安全生产月”宣传活动', '宣传活动登记：安全生产月', path, (from, to) =>
    sql`select count(*) as n from publicity_activities where kind = 'safety_month' and held_on between ${from} and ${to}`,
  )
  const five = await perYearCount(c, '安全宣传“五进”活动', '宣传活动登记：安全宣传“五进”', path, (from, to) =>
    sql`select count(*) as n from publicity_activities where kind = 'five_into' and held_on between ${from} and ${to}`,
  )
  const [r] = await rows<{ n: string }>(c.tx, sql`select coalesce(sum(reach), 0) as n from publicity_activities where held_on between ${c.plan.from} and ${c.plan.to}`)
  const reach = c.book.register('宣传活动覆盖人数', Number(r.n), '宣传活动登记：覆盖人数合计', path)
  return [
    para(
      '持续开展“安全生产月”、安全宣传“五进”等活动，在商业街区通过大屏滚动、标语横幅等扩大宣传：开展宣传活动',
      ...perYear(c, held, '场'),
      '，其中“安全生产月”活动',
      ...perYear(c, month, '场'),
      '，“五进”活动',
      ...perYear(c, five, '场'),
      '，覆盖',
      c.book.run(reach),
      '人次。',
    ),
  ]
}
