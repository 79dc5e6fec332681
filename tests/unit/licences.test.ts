import { describe, it, expect } from 'vitest'
import { dueReminder, licenceState } from '../../src/core/licences.js'

describe('licence state and reminders', () => {
  it.each([
    ['2027-03-01', null, '2026-12-01', 'valid'],
    ['2027-01-30', null, '2026-12-01', 'expiring'],
    ['2026-12-01', null, '2026-12-01', 'expiring'],
    ['2026-11-30', null, '2026-12-01', 'lapsed'],
    ['2027-03-01', '2026-11-01', '2026-12-01', 'revoked'],
    ['2027-03-01', '2026-12-05', '2026-12-01', 'valid'],
  ] as const)('when valid until %s, revoked %s, on %s, then it is %s', (validUntil, revokedOn, today, state) => {
    expect(licenceState({ validUntil, revokedOn }, today)).toBe(state)
  })

  it.each([
    // validUntil 2027-01-31
    ['2026-11-30', [], null], // 62 days
    ['2026-12-02', [], 60], // 60 days
    ['2026-12-10', [60], null],
    ['2027-01-01', [60], 30], // 30 days
    ['2027-01-05', [], 30], // missed the 60: the 30 only
    ['2027-01-05', [30], null],
    ['2027-01-24', [60, 30], 7],
    ['2027-01-31', [60, 30, 7], null], // last valid day
    ['2027-02-01', [60, 30, 7], 0], // lapsed
    ['2027-02-09', [60, 30, 7, 0], null],
  ] as const)('when the day is %s and %j were sent, then the reminder due is %s', (today, sent, due) => {
    expect(dueReminder('2027-01-31', today, [...sent])).toBe(due)
  })
})
