import { z } from 'zod'
import { endOfShanghaiDay, formatDate } from './clock.js'
import { INDUSTRIES, type Industry } from './domain.js'
import { AT_RISK_LAG_POINTS, TARGET_STATUS_LABELS, elapsedShare, targetStatus, type TargetStatus } from './targets.js'

/**
 * A plan as data: its targets are built from a fixed set of metric kinds (no expression language), so the bureau
 * can load the next plan, or another county's, without a release. What each kind counts:
 *
 * - `count`: records of a type dated inside the period, up to the day judged (e.g. special inspections ≥ 6 a year);
 * - `share`: of the subjects of a class (businesses, township officials, business principals), how many have a
 *   record — a state held by the cut (responsibility system verified) or an event inside the period (training
 *   attended, self-check done); the subjects are the caller's reach;
 * - `milestone`: one stage a year (or a dated stage) proved by a recorded milestone with evidence;
 * - the at-risk rule: a target is at risk when its progress lags the elapsed share of its period by more than
 *   `atRiskLagPoints` points (plan-wide, or per target).
 *
 * Once a deadline has passed, progress is what was done by the deadline: late work never turns missed into met.
 */

export const COUNT_RECORDS = {
  special_inspection: '专项检查（单独或联合，按完成日期）',
  joint_inspection: '联合检查（有执法部门参加的专项检查）',
  training_session: '培训场次（按开始时间）',
  self_check: '经营主体自查（按完成时间）',
  exhibition_filing: '展览活动审批/备案（按开幕日期）',
  commendation: '通报表扬（按发布时间）',
} as const
export type CountRecord = keyof typeof COUNT_RECORDS

export const SHARE_SUBJECTS = { businesses: '经营主体', officials: '乡镇街安全管理人员', principals: '企业主要负责人' } as const
export type ShareSubject = keyof typeof SHARE_SUBJECTS

/** Which record a subject may have; `state` records count when held by the cut, `event` records inside the period. */
export const SHARE_RECORDS = {
  responsibility_verified: { label: '全员安全生产责任制已核验', subjects: ['businesses'], kind: 'state' },
  self_check_done: { label: '完成自查', subjects: ['businesses'], kind: 'event' },
  training_attended: { label: '参加培训（签到）', subjects: ['officials', 'principals'], kind: 'event' },
} as const satisfies Record<string, { label: string; subjects: ShareSubject[]; kind: 'state' | 'event' }>
export type ShareRecord = keyof typeof SHARE_RECORDS

/** Blocks the written summary can report under a task or measure of the plan (src/services/documents/summary.ts). */
export const REPORT_BLOCKS = {
  hazards: '隐患排查整治闭环（发现、重大、销号、逾期）',
  hazard_categories: '重点领域隐患（消防、燃气、特种设备、房屋）',
  campaigns: '专项行动中发现的隐患',
  transfers: '移交执法部门的隐患',
  self_checks: '自查自改',
  trainings: '培训及覆盖',
  responsibility: '全员安全生产责任制',
  inspections: '专项检查',
  exhibitions: '展览活动审批/备案',
  exclusions: '不再给予政策支持名单',
  commendations: '通报表扬',
  gas_conversion: '瓶改管、气改电',
  notices: '通知、风险提示及回执',
  pushes: '安全提示、警示案例、重点时段提醒',
  reports: '向局领导汇报进展（月度报告）',
  zones: '经济开发区、外贸基地、电商基地考核',
  associations: '行业协会自律倡议、风险提醒、公益培训',
  regulations: '法规标准宣贯',
  licences: '成品油流通、报废机动车回收拆解许可',
  drills: '应急演练',
  accidents: '安全生产事故',
  policy_supports: '产业政策中的安全生产要求（餐饮业高质量发展、老字号、县域商业）',
  publicity: '安全生产月、安全宣传“五进”等宣传活动',
} as const
export type ReportBlock = keyof typeof REPORT_BLOCKS

const realDay = (s: string) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s)
const day = z
  .string({ error: '应为日期 YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
  .refine(realDay, '没有这一天')
const key = z
  .string({ error: '请写编号（key）' })
  .regex(/^[a-z][a-z0-9_.-]{1,59}$/, '编号（key）只能用小写字母、数字、_ . -，以字母开头，2–60 个字符')
/** a milestone's key has no dot: its stages are named key.year */
const milestoneKey = z.string({ error: '请写编号（key）' }).regex(/^[a-z][a-z0-9_-]{1,59}$/, '里程碑编号（key）只能用小写字母、数字、_ 和 -，以字母开头，2–60 个字符')
const title = z.string({ error: '请写名称（title）' }).trim().min(2, '名称太短').max(200, '名称最多 200 个字')
const lag = z.number({ error: '应为数字' }).min(0, '不能小于 0').max(100, '不能大于 100')
const industries = z.array(z.enum(Object.keys(INDUSTRIES) as [Industry, ...Industry[]], { error: `行业只能是 ${Object.keys(INDUSTRIES).join('、')}` }))

const countTarget = z.object({
  kind: z.literal('count'),
  key,
  title,
  record: z.enum(Object.keys(COUNT_RECORDS) as [CountRecord, ...CountRecord[]], { error: `记录类型只能是 ${Object.keys(COUNT_RECORDS).join('、')}` }),
  from: day,
  to: day,
  required: z.number({ error: '应为数字' }).int('应为整数').min(1, '至少为 1'),
  atRiskLagPoints: lag.optional(),
})

const shareTarget = z.object({
  kind: z.literal('share'),
  key,
  title,
  of: z.enum(Object.keys(SHARE_SUBJECTS) as [ShareSubject, ...ShareSubject[]], { error: `对象只能是 ${Object.keys(SHARE_SUBJECTS).join('、')}` }),
  /** businesses only: above-quota units (限上单位) or the others; absent: both */
  aboveQuota: z.boolean().optional(),
  /** businesses and principals: of these industries only */
  industries: industries.optional(),
  record: z.enum(Object.keys(SHARE_RECORDS) as [ShareRecord, ...ShareRecord[]], { error: `记录只能是 ${Object.keys(SHARE_RECORDS).join('、')}` }),
  /** the share required, 0–1 (1: full coverage) */
  share: z.number().gt(0, '应大于 0').max(1, '不能大于 1').default(1),
  from: day,
  to: day,
  /** the year's training focus this target measures (shown with the coverage of that year) */
  focus: z.object({ key, label: title }).optional(),
  atRiskLagPoints: lag.optional(),
})

const milestoneTarget = z.object({
  kind: z.literal('milestone'),
  key: milestoneKey,
  title,
  stages: z
    .array(
      z.object({
        year: z.number({ error: '应为年份' }).int().min(2000, '年份不对').max(2100, '年份不对'),
        title,
        /** the stage's period; default: its calendar year */
        from: day.optional(),
        to: day.optional(),
      }),
    )
    .min(1, '至少一个阶段'),
  atRiskLagPoints: lag.optional(),
})

const target = z.discriminatedUnion('kind', [countTarget, shareTarget, milestoneTarget], { error: '目标类型（kind）只能是 count、share 或 milestone' })

const block = z.union([
  z.enum(Object.keys(REPORT_BLOCKS) as [ReportBlock, ...ReportBlock[]], { error: `报告内容只能是 ${Object.keys(REPORT_BLOCKS).join('、')}，或 {"milestone": 目标编号}` }),
  z.object({ milestone: milestoneKey }),
])

export const planFileSchema = z
  .object({
    format: z.literal(1, { error: '文件格式版本（format）应为 1' }),
    key,
    /** the plan's full title, as issued */
    title,
    /** the short name used in documents: 全市商务领域安全生产治本攻坚三年行动 */
    shortTitle: title,
    /** who issued it (the signature of the documents) */
    issuer: title,
    /** the city or county it covers */
    region: z.string().trim().min(2).max(40),
    from: day,
    to: day,
    rules: z.object({ atRiskLagPoints: lag.default(AT_RISK_LAG_POINTS) }).default({ atRiskLagPoints: AT_RISK_LAG_POINTS }),
    targets: z.array(target).min(1, '至少要有一个目标'),
    /** the plan's sections, which the written summary follows: main tasks (二) and measures (三) */
    outline: z.object({
      tasks: z
        .array(
          z.object({
            heading: title,
            items: z.array(z.object({ title, report: z.array(block).default([]) })).min(1, '每组任务至少一项'),
          }),
        )
        .default([]),
      measures: z.array(z.object({ heading: title, report: z.array(block).default([]) })).default([]),
    }),
  })
  .superRefine((p, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message })
    if (p.from > p.to) issue(['to'], '结束日期不能早于开始日期')
    const keys = new Set<string>()
    p.targets.forEach((t, i) => {
      if (keys.has(t.key)) issue(['targets', i, 'key'], `目标编号 ${t.key} 重复`)
      keys.add(t.key)
      if (t.kind !== 'milestone' && t.from > t.to) issue(['targets', i, 'to'], '期限不能早于开始日期')
      if (t.kind === 'share') {
        const allowed = SHARE_RECORDS[t.record].subjects as readonly ShareSubject[]
        if (!allowed.includes(t.of)) issue(['targets', i, 'record'], `${SHARE_SUBJECTS[t.of]}没有“${SHARE_RECORDS[t.record].label}”这种记录`)
        if (t.aboveQuota !== undefined && t.of !== 'businesses') issue(['targets', i, 'aboveQuota'], 'aboveQuota 只用于经营主体')
        if (t.industries && t.of === 'officials') issue(['targets', i, 'industries'], '乡镇街安全管理人员不分行业')
      }
      if (t.kind === 'milestone') {
        const years = new Set<number>()
        t.stages.forEach((s, j) => {
          if (years.has(s.year)) issue(['targets', i, 'stages', j, 'year'], `${s.year} 年的阶段重复`)
          years.add(s.year)
          const w = stageDates(s)
          if (w.from > w.to) issue(['targets', i, 'stages', j, 'to'], '期限不能早于开始日期')
        })
      }
    })
    const milestones = new Set(p.targets.filter((t) => t.kind === 'milestone').map((t) => t.key))
    const blocks = [...p.outline.tasks.flatMap((g, i) => g.items.map((it, j) => [['outline', 'tasks', i, 'items', j], it.report] as const)), ...p.outline.measures.map((m, i) => [['outline', 'measures', i], m.report] as const)]
    for (const [path, report] of blocks)
      for (const b of report) if (typeof b === 'object' && !milestones.has(b.milestone)) issue([...path, 'report'], `没有里程碑目标 ${b.milestone}`)
  })

export type PlanFile = z.infer<typeof planFileSchema>
export type PlanTargetDef = PlanFile['targets'][number]
export type CountTargetDef = Extract<PlanTargetDef, { kind: 'count' }>
export type ShareTargetDef = Extract<PlanTargetDef, { kind: 'share' }>
export type MilestoneTargetDef = Extract<PlanTargetDef, { kind: 'milestone' }>

/** Reads a plan file: the plan, or the list of what is wrong with it in Chinese (path: message). */
export function parsePlanFile(input: unknown): { ok: true; plan: PlanFile } | { ok: false; errors: string[] } {
  const r = planFileSchema.safeParse(input)
  if (r.success) return { ok: true, plan: r.data }
  return { ok: false, errors: r.error.issues.map((i) => `${i.path.length ? i.path.join('.') + '：' : ''}${i.message}`) }
}

function stageDates(s: { year: number; from?: string; to?: string }): { from: string; to: string } {
  return { from: s.from ?? `${s.year}-01-01`, to: s.to ?? `${s.year}-12-31` }
}

function parts(d: string): [number, number, number] {
  const [y, m, dd] = d.split('-').map(Number)
  return [y, m, dd]
}

/** The first instant of a Shanghai day. */
export function startOfDate(d: string): Date {
  const [y, m, dd] = parts(d)
  return new Date(endOfShanghaiDay(y, m, dd - 1).getTime() + 1000)
}

/** The last instant of a Shanghai day (what still counts on a deadline). */
export function endOfDate(d: string): Date {
  return endOfShanghaiDay(...parts(d))
}

/** One target of a plan as judged at an instant: one per count and share target, one per milestone stage. */
export interface TargetMeasure {
  /** the plan target and, for milestones, the stage year */
  def: PlanTargetDef
  stageYear?: number
  key: string
  title: string
  from: Date
  deadline: Date
  /** what counts: up to `at`, never past the deadline */
  cut: Date
}

/** What the plan asks to be measured at `at`: each target's (or stage's) window and cut. */
export function measuresOf(plan: PlanFile, at: Date): TargetMeasure[] {
  const cutOf = (deadline: Date) => (at.getTime() < deadline.getTime() ? at : deadline)
  const out: TargetMeasure[] = []
  for (const def of plan.targets) {
    if (def.kind === 'milestone') {
      for (const s of def.stages) {
        const w = stageDates(s)
        const deadline = endOfDate(w.to)
        out.push({ def, stageYear: s.year, key: `${def.key}.${s.year}`, title: `${def.title}：${s.title}`, from: startOfDate(w.from), deadline, cut: cutOf(deadline) })
      }
    } else {
      const deadline = endOfDate(def.to)
      out.push({ def, key: def.key, title: def.title, from: startOfDate(def.from), deadline, cut: cutOf(deadline) })
    }
  }
  return out
}

export interface Evidence {
  milestoneId: number
  achievedOn: string
  title: string
  evidenceSha256: string
  evidenceName: string | null
}

/**
 * What the records say about one measure, whatever the day judged: the instants of the counted records inside its
 * period, or each subject's first instant holding the record (null: never), or a milestone's proofs.
 */
export type Facts = { instants: number[] } | { firsts: (number | null)[] } | { proofs: Evidence[] }

/** What the facts say at the measure's cut: counted (done of `total` subjects) or a milestone's proofs. */
export type Observation = { done: number; total?: number } | { proofs: Evidence[] }

export function observe(facts: Facts, m: TargetMeasure): Observation {
  const cut = m.cut.getTime()
  if ('proofs' in facts) return facts
  if ('instants' in facts) return { done: facts.instants.filter((t) => t <= cut).length }
  return { total: facts.firsts.length, done: facts.firsts.filter((t) => t !== null && t <= cut).length }
}

export interface PlanTarget {
  key: string
  title: string
  kind: 'counted' | 'milestone'
  /** the metric kind of the plan file */
  metric: PlanTargetDef['kind']
  periodStart: string
  deadline: string
  done: number
  required: number
  /** 0..1 */
  progress: number
  elapsed: number
  status: TargetStatus
  statusLabel: string
  /** whose records count: the actor's reach (shares) or the whole city (counts, milestones) */
  scope: 'reach' | 'city'
  evidence?: Evidence[]
}

/**
 * A measure judged from its observation at `at`. A share's required number is the share of the subjects
 * (rounded up); a milestone is done when a proof dated by the cut exists.
 */
export function judge(plan: PlanFile, m: TargetMeasure, o: Observation, at: Date): PlanTarget {
  let done: number
  let required: number
  let evidence: Evidence[] | undefined
  if ('proofs' in o) {
    evidence = o.proofs.filter((p) => startOfDate(p.achievedOn).getTime() <= at.getTime())
    done = evidence.some((p) => startOfDate(p.achievedOn).getTime() <= m.cut.getTime()) ? 1 : 0
    required = 1
  } else if (m.def.kind === 'share') {
    done = o.done
    // (never -0: a class with no subjects needs none)
    required = Math.max(0, Math.ceil((o.total ?? 0) * m.def.share - 1e-9))
  } else {
    done = o.done
    required = m.def.kind === 'count' ? m.def.required : 1
  }
  const progress = required === 0 ? 1 : Math.min(1, done / required)
  const status = targetStatus({ progress, periodStart: m.from, deadline: m.deadline, at }, m.def.atRiskLagPoints ?? plan.rules.atRiskLagPoints)
  return {
    key: m.key,
    title: m.title,
    kind: m.def.kind === 'milestone' ? 'milestone' : 'counted',
    metric: m.def.kind,
    periodStart: formatDate(m.from),
    deadline: formatDate(m.deadline),
    done,
    required,
    progress: Math.round(progress * 1000) / 1000,
    elapsed: Math.round(elapsedShare(m.from, m.deadline, at) * 1000) / 1000,
    status,
    statusLabel: TARGET_STATUS_LABELS[status],
    scope: m.def.kind === 'share' ? 'reach' : 'city',
    ...(evidence ? { evidence } : {}),
  }
}

/** Every target of a plan at `at`, from the facts of each measure (keyed by the measure's key). */
export function evaluatePlan(plan: PlanFile, facts: Map<string, Facts>, at: Date): PlanTarget[] {
  return measuresOf(plan, at).map((m) => {
    const f = facts.get(m.key)
    if (!f) throw new Error(`no facts for ${m.key}`)
    return judge(plan, m, observe(f, m), at)
  })
}

/** The milestone stages a plan expects, as `key.year` → title (the milestone form's choices). */
export function milestoneStages(plan: PlanFile): { targetKey: string; year: number; title: string }[] {
  return plan.targets.flatMap((t) => (t.kind === 'milestone' ? t.stages.map((s) => ({ targetKey: t.key, year: s.year, title: `${t.title}：${s.title}` })) : []))
}

/** The training focus a plan sets for a year (a share of principals with a focus whose period starts that year). */
export function trainingFocusOf(plan: PlanFile, year: number): { key: string; label: string; industries: Industry[] } | null {
  const t = plan.targets.find((x): x is ShareTargetDef => x.kind === 'share' && x.of === 'principals' && !!x.focus && x.from.startsWith(String(year)))
  return t?.focus ? { key: t.focus.key, label: t.focus.label, industries: t.industries ?? [] } : null
}

/** What the plans ask of a count record in a year (the largest requirement of a target of that year), or null. */
export function countRequired(plans: PlanFile[], record: CountRecord, year: number): number | null {
  const hits = plans.flatMap((p) => p.targets.filter((t): t is CountTargetDef => t.kind === 'count' && t.record === record && t.from.startsWith(String(year))))
  return hits.length ? Math.max(...hits.map((t) => t.required)) : null
}

/** Whether the plan's period covers a day ('YYYY-MM-DD'). */
export const planCovers = (plan: Pick<PlanFile, 'from' | 'to'>, d: string): boolean => plan.from <= d && d <= plan.to

/** The calendar years a plan spans. */
export function planYears(plan: Pick<PlanFile, 'from' | 'to'>): number[] {
  const out: number[] = []
  for (let y = Number(plan.from.slice(0, 4)); y <= Number(plan.to.slice(0, 4)); y++) out.push(y)
  return out
}
