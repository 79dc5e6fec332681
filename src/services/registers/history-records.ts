import { randomInt } from 'node:crypto'
import { exceljs } from '../lazy-libs.js'
import { and, eq, inArray, sql } from 'drizzle-orm'
import { schema, rows, type Db, type Tx } from '../../../db/client.js'
import { AppError } from '../../core/errors.js'
import { formatDate, formatDateTime } from '../../core/clock.js'
import { DEPARTMENTS, INDUSTRIES, INDUSTRY_WORDS, industryLabel, type Industry } from '../../core/domain.js'
import { recordAudit, type AuditEntry } from '../audit.js'
import type { ImportError } from '../import.js'
import { EARLIEST, cellText, instantOf, sheetBody, type Cell, type HistoryImportResult } from './history-import.js'

/**
 * The bureau's 2024–2026 records other than hazards, imported into the same tables the system writes
 * (special inspections, trainings and their attendance, self-checks, responsibility systems), so statistics,
 * plan targets and the closing summary count them like any other record. Each kind: a template, every row
 * checked with its problems in plain Chinese, all-or-nothing per file, rows already in the system skipped (a
 * file imported twice changes nothing), one audit entry per file marked as imported.
 */
export const HISTORY_KINDS = ['inspections', 'trainings', 'selfchecks', 'responsibility'] as const
export type HistoryKind = (typeof HISTORY_KINDS)[number]

/** who created a record that came from the bureau's Excel (createdBy / verifiedByName / checklist key) */
export const IMPORTED_BY = '历史导入'

interface Directory {
  businesses: { id: number; name: string; townshipId: number | null; industry: string }[]
  people: { id: number; name: string; role: string }[]
  memberships: { personId: number; businessId: number }[]
  townships: { id: number; name: string }[]
}

type Get = (h: string) => Cell
interface Checked<R> {
  problems: string[]
  record?: R
  /** what makes two rows the same record (duplicates in the file, and rows already imported) */
  key?: string
}

interface Sheet<R> {
  label: string
  unit: string
  sheetName: string
  headers: readonly string[]
  required: readonly string[]
  example: string[]
  notes: string[]
  check(get: Get, dir: Directory, now: Date): Checked<R>
  /** the keys of the rows' records already in the database */
  existing(db: Db, dir: Directory): Promise<Set<string>>
  /** writes the new records, returns the ids made */
  write(tx: Tx, records: R[], now: Date): Promise<(number | string)[]>
  /** the records in the system, as rows of the template (an export imports back as it was) */
  rows(db: Db, dir: Directory): Promise<string[][]>
}

const t = (get: Get, h: string) => cellText(get(h))
const SEP = /[、,，;；\n]+/
const list = (s: string) => s.split(SEP).map((x) => x.trim()).filter(Boolean)
const dayKey = (d: Date) => formatDate(d)

/** A date column: required or not, between 2024-01-01 and today; pushes its problem. */
function dateOf(get: Get, h: string, p: string[], now: Date, required: boolean): Date | null {
  const raw = get(h)
  if (raw === '') {
    if (required) p.push(`${h}不能为空`)
    return null
  }
  const d = instantOf(raw)
  if (!d) p.push(`${h}不是日期（如 2025-03-01）`)
  else if (d < EARLIEST || d > now) p.push(`${h}应在 2024-01-01 到今天之间`)
  else return d
  return null
}

function businessOf(get: Get, h: string, dir: Directory, p: string[], required: boolean) {
  const name = t(get, h)
  if (!name) {
    if (required) p.push(`${h}不能为空`)
    return null
  }
  const b = dir.businesses.find((x) => x.name === name)
  if (!b) p.push(`没有单位“${name}”：请先导入经营主体`)
  return b ?? null
}

function tooLong(get: Get, p: string[], limits: Record<string, number>) {
  for (const [h, n] of Object.entries(limits)) if (Array.from(t(get, h)).length > n) p.push(`${h}最多${n}字`)
}

function departmentOf(w: string): string | null {
  for (const [name, words] of DEPARTMENTS) if (words.includes(w)) return name
  return null
}

function industryOf(w: string): Industry | null {
  if (w in INDUSTRIES) return w as Industry
  for (const [k, words] of Object.entries(INDUSTRY_WORDS) as [Industry, string[]][]) if (words.includes(w)) return k
  return null
}

/* ---------- 专项检查 ---------- */

interface InspectionRecord {
  plannedOn: string
  doneOn: string | null
  theme: string
  departments: string[]
  businessIds: number[]
  note: string | null
}

const inspections: Sheet<InspectionRecord> = {
  label: '专项检查',
  unit: '次',
  sheetName: '专项检查',
  headers: ['检查主题', '计划日期', '检查日期', '联合部门', '检查单位', '备注'],
  required: ['检查主题', '检查日期'],
  example: ['春节前燃气安全专项检查', '2025-01-10', '2025-01-15', '消防救援、住建/燃气', '（单位名称、单位名称）', ''],
  notes: [
    '必填：检查主题、检查日期（2024-01-01 以后）。计划日期不填同检查日期。',
    `联合部门：${DEPARTMENTS.map((d) => d[0]).join('、')}，多个用顿号隔开；单独检查不填。`,
    '检查单位须是系统里已有的经营主体，多个用顿号隔开。',
  ],
  check(get, dir, now) {
    const p: string[] = []
    const theme = t(get, '检查主题')
    if (Array.from(theme).length < 2) p.push('检查主题不能为空')
    tooLong(get, p, { 检查主题: 100, 备注: 500 })
    const done = dateOf(get, '检查日期', p, now, true)
    const planned = dateOf(get, '计划日期', p, now, false)
    if (planned && done && planned > done) p.push('计划日期晚于检查日期')
    const departments: string[] = []
    for (const w of list(t(get, '联合部门'))) {
      const d = departmentOf(w)
      if (d) departments.push(d)
      else p.push(`联合部门“${w}”不认识，可填：${DEPARTMENTS.map((x) => x[0]).join('、')}`)
    }
    const businessIds: number[] = []
    for (const name of list(t(get, '检查单位'))) {
      const b = dir.businesses.find((x) => x.name === name)
      if (b) businessIds.push(b.id)
      else p.push(`没有单位“${name}”：请先导入经营主体`)
    }
    if (p.length || !done) return { problems: p }
    const doneOn = dayKey(done)
    return {
      problems: p,
      key: `${doneOn}|${theme}`,
      record: { plannedOn: planned ? dayKey(planned) : doneOn, doneOn, theme, departments: [...new Set(departments)], businessIds: [...new Set(businessIds)], note: t(get, '备注') || null },
    }
  },
  async existing(db) {
    const r = await db.select({ d: schema.specialInspections.doneOn, theme: schema.specialInspections.theme }).from(schema.specialInspections)
    return new Set(r.filter((x) => x.d).map((x) => `${x.d}|${x.theme}`))
  },
  async write(tx, records) {
    const made = await tx
      .insert(schema.specialInspections)
      .values(records.map((r) => ({ ...r, createdBy: IMPORTED_BY })))
      .returning({ id: schema.specialInspections.id })
    return made.map((m) => m.id)
  },
  async rows(db, dir) {
    const r = await db.select().from(schema.specialInspections).orderBy(schema.specialInspections.doneOn, schema.specialInspections.id)
    const name = (id: number) => dir.businesses.find((b) => b.id === id)?.name ?? ''
    return r.filter((x) => x.doneOn).map((x) => [x.theme, x.plannedOn, x.doneOn!, x.departments.join('、'), x.businessIds.map(name).join('、'), x.note ?? ''])
  },
}

/* ---------- 培训及签到 ---------- */

interface TrainingRecord {
  topic: string
  startsAt: Date
  endsAt: Date
  place: string
  audience: 'officials' | 'principals' | 'all'
  industries: string[]
  /** one attendee per row; null: the row only records the training */
  personId: number | null
  attendedAt: Date
}

const AUDIENCES: Record<string, TrainingRecord['audience']> = {
  乡镇街安全管理人员: 'officials',
  乡镇街: 'officials',
  企业主要负责人: 'principals',
  企业负责人: 'principals',
  全部: 'all',
  '': 'all',
}
const AUDIENCE_LABELS: Record<TrainingRecord['audience'], string> = { officials: '乡镇街安全管理人员', principals: '企业主要负责人', all: '全部' }
const trainingKey = (topic: string, startsAt: Date) => `${topic}|${startsAt.getTime()}`

const trainings: Sheet<TrainingRecord> = {
  label: '培训签到',
  unit: '行',
  sheetName: '培训签到',
  headers: ['培训主题', '开始时间', '结束时间', '地点', '对象', '行业', '参加人', '参加单位'],
  required: ['培训主题', '开始时间', '参加人'],
  example: ['餐饮行业燃气安全培训', '2024-06-12 09:00', '2024-06-12 11:00', '市商务局三楼会议室', '企业主要负责人', '餐饮', '（姓名）', '（单位名称）'],
  notes: [
    '一行一人签到；同一场培训（主题和开始时间相同）写多行。只登记培训、没有签到名单的，参加人不填。',
    '必填：培训主题、开始时间（2024-01-01 以后）。结束时间不填按开始后2小时。',
    `对象：乡镇街安全管理人员、企业主要负责人、全部（不填为全部）；行业：${Object.values(INDUSTRIES).join('、')}，可多个。`,
    '参加人须是系统里已有的人员（先在“人员”页添加或导入）；同名的人请同时写参加单位。',
  ],
  check(get, dir, now) {
    const p: string[] = []
    const topic = t(get, '培训主题')
    if (Array.from(topic).length < 2) p.push('培训主题不能为空')
    tooLong(get, p, { 培训主题: 100, 地点: 100 })
    const startsAt = dateOf(get, '开始时间', p, now, true)
    const endsAt = get('结束时间') === '' ? (startsAt ? new Date(startsAt.getTime() + 2 * 3600_000) : null) : instantOf(get('结束时间'))
    if (get('结束时间') !== '' && !endsAt) p.push('结束时间不是日期')
    if (startsAt && endsAt && endsAt <= startsAt) p.push('结束时间要晚于开始时间')
    const aw = t(get, '对象')
    const audience = AUDIENCES[aw]
    if (!audience) p.push(`对象“${aw}”不对，可填：乡镇街安全管理人员、企业主要负责人、全部`)
    const industries: string[] = []
    for (const w of list(t(get, '行业'))) {
      const i = industryOf(w)
      if (i) industries.push(i)
      else p.push(`行业“${w}”不对，可填：${Object.values(INDUSTRIES).join('、')}`)
    }
    let personId: number | null = null
    const who = t(get, '参加人')
    if (who) {
      const bName = t(get, '参加单位')
      let found = dir.people.filter((x) => x.name === who)
      if (bName) {
        const b = dir.businesses.find((x) => x.name === bName)
        if (!b) p.push(`没有单位“${bName}”`)
        else found = found.filter((x) => dir.memberships.some((m) => m.personId === x.id && m.businessId === b.id))
      }
      if (!found.length) p.push(`没有人员“${who}”${bName ? `（${bName}）` : ''}：请先在“人员”页添加`)
      else if (found.length > 1) p.push(`有 ${found.length} 个人叫“${who}”：请写参加单位`)
      else personId = found[0].id
    }
    if (p.length || !startsAt || !endsAt) return { problems: p }
    return {
      problems: p,
      key: `${trainingKey(topic, startsAt)}|${personId ?? ''}`,
      record: { topic, startsAt, endsAt, place: t(get, '地点') || '（历史记录）', audience, industries: [...new Set(industries)], personId, attendedAt: startsAt },
    }
  },
  async existing(db) {
    const r = await rows<{ topic: string; starts_at: string | Date; person_id: number | null }>(
      db,
      sql`select t.topic, t.starts_at, a.person_id from trainings t left join training_attendance a on a.training_id = t.id
          union select t.topic, t.starts_at, null from trainings t`,
    )
    return new Set(r.map((x) => `${trainingKey(x.topic, new Date(x.starts_at))}|${x.person_id ?? ''}`))
  },
  async write(tx, records) {
    const ids: number[] = []
    const byTraining = new Map<string, TrainingRecord[]>()
    for (const r of records) byTraining.set(trainingKey(r.topic, r.startsAt), [...(byTraining.get(trainingKey(r.topic, r.startsAt)) ?? []), r])
    for (const group of byTraining.values()) {
      const r = group[0]
      // a training already there (imported before, or held in the system) takes the new attendance
      let [tr] = await tx
        .select({ id: schema.trainings.id })
        .from(schema.trainings)
        .where(and(eq(schema.trainings.topic, r.topic), eq(schema.trainings.startsAt, r.startsAt)))
      if (!tr) {
        ;[tr] = await tx
          .insert(schema.trainings)
          .values({
            topic: r.topic,
            startsAt: r.startsAt,
            endsAt: r.endsAt,
            place: r.place,
            audience: r.audience,
            targetIndustries: r.industries,
            checkinCode: String(randomInt(1000, 10000)),
            createdBy: IMPORTED_BY,
          })
          .returning({ id: schema.trainings.id })
        ids.push(tr.id)
      }
      const people = group.filter((x) => x.personId !== null)
      if (people.length)
        await tx
          .insert(schema.trainingAttendance)
          .values(people.map((x) => ({ trainingId: tr.id, personId: x.personId!, at: x.attendedAt })))
          .onConflictDoNothing()
    }
    return ids
  },
  async rows(db, dir) {
    const list = await db.select().from(schema.trainings).orderBy(schema.trainings.startsAt, schema.trainings.id)
    const att = await db.select().from(schema.trainingAttendance)
    const out: string[][] = []
    for (const tr of list) {
      const base = [tr.topic, formatDateTime(tr.startsAt), formatDateTime(tr.endsAt), tr.place ?? tr.link ?? '', AUDIENCE_LABELS[tr.audience], tr.targetIndustries.map(industryLabel).join('、')]
      const mine = att.filter((a) => a.trainingId === tr.id).sort((a, b) => a.personId - b.personId)
      if (!mine.length) out.push([...base, '', ''])
      for (const a of mine) {
        const p = dir.people.find((x) => x.id === a.personId)
        const namesakes = dir.people.filter((x) => x.name === p?.name).length
        const m = dir.memberships.find((x) => x.personId === a.personId)
        // the unit only when a namesake makes it needed (and the person has one)
        out.push([...base, p?.name ?? '', namesakes > 1 && m ? (dir.businesses.find((b) => b.id === m.businessId)?.name ?? '') : ''])
      }
    }
    return out
  },
}

/* ---------- 自查自改 ---------- */

interface SelfCheckRecord {
  businessId: number
  title: string
  items: string[]
  answers: Record<string, boolean>
  at: Date
}

const selfchecks: Sheet<SelfCheckRecord> = {
  label: '自查记录',
  unit: '次',
  sheetName: '自查记录',
  headers: ['单位', '自查日期', '自查表', '检查项数', '不合格项'],
  required: ['单位', '自查日期'],
  example: ['（单位名称）', '2025-05-20', '餐饮场所燃气安全自查表', '12', '燃气软管老化；报警器未通电'],
  notes: [
    '必填：单位、自查日期（2024-01-01 以后）。单位须是系统里已有的经营主体。',
    '检查项数：这次自查一共查了几项（不填按不合格项数计）；不合格项：每项一句，用分号（；）隔开，全部合格不填。',
    '不合格项只作记录；要进隐患台账的，请用隐患台账模板导入。',
  ],
  check(get, dir, now) {
    const p: string[] = []
    const b = businessOf(get, '单位', dir, p, true)
    const at = dateOf(get, '自查日期', p, now, true)
    const title = t(get, '自查表') || '自查自改（历史记录）'
    tooLong(get, p, { 自查表: 60, 不合格项: 1000 })
    const failed = t(get, '不合格项').split(/[；;\n]+/).map((x) => x.trim()).filter(Boolean)
    const nWord = t(get, '检查项数')
    const n = nWord === '' ? failed.length : Number(nWord)
    if (nWord !== '' && (!Number.isInteger(n) || n < 1 || n > 200)) p.push(`检查项数“${nWord}”应为 1 到 200 的整数`)
    else if (n < failed.length) p.push(`检查项数（${n}）少于不合格项（${failed.length} 项）`)
    if (nWord === '' && !failed.length) p.push('请填检查项数（全部合格时）')
    if (p.length || !b || !at) return { problems: p }
    const passed = n - failed.length
    const items = [...failed, ...(passed ? [`其余 ${passed} 项合格`] : [])]
    const answers = Object.fromEntries(items.map((_, i) => [String(i + 1), i >= failed.length]))
    return { problems: p, key: `${b.id}|${dayKey(at)}|${title}`, record: { businessId: b.id, title, items, answers, at } }
  },
  async existing(db) {
    const r = await rows<{ business_id: number; d: string; title: string }>(
      db,
      sql`select business_id, to_char(completed_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as d, title from self_checks where status = 'done'`,
    )
    return new Set(r.map((x) => `${x.business_id}|${x.d}|${x.title}`))
  },
  async write(tx, records) {
    const made = await tx
      .insert(schema.selfChecks)
      .values(records.map((r) => ({ businessId: r.businessId, checklistKey: 'history', title: r.title, items: r.items, answers: r.answers, status: 'done' as const, startedAt: r.at, completedAt: r.at })))
      .returning({ id: schema.selfChecks.id })
    return made.map((m) => m.id)
  },
  async rows(db, dir) {
    const list = await db.select().from(schema.selfChecks).where(eq(schema.selfChecks.status, 'done')).orderBy(schema.selfChecks.completedAt, schema.selfChecks.id)
    return list.map((c) => {
      const failed = c.items.filter((_, i) => c.answers[String(i + 1)] === false)
      // an imported check keeps its passed items as one line (其余 N 项合格)
      const n = c.items.reduce((sum, item, i) => {
        const m = /^其余 (\d+) 项合格$/.exec(item)
        return sum + (m && c.answers[String(i + 1)] !== false ? Number(m[1]) : 1)
      }, 0)
      return [dir.businesses.find((b) => b.id === c.businessId)?.name ?? '', formatDate(c.completedAt!), c.title, String(n), failed.join('；')]
    })
  },
}

/* ---------- 全员安全生产责任制 ---------- */

interface ResponsibilityRecord {
  businessId: number
  status: 'revised' | 'verified'
  submittedAt: Date
  verifiedAt: Date | null
  verifiedByName: string | null
  note: string | null
}

const RESP_STATUS: Record<string, ResponsibilityRecord['status']> = { 已修订: 'revised', 已报送: 'revised', 已修订待核验: 'revised', 已核验: 'verified', 核验通过: 'verified' }

const responsibility: Sheet<ResponsibilityRecord> = {
  label: '责任制',
  unit: '家',
  sheetName: '全员安全生产责任制',
  headers: ['单位', '状态', '报送日期', '核验日期', '核验人', '备注'],
  required: ['单位', '状态', '报送日期'],
  example: ['（单位名称）', '已核验', '2024-11-20', '2024-12-05', '（核验人）', ''],
  notes: [
    '一家单位一行。必填：单位、状态、报送日期（2024-01-01 以后）。',
    '状态：已修订（报送了修订后的责任制，还没核验）或已核验；已核验的须填核验日期。',
    '系统里已有同样记录的单位跳过；已有不同记录的，请在“责任制”页核对，不会被覆盖。',
  ],
  check(get, dir, now) {
    const p: string[] = []
    const b = businessOf(get, '单位', dir, p, true)
    const sw = t(get, '状态')
    const status = RESP_STATUS[sw]
    if (!status) p.push(sw ? `状态“${sw}”不对，可填：已修订、已核验` : '状态不能为空')
    const submittedAt = dateOf(get, '报送日期', p, now, true)
    const verifiedAt = dateOf(get, '核验日期', p, now, false)
    if (status === 'verified' && !verifiedAt && get('核验日期') === '') p.push('已核验的请填核验日期')
    if (status === 'revised' && verifiedAt) p.push('未核验的不应有核验日期')
    if (submittedAt && verifiedAt && verifiedAt < submittedAt) p.push('核验日期早于报送日期')
    tooLong(get, p, { 核验人: 20, 备注: 500 })
    if (p.length || !b || !submittedAt || !status) return { problems: p }
    return {
      problems: p,
      key: `${b.id}|${status}|${dayKey(submittedAt)}|${verifiedAt ? dayKey(verifiedAt) : ''}`,
      record: { businessId: b.id, status, submittedAt, verifiedAt, verifiedByName: status === 'verified' ? t(get, '核验人') || IMPORTED_BY : null, note: t(get, '备注') || null },
    }
  },
  async existing(db) {
    const r = await db.select().from(schema.responsibilitySystems)
    return new Set(r.filter((x) => x.submittedAt).map((x) => `${x.businessId}|${x.status}|${dayKey(x.submittedAt!)}|${x.verifiedAt ? dayKey(x.verifiedAt) : ''}`))
  },
  async write(tx, records) {
    for (const r of records)
      await tx
        .insert(schema.responsibilitySystems)
        .values({ businessId: r.businessId, status: r.status, submittedAt: r.submittedAt, verifiedAt: r.verifiedAt, verifiedByName: r.verifiedByName, note: r.note })
        .onConflictDoUpdate({
          target: schema.responsibilitySystems.businessId,
          set: { status: r.status, submittedAt: r.submittedAt, verifiedAt: r.verifiedAt, verifiedByName: r.verifiedByName, note: r.note },
          // only a business with nothing recorded yet (checked before) is written
          setWhere: sql`${schema.responsibilitySystems.status} = 'not_started'`,
        })
    return records.map((r) => r.businessId)
  },
  async rows(db, dir) {
    const list = await db.select().from(schema.responsibilitySystems).orderBy(schema.responsibilitySystems.businessId)
    return list
      .filter((r) => r.status !== 'not_started' && r.submittedAt)
      .map((r) => [
        dir.businesses.find((b) => b.id === r.businessId)?.name ?? '',
        r.status === 'verified' ? '已核验' : '已修订',
        formatDate(r.submittedAt!),
        r.verifiedAt ? formatDate(r.verifiedAt) : '',
        r.status === 'verified' ? (r.verifiedByName ?? '') : '',
        r.note ?? '',
      ])
  },
}

const SHEETS: Record<HistoryKind, Sheet<unknown>> = { inspections, trainings, selfchecks, responsibility } as Record<HistoryKind, Sheet<unknown>>

export function historyKindOf(kind: string): HistoryKind {
  if (!(HISTORY_KINDS as readonly string[]).includes(kind)) throw new AppError('not_found', `没有“${kind}”这种导入：可导入 hazards（隐患）、${HISTORY_KINDS.join('、')}`)
  return kind as HistoryKind
}

export const historyLabel = (kind: HistoryKind) => SHEETS[kind].label
export const historyUnit = (kind: HistoryKind) => SHEETS[kind].unit

async function directory(db: Db): Promise<Directory> {
  const [businesses, people, memberships, townships] = await Promise.all([
    db.select({ id: schema.businesses.id, name: schema.businesses.name, townshipId: schema.businesses.townshipId, industry: schema.businesses.industry }).from(schema.businesses),
    db.select({ id: schema.people.id, name: schema.people.name, role: schema.people.role }).from(schema.people),
    db.select({ personId: schema.memberships.personId, businessId: schema.memberships.businessId }).from(schema.memberships),
    db.select({ id: schema.jurisdictions.id, name: schema.jurisdictions.name }).from(schema.jurisdictions).where(eq(schema.jurisdictions.kind, 'township')),
  ])
  return { businesses, people, memberships, townships }
}

/** A responsibility row that would overwrite a different record already in the system. */
async function responsibilityConflicts(db: Db, out: { row: number; record: unknown }[]): Promise<ImportError[]> {
  const ids = out.map((x) => (x.record as ResponsibilityRecord).businessId)
  if (!ids.length) return []
  const there = await db
    .select({ businessId: schema.responsibilitySystems.businessId, status: schema.responsibilitySystems.status })
    .from(schema.responsibilitySystems)
    .where(inArray(schema.responsibilitySystems.businessId, ids))
  const label = { revised: '已修订待核验', verified: '已核验', not_started: '未开始' }
  return out.flatMap(({ row, record }) => {
    const e = there.find((x) => x.businessId === (record as ResponsibilityRecord).businessId && x.status !== 'not_started')
    return e ? [{ row, message: `系统里这家单位已有责任制记录（${label[e.status]}），与表中不同：请在“责任制”页核对` }] : []
  })
}

/** Imports one file of a kind: see the module comment. */
export async function importHistory(
  db: Db,
  kind: HistoryKind,
  table: Cell[][],
  opts: { dryRun: boolean; now: Date; audit: Omit<AuditEntry, 'action'> & { fileName: string } },
): Promise<HistoryImportResult> {
  const sheet = SHEETS[kind]
  const errors: ImportError[] = []
  const fail = (valid = 0): HistoryImportResult => ({ ok: false, dryRun: opts.dryRun, created: 0, skipped: 0, valid, errors })
  const body = sheetBody(table, sheet.headers, sheet.required, `${sheet.label}记录`)
  if ('error' in body) {
    errors.push(body.error)
    return fail()
  }
  const dir = await directory(db)
  const already = await sheet.existing(db, dir)
  const seen = new Map<string, number>()
  const out: { row: number; record: unknown }[] = []
  let skipped = 0
  for (const { row, cells } of body.data) {
    const get: Get = (h) => (body.col[h] >= 0 ? (cells[body.col[h]] ?? '') : '')
    const c = sheet.check(get, dir, opts.now)
    if (c.key !== undefined) {
      if (seen.has(c.key)) c.problems.push(`与第 ${seen.get(c.key)} 行重复`)
      else seen.set(c.key, row)
    }
    if (c.problems.length) {
      errors.push({ row, message: c.problems.join('；') })
      continue
    }
    if (already.has(c.key!)) skipped++
    else out.push({ row, record: c.record })
  }
  if (kind === 'responsibility') errors.push(...(await responsibilityConflicts(db, out)))
  if (errors.length) {
    errors.sort((a, b) => a.row - b.row)
    return fail(out.length)
  }
  if (opts.dryRun || !out.length) return { ok: true, dryRun: opts.dryRun, created: 0, skipped, valid: out.length, errors }
  const { fileName, ...who } = opts.audit
  await db.transaction(async (tx) => {
    const ids = await sheet.write(tx, out.map((x) => x.record), opts.now)
    await recordAudit(tx, { ...who, action: `history.import.${kind}`, targetType: kind, detail: { fileName, rows: out.length, skipped, ids, imported: true } }, opts.now)
  })
  return { ok: true, dryRun: false, created: out.length, skipped, valid: out.length, errors }
}

/** The records of a kind in the system, in its template's layout: imported into an empty system, they come back the same. */
export async function historyExportXlsx(db: Db, kind: HistoryKind): Promise<{ xlsx: Buffer; rows: number }> {
  const rows = await SHEETS[kind].rows(db, await directory(db))
  return { xlsx: await historyTemplateXlsx(kind, rows), rows: rows.length }
}

/** A kind's template: its columns, one example row (or the rows given) and a sheet of notes. */
export async function historyTemplateXlsx(kind: HistoryKind, rows?: string[][]): Promise<Buffer> {
  const sheet = SHEETS[kind]
  const wb = new (exceljs().Workbook)()
  const ws = wb.addWorksheet(sheet.sheetName)
  ws.columns = sheet.headers.map((h) => ({ header: h, width: 18 }))
  ws.getRow(1).font = { bold: true }
  if (rows) ws.addRows(rows)
  else ws.addRow(sheet.example)
  const notes = wb.addWorksheet('填写说明')
  notes.addRows([
    ...sheet.notes.map((n) => [n]),
    ['整批导入：任何一行有误，整批不导入，并逐行列出问题；先点“只校验”看问题。重复导入同一文件，已有的记录跳过。'],
    [rows ? '这是系统导出的记录，可直接导入另一套系统。' : '示例行请删除后再导入。'],
  ])
  return Buffer.from(await wb.xlsx.writeBuffer())
}
