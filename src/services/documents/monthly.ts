import { sql } from 'drizzle-orm'
import type { Paragraph, Table } from 'docx'
import { rows, type Tx } from '../../../db/client.js'
import { formatDate } from '../../core/clock.js'
import { CATEGORIES, type Category } from '../../core/domain.js'
import type { Actor } from '../../core/permissions.js'
import { endOfDate, startOfDate, type PlanFile, type PlanTarget } from '../../core/plan.js'
import { ledgerPage } from '../ledger.js'
import { planTargets } from '../plans.js'
import { FigureBook, cnDate, percent, type Figure } from './figures.js'
import { addressee, attachment, attachmentList, gongwen, heading, note, para, signature, table, title, type Inline } from './gongwen.js'
import { barsOption, chartPicture } from './charts.js'

type Piece = Paragraph | Table

/** 'YYYY-MM' → its first and last day. */
export function monthRange(month: string): { from: string; to: string; year: number; m: number } {
  const [year, m] = month.split('-').map(Number)
  const last = new Date(Date.UTC(year, m, 0)).getUTCDate()
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}`, year, m }
}

/** The month before the Shanghai month of `now`, 'YYYY-MM'. */
export function previousMonth(now: Date): string {
  const d = formatDate(now)
  const [y, m] = [Number(d.slice(0, 4)), Number(d.slice(5, 7))]
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`
}

export interface MonthlyFigures {
  month: string
  found: number
  major: number
  closed: number
  open: number
  overdue: number
  /** per plan: targets by status at the month's end */
  plans: { key: string; title: string; met: number; onTrack: number; atRisk: number; missed: number; behind: string[] }[]
}

export interface MonthlyInput {
  month: string
  plans: PlanFile[]
  actor: Actor
  now: Date
  base: string
  issuer: string
}

const FOCUS: Category[] = ['fire', 'gas', 'special_equipment', 'building']

async function between(tx: Tx, table: string, column: string, from: string, to: string, extra = sql``): Promise<number> {
  const [r] = await rows<{ n: string }>(
    tx,
    sql`select count(*) as n from ${sql.identifier(table)} where ${sql.identifier(column)} >= ${startOfDate(from).toISOString()}::timestamptz
        and ${sql.identifier(column)} <= ${endOfDate(to).toISOString()}::timestamptz ${extra}`,
  )
  return Number(r.n)
}

/**
 * The leaders' monthly progress report (保障措施一: 定期听取进展情况汇报) for one month: the hazards found and closed,
 * what is still open and overdue, each plan in force judged at the month's end, the month's trainings,
 * inspections, self-checks and notices, and what needs attention. Every figure is linked to where it comes from.
 */
export async function monthlyDocx(tx: Tx, input: MonthlyInput): Promise<{ docx: Buffer; figures: Figure[]; headings: string[]; title: string; summary: MonthlyFigures }> {
  const { month, now } = input
  const r = monthRange(month)
  const monthEnd = endOfDate(r.to)
  const at = now.getTime() < monthEnd.getTime() ? now : monthEnd
  const asOf = formatDate(now)
  const book = new FigureBook(tx, input.actor, now, input.base)
  const headings: string[] = []
  const h = (level: 1 | 2, text: string) => (headings.push(text), heading(level, text))
  const shortTitle = input.plans[0]?.shortTitle ?? '商务领域安全生产'
  const docTitle = `${input.issuer}关于${r.year}年${r.m}月${shortTitle}进展情况的报告`
  const run = (f: Figure) => book.run(f)
  const n = (f: Figure) => Number(f.value)

  const inMonth = { from: r.from, to: r.to }
  const found = await book.count(`${r.m}月发现隐患`, inMonth)
  const major = await book.count(`${r.m}月发现重大隐患`, { ...inMonth, grade: 'major' })
  const closed = await book.count(`${r.m}月发现的隐患中已销号`, { ...inMonth, status: 'closed' })
  const ytd = { from: `${r.year}-01-01`, to: r.to }
  const ytdFound = await book.count(`${r.year}年1—${r.m}月发现隐患`, ytd)
  const ytdClosed = await book.count(`${r.year}年1—${r.m}月发现的隐患中已销号`, { ...ytd, status: 'closed' })
  const open = await book.count('尚未销号的隐患（成文时）', { status: 'open' })
  const overdue = await book.count('逾期未整改的隐患（成文时）', { status: 'overdue' })
  const cats: [Category, Figure][] = []
  for (const c of FOCUS) cats.push([c, await book.count(`${r.m}月${CATEGORIES[c]}隐患`, { ...inMonth, category: c })])

  // the last twelve months, found and (of those) closed: one read for the chart
  const months: string[] = []
  for (let i = 11; i >= 0; i--) {
    const idx = r.year * 12 + (r.m - 1) - i
    months.push(`${Math.floor(idx / 12)}-${String((idx % 12) + 1).padStart(2, '0')}`)
  }
  const trend = await rows<{ m: string; found: string; closed: string }>(
    tx,
    sql`select to_char(created_at at time zone 'Asia/Shanghai', 'YYYY-MM') as m, count(*) as found, count(*) filter (where status = 'closed') as closed
        from hazards where created_at >= ${startOfDate(`${months[0]}-01`).toISOString()}::timestamptz and created_at <= ${monthEnd.toISOString()}::timestamptz group by 1`,
  )
  const trendOf = (k: 'found' | 'closed') => months.map((m) => Number(trend.find((x) => x.m === m)?.[k] ?? 0))

  const body: Piece[] = [
    ...title(docTitle),
    addressee('局领导'),
    para(`现将${r.year}年${r.m}月全市商务领域安全生产治本攻坚工作进展情况报告如下。数据取自安全生产群助手的隐患台账和各项登记记录，截至${cnDate(asOf)}，每个数字可按附件所列筛选条件在控制台核对。`),
    h(1, '一、隐患排查整治情况'),
    para(
      `${r.m}月共排查发现隐患`,
      run(found),
      '项，其中重大隐患',
      run(major),
      '项；当月发现的隐患已整改销号',
      run(closed),
      `项（${percent(n(closed), n(found))}）。${r.year}年1—${r.m}月累计发现隐患`,
      run(ytdFound),
      '项，已销号',
      run(ytdClosed),
      `项，整改率${percent(n(ytdClosed), n(ytdFound))}。截至${cnDate(asOf)}，全市尚未销号隐患`,
      run(open),
      '项，其中逾期',
      run(overdue),
      '项。',
    ),
    para(`${r.m}月重点领域：`, ...cats.flatMap(([c, f], i): Inline[] => [i ? '、' : '', `${CATEGORIES[c]}`, run(f), '项']), '。'),
    ...chartPicture(
      barsOption(
        '近12个月隐患发现与销号',
        months.map((m) => `${Number(m.slice(5))}月`),
        [
          { name: '发现隐患', data: trendOf('found') },
          { name: '其中已销号', data: trendOf('closed') },
        ],
      ),
      '图1  近12个月隐患发现与销号',
    ),
    h(1, '二、规划目标进展情况'),
  ]

  const summary: MonthlyFigures = { month, found: n(found), major: n(major), closed: n(closed), open: n(open), overdue: n(overdue), plans: [] }
  if (!input.plans.length) body.push(para('本月没有在执行的规划。'))
  const atDay = formatDate(at)
  for (const [i, plan] of input.plans.entries()) {
    const targets = await planTargets(tx, plan, at)
    const count = (s: PlanTarget['status']) => book.target(`《${plan.title}》目标${{ met: '已完成', on_track: '按计划推进', at_risk: '有风险', missed: '未按期完成' }[s]}`, targets.filter((t) => t.status === s).length, plan.key, atDay)
    const [met, onTrack, atRisk, missed] = [count('met'), count('on_track'), count('at_risk'), count('missed')]
    const behind = targets.filter((t) => t.status === 'at_risk' || t.status === 'missed')
    summary.plans.push({ key: plan.key, title: plan.title, met: n(met), onTrack: n(onTrack), atRisk: n(atRisk), missed: n(missed), behind: behind.map((t) => t.title) })
    body.push(
      h(2, `（${'一二三四五六七八九十'[i] ?? i + 1}）${plan.title}`),
      para(`截至${cnDate(atDay)}，${targets.length}项目标中已完成`, run(met), '项，按计划推进', run(onTrack), '项，有风险', run(atRisk), '项，未按期完成', run(missed), '项。'),
      table(
        [['目标', '期限', '完成情况', '状态']],
        targets.map((t) => [
          { content: [t.title], align: 'left' as const },
          t.deadline,
          { content: [book.run(book.target(t.title, t.kind === 'milestone' ? (t.done ? '已完成' : '未完成') : `${t.done}/${t.required}`, plan.key, atDay), 24)] },
          t.statusLabel,
        ]),
        [4600, 1500, 1500, 1500],
      ),
    )
  }

  const trainings = book.register(`${r.m}月举办培训`, await between(tx, 'trainings', 'starts_at', r.from, r.to), `培训：${month}月开始的`, '/api/trainings')
  const checks = book.register(`${r.m}月经营主体完成自查`, await between(tx, 'self_checks', 'completed_at', r.from, r.to, sql`and status = 'done'`), `自查记录：${month}月完成的`, '/api/selfchecks')
  const notices = book.register(`${r.m}月发出通知和风险提示`, await between(tx, 'notices', 'send_at', r.from, r.to), `通知记录：${month}月发出的`, '/api/notices')
  const [insp] = await rows<{ n: string; joint: string }>(
    tx,
    sql`select count(*) as n, count(*) filter (where cardinality(departments) > 0) as joint from special_inspections where done_on between ${r.from} and ${r.to}`,
  )
  const inspections = book.register(`${r.m}月完成专项检查`, Number(insp.n), `专项检查：${month}月完成的`, `/api/inspections?year=${r.year}`)
  body.push(
    h(1, '三、重点工作开展情况'),
    para(`${r.m}月举办培训`, run(trainings), '场，完成专项检查', run(inspections), `次（其中联合检查${insp.joint}次），经营主体完成自查`, run(checks), '次，发出通知和风险提示', run(notices), '次。'),
    h(1, '四、需要关注的问题'),
  )
  const overdueMajor = await book.count('逾期未整改的重大隐患（成文时）', { status: 'overdue', grade: 'major' })
  const list = await ledgerPage(tx, input.actor, { status: 'overdue', grade: 'major', sort: 'deadline', order: 'asc', page: 1, pageSize: 10 }, now)
  const behindAll = summary.plans.flatMap((p) => p.behind)
  body.push(
    para('一是逾期未整改的重大隐患', run(overdueMajor), `项${list.items.length ? `：${list.items.map((x) => `${x.code} ${x.businessName}（${x.description.slice(0, 20)}）`).join('；')}` : ''}。`),
    para(behindAll.length ? `二是进度滞后的目标：${behindAll.join('；')}。` : '二是各项目标均已完成或按计划推进。'),
    note('（请结合实际补充工作建议。）'),
    ...attachmentList(['数据核对表']),
    ...signature(input.issuer, now),
    ...attachment('附件', '数据核对表'),
    book.checkTable(),
  )
  return { docx: await gongwen({ title: docTitle, children: body }), figures: book.all, headings, title: docTitle, summary }
}

/** The announcement in the leaders' group: the key figures in a few lines, and where to download the report. */
export function monthlyAnnouncement(s: MonthlyFigures, base: string): string {
  const m = Number(s.month.slice(5))
  return [
    `【${m}月安全生产进展报告】`,
    `${m}月发现隐患 ${s.found} 项（重大 ${s.major} 项），已销号 ${s.closed} 项`,
    `目前未销号 ${s.open} 项，其中逾期 ${s.overdue} 项`,
    ...s.plans.map((p) => `${p.title.length > 16 ? p.title.slice(0, 16) + '…' : p.title}：完成 ${p.met}、按计划 ${p.onTrack}、有风险 ${p.atRisk}、未按期 ${p.missed}`),
    `完整报告（Word）请在控制台“报告”页下载：${base}/console#/reports`,
  ].join('\n')
}
