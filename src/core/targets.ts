import { endOfShanghaiDay } from './clock.js'

/** met; on track; at risk (progress lags the elapsed share of the period by more than 20 points); missed. */
export type TargetStatus = 'met' | 'on_track' | 'at_risk' | 'missed'
export const TARGET_STATUS_LABELS: Record<TargetStatus, string> = { met: '已完成', on_track: '按计划推进', at_risk: '有风险', missed: '未按期完成' }

/** How far progress may lag the elapsed share of the period before a target is at risk, in points (a plan may set its own). */
export const AT_RISK_LAG_POINTS = 20

export interface TargetClock {
  /** 0..1 (more is clamped) */
  progress: number
  /** the start of the period the target is measured over */
  periodStart: Date
  /** the last instant that still counts (end of the deadline day) */
  deadline: Date
  at: Date
}

/** The elapsed share of the period at `at`, 0..1. */
export function elapsedShare(periodStart: Date, deadline: Date, at: Date): number {
  const span = deadline.getTime() - periodStart.getTime()
  if (span <= 0) return at.getTime() >= deadline.getTime() ? 1 : 0
  return Math.min(1, Math.max(0, (at.getTime() - periodStart.getTime()) / span))
}

/** The status of a dated target at `at`: pure, so the plan-targets page and its tests agree. */
export function targetStatus(t: TargetClock, lagPoints = AT_RISK_LAG_POINTS): TargetStatus {
  const progress = Math.min(1, Math.max(0, t.progress))
  if (progress >= 1) return 'met'
  if (t.at.getTime() > t.deadline.getTime()) return 'missed'
  const lag = (elapsedShare(t.periodStart, t.deadline, t.at) - progress) * 100
  return lag > lagPoints + 1e-9 ? 'at_risk' : 'on_track'
}

export function yearStart(year: number): Date {
  return new Date(endOfShanghaiDay(year - 1, 12, 31).getTime() + 1000)
}

export function yearEnd(year: number): Date {
  return endOfShanghaiDay(year, 12, 31)
}
