import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm'
import { exceljs } from '../lazy-libs.js'
import { schema, rows, type Tx } from '../../../db/client.js'
import { AppError } from '../../core/errors.js'
import { endOfShanghaiDay, formatDate } from '../../core/clock.js'
import { industryLabel } from '../../core/domain.js'
import { authorize, type Actor } from '../../core/permissions.js'
import { checkBusinesses, checkCityWide, reaches } from '../scope.js'
import { lapsedLicenceSql } from './licences.js'

const { zones, zoneMembers, jurisdictions } = schema
export type ZoneRow = typeof zones.$inferSelect
export type ZoneKind = ZoneRow['kind']

export const ZONE_KINDS: Record<ZoneKind, string> = {
  development_zone: '经济开发区',
  foreign_trade_base: '外贸转型升级基地',
  ecommerce_base: '电子商务示范基地',
  other: '其他园区',
}

export interface ZoneInput {
  name: string
  kind: ZoneKind
  townshipId?: number | null
  note?: string | null
  businessIds: number[]
}

/** A zone of a township is that township's record; one without is the whole city's. */
function checkZoneReach(actor: Actor, townshipId: number | null, action: 'programme.manage' | 'programme.read' = 'programme.manage') {
  if (townshipId === null) return checkCityWide(actor, action)
  if (!reaches(actor, action, { townshipId })) throw new AppError('forbidden', '这个园区基地不在您负责的范围内')
}

export async function createZone(tx: Tx, input: ZoneInput, actor: Actor & { name: string }): Promise<ZoneRow & { businessIds: number[] }> {
  checkZoneReach(actor, input.townshipId ?? null)
  await checkBusinesses(tx, actor, 'programme.manage', input.businessIds)
  const [dup] = await tx.select().from(zones).where(eq(zones.name, input.name.trim()))
  if (dup) throw new AppError('conflict', `已有园区基地“${dup.name}”`)
  const [z] = await tx.insert(zones).values({ name: input.name.trim(), kind: input.kind, townshipId: input.townshipId ?? null, note: input.note ?? null, createdBy: actor.name }).returning()
  if (input.businessIds.length) await tx.insert(zoneMembers).values(input.businessIds.map((businessId) => ({ zoneId: z.id, businessId }))).onConflictDoNothing()
  return { ...z, businessIds: [...new Set(input.businessIds)] }
}

export async function zoneById(tx: Tx, id: number, actor: Actor, action: 'programme.manage' | 'programme.read'): Promise<ZoneRow> {
  const [z] = await tx.select().from(zones).where(eq(zones.id, id))
  if (!z) throw new AppError('not_found', `没有找到园区基地 ${id}`)
  checkZoneReach(actor, z.townshipId, action)
  return z
}

/** Renames or re-kinds a zone and sets its members: the ones added and removed must be in the actor's reach. */
export async function updateZone(tx: Tx, id: number, input: ZoneInput, actor: Actor & { name: string }) {
  const before = await zoneById(tx, id, actor, 'programme.manage')
  checkZoneReach(actor, input.townshipId ?? null)
  const old = (await tx.select().from(zoneMembers).where(eq(zoneMembers.zoneId, id))).map((m) => m.businessId)
  const added = input.businessIds.filter((b) => !old.includes(b))
  const removed = old.filter((b) => !input.businessIds.includes(b))
  await checkBusinesses(tx, actor, 'programme.manage', [...new Set([...added, ...removed])].length ? [...new Set([...added, ...removed])] : [])
  const [dup] = await tx.select().from(zones).where(eq(zones.name, input.name.trim()))
  if (dup && dup.id !== id) throw new AppError('conflict', `已有园区基地“${dup.name}”`)
  const [after] = await tx.update(zones).set({ name: input.name.trim(), kind: input.kind, townshipId: input.townshipId ?? null, note: input.note ?? null }).where(eq(zones.id, id)).returning()
  if (removed.length) await tx.delete(zoneMembers).where(and(eq(zoneMembers.zoneId, id), inArray(zoneMembers.businessId, removed)))
  if (added.length) await tx.insert(zoneMembers).values(added.map((businessId) => ({ zoneId: id, businessId }))).onConflictDoNothing()
  return { before, after: { ...after, businessIds: input.businessIds }, added, removed }
}

/** Zones the actor reads: the whole city's and those of its township, with their members' count. */
export async function listZones(tx: Tx, actor: Actor) {
  const d = authorize(actor, 'programme.read')
  if (!d.ok) throw new AppError('forbidden', d.reason)
  const where = d.reach === 'all' || actor.townshipId === null ? undefined : or(isNull(zones.townshipId), eq(zones.townshipId, actor.townshipId))
  const list = await tx
    .select({ z: zones, township: jurisdictions.name, members: sql<number>`(select count(*)::int from zone_members m where m.zone_id = ${zones.id})` })
    .from(zones)
    .leftJoin(jurisdictions, eq(jurisdictions.id, zones.townshipId))
    .where(where)
    .orderBy(zones.id)
  return list.map((r) => ({ ...r.z, kindLabel: ZONE_KINDS[r.z.kind], townshipName: r.township, members: Number(r.members) }))
}

export interface ZoneMemberRecord {
  businessId: number
  name: string
  industry: string
  foundGeneral: number
  foundMajor: number
  closed: number
  overdue: number
  accidents: number
  largerAccidents: number
  selfChecks: number
  trained: boolean
  drills: number
  licenceLapsed: boolean
}

export interface ZoneRecord {
  zone: ZoneRow & { kindLabel: string }
  from: string
  to: string
  members: ZoneMemberRecord[]
  totals: {
    businesses: number
    foundGeneral: number
    foundMajor: number
    closed: number
    overdue: number
    accidents: number
    largerAccidents: number
    selfCheckCoverage: number | null
    trainingCoverage: number | null
    drillCoverage: number | null
  }
}

/**
 * A zone's safety record for an assessment period (考核期): per member business, the hazards found in it by
 * grade, how many are closed, overdue now, accidents, self-checks, training attended, drills; the coverages.
 */
export async function zoneRecord(tx: Tx, actor: Actor, id: number, from: string, to: string, now: Date): Promise<ZoneRecord> {
  if (from > to) throw new AppError('usage', '起始日期不能晚于截止日期')
  const zone = await zoneById(tx, id, actor, 'programme.read')
  const [fy, fm, fd] = from.split('-').map(Number)
  const [ty, tm, td] = to.split('-').map(Number)
  const fromAt = new Date(endOfShanghaiDay(fy, fm, fd - 1).getTime() + 1000).toISOString()
  const toAt = endOfShanghaiDay(ty, tm, td).toISOString()
  const nowAt = now.toISOString()
  const list = await rows<Record<string, unknown>>(
    tx,
    sql`select b.id, b.name, b.industry,
        (select count(*) from hazards h where h.business_id = b.id and h.status <> 'voided' and h.grade = 'general' and h.created_at between ${fromAt}::timestamptz and ${toAt}::timestamptz) as found_general,
        (select count(*) from hazards h where h.business_id = b.id and h.status <> 'voided' and h.grade = 'major' and h.created_at between ${fromAt}::timestamptz and ${toAt}::timestamptz) as found_major,
        (select count(*) from hazards h where h.business_id = b.id and h.status = 'closed' and h.created_at between ${fromAt}::timestamptz and ${toAt}::timestamptz) as closed,
        (select count(*) from hazards h where h.business_id = b.id and h.status in ('reported', 'rectifying') and h.deadline < ${nowAt}::timestamptz) as overdue,
        (select count(*) from accidents a where a.business_id = b.id and a.deleted_at is null and a.occurred_on between ${from} and ${to}) as accidents,
        (select count(*) from accidents a where a.business_id = b.id and a.deleted_at is null and a.level <> 'general' and a.occurred_on between ${from} and ${to}) as larger_accidents,
        (select count(*) from self_checks s where s.business_id = b.id and s.status = 'done' and s.completed_at between ${fromAt}::timestamptz and ${toAt}::timestamptz) as self_checks,
        exists (select 1 from training_attendance ta join memberships m on m.person_id = ta.person_id where m.business_id = b.id and ta.at between ${fromAt}::timestamptz and ${toAt}::timestamptz) as trained,
        (select count(*) from drills d where d.business_id = b.id and d.held_on between ${from} and ${to}) as drills,
        ${lapsedLicenceSql(sql`b.id`, formatDate(now))} as licence_lapsed
      from zone_members zm join businesses b on b.id = zm.business_id
      where zm.zone_id = ${id}
      order by b.id`,
  )
  const yes = (v: unknown) => v === true || v === 't'
  const members: ZoneMemberRecord[] = list.map((r) => ({
    businessId: Number(r.id),
    name: String(r.name),
    industry: String(r.industry),
    foundGeneral: Number(r.found_general),
    foundMajor: Number(r.found_major),
    closed: Number(r.closed),
    overdue: Number(r.overdue),
    accidents: Number(r.accidents),
    largerAccidents: Number(r.larger_accidents),
    selfChecks: Number(r.self_checks),
    trained: yes(r.trained),
    drills: Number(r.drills),
    licenceLapsed: yes(r.licence_lapsed),
  }))
  const n = members.length
  const sum = (k: keyof ZoneMemberRecord) => members.reduce((a, m) => a + Number(m[k]), 0)
  const share = (f: (m: ZoneMemberRecord) => boolean) => (n ? Math.round((members.filter(f).length / n) * 1000) / 10 : null)
  return {
    zone: { ...zone, kindLabel: ZONE_KINDS[zone.kind] },
    from,
    to,
    members,
    totals: {
      businesses: n,
      foundGeneral: sum('foundGeneral'),
      foundMajor: sum('foundMajor'),
      closed: sum('closed'),
      overdue: sum('overdue'),
      accidents: sum('accidents'),
      largerAccidents: sum('largerAccidents'),
      selfCheckCoverage: share((m) => m.selfChecks > 0),
      trainingCoverage: share((m) => m.trained),
      drillCoverage: share((m) => m.drills > 0),
    },
  }
}

const pct = (v: number | null) => (v === null ? '—' : `${v}%`)

/** The zone's record as a workbook for the assessment: a summary sheet and one row per member business. */
export async function zoneRecordXlsx(r: ZoneRecord, now: Date): Promise<Buffer> {
  const wb = new (exceljs().Workbook)()
  wb.created = now
  const s = wb.addWorksheet('汇总')
  s.columns = [{ width: 28 }, { width: 40 }]
  const t = r.totals
  s.addRows([
    [`${r.zone.name}（${r.zone.kindLabel}）安全生产情况`],
    ['考核期', `${r.from} 至 ${r.to}`],
    ['成员单位', t.businesses],
    ['发现一般隐患', t.foundGeneral],
    ['发现重大隐患', t.foundMajor],
    ['其中已整改销号', t.closed],
    ['当前逾期未整改', t.overdue],
    ['安全生产事故', t.accidents],
    ['其中较大及以上事故', t.largerAccidents],
    ['自查覆盖率', pct(t.selfCheckCoverage)],
    ['培训覆盖率', pct(t.trainingCoverage)],
    ['应急演练覆盖率', pct(t.drillCoverage)],
    ['导出时间', formatDate(now)],
  ])
  s.getRow(1).font = { bold: true, size: 14 }
  const m = wb.addWorksheet('成员单位')
  m.columns = [
    { header: '单位', width: 28 },
    { header: '行业', width: 12 },
    { header: '一般隐患', width: 10 },
    { header: '重大隐患', width: 10 },
    { header: '已销号', width: 10 },
    { header: '逾期', width: 8 },
    { header: '事故', width: 8 },
    { header: '较大及以上事故', width: 14 },
    { header: '自查次数', width: 10 },
    { header: '参加培训', width: 10 },
    { header: '演练次数', width: 10 },
    { header: '许可证过期', width: 12 },
  ]
  m.getRow(1).font = { bold: true }
  for (const x of r.members) {
    m.addRow([x.name, industryLabel(x.industry), x.foundGeneral, x.foundMajor, x.closed, x.overdue, x.accidents, x.largerAccidents, x.selfChecks, x.trained ? '是' : '否', x.drills, x.licenceLapsed ? '是' : '否'])
  }
  return Buffer.from(await wb.xlsx.writeBuffer())
}


