import { sql } from 'drizzle-orm'
import type { Paragraph, Table } from 'docx'
import { rows, type Tx } from '../../../db/client.js'
import { formatDate } from '../../core/clock.js'
import { CATEGORIES, type Category } from '../../core/domain.js'
import type { Actor } from '../../core/permissions.js'
import { endOfDate, startOfDate, planYears, trainingFocusOf, type PlanFile, type PlanTarget, type ReportBlock } from '../../core/plan.js'
import { planTargets } from '../plans.js'
import { statsTable } from '../stats.js'
import { trainingCoverage } from '../programmes/trainings.js'
import { responsibilityCoverage } from '../programmes/responsibility.js'
import { allExclusions, gasConversionProgress, inspectionsOfYear, listExhibitions } from '../programmes/oversight.js'
import { FigureBook, cnDate, percent, type Figure, type LedgerQuery } from './figures.js'
import { attachment, attachmentList, gongwen, heading, note, para, signature, table, title, type Inline } from './gongwen.js'
import { accidentsBlock, associationsBlock, drillsBlock, licencesBlock, policySupportsBlock, publicityBlock, regulationsBlock, zonesBlock } from './register-blocks.js'
import { barsOption, chartPicture, lineOption } from './charts.js'

type Piece = Paragraph | Table

interface Ctx {
  tx: Tx
  plan: PlanFile
  book: FigureBook
  actor: Actor
  now: Date
  /** the day the figures are judged on: today, or the plan's last day once it has ended */
  at: Date
  asOf: string
  years: number[]
  targets: PlanTarget[]
}

const FOCUS: Category[] = ['fire', 'gas', 'special_equipment', 'building']

/** a year of the plan, clipped to the plan's period: the ledger's from/to */
function yearRange(c: Ctx, y: number): { from: string; to: string } {
  return { from: c.plan.from > `${y}-01-01` ? c.plan.from : `${y}-01-01`, to: c.plan.to < `${y}-12-31` ? c.plan.to : `${y}-12-31` }
}
const whole = (c: Ctx) => ({ from: c.plan.from, to: c.plan.to })

/** "2024年 a 项、2025年 b 项、2026年 c 项" with each figure linked */
function perYear(c: Ctx, figs: Figure[], unit: string): Inline[] {
  const out: Inline[] = []
  figs.forEach((f, i) => out.push(`${i ? '、' : ''}${c.years[i]}年`, c.book.run(f), unit))
  return out
}

async function byYear(c: Ctx, label: (y: number) => string, filter: (y: number) => LedgerQuery): Promise<Figure[]> {
  const out: Figure[] = []
  for (const y of c.years) out.push(await c.book.count(label(y), filter(y)))
  return out
}

const unrecorded = (what: string): Piece[] => [para(`${what}：本系统未记录。请据实补充。`)]

async function hazardsBlock(c: Ctx): Promise<Piece[]> {
  const found = await byYear(c, (y) => `${y}年发现隐患`, (y) => yearRange(c, y))
  const major = await byYear(c, (y) => `${y}年发现重大隐患`, (y) => ({ ...yearRange(c, y), grade: 'major' }))
  const closed = await byYear(c, (y) => `${y}年发现的隐患中已销号`, (y) => ({ ...yearRange(c, y), status: 'closed' }))
  const all = await c.book.count('三年发现隐患', whole(c))
  const allMajor = await c.book.count('三年发现重大隐患', { ...whole(c), grade: 'major' })
  const allClosed = await c.book.count('三年发现的隐患中已销号', { ...whole(c), status: 'closed' })
  const open = await c.book.count('尚未销号', { ...whole(c), status: 'open' })
  const overdue = await c.book.count('逾期未整改', { ...whole(c), status: 'overdue' })
  const n = (f: Figure) => Number(f.value)
  const out: Piece[] = [
    para(
      '建立隐患排查登记和治理工作台账，经营主体在群内上报、监管人员受理、整改、验收销号全程留痕。',
      `${c.years.length}年共排查发现隐患`,
      c.book.run(all),
      '项（',
      ...perYear(c, found, '项'),
      '），其中重大隐患',
      c.book.run(allMajor),
      '项，均挂牌督办；已整改销号',
      c.book.run(allClosed),
      `项，整改率${percent(n(allClosed), n(all))}；截至${cnDate(c.asOf)}尚未销号`,
      c.book.run(open),
      '项，其中逾期',
      c.book.run(overdue),
      '项。',
    ),
    table(
      [['年度', '发现隐患（项）', '其中重大（项）', '已销号（项）', '整改率']],
      c.years.map((y, i) => [`${y}年`, c.book.run(found[i], 24), c.book.run(major[i], 24), c.book.run(closed[i], 24), percent(n(closed[i]), n(found[i]))]),
    ),
    note('注：按隐患上报日期归入年度；已销号、未销号、逾期按成文时的状态统计。'),
    ...chartPicture(
      barsOption(
        '各年度隐患排查整治情况',
        c.years.map((y) => `${y}年`),
        [
          { name: '发现隐患', data: found.map(n) },
          { name: '重大隐患', data: major.map(n) },
          { name: '已销号', data: closed.map(n) },
        ],
      ),
      '图1  各年度隐患排查整治情况',
    ),
  ]
  const months = await rows<{ m: string; n: string }>(
    c.tx,
    sql`select to_char(created_at at time zone 'Asia/Shanghai', 'YYYY-MM') as m, count(*) as n from hazards
        where created_at >= ${startOfDate(c.plan.from).toISOString()}::timestamptz
          and created_at <= ${endOfDate(c.plan.to).toISOString()}::timestamptz group by 1`,
  )
  const labels: string[] = []
  for (const y of c.years) for (let m = 1; m <= 12; m++) labels.push(`${y}-${String(m).padStart(2, '0')}`)
  const inPlan = labels.filter((l) => l >= c.plan.from.slice(0, 7) && l <= c.plan.to.slice(0, 7))
  out.push(
    ...chartPicture(lineOption('隐患发现数量月度走势', inPlan, [{ name: '发现隐患', data: inPlan.map((l) => Number(months.find((r) => r.m === l)?.n ?? 0)) }]), '图2  隐患发现数量月度走势'),
  )
  return out
}

async function categoriesBlock(c: Ctx): Promise<Piece[]> {
  const figs: Record<string, Figure[]> = {}
  for (const cat of FOCUS) figs[cat] = await byYear(c, (y) => `${y}年${CATEGORIES[cat]}隐患`, (y) => ({ ...yearRange(c, y), category: cat }))
  const text: Inline[] = ['重点围绕消防安全、燃气安全、特种设备安全和房屋安全开展排查整治：']
  FOCUS.forEach((cat, i) => text.push(i ? '；' : '', `${CATEGORIES[cat]}隐患`, ...perYear(c, figs[cat], '项')))
  text.push('。')
  return [
    para(...text),
    table(
      [['类别', ...c.years.map((y) => `${y}年`)]],
      FOCUS.map((cat) => [CATEGORIES[cat], ...figs[cat].map((f) => c.book.run(f, 24))]),
    ),
    ...chartPicture(
      barsOption(
        '重点领域隐患年度对比',
        c.years.map((y) => `${y}年`),
        FOCUS.map((cat) => ({ name: CATEGORIES[cat], data: figs[cat].map((f) => Number(f.value)) })),
      ),
      '图3  重点领域隐患年度对比',
    ),
  ]
}

async function campaignsBlock(c: Ctx): Promise<Piece[]> {
  const names = await rows<{ campaign: string }>(
    c.tx,
    sql`select distinct campaign from hazards where campaign is not null and created_at <= ${endOfDate(c.plan.to).toISOString()}::timestamptz order by 1`,
  )
  if (!names.length) return unrecorded('专项行动中发现的隐患')
  const text: Inline[] = ['配合有关牵头部门开展专项行动：']
  for (const [i, r] of names.entries()) {
    const f = await c.book.count(`“${r.campaign}”专项行动中发现隐患`, { ...whole(c), campaign: r.campaign })
    const closed = await c.book.count(`“${r.campaign}”专项行动中发现的隐患已销号`, { ...whole(c), campaign: r.campaign, status: 'closed' })
    text.push(i ? '；' : '', `“${r.campaign}”中发现隐患`, c.book.run(f), '项，已销号', c.book.run(closed), '项')
  }
  text.push('。')
  return [para(...text)]
}

async function transfersBlock(c: Ctx): Promise<Piece[]> {
  const figs: Figure[] = []
  for (const y of c.years) {
    const t = await statsTable(c.tx, c.actor, { period: String(y), by: 'township' }, c.now)
    figs.push(c.book.register(`${y}年移交执法部门的隐患`, t.total.ytd.transferred, `隐患统计表 ${y}年（本年累计“移交执法部门”列）`, `/api/stats/table?period=${y}&by=township`))
  }
  return [para('及时将重要问题线索移交相关专业监管执法部门处理，形成闭环管理：移交隐患', ...perYear(c, figs, '项'), '。')]
}

async function selfChecksBlock(c: Ctx): Promise<Piece[]> {
  const figs: Figure[] = []
  const firms: Figure[] = []
  for (const y of c.years) {
    const r = yearRange(c, y)
    const [x] = await rows<{ n: string; b: string }>(
      c.tx,
      sql`select count(*) as n, count(distinct business_id) as b from self_checks where status = 'done'
          and completed_at >= ${startOfDate(r.from).toISOString()}::timestamptz and completed_at <= ${endOfDate(r.to).toISOString()}::timestamptz`,
    )
    figs.push(c.book.register(`${y}年经营主体完成自查`, Number(x.n), `自查记录：${y}年完成的自查`, '/api/selfchecks'))
    firms.push(c.book.register(`${y}年开展自查的经营主体`, Number(x.b), `自查记录：${y}年完成自查的单位`, '/api/selfchecks'))
  }
  if (figs.every((f) => f.value === '0')) return unrecorded('经营主体自查自改')
  return [para('指导经营单位健全风险隐患自查自改常态化机制，经营主体完成自查', ...perYear(c, figs, '次'), '，参与单位分别为', ...perYear(c, firms, '家'), '。')]
}

async function trainingsBlock(c: Ctx): Promise<Piece[]> {
  const out: Piece[] = []
  for (const y of c.years) {
    const focus = trainingFocusOf(c.plan, y)
    const cov = await trainingCoverage(c.tx, y, c.at, undefined, focus)
    const path = `/api/trainings/coverage?year=${y}`
    const sessions = c.book.register(`${y}年举办培训`, cov.trainings, `培训覆盖：${y}年`, path)
    const off = c.book.register(`${y}年乡镇街安全管理人员参训`, `${cov.officials.trained}/${cov.officials.total}`, `培训覆盖：${y}年乡镇街安全管理人员`, path)
    const text: Inline[] = [`${y}年举办培训`, c.book.run(sessions), '场，乡镇街安全管理人员参训', c.book.run(off), '人']
    if (cov.focus) {
      const p = c.book.register(`${y}年重点培训企业负责人参训`, `${cov.focus.principals.trained}/${cov.focus.principals.total}`, `培训覆盖：${y}年重点培训（${cov.focus.label}）`, path)
      text.push(`；重点开展${cov.focus.label}培训，企业负责人参训`, c.book.run(p), '人')
    }
    text.push('。')
    out.push(para(...text))
  }
  return out
}

async function responsibilityBlock(c: Ctx): Promise<Piece[]> {
  const cov = await responsibilityCoverage(c.tx, c.now)
  const path = '/api/responsibility/coverage'
  const a = c.book.register('限上单位责任制已核验', `${cov.byClass.aboveQuota.verified}/${cov.byClass.aboveQuota.total}`, '责任制覆盖：限上单位', path)
  const o = c.book.register('其他单位责任制已核验', `${cov.byClass.others.verified}/${cov.byClass.others.total}`, '责任制覆盖：其他商务生产经营单位', path)
  const late = c.book.register('责任制逾期未核验的单位', cov.late.length, '责任制覆盖：逾期名单', path)
  return [para('推动落实全员安全生产责任制：限上单位已核验', c.book.run(a), '家，其他商务生产经营单位已核验', c.book.run(o), '家；逾期未完成', c.book.run(late), '家。')]
}

async function inspectionsBlock(c: Ctx): Promise<Piece[]> {
  const done: Figure[] = []
  const joint: Figure[] = []
  for (const y of c.years) {
    const r = await inspectionsOfYear(c.tx, y, c.now)
    done.push(c.book.register(`${y}年完成专项检查`, r.done, `专项检查：${y}年已完成`, `/api/inspections?year=${y}`))
    joint.push(c.book.register(`${y}年联合检查`, r.joint, `专项检查：${y}年与执法部门联合`, `/api/inspections?year=${y}`))
  }
  return [para('采取单独组织督导、与有关部门联合督导等形式开展专项检查：完成', ...perYear(c, done, '次'), '，其中联合检查', ...perYear(c, joint, '次'), '。')]
}

async function exhibitionsBlock(c: Ctx): Promise<Piece[]> {
  const all = await listExhibitions(c.tx)
  const text: Inline[] = ['在展览活动审批或备案中查验安全生产及应急预案、公安机关安全许可：']
  let any = false
  for (const y of c.years) {
    const mine = all.filter((e) => e.startsOn.startsWith(String(y)))
    if (mine.length) any = true
    const f = c.book.register(`${y}年展览活动审批/备案`, mine.length, `展览备案：${y}年开幕的`, '/api/exhibitions')
    const ok = c.book.register(`${y}年展览活动材料齐全通过`, mine.filter((e) => e.decision === 'approved').length, `展览备案：${y}年通过的`, '/api/exhibitions')
    text.push(`${y}年受理`, c.book.run(f), '件、通过', c.book.run(ok), '件；')
  }
  if (!any) return unrecorded('展览活动审批/备案')
  return [para(...text)]
}

async function exclusionsBlock(c: Ctx): Promise<Piece[]> {
  const list = (await allExclusions(c.tx)).filter((e) => !e.liftedOn || e.liftedOn > c.asOf)
  if (!list.length) return [para('对被处罚的发生较大安全生产事故或拒绝整改造成严重不良影响的企业不再给予政策支持：本系统未记录此类企业。')]
  const f = c.book.register('不再给予政策支持的企业', list.length, '不再给予政策支持名单（未解除的）', '/api/policy-exclusions')
  return [para('对被处罚的发生较大安全生产事故或拒绝整改造成严重不良影响的企业，不再给予各类商务领域示范、引导性政策支持，现有', c.book.run(f), `家：${list.map((e) => e.businessName).join('、')}。`)]
}

async function countByYear(c: Ctx, table: string, column: string, label: string, name: string, path: string): Promise<Figure[]> {
  const out: Figure[] = []
  for (const y of c.years) {
    const r = yearRange(c, y)
    const [x] = await rows<{ n: string }>(
      c.tx,
      sql`select count(*) as n from ${sql.identifier(table)} where ${sql.identifier(column)} >= ${startOfDate(r.from).toISOString()}::timestamptz
          and ${sql.identifier(column)} <= ${endOfDate(r.to).toISOString()}::timestamptz`,
    )
    out.push(c.book.register(`${y}年${label}`, Number(x.n), `${name}：${y}年`, path))
  }
  return out
}

async function commendationsBlock(c: Ctx): Promise<Piece[]> {
  const f = await countByYear(c, 'commendations', 'published_at', '通报表扬', '通报表扬记录', '/api/commendations/candidates')
  if (f.every((x) => x.value === '0')) return unrecorded('通报表扬')
  return [para('加大对先进单位的通报表扬力度，强化正面典型引导：发布通报表扬', ...perYear(c, f, '次'), '。')]
}

async function gasBlock(c: Ctx): Promise<Piece[]> {
  const g = await gasConversionProgress(c.tx)
  if (!g.recorded) return unrecorded('餐饮燃气场所“瓶改管”“气改电”')
  const path = '/api/gas-conversions'
  const p = c.book.register('“瓶改管”完成/计划', `${g.bottleToPipe.converted}/${g.bottleToPipe.planned}`, '瓶改管、气改电进度', path)
  const e = c.book.register('“气改电”完成/计划', `${g.gasToElectric.converted}/${g.gasToElectric.planned}`, '瓶改管、气改电进度', path)
  return [para(`配合推进餐饮燃气场所改造，登记餐饮单位${g.recorded}家：“瓶改管”完成`, c.book.run(p), '家，“气改电”完成', c.book.run(e), '家。推动隐患上报、整改、验收在工作群中闭环办理，实现台账数字化。')]
}

async function noticesBlock(c: Ctx): Promise<Piece[]> {
  const f = await countByYear(c, 'notices', 'send_at', '发出通知和风险提示', '通知记录', '/api/notices')
  if (f.every((x) => x.value === '0')) return unrecorded('重要时段的通知和风险提示')
  return [para('针对重要节日、极端天气和重大活动期间，发布通知和风险提示', ...perYear(c, f, '次'), '，要求各单位回执确认。')]
}

async function pushesBlock(c: Ctx): Promise<Piece[]> {
  const f = await countByYear(c, 'content_sends', 'sent_at', '推送安全提示、警示案例和重点时段提醒', '推送记录', '/api/content')
  if (f.every((x) => x.value === '0')) return unrecorded('安全提示、警示案例推送')
  return [para('通过工作群不定期推送安全提示、典型事故警示案例和重点时段提醒', ...perYear(c, f, '群次'), '，扩大督促指导覆盖面。')]
}

async function reportsBlock(c: Ctx): Promise<Piece[]> {
  const f = await countByYear(c, 'reports', 'created_at', '向局领导报送月度进展报告', '月度进展报告', '/api/reports')
  if (f.every((x) => x.value === '0')) return [para('局主要领导定期听取治本攻坚进展情况汇报：本系统未记录月度进展报告。')]
  return [para('局主要领导定期听取治本攻坚进展情况汇报，每月1日自动生成上月进展报告报送局领导，', ...perYear(c, f, '期'), '。')]
}

function milestoneBlock(c: Ctx, key: string): Piece[] {
  const stages = c.targets.filter((t) => t.kind === 'milestone' && t.key.startsWith(`${key}.`))
  const def = c.plan.targets.find((t) => t.key === key)!
  const text: Inline[] = [`${def.title}：`]
  stages.forEach((t, i) => {
    const stage = t.title.slice(def.title.length + 1)
    const proof = t.evidence?.[0]
    const f = c.book.target(`${t.title}（${t.deadline.slice(0, 4)}年）`, t.statusLabel, c.plan.key, c.asOf)
    text.push(i ? '；' : '', `${t.deadline.slice(0, 4)}年${stage}，`, c.book.run(f), proof ? `（${cnDate(proof.achievedOn)}，${proof.title}）` : '（未记录证明材料）')
  })
  text.push('。')
  return [para(...text)]
}

const BLOCKS: Record<ReportBlock, (c: Ctx) => Promise<Piece[]>> = {
  hazards: hazardsBlock,
  hazard_categories: categoriesBlock,
  campaigns: campaignsBlock,
  transfers: transfersBlock,
  self_checks: selfChecksBlock,
  trainings: trainingsBlock,
  responsibility: responsibilityBlock,
  inspections: inspectionsBlock,
  exhibitions: exhibitionsBlock,
  exclusions: exclusionsBlock,
  commendations: commendationsBlock,
  gas_conversion: gasBlock,
  notices: noticesBlock,
  pushes: pushesBlock,
  reports: reportsBlock,
  zones: zonesBlock,
  associations: associationsBlock,
  regulations: regulationsBlock,
  licences: licencesBlock,
  drills: drillsBlock,
  accidents: accidentsBlock,
  policy_supports: policySupportsBlock,
  publicity: publicityBlock,
}

async function report(c: Ctx, blocks: PlanFile['outline']['measures'][number]['report']): Promise<Piece[]> {
  const out: Piece[] = []
  for (const b of blocks) out.push(...(typeof b === 'string' ? await BLOCKS[b](c) : milestoneBlock(c, b.milestone)))
  return out
}

/** Section 一: each dated target of the plan, its progress and status. */
function targetsSection(c: Ctx): Piece[] {
  const count = (s: PlanTarget['status']) => c.targets.filter((t) => t.status === s).length
  const f = (label: string, s: PlanTarget['status']) => c.book.target(label, count(s), c.plan.key, c.asOf)
  const [met, onTrack, atRisk, missed] = [f('目标已完成', 'met'), f('目标按计划推进', 'on_track'), f('目标有风险', 'at_risk'), f('目标未按期完成', 'missed')]
  return [
    heading(1, '一、工作目标完成情况'),
    para(
      `《${c.plan.title}》确定的可量化目标共${c.targets.length}项。截至${cnDate(c.asOf)}，已完成`,
      c.book.run(met),
      '项，按计划推进',
      c.book.run(onTrack),
      '项，有风险',
      c.book.run(atRisk),
      '项，未按期完成',
      c.book.run(missed),
      '项。各项目标完成情况见下表。',
    ),
    table(
      [['目标', '期限', '完成情况', '状态']],
      c.targets.map((t) => [
        { content: [t.title], align: 'left' as const },
        t.deadline,
        { content: [c.book.run(c.book.target(t.title, t.kind === 'milestone' ? (t.done ? '已完成' : '未完成') : `${t.done}/${t.required}`, c.plan.key, c.asOf), 24)] },
        t.statusLabel,
      ]),
      [4600, 1500, 1500, 1500],
    ),
    note('注：完成情况按记录统计，里程碑只认附了证明材料的登记；期限过后按期限当天的完成情况判定。'),
  ]
}

export interface SummaryInput {
  plan: PlanFile
  actor: Actor
  now: Date
  /** the console's address for the figures' links */
  base: string
}

/**
 * The plan's closing summary (三年行动工作总结), following its sections: 一 the targets, 二 each main task, 三 each
 * measure, then the problems left; every figure computed from the records, compared year by year, linked to the
 * ledger filter or register it comes from, and listed in the attachment.
 */
export async function summaryDocx(tx: Tx, input: SummaryInput): Promise<{ docx: Buffer; figures: Figure[]; headings: string[]; title: string }> {
  const { plan, now } = input
  const end = endOfDate(plan.to)
  const at = now.getTime() < end.getTime() ? now : end
  const book = new FigureBook(tx, input.actor, now, input.base)
  const c: Ctx = { tx, plan, book, actor: input.actor, now, at, asOf: formatDate(at), years: planYears(plan), targets: await planTargets(tx, plan, at) }
  const docTitle = `${plan.issuer}关于${plan.shortTitle}工作情况的总结`
  const headings: string[] = []
  const h = (level: 1 | 2 | 3, text: string) => (headings.push(text), heading(level, text))
  const body: Piece[] = [
    ...title(docTitle),
    para(
      `按照《${plan.title}》部署，${plan.issuer}坚持统筹发展和安全，压实行业安全监管责任和企业主体责任，推动安全生产治理模式向事前预防转型。现将${c.years[0]}—${c.years[c.years.length - 1]}年工作情况总结如下。本总结数据截至${cnDate(c.asOf)}，取自安全生产群助手的隐患台账和各项登记记录，每个数字可按附件所列筛选条件在控制台核对。`,
    ),
  ]
  const targets = targetsSection(c)
  headings.push('一、工作目标完成情况')
  body.push(...targets)
  body.push(h(1, '二、主要任务推进情况'))
  for (const group of plan.outline.tasks) {
    body.push(h(2, group.heading))
    for (const item of group.items) body.push(h(3, item.title), ...(await report(c, item.report)))
  }
  body.push(h(1, '三、保障措施落实情况'))
  for (const m of plan.outline.measures) body.push(h(2, m.heading), ...(await report(c, m.report)))
  body.push(h(1, '四、存在的问题和下一步打算'))
  const behind = c.targets.filter((t) => t.status === 'missed' || t.status === 'at_risk')
  const overdue = await book.count('逾期未整改的隐患（成文时）', { status: 'overdue' })
  body.push(
    para(
      behind.length ? `一是部分目标${behind.some((t) => t.status === 'missed') ? '未按期完成或' : ''}进度滞后：${behind.map((t) => `${t.title}（${t.statusLabel}）`).join('；')}。` : '一是各项目标均已完成或按计划推进。',
      '二是仍有逾期未整改的隐患',
      book.run(overdue),
      '项，需加大督办力度。',
    ),
    para(`下一步，将按照常态化工作要求，持续推进隐患排查整治闭环管理，巩固治本攻坚成果。（请结合实际补充。）`),
    ...attachmentList(['数据核对表']),
    ...signature(plan.issuer, now),
    ...attachment('附件', '数据核对表'),
    book.checkTable(),
  )
  return { docx: await gongwen({ title: docTitle, children: body }), figures: book.all, headings, title: docTitle }
}
