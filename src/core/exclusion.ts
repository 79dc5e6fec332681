/** 不再给予各类商务领域示范、引导性政策支持 (三(三)): who is excluded, and flags on any list of candidates. */

export type ExclusionReason = 'larger_accident' | 'refused_rectification'
export const EXCLUSION_REASONS: Record<ExclusionReason, string> = {
  larger_accident: '发生较大安全生产事故被处罚',
  refused_rectification: '拒绝整改造成严重不良影响被处罚',
}

export interface Exclusion {
  businessId: number
  reason: ExclusionReason
  source: string
  /** YYYY-MM-DD */
  decidedOn: string
  liftedOn: string | null
}

/** Exclusions in force on `date` (YYYY-MM-DD): decided on or before it and not lifted by then. */
export function activeExclusions(list: Exclusion[], date: string): Exclusion[] {
  return list.filter((e) => e.decidedOn <= date && (e.liftedOn === null || e.liftedOn > date))
}

export interface Flagged<T> {
  candidate: T
  excluded: boolean
  /** why, for people: '发生较大安全生产事故被处罚（来源）' */
  reasons: string[]
}

/** Marks every candidate for demonstration or support that is excluded on `date`; never drops one silently. */
export function flagCandidates<T extends { businessId: number }>(candidates: T[], exclusions: Exclusion[], date: string): Flagged<T>[] {
  const active = activeExclusions(exclusions, date)
  return candidates.map((c) => {
    const mine = active.filter((e) => e.businessId === c.businessId)
    return { candidate: c, excluded: mine.length > 0, reasons: mine.map((e) => `${EXCLUSION_REASONS[e.reason]}（${e.source}）`) }
  })
}

/** A business with a good record: no overdue hazard, a self-check this year, not excluded. */
export function commendable(r: { overdueHazards: number; selfChecksThisYear: number; excluded: boolean }): boolean {
  return r.overdueHazards === 0 && r.selfChecksThisYear > 0 && !r.excluded
}
