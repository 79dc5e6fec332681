/** Permissions are data plus one pure function: role × action × scope. Chat, console and API call `authorize`. */

export const ROLES = ['public', 'member', 'officer', 'leader', 'admin', 'association', 'viewer'] as const
export type Role = (typeof ROLES)[number]

export const ROLE_LABELS: Record<Role, string> = {
  public: '群众',
  member: '经营主体',
  officer: '监管人员',
  leader: '局领导',
  admin: '管理员',
  association: '行业协会',
  viewer: '只读用户',
}

export const ACTIONS = [
  'help',
  'bind',
  'group.register',
  'hazard.report',
  'hazard.accept',
  'hazard.rectify',
  'hazard.verify',
  'hazard.transfer',
  'hazard.transfer_result',
  'hazard.void',
  'hazard.view',
  'admin.read',
  'admin.manage',
  'privacy.export',
  'privacy.erase',
  'content.manage',
  'alert.weather',
  'notice.send',
  'notice.view',
  'notice.ack',
  'task.assign',
  'task.view',
  'task.complete',
  'outbox.view',
  'outbox.manage',
  'selfcheck.run',
  'training.join',
  'responsibility.submit',
  'responsibility.verify',
  'programme.read',
  'programme.manage',
  'commendation.publish',
  'audit.read',
  'ledger.export',
  'association.issue',
  'association.approve',
] as const
export type Action = (typeof ACTIONS)[number]

/** How far an allowed action reaches: every target, the actor's jurisdiction, its own business, its own reports. */
export type Reach = 'all' | 'jurisdiction' | 'own_business' | 'own_report'

const RULES: Record<Role, Partial<Record<Action, Reach>>> = {
  public: { help: 'all', bind: 'all', 'hazard.report': 'all', 'hazard.view': 'own_report', 'notice.ack': 'all' },
  member: {
    help: 'all',
    bind: 'all',
    'hazard.report': 'all',
    'hazard.rectify': 'own_business',
    'hazard.view': 'own_business',
    'notice.ack': 'all',
    'selfcheck.run': 'own_business',
    'training.join': 'all',
    'responsibility.submit': 'own_business',
  },
  officer: {
    help: 'all',
    bind: 'all',
    'group.register': 'jurisdiction',
    'hazard.report': 'all',
    'hazard.accept': 'jurisdiction',
    'hazard.rectify': 'jurisdiction',
    'hazard.verify': 'jurisdiction',
    'hazard.transfer': 'jurisdiction',
    'hazard.transfer_result': 'jurisdiction',
    'hazard.void': 'jurisdiction',
    'hazard.view': 'jurisdiction',
    'admin.read': 'jurisdiction',
    'alert.weather': 'jurisdiction',
    'notice.ack': 'all',
    'task.complete': 'all',
    'training.join': 'all',
    'responsibility.verify': 'jurisdiction',
    'programme.read': 'jurisdiction',
    'programme.manage': 'jurisdiction',
    'ledger.export': 'jurisdiction',
  },
  leader: {
    help: 'all',
    bind: 'all',
    'group.register': 'all',
    'hazard.report': 'all',
    'hazard.accept': 'all',
    'hazard.verify': 'all',
    'hazard.transfer': 'all',
    'hazard.transfer_result': 'all',
    'hazard.void': 'all',
    'hazard.view': 'all',
    'admin.read': 'all',
    'content.manage': 'all',
    'alert.weather': 'all',
    'notice.send': 'all',
    'notice.view': 'all',
    'notice.ack': 'all',
    'task.assign': 'all',
    'task.view': 'all',
    'task.complete': 'all',
    'outbox.view': 'all',
    'training.join': 'all',
    'responsibility.verify': 'all',
    'programme.read': 'all',
    'programme.manage': 'all',
    'commendation.publish': 'all',
    'audit.read': 'all',
    'ledger.export': 'all',
    'association.approve': 'all',
  },
  admin: Object.fromEntries(ACTIONS.map((a) => [a, 'all'])) as Record<Action, Reach>,
  association: {
    help: 'all',
    bind: 'all',
    'hazard.report': 'all',
    'hazard.view': 'jurisdiction',
    'admin.read': 'jurisdiction',
    'notice.ack': 'all',
    // 自律倡议, 风险提醒, 公益培训 to the groups of its industries
    'association.issue': 'jurisdiction',
  },
  viewer: {
    help: 'all',
    bind: 'all',
    'hazard.view': 'all',
    'admin.read': 'all',
    'notice.ack': 'all',
    'notice.view': 'all',
    'task.view': 'all',
    'outbox.view': 'all',
    'programme.read': 'all',
    'ledger.export': 'all',
  },
}

export interface Actor {
  role: Role
  personId: number | null
  identityId: number | null
  businessIds: number[]
  /** null: the whole city */
  townshipId: number | null
  /** empty: every industry */
  industries: string[]
}

export interface Target {
  businessId: number | null
  townshipId: number | null
  industry: string | null
  reporterPersonId?: number | null
  reporterIdentityId?: number | null
}

export type Decision = { ok: true; reach: Reach } | { ok: false; reason: string }

export function reachOf(role: Role, action: Action): Reach | null {
  return RULES[role][action] ?? null
}

function inJurisdiction(actor: Actor, t: Target): boolean {
  if (actor.townshipId !== null && t.townshipId !== actor.townshipId) return false
  if (actor.industries.length > 0 && t.industry !== null && !actor.industries.includes(t.industry)) return false
  return true
}

/** Refusals people understand better than "your role cannot". */
const REFUSALS: Partial<Record<Action, string>> = {
  'hazard.verify': '只有监管人员可以验收',
  'hazard.accept': '只有监管人员可以受理隐患',
  'hazard.transfer': '只有监管人员可以移交隐患',
  'hazard.transfer_result': '只有监管人员可以登记移交结果',
  'hazard.rectify': '只有隐患所属单位可以报整改',
  'hazard.void': '只有监管人员可以作废隐患',
  'group.register': '只有监管人员可以登记本群',
  'alert.weather': '只有监管人员可以发布天气预警',
  'task.complete': '只有监管人员可以报告督办任务完成',
  'selfcheck.run': '只有绑定了单位的经营主体可以自查',
  'responsibility.submit': '只有绑定了单位的经营主体可以报送责任制',
  'responsibility.verify': '只有监管人员可以核验责任制',
  'training.join': '请先绑定身份再报名培训：#绑定 绑定码',
  'commendation.publish': '只有局领导可以发布通报表扬',
}

export function authorize(actor: Actor, action: Action, target?: Target): Decision {
  const reach = reachOf(actor.role, action)
  if (!reach) {
    const special =
      actor.role === 'member' && action === 'hazard.verify'
        ? '单位不能验收自己的隐患，需由监管人员验收'
        : actor.role === 'member' || actor.role === 'public'
          ? REFUSALS[action]
          : undefined
    return { ok: false, reason: special ?? `${ROLE_LABELS[actor.role]}不能执行这个操作` }
  }
  if (!target || reach === 'all') return { ok: true, reach }
  switch (reach) {
    case 'jurisdiction':
      return inJurisdiction(actor, target) ? { ok: true, reach } : { ok: false, reason: '这不在您负责的范围内' }
    case 'own_business':
      return target.businessId !== null && actor.businessIds.includes(target.businessId)
        ? { ok: true, reach }
        : { ok: false, reason: '这不是您单位的隐患' }
    case 'own_report':
      return (target.reporterPersonId != null && target.reporterPersonId === actor.personId) ||
        (target.reporterIdentityId != null && target.reporterIdentityId === actor.identityId)
        ? { ok: true, reach }
        : { ok: false, reason: '只能查看自己上报的隐患' }
  }
}
