/**
 * The plan-targets code as it was before plans became data (commit b7a9bb3, src/services/programmes/plan-targets.ts
 * with its constants from src/core/targets.ts and the coverage of src/services/programmes/trainings.ts), kept
 * only as the reference the equivalence test compares the 2024–2026 plan file against. Not used by the app.
 */
import { and, gte, lte, isNotNull, eq, sql, type SQL } from 'drizzle-orm'
import { schema, type Tx } from '../../db/client.js'
import { formatDate, endOfShanghaiDay } from '../../src/core/clock.js'
import { targetStatus, elapsedShare, yearStart, yearEnd, TARGET_STATUS_LABELS, type TargetStatus } from '../../src/core/targets.js'
import type { Actor } from '../../src/core/permissions.js'
import { businessReach, reachWhere } from '../../src/services/scope.js'

const { businesses, responsibilitySystems, planMilestones, specialInspections, trainings, trainingAttendance, people, memberships, jurisdictions } = schema

const MILESTONE_TARGETS = {
  joint_mechanism: {
    title: '配合有关部门联合督导检查、重大事故隐患排查整治工作机制',
    stages: { 2024: '初步建立', 2025: '实现常态化', 2026: '形成齐抓共管工作格局' } as Record<number, string>,
  },
  four_into: {
    title: '安全生产“四进”（进行业规划、进产业政策、进法规标准、进行政许可）',
    stages: { 2024: '全面梳理“四进”工作情况', 2025: '切实提升“四进”工作水平', 2026: '行业安全生产管理水平有效提升' } as Record<number, string>,
  },
} as const
type MilestoneTargetKey = keyof typeof MILESTONE_TARGETS
const PLAN_YEARS = [2024, 2025, 2026] as const
const INSPECTIONS_PER_YEAR = 6
const TRAINING_FOCUS: Record<number, { key: string; label: string; industries: string[] }> = {
  2024: { key: 'catering_gas', label: '餐饮行业燃气安全', industries: ['catering'] },
  2025: { key: 'oil_scrap', label: '成品油流通、报废机动车回收拆解', industries: ['refined_oil', 'scrap_vehicle'] },
  2026: { key: 'exhibition_mall', label: '展览行业、大型商业综合体消防安全责任人', industries: ['exhibition', 'mall'] },
}

export interface PlanTargetV1 {
  key: string
  title: string
  kind: 'counted' | 'milestone'
  periodStart: string
  deadline: string
  done: number
  required: number
  progress: number
  elapsed: number
  status: TargetStatus
  statusLabel: string
  scope: 'reach' | 'city'
  evidence?: { milestoneId: number; achievedOn: string; title: string; evidenceSha256: string; evidenceName: string | null }[]
}

function target(base: Omit<PlanTargetV1, 'progress' | 'elapsed' | 'status' | 'statusLabel' | 'periodStart' | 'deadline'>, start: Date, deadline: Date, at: Date): PlanTargetV1 {
  const progress = base.required === 0 ? 1 : Math.min(1, base.done / base.required)
  const status = targetStatus({ progress, periodStart: start, deadline, at })
  return {
    ...base,
    periodStart: formatDate(start),
    deadline: formatDate(deadline),
    progress: Math.round(progress * 1000) / 1000,
    elapsed: Math.round(elapsedShare(start, deadline, at) * 1000) / 1000,
    status,
    statusLabel: TARGET_STATUS_LABELS[status],
  }
}

function yearRange(year: number): [Date, Date] {
  return [new Date(endOfShanghaiDay(year - 1, 12, 31).getTime() + 1000), endOfShanghaiDay(year, 12, 31)]
}

async function attendedIn(tx: Tx, year: number, at?: Date): Promise<Set<number>> {
  const [from, to] = yearRange(year)
  const until = at && at.getTime() < to.getTime() ? at : to
  const rows = await tx
    .selectDistinct({ personId: trainingAttendance.personId })
    .from(trainingAttendance)
    .innerJoin(trainings, eq(trainings.id, trainingAttendance.trainingId))
    .where(and(gte(trainings.startsAt, from), lte(trainings.startsAt, to), lte(trainingAttendance.at, until)))
  return new Set(rows.map((r) => r.personId))
}

async function officialsRoster(tx: Tx, scope?: SQL) {
  return tx
    .select({ id: people.id })
    .from(people)
    .innerJoin(jurisdictions, eq(jurisdictions.id, people.townshipId))
    .where(and(eq(people.role, 'officer'), sql`${people.townshipId} is not null`, scope))
    .orderBy(people.id)
}

async function principalsRoster(tx: Tx, scope?: SQL) {
  return tx
    .select({ id: people.id, industry: businesses.industry })
    .from(memberships)
    .innerJoin(people, eq(people.id, memberships.personId))
    .innerJoin(businesses, eq(businesses.id, memberships.businessId))
    .where(and(eq(memberships.role, 'principal'), eq(people.role, 'member'), scope))
    .orderBy(people.id)
}

async function trainingCoverage(tx: Tx, year: number, at: Date, actor?: Actor) {
  const attended = await attendedIn(tx, year, at)
  const officials = await officialsRoster(tx, actor && reachWhere(actor, 'programme.read', people.townshipId))
  const principals = await principalsRoster(tx, actor && businessReach(actor, 'programme.read'))
  const focus = TRAINING_FOCUS[year]
  const focusPrincipals = focus ? principals.filter((p) => focus.industries.includes(p.industry)) : []
  const part = (list: { id: number }[]) => ({ total: list.length, trained: list.filter((p) => attended.has(p.id)).length })
  return { officials: part(officials), focus: focus ? part(focusPrincipals) : null }
}

export async function planTargetsV1(tx: Tx, at: Date, actor?: Actor): Promise<PlanTargetV1[]> {
  const out: PlanTargetV1[] = []
  const by = (deadline: Date) => (at.getTime() < deadline.getTime() ? at : deadline)
  const planStart = yearStart(2024)

  const rs = await tx
    .select({ aboveQuota: businesses.aboveQuota, verifiedAt: responsibilitySystems.verifiedAt })
    .from(businesses)
    .leftJoin(responsibilitySystems, eq(responsibilitySystems.businessId, businesses.id))
    .where(actor && businessReach(actor, 'programme.read'))
  for (const [aboveQuota, year, title] of [
    [true, 2024, '限上单位全员安全生产责任制修订'],
    [false, 2025, '其他商务生产经营单位全员安全生产责任制覆盖'],
  ] as const) {
    const list = rs.filter((r) => r.aboveQuota === aboveQuota)
    const cut = by(yearEnd(year))
    const done = list.filter((r) => r.verifiedAt && r.verifiedAt.getTime() <= cut.getTime()).length
    out.push(target({ key: `responsibility.${aboveQuota ? 'above_quota' : 'others'}`, title, kind: 'counted', scope: 'reach', done, required: list.length }, planStart, yearEnd(year), at))
  }

  const milestones = await tx.select().from(planMilestones).where(isNotNull(planMilestones.evidenceSha256))
  for (const key of Object.keys(MILESTONE_TARGETS) as MilestoneTargetKey[]) {
    const def = MILESTONE_TARGETS[key]
    for (const year of PLAN_YEARS) {
      const proofs = milestones.filter((m) => m.targetKey === key && m.year === year && Date.parse(`${m.achievedOn}T00:00:00+08:00`) <= at.getTime())
      const onTime = proofs.filter((m) => Date.parse(`${m.achievedOn}T00:00:00+08:00`) <= by(yearEnd(year)).getTime())
      out.push(
        target(
          {
            key: `${key}.${year}`,
            title: `${def.title}：${def.stages[year]}`,
            kind: 'milestone',
            scope: 'city',
            done: onTime.length ? 1 : 0,
            required: 1,
            evidence: proofs.map((m) => ({ milestoneId: m.id, achievedOn: m.achievedOn, title: m.title, evidenceSha256: m.evidenceSha256, evidenceName: m.evidenceName })),
          },
          yearStart(year),
          yearEnd(year),
          at,
        ),
      )
    }
  }

  for (const year of PLAN_YEARS) {
    const rows = await tx
      .select({ id: specialInspections.id })
      .from(specialInspections)
      .where(and(gte(specialInspections.doneOn, `${year}-01-01`), lte(specialInspections.doneOn, `${year}-12-31`), lte(specialInspections.doneOn, formatDate(at))))
    out.push(target({ key: `inspections.${year}`, title: `${year}年专项检查不少于${INSPECTIONS_PER_YEAR}次`, kind: 'counted', scope: 'city', done: rows.length, required: INSPECTIONS_PER_YEAR }, yearStart(year), yearEnd(year), at))
  }

  for (const year of PLAN_YEARS) {
    const cov = await trainingCoverage(tx, year, at, actor)
    out.push(target({ key: `training.officials.${year}`, title: `${year}年乡镇街安全管理人员培训全员覆盖`, kind: 'counted', scope: 'reach', done: cov.officials.trained, required: cov.officials.total }, yearStart(year), yearEnd(year), at))
    if (cov.focus) {
      out.push(
        target(
          { key: `training.focus.${year}`, title: `${year}年重点培训：${TRAINING_FOCUS[year].label}（企业负责人）`, kind: 'counted', scope: 'reach', done: cov.focus.trained, required: cov.focus.total },
          yearStart(year),
          yearEnd(year),
          at,
        ),
      )
    }
  }
  return out
}
