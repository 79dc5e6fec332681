/** Licences with safety requirements (方案 6): their state on a day and which expiry reminder is due. Pure. */

export const LICENCE_KINDS = {
  refined_oil_retail: '成品油零售经营批准证书',
  scrap_vehicle_recycling: '报废机动车回收拆解企业资质认定',
} as const
export type LicenceKind = keyof typeof LICENCE_KINDS

/** Days before expiry when the business and its officer are reminded. */
export const LICENCE_THRESHOLDS = [60, 30, 7] as const

export type LicenceState = 'valid' | 'expiring' | 'lapsed' | 'revoked'
export const LICENCE_STATE_LABELS: Record<LicenceState, string> = { valid: '有效', expiring: '即将到期', lapsed: '已过期', revoked: '已注销' }

const dayMs = 86_400_000
/** Days from `today` to `until` (both YYYY-MM-DD): 0 on the last valid day, negative once lapsed. */
export function daysLeft(until: string, today: string): number {
  return Math.round((Date.parse(`${until}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / dayMs)
}

export function licenceState(l: { validUntil: string; revokedOn: string | null }, today: string): LicenceState {
  if (l.revokedOn !== null && l.revokedOn <= today) return 'revoked'
  const d = daysLeft(l.validUntil, today)
  if (d < 0) return 'lapsed'
  return d <= LICENCE_THRESHOLDS[0] ? 'expiring' : 'valid'
}

/**
 * The reminder due on `today` given the ones already sent (for this validity date): the tightest threshold
 * reached (a missed 60-day reminder is not sent late once 30 is reached), 0 once lapsed; null when none is due.
 */
export function dueReminder(validUntil: string, today: string, sent: number[]): number | null {
  const d = daysLeft(validUntil, today)
  const due = d < 0 ? 0 : ([...LICENCE_THRESHOLDS].reverse().find((t) => d <= t) ?? null)
  if (due === null) return null
  // anything as tight or tighter already sent covers it
  return sent.some((s) => s <= due) ? null : due
}
