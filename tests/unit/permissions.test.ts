import { describe, it, expect } from 'vitest'
import { authorize, ACTIONS, ROLES, ROLE_LABELS, type Action, type Actor, type Role, type Target } from '../../src/core/permissions.js'

const actor = (role: Role, o: Partial<Actor> = {}): Actor => ({
  role,
  personId: null,
  identityId: null,
  businessIds: [],
  townshipId: null,
  industries: [],
  ...o,
})

const A = {
  public: actor('public', { identityId: 7 }),
  member: actor('member', { personId: 2, identityId: 12, businessIds: [10] }),
  officer: actor('officer', { personId: 3, identityId: 13, townshipId: 1 }),
  cateringOfficer: actor('officer', { personId: 4, identityId: 14, townshipId: 1, industries: ['catering'] }),
  cityOfficer: actor('officer', { personId: 5, identityId: 15 }),
  leader: actor('leader', { personId: 6, identityId: 16 }),
  admin: actor('admin', { personId: 8, identityId: 18 }),
  association: actor('association', { personId: 9, identityId: 19, industries: ['catering'] }),
  viewer: actor('viewer', { personId: 11, identityId: 21 }),
}

/** Hazards in township 1 unless said otherwise. */
const T: Record<string, Target> = {
  ownBusiness: { businessId: 10, townshipId: 1, industry: 'catering', reporterPersonId: 99, reporterIdentityId: 99 },
  otherBusiness: { businessId: 11, townshipId: 1, industry: 'catering', reporterPersonId: 99, reporterIdentityId: 99 },
  otherTownship: { businessId: 20, townshipId: 2, industry: 'catering', reporterPersonId: 99, reporterIdentityId: 99 },
  otherIndustry: { businessId: 12, townshipId: 1, industry: 'refined_oil', reporterPersonId: 99, reporterIdentityId: 99 },
  /** 待认定, reported by the public actor (identity 7) */
  ownReport: { businessId: null, townshipId: 1, industry: null, reporterPersonId: null, reporterIdentityId: 7 },
  othersReport: { businessId: null, townshipId: 1, industry: null, reporterPersonId: null, reporterIdentityId: 8 },
  noTownship: { businessId: null, townshipId: null, industry: null, reporterIdentityId: 8 },
}

type Want = 'allowed' | { refused: string } | 'refused'
const OUT = '这不在您负责的范围内'

const SCOPED: [keyof typeof A, Action, keyof typeof T, Want][] = [
  // business member: own business only; never verifies, accepts or transfers
  ['member', 'hazard.rectify', 'ownBusiness', 'allowed'],
  ['member', 'hazard.rectify', 'otherBusiness', { refused: '这不是您单位的隐患' }],
  ['member', 'hazard.verify', 'ownBusiness', { refused: '单位不能验收自己的隐患，需由监管人员验收' }],
  ['member', 'hazard.accept', 'ownBusiness', { refused: '只有监管人员可以受理隐患' }],
  ['member', 'hazard.transfer', 'ownBusiness', { refused: '只有监管人员可以移交隐患' }],
  ['member', 'hazard.transfer_result', 'ownBusiness', { refused: '只有监管人员可以登记移交结果' }],
  ['member', 'hazard.view', 'ownBusiness', 'allowed'],
  ['member', 'hazard.void', 'ownBusiness', { refused: '只有监管人员可以作废隐患' }],
  ['member', 'hazard.view', 'otherBusiness', { refused: '这不是您单位的隐患' }],
  ['member', 'hazard.view', 'othersReport', { refused: '这不是您单位的隐患' }],
  ['member', 'hazard.report', 'otherTownship', 'allowed'],
  ['member', 'group.register', 'ownBusiness', { refused: '只有监管人员可以登记本群' }],
  ['member', 'admin.read', 'ownBusiness', { refused: '经营主体不能执行这个操作' }],
  // public (群众): may report anywhere and see its own reports, nothing else
  ['public', 'hazard.report', 'otherTownship', 'allowed'],
  ['public', 'hazard.accept', 'ownReport', { refused: '只有监管人员可以受理隐患' }],
  ['public', 'hazard.rectify', 'ownReport', { refused: '只有隐患所属单位可以报整改' }],
  ['public', 'hazard.verify', 'ownReport', 'refused'],
  ['public', 'hazard.view', 'ownReport', 'allowed'],
  ['public', 'hazard.view', 'othersReport', { refused: '只能查看自己上报的隐患' }],
  ['public', 'hazard.view', 'ownBusiness', { refused: '只能查看自己上报的隐患' }],
  ['public', 'admin.read', 'ownReport', { refused: '群众不能执行这个操作' }],
  ['public', 'bind', 'ownReport', 'allowed'],
  // township officer: inside its township only
  ['officer', 'hazard.accept', 'ownBusiness', 'allowed'],
  ['officer', 'hazard.accept', 'otherTownship', { refused: OUT }],
  ['officer', 'hazard.void', 'otherTownship', { refused: OUT }],
  ['officer', 'hazard.void', 'otherBusiness', 'allowed'],
  ['officer', 'hazard.verify', 'ownBusiness', 'allowed'],
  ['officer', 'hazard.verify', 'otherTownship', { refused: OUT }],
  ['officer', 'hazard.transfer', 'otherIndustry', 'allowed'],
  ['officer', 'hazard.transfer', 'otherTownship', { refused: OUT }],
  ['officer', 'hazard.transfer_result', 'otherTownship', { refused: OUT }],
  ['officer', 'hazard.rectify', 'ownBusiness', 'allowed'],
  ['officer', 'hazard.view', 'othersReport', 'allowed'],
  ['officer', 'hazard.view', 'noTownship', { refused: OUT }],
  ['officer', 'group.register', 'otherTownship', { refused: OUT }],
  ['officer', 'hazard.report', 'otherTownship', 'allowed'],
  ['officer', 'admin.manage', 'ownBusiness', { refused: '监管人员不能执行这个操作' }],
  // industry officer: inside township and industry; 待认定 hazards (no industry yet) stay in reach
  ['cateringOfficer', 'hazard.accept', 'ownBusiness', 'allowed'],
  ['cateringOfficer', 'hazard.accept', 'otherIndustry', { refused: OUT }],
  ['cateringOfficer', 'hazard.accept', 'othersReport', 'allowed'],
  ['cateringOfficer', 'hazard.accept', 'otherTownship', { refused: OUT }],
  ['cateringOfficer', 'hazard.view', 'otherIndustry', { refused: OUT }],
  // city-wide officer
  ['cityOfficer', 'hazard.accept', 'otherTownship', 'allowed'],
  ['cityOfficer', 'hazard.verify', 'noTownship', 'allowed'],
  // bureau
  ['leader', 'hazard.verify', 'otherTownship', 'allowed'],
  ['leader', 'hazard.view', 'noTownship', 'allowed'],
  ['leader', 'hazard.rectify', 'ownBusiness', { refused: '局领导不能执行这个操作' }],
  ['leader', 'admin.manage', 'ownBusiness', { refused: '局领导不能执行这个操作' }],
  ['admin', 'admin.manage', 'otherTownship', 'allowed'],
  ['admin', 'hazard.rectify', 'otherTownship', 'allowed'],
  // association: its industries, read only
  ['association', 'hazard.view', 'ownBusiness', 'allowed'],
  ['association', 'hazard.view', 'otherIndustry', { refused: OUT }],
  ['association', 'hazard.accept', 'ownBusiness', { refused: '行业协会不能执行这个操作' }],
  ['association', 'hazard.report', 'otherIndustry', 'allowed'],
  // viewer: sees everything, changes nothing
  ['viewer', 'hazard.view', 'otherTownship', 'allowed'],
  ['viewer', 'admin.read', 'noTownship', 'allowed'],
  ['viewer', 'hazard.report', 'ownBusiness', { refused: '只读用户不能执行这个操作' }],
  ['viewer', 'hazard.verify', 'ownBusiness', { refused: '只读用户不能执行这个操作' }],
  // notices and officers' tasks: anyone acknowledges; officers complete; the bureau sends, assigns and reads
  ['member', 'task.complete', 'ownBusiness', { refused: '只有监管人员可以报告督办任务完成' }],
  ['public', 'notice.ack', 'othersReport', 'allowed'],
  ['officer', 'task.complete', 'otherTownship', 'allowed'],
  ['officer', 'notice.send', 'ownBusiness', { refused: '监管人员不能执行这个操作' }],
  ['viewer', 'outbox.manage', 'noTownship', { refused: '只读用户不能执行这个操作' }],
  ['leader', 'outbox.manage', 'noTownship', { refused: '局领导不能执行这个操作' }],
  // programmes: a business self-checks and submits for itself; an officer verifies in its township
  ['member', 'selfcheck.run', 'ownBusiness', 'allowed'],
  ['member', 'responsibility.submit', 'otherBusiness', { refused: '这不是您单位的隐患' }],
  ['member', 'responsibility.verify', 'ownBusiness', { refused: '只有监管人员可以核验责任制' }],
  ['officer', 'responsibility.verify', 'ownBusiness', 'allowed'],
  ['officer', 'responsibility.verify', 'otherTownship', { refused: OUT }],
  ['public', 'selfcheck.run', 'ownBusiness', { refused: '只有绑定了单位的经营主体可以自查' }],
  ['officer', 'commendation.publish', 'noTownship', 'refused'],
  ['viewer', 'programme.manage', 'noTownship', { refused: '只读用户不能执行这个操作' }],
]

/** The coarse check (no target) that chat uses before parsing: what each role may do at all. */
const MAY: Record<Role, Action[]> = {
  public: ['help', 'bind', 'hazard.report', 'hazard.view', 'notice.ack'],
  member: ['help', 'bind', 'hazard.report', 'hazard.rectify', 'hazard.view', 'notice.ack', 'selfcheck.run', 'training.join', 'responsibility.submit'],
  officer: [
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
    'alert.weather',
    'notice.ack',
    'task.complete',
    'training.join',
    'responsibility.verify',
    'programme.read',
    'programme.manage',
    'ledger.export',
  ],
  leader: [
    'help',
    'bind',
    'group.register',
    'hazard.report',
    'hazard.accept',
    'hazard.verify',
    'hazard.transfer',
    'hazard.transfer_result',
    'hazard.void',
    'hazard.view',
    'admin.read',
    'content.manage',
    'alert.weather',
    'notice.send',
    'notice.view',
    'notice.ack',
    'task.assign',
    'task.view',
    'task.complete',
    'outbox.view',
    'training.join',
    'responsibility.verify',
    'programme.read',
    'programme.manage',
    'commendation.publish',
    'ledger.export',
    'audit.read',
    'association.approve',
  ],
  admin: [...ACTIONS],
  association: ['help', 'bind', 'hazard.report', 'hazard.view', 'admin.read', 'notice.ack', 'association.issue'],
  viewer: ['help', 'bind', 'hazard.view', 'admin.read', 'notice.ack', 'notice.view', 'task.view', 'outbox.view', 'programme.read', 'ledger.export'],
}

describe('permissions: role × action × scope', () => {
  it.each(SCOPED)('when %s does %s on %s, then %j', (who, action, target, want) => {
    const d = authorize(A[who], action, T[target])
    if (want === 'allowed') expect(d.ok).toBe(true)
    else if (want === 'refused') {
      expect(d.ok).toBe(false)
      if (!d.ok) expect(d.reason).toMatch(/[\u4e00-\u9fa5]/)
    } else expect(d).toEqual({ ok: false, reason: want.refused })
  })

  it.each(ROLES.flatMap((r) => ACTIONS.map((a) => [r, a, MAY[r].includes(a)] as const)))(
    'when %s asks for %s without a target, then allowed is %s',
    (role, action, allowed) => {
      const d = authorize(actor(role), action)
      expect(d.ok).toBe(allowed)
      if (!d.ok) expect(d.reason.length).toBeGreaterThan(0)
    },
  )

  it('when a role is refused an action no special wording covers, then the reason names the role in Chinese', () => {
    expect(authorize(A.viewer, 'hazard.accept')).toEqual({ ok: false, reason: `${ROLE_LABELS.viewer}不能执行这个操作` })
  })

  it('when any role acts on any target, then authorize answers without throwing and a refusal has a reason', () => {
    for (const r of ROLES)
      for (const a of ACTIONS)
        for (const t of Object.values(T)) {
          const d = authorize(actor(r, { townshipId: 1, businessIds: [10], personId: 1, identityId: 1 }), a, t)
          if (d.ok) expect(['all', 'jurisdiction', 'own_business', 'own_report']).toContain(d.reach)
          else expect(d.reason).toMatch(/[\u4e00-\u9fa5]/)
        }
  })
})
