import type { HazardStatus } from './domain.js'

/** The hazard life cycle as a pure transition function. */
export type HazardAction = 'accept' | 'rectify' | 'verify_pass' | 'verify_fail' | 'transfer' | 'transfer_result' | 'void'

export interface HazardFacts {
  status: HazardStatus
  hasBusiness: boolean
  rectificationPhotos: number
  hasTransferResult: boolean
  /** the business has reported a rectification at least once */
  rectificationReported?: boolean
}

/** Who acts, where the rules differ: a leader or an admin may void at any stage before closing, an officer early only. */
export interface ActingAs {
  leader?: boolean
}

export type Transition = { ok: true; to: HazardStatus } | { ok: false; reason: string }

const OPEN: HazardStatus[] = ['reported', 'rectifying', 'awaiting_verification']

export function transition(h: HazardFacts, action: HazardAction, by: ActingAs = {}): Transition {
  const no = (reason: string): Transition => ({ ok: false, reason })
  if (h.status === 'closed') return no('该隐患已销号，不能再操作')
  if (h.status === 'voided') return no('该隐患已作废，不能再操作')
  switch (action) {
    case 'accept':
      if (h.status !== 'reported') return no('该隐患已受理过了')
      if (!h.hasBusiness) return no('该隐患的单位待认定，受理时请写上单位名称')
      return { ok: true, to: 'rectifying' }
    case 'rectify':
      if (h.status === 'reported') return no('该隐患还未受理，受理后才能报整改')
      if (h.status === 'transferred') return no('该隐患已移交执法部门，等待处理结果')
      return { ok: true, to: 'awaiting_verification' }
    case 'verify_pass':
      if (h.status === 'transferred') {
        return h.hasTransferResult ? { ok: true, to: 'closed' } : no('移交部门还没有处理结果，请先登记移交结果')
      }
      if (h.status !== 'awaiting_verification') return no('单位还没有报整改，不能验收')
      if (h.rectificationPhotos < 1) return no('还没有整改照片，请单位先发整改后的照片')
      return { ok: true, to: 'closed' }
    case 'verify_fail':
      if (h.status === 'transferred') return no('该隐患已移交执法部门，请登记移交结果')
      if (h.status !== 'awaiting_verification') return no('单位还没有报整改，不能验收')
      return { ok: true, to: 'rectifying' }
    case 'transfer':
      if (!OPEN.includes(h.status)) return no('该隐患已移交过了')
      return { ok: true, to: 'transferred' }
    case 'transfer_result':
      if (h.status !== 'transferred') return no('该隐患没有移交，不能登记移交结果')
      return { ok: true, to: 'transferred' }
    case 'void':
      // a report filed by mistake or twice; once the business has acted on it, only a leader may take it out
      if (by.leader) return { ok: true, to: 'voided' }
      if (h.status === 'reported' || (h.status === 'rectifying' && !h.rectificationReported)) return { ok: true, to: 'voided' }
      return no('单位已报整改或已移交，作废需由局领导办理')
  }
}

export function isOverdue(status: HazardStatus, deadline: Date | null, now: Date): boolean {
  return deadline !== null && (status === 'rectifying' || status === 'reported') && deadline.getTime() < now.getTime()
}
