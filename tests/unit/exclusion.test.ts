import { describe, it, expect } from 'vitest'
import { activeExclusions, flagCandidates, commendable, type Exclusion } from '../../src/core/exclusion.js'

const list: Exclusion[] = [
  { businessId: 1, reason: 'larger_accident', source: '市应急管理局 凌应急罚〔2026〕3号', decidedOn: '2026-03-01', liftedOn: null },
  { businessId: 2, reason: 'refused_rectification', source: '市消防救援大队 凌消行罚〔2025〕9号', decidedOn: '2025-05-01', liftedOn: '2026-05-01' },
]

describe('policy-support exclusion (不再给予政策支持)', () => {
  it('when an exclusion is decided, then it is in force from that day until it is lifted', () => {
    expect(activeExclusions(list, '2026-02-28').map((e) => e.businessId)).toEqual([2])
    expect(activeExclusions(list, '2026-03-01').map((e) => e.businessId)).toEqual([1, 2])
    expect(activeExclusions(list, '2026-04-30').map((e) => e.businessId)).toEqual([1, 2])
    expect(activeExclusions(list, '2026-05-01').map((e) => e.businessId)).toEqual([1])
  })

  it('when candidates for demonstration or support are listed, then excluded ones are flagged with reason and source, never dropped', () => {
    const flagged = flagCandidates([{ businessId: 1 }, { businessId: 2 }, { businessId: 3 }], list, '2026-04-01')
    expect(flagged).toHaveLength(3)
    expect(flagged.map((f) => f.excluded)).toEqual([true, true, false])
    expect(flagged[0].reasons[0]).toBe('发生较大安全生产事故被处罚（市应急管理局 凌应急罚〔2026〕3号）')
    expect(flagged[1].reasons[0]).toContain('拒绝整改造成严重不良影响')
    expect(flagged[2].reasons).toEqual([])
    expect(flagCandidates([{ businessId: 2 }], list, '2026-06-01')[0].excluded).toBe(false)
  })

  it('when a business has overdue hazards, no self-check this year, or is excluded, then it is not commendable', () => {
    expect(commendable({ overdueHazards: 0, selfChecksThisYear: 2, excluded: false })).toBe(true)
    expect(commendable({ overdueHazards: 1, selfChecksThisYear: 2, excluded: false })).toBe(false)
    expect(commendable({ overdueHazards: 0, selfChecksThisYear: 0, excluded: false })).toBe(false)
    expect(commendable({ overdueHazards: 0, selfChecksThisYear: 5, excluded: true })).toBe(false)
  })
})
