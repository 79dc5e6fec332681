import { describe, it, expect } from 'vitest'
import { transition, isOverdue, type HazardAction, type HazardFacts } from '../../src/core/hazard-machine.js'
import type { HazardStatus } from '../../src/core/domain.js'

const STATUSES: HazardStatus[] = ['reported', 'rectifying', 'awaiting_verification', 'transferred', 'closed', 'voided']
const ACTIONS: HazardAction[] = ['accept', 'rectify', 'verify_pass', 'verify_fail', 'transfer', 'transfer_result', 'void']

/** Facts that allow everything a status allows: a known business, photos, a transfer result. */
const ready = (status: HazardStatus, o: Partial<HazardFacts> = {}): HazardFacts => ({
  status,
  hasBusiness: true,
  rectificationPhotos: 1,
  hasTransferResult: true,
  ...o,
})

type Expect = { to: HazardStatus } | { refused: string }
const to = (s: HazardStatus): Expect => ({ to: s })
const no = (reason: string): Expect => ({ refused: reason })

const CLOSED = '该隐患已销号，不能再操作'
const VOIDED = '该隐患已作废，不能再操作'
const LEADER_VOIDS = '单位已报整改或已移交，作废需由局领导办理'
const NOT_RECTIFIED = '单位还没有报整改，不能验收'

const TABLE: [HazardFacts, HazardAction, Expect][] = [
  // 上报 → 受理 (needs a business), or 移交 at once
  [ready('reported'), 'accept', to('rectifying')],
  [ready('reported', { hasBusiness: false }), 'accept', no('该隐患的单位待认定，受理时请写上单位名称')],
  [ready('reported'), 'rectify', no('该隐患还未受理，受理后才能报整改')],
  [ready('reported'), 'verify_pass', no(NOT_RECTIFIED)],
  [ready('reported'), 'verify_fail', no(NOT_RECTIFIED)],
  [ready('reported'), 'transfer', to('transferred')],
  [ready('reported', { hasBusiness: false }), 'transfer', to('transferred')],
  [ready('reported'), 'transfer_result', no('该隐患没有移交，不能登记移交结果')],
  // 整改中
  [ready('rectifying'), 'accept', no('该隐患已受理过了')],
  [ready('rectifying'), 'rectify', to('awaiting_verification')],
  [ready('rectifying', { rectificationPhotos: 0 }), 'rectify', to('awaiting_verification')],
  [ready('rectifying'), 'verify_pass', no(NOT_RECTIFIED)],
  [ready('rectifying'), 'verify_fail', no(NOT_RECTIFIED)],
  [ready('rectifying'), 'transfer', to('transferred')],
  [ready('rectifying'), 'transfer_result', no('该隐患没有移交，不能登记移交结果')],
  // 整改完成待验收: pass needs a photo, fail goes back
  [ready('awaiting_verification'), 'accept', no('该隐患已受理过了')],
  [ready('awaiting_verification'), 'rectify', to('awaiting_verification')],
  [ready('awaiting_verification'), 'verify_pass', to('closed')],
  [ready('awaiting_verification', { rectificationPhotos: 3 }), 'verify_pass', to('closed')],
  [ready('awaiting_verification', { rectificationPhotos: 0 }), 'verify_pass', no('还没有整改照片，请单位先发整改后的照片')],
  [ready('awaiting_verification'), 'verify_fail', to('rectifying')],
  [ready('awaiting_verification', { rectificationPhotos: 0 }), 'verify_fail', to('rectifying')],
  [ready('awaiting_verification'), 'transfer', to('transferred')],
  [ready('awaiting_verification'), 'transfer_result', no('该隐患没有移交，不能登记移交结果')],
  // 已移交: closed by verification once the department's result is in
  [ready('transferred'), 'accept', no('该隐患已受理过了')],
  [ready('transferred'), 'rectify', no('该隐患已移交执法部门，等待处理结果')],
  [ready('transferred'), 'verify_pass', to('closed')],
  [ready('transferred', { rectificationPhotos: 0 }), 'verify_pass', to('closed')],
  [ready('transferred', { hasTransferResult: false }), 'verify_pass', no('移交部门还没有处理结果，请先登记移交结果')],
  [ready('transferred'), 'verify_fail', no('该隐患已移交执法部门，请登记移交结果')],
  [ready('transferred'), 'transfer', no('该隐患已移交过了')],
  [ready('transferred'), 'transfer_result', to('transferred')],
  [ready('transferred', { hasTransferResult: false }), 'transfer_result', to('transferred')],
  // 作废 by an officer: only before the business has acted on it (the leader's rule: see below)
  [ready('reported'), 'void', to('voided')],
  [ready('rectifying'), 'void', to('voided')],
  [ready('rectifying', { rectificationReported: false }), 'void', to('voided')],
  [ready('rectifying', { rectificationReported: true }), 'void', no(LEADER_VOIDS)],
  [ready('awaiting_verification'), 'void', no(LEADER_VOIDS)],
  [ready('transferred'), 'void', no(LEADER_VOIDS)],
  // 已销号 and 已作废: nothing more
  ...ACTIONS.map((a): [HazardFacts, HazardAction, Expect] => [ready('closed'), a, no(CLOSED)]),
  ...ACTIONS.map((a): [HazardFacts, HazardAction, Expect] => [ready('voided'), a, no(VOIDED)]),
  [ready('closed', { hasBusiness: false, rectificationPhotos: 0, hasTransferResult: false }), 'accept', no(CLOSED)],
]

describe('hazard life cycle', () => {
  it('when the table is checked, then every action from every status is in it', () => {
    for (const s of STATUSES) for (const a of ACTIONS) expect(TABLE.some(([f, x]) => f.status === s && x === a), `${s} × ${a}`).toBe(true)
  })

  it.each(TABLE.map(([f, a, e]) => [f.status, a, JSON.stringify({ ...f, status: undefined }), e, f] as const))(
    'when a %s hazard gets %s (%s), then %j',
    (_s, action, _facts, want, facts) => {
      const r = transition(facts, action)
      if ('to' in want) expect(r).toEqual({ ok: true, to: want.to })
      else expect(r).toEqual({ ok: false, reason: want.refused })
    },
  )

  it('when a transition is refused, then the reason is a Chinese sentence', () => {
    for (const s of STATUSES)
      for (const a of ACTIONS)
        for (const f of [ready(s), ready(s, { hasBusiness: false, rectificationPhotos: 0, hasTransferResult: false })]) {
          const r = transition(f, a)
          if (!r.ok) expect(r.reason).toMatch(/[\u4e00-\u9fa5]/)
          else expect(STATUSES).toContain(r.to)
        }
  })

  it('when a leader or an admin voids, then any stage before closing is allowed, and closed or voided stay so', () => {
    for (const st of ['reported', 'rectifying', 'awaiting_verification', 'transferred'] as const) {
      expect(transition(ready(st, { rectificationReported: true }), 'void', { leader: true }), st).toEqual({ ok: true, to: 'voided' })
    }
    expect(transition(ready('closed'), 'void', { leader: true })).toEqual({ ok: false, reason: CLOSED })
    expect(transition(ready('voided'), 'void', { leader: true })).toEqual({ ok: false, reason: VOIDED })
  })

  it('when the closed loop is walked, then it ends closed', () => {
    let s: HazardStatus = 'reported'
    for (const a of ['accept', 'rectify', 'verify_fail', 'rectify', 'verify_pass'] as HazardAction[]) {
      const r = transition(ready(s), a)
      expect(r.ok, `${s} × ${a}`).toBe(true)
      if (r.ok) s = r.to
    }
    expect(s).toBe('closed')
  })
})

describe('overdue', () => {
  const now = new Date('2026-11-20T02:00:00Z')
  const past = new Date('2026-11-19T15:59:59Z')
  const future = new Date('2026-11-21T15:59:59Z')
  it.each([
    ['reported', past, true],
    ['rectifying', past, true],
    ['awaiting_verification', past, false],
    ['transferred', past, false],
    ['closed', past, false],
    ['rectifying', future, false],
    ['reported', future, false],
    ['rectifying', now, false],
    ['rectifying', null, false],
    ['reported', null, false],
  ] as const)('when a %s hazard has deadline %s, then overdue is %s', (status, deadline, want) => {
    expect(isOverdue(status, deadline, now)).toBe(want)
  })
})
