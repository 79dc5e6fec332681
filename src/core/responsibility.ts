import { endOfShanghaiDay } from './clock.js'

/** The plan's deadlines for the full-staff responsibility system (二(五)10). */
export const RESPONSIBILITY_DEADLINES = {
  aboveQuota: { year: 2024, label: '限上单位', deadline: '2024-12-31' },
  others: { year: 2025, label: '其他商务生产经营单位', deadline: '2025-12-31' },
} as const

export type ResponsibilityStatus = 'not_started' | 'revised' | 'verified'
export const RESPONSIBILITY_LABELS: Record<ResponsibilityStatus, string> = { not_started: '未开始', revised: '已修订待核验', verified: '已核验' }

export function responsibilityDeadline(aboveQuota: boolean): Date {
  return endOfShanghaiDay(aboveQuota ? 2024 : 2025, 12, 31)
}

/** Late: past its class's deadline and not yet verified. */
export function isResponsibilityLate(aboveQuota: boolean, status: ResponsibilityStatus, now: Date): boolean {
  return status !== 'verified' && now.getTime() > responsibilityDeadline(aboveQuota).getTime()
}
