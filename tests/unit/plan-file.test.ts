import fs from 'node:fs'
import { describe, it, expect } from 'vitest'
import { countRequired, endOfDate, evaluatePlan, measuresOf, milestoneStages, parsePlanFile, startOfDate, trainingFocusOf, type Facts, type PlanFile } from '../../src/core/plan.js'

const read = (f: string) => JSON.parse(fs.readFileSync(f, 'utf8'))
const bundled = read('db/plans/lingyuan-2024-2026.json')
const next = read('docs/plans/example-2027-2029.json')
const parsed = (x: unknown) => {
  const r = parsePlanFile(x)
  if (!r.ok) throw new Error(r.errors.join('\n'))
  return r.plan
}

/** A small plan of one target of each metric kind, over 2030. */
const small: PlanFile = parsed({
  format: 1,
  key: 'test-2030',
  title: '测试规划（2030年）',
  shortTitle: '测试规划',
  issuer: '测试市商务局',
  region: '测试市',
  from: '2030-01-01',
  to: '2030-12-31',
  targets: [
    { kind: 'count', key: 'inspections', title: '专项检查不少于4次', record: 'special_inspection', from: '2030-01-01', to: '2030-12-31', required: 4 },
    { kind: 'share', key: 'selfcheck', title: '八成单位自查', of: 'businesses', record: 'self_check_done', share: 0.8, from: '2030-01-01', to: '2030-12-31' },
    { kind: 'share', key: 'officials', title: '官员培训', of: 'officials', record: 'training_attended', from: '2030-01-01', to: '2030-06-30', atRiskLagPoints: 50 },
    { kind: 'milestone', key: 'mechanism', title: '机制', stages: [{ year: 2030, title: '建立', to: '2030-06-30' }] },
  ],
  outline: { tasks: [{ heading: '（一）任务', items: [{ title: '1.检查', report: ['inspections', { milestone: 'mechanism' }] }] }] },
})

const day = (d: string, time = '12:00:00') => new Date(`${d}T${time}+08:00`)
const ms = (d: string) => day(d).getTime()

describe('plan files (src/core/plan.ts)', () => {
  it('when the shipped plans are read, then they are valid and keep the plan’s stages, focus and requirements', () => {
    const p = parsed(bundled)
    expect(p.targets).toHaveLength(13)
    expect(measuresOf(p, day('2025-01-01')).map((m) => m.key)).toHaveLength(17)
    expect(milestoneStages(p).map((s) => `${s.targetKey}.${s.year}`)).toEqual(['joint_mechanism.2024', 'joint_mechanism.2025', 'joint_mechanism.2026', 'four_into.2024', 'four_into.2025', 'four_into.2026'])
    expect(trainingFocusOf(p, 2025)).toEqual({ key: 'oil_scrap', label: '成品油流通、报废机动车回收拆解', industries: ['refined_oil', 'scrap_vehicle'] })
    expect(trainingFocusOf(p, 2027)).toBeNull()
    expect(countRequired([p], 'special_inspection', 2026)).toBe(6)
    expect(countRequired([p, parsed(next)], 'special_inspection', 2027)).toBe(8)
    expect(countRequired([p], 'special_inspection', 2030)).toBeNull()
  })

  it.each([
    ['an unknown metric kind', { targets: [{ ...bundled.targets[0], kind: 'formula' }] }, 'targets.0.kind：目标类型（kind）只能是 count、share 或 milestone'],
    ['a day that does not exist', { to: '2026-02-30' }, 'to：没有这一天'],
    ['a record the class cannot have', { targets: [{ ...bundled.targets[0], of: 'officials', aboveQuota: undefined }] }, 'targets.0.record：乡镇街安全管理人员没有“全员安全生产责任制已核验”这种记录'],
    ['a share above one', { targets: [{ ...bundled.targets[0], share: 1.5 }] }, 'targets.0.share：不能大于 1'],
    ['two targets with one key', { targets: [bundled.targets[0], bundled.targets[0]] }, 'targets.1.key：目标编号 responsibility.above_quota 重复'],
    ['a milestone key with a dot', { targets: [{ ...bundled.targets[2], key: 'joint.mechanism' }] }, 'targets.0.key：里程碑编号（key）只能用小写字母、数字、_ 和 -，以字母开头，2–60 个字符'],
    ['an outline naming a missing milestone', { targets: [bundled.targets[0]] }, 'outline.tasks.0.items.0.report：没有里程碑目标 four_into'],
    ['a period ending before it starts', { from: '2027-01-01' }, 'to：结束日期不能早于开始日期'],
    ['an industry the system does not know', { targets: [{ ...bundled.targets[0], industries: ['bakery'] }] }, 'targets.0.industries.0：行业只能是'],
  ])('when a plan file has %s, then it is refused with where and why in Chinese', (_what, change, message) => {
    const r = parsePlanFile({ ...bundled, ...change })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.errors.join('\n')).toContain(message)
  })

  describe('judging the metric kinds from the facts', () => {
    const facts = (f: Record<string, Facts>) => new Map(Object.entries(f))
    const base: Record<string, Facts> = {
      inspections: { instants: [ms('2030-02-01'), ms('2030-05-01'), ms('2030-09-01')] },
      selfcheck: { firsts: [ms('2030-03-01'), ms('2030-04-01'), ms('2030-08-01'), null, null] },
      officials: { firsts: [ms('2030-02-01'), null] },
      'mechanism.2030': { proofs: [{ milestoneId: 1, achievedOn: '2030-07-02', title: '印发', evidenceSha256: 'x', evidenceName: null }] },
    }
    const at = (d: string, time?: string) => Object.fromEntries(evaluatePlan(small, facts(base), day(d, time)).map((t) => [t.key, t]))

    it.each([
      // a count: records dated by the cut; 3 of 4 on the last day lags time by 25 points: at risk, then missed
      ['2030-05-15', 'inspections', { done: 2, required: 4, status: 'on_track' }],
      ['2030-12-31', 'inspections', { done: 3, required: 4, status: 'at_risk' }],
      ['2031-01-01', 'inspections', { done: 3, required: 4, status: 'missed' }],
      // a share: 80% of 5 businesses is 4 (rounded up); only 3 ever checked
      ['2030-04-15', 'selfcheck', { done: 2, required: 4, status: 'on_track' }],
      ['2030-12-31', 'selfcheck', { done: 3, required: 4, status: 'at_risk' }],
      // its own at-risk rule: 50 points of lag allowed
      ['2030-06-01', 'officials', { done: 1, required: 2, status: 'on_track' }],
      // a milestone proved after its stage's deadline: shown, but missed
      ['2030-06-30', 'mechanism.2030', { done: 0, required: 1, status: 'at_risk' }],
      ['2030-07-10', 'mechanism.2030', { done: 0, required: 1, status: 'missed' }],
    ])('on %s, %s is %o', (d, key, want) => {
      expect(at(d)[key]).toMatchObject(want)
    })

    it('when a proof is dated before the day judged, then it is shown as evidence; a later one is not yet', () => {
      expect(at('2030-07-01')['mechanism.2030'].evidence).toEqual([])
      expect(at('2030-07-02')['mechanism.2030'].evidence).toHaveLength(1)
    })

    it('when a class has no subjects, then the share needs none and is met', () => {
      const t = evaluatePlan(small, facts({ ...base, officials: { firsts: [] } }), day('2030-03-01')).find((x) => x.key === 'officials')!
      expect(t).toMatchObject({ done: 0, required: 0, progress: 1, status: 'met' })
      expect(Object.is(t.required, 0)).toBe(true)
    })

    it('when a day is named, then its window runs from the first to the last second of Shanghai days', () => {
      expect(startOfDate('2030-01-01').toISOString()).toBe('2029-12-31T16:00:00.000Z')
      expect(endOfDate('2030-06-30').toISOString()).toBe('2030-06-30T15:59:59.000Z')
      const m = measuresOf(small, day('2030-03-01')).find((x) => x.key === 'mechanism.2030')!
      expect([m.from.toISOString(), m.deadline.toISOString(), m.cut.toISOString()]).toEqual(['2029-12-31T16:00:00.000Z', '2030-06-30T15:59:59.000Z', day('2030-03-01').toISOString()])
    })
  })
})
