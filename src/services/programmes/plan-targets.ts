import { and, gte, lte, isNotNull, eq } from 'drizzle-orm'
import { schema, type Tx } from '../../../db/client.js'
import { endOfShanghaiDay, formatDate } from '../../core/clock.js'
import {
  targetStatus,
  elapsedShare,
  yearStart,
  yearEnd,
  MILESTONE_TARGETS,
  PLAN_YEARS,
  INSPECTIONS_PER_YEAR,
  TARGET_STATUS_LABELS,
  type TargetStatus,
  type MilestoneTargetKey,
} from '../../core/targets.js'
import { trainingCoverage, TRAINING_FOCUS } from './trainings.js'
import type { Actor } from '../../core/permissions.js'
import { businessReach } from '../scope.js'

const { businesses, responsibilitySystems, planMilestones, specialInspections } = schema

export interface PlanTarget {
  key: string
  title: string
  kind: 'counted' | 'milestone'
  periodStart: string
  deadline: string
  done: number
  required: number
  /** 0..1 */
  progress: number
  elapsed: number
  status: TargetStatus
  statusLabel: string
  /** whose records count: the actor's reach (responsibility, training) or the whole city (milestones, inspections) */
  scope: 'reach' | 'city'
  evidence?: { milestoneId: number; achievedOn: string; title: string; evidenceSha256: string; evidenceName: string | null }[]
}

function target(
  base: Omit<PlanTarget, 'progress' | 'elapsed' | 'status' | 'statusLabel' | 'periodStart' | 'deadline'>,
  start: Date,
  deadline: Date,
  at: Date,
): PlanTarget {
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

/**
 * Every dated target of the plan at `at`, computed from the records (milestones only from evidence). Once a
 * deadline has passed, progress is what was done by the deadline: work done late does not turn missed into met.
 * With an actor, the targets counted over businesses and people (responsibility, training) count those of the
 * actor's reach; milestones and special inspections are the whole city's.
 */
export async function planTargets(tx: Tx, at: Date, actor?: Actor): Promise<PlanTarget[]> {
  const out: PlanTarget[] = []
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
    out.push(
      target(
        { key: `training.officials.${year}`, title: `${year}年乡镇街安全管理人员培训全员覆盖`, kind: 'counted', scope: 'reach', done: cov.officials.trained, required: cov.officials.total },
        yearStart(year),
        yearEnd(year),
        at,
      ),
    )
    if (cov.focus) {
      out.push(
        target(
          { key: `training.focus.${year}`, title: `${year}年重点培训：${TRAINING_FOCUS[year].label}（企业负责人）`, kind: 'counted', scope: 'reach', done: cov.focus.principals.trained, required: cov.focus.principals.total },
          yearStart(year),
          yearEnd(year),
          at,
        ),
      )
    }
  }
  return out
}

/** `YYYY-MM-DD` → the end of that Shanghai day (a target is judged with everything recorded that day). */
export function endOfDateParam(s: string): Date {
  const [y, m, d] = s.split('-').map(Number)
  return endOfShanghaiDay(y, m, d)
}
