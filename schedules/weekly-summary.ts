import { and, lt, ne, sql } from 'drizzle-orm'
import { schema, rows } from '../db/client.js'
import type { Job, JobContext } from './types.js'
import { byDay, withinDays } from './periods.js'
import { CATEGORIES, type Category } from '../src/core/domain.js'
import { formatDate } from '../src/core/clock.js'
import { namedGroup, pushToGroups } from '../src/services/pushes.js'
import { storeAttachment } from '../src/services/attachments.js'
import { weeklyChart, weeklyChartData } from '../src/services/charts.js'
import type { Actor } from '../src/core/permissions.js'

const { hazards } = schema

export interface WeeklySummary {
  from: Date
  to: Date
  created: number
  closed: number
  open: number
  overdue: number
  /** closed ÷ all hazards so far, 0–1 (null with none) */
  rectificationRate: number | null
  byCategory: { category: string; label: string; created: number; closed: number; open: number }[]
  /** device alarms of the week and devices offline now (absent when no device is registered) */
  sensors?: { devices: number; offline: number; alarms: number; falseAlarms: number; ackMedianMinutes: number | null }
}

/** The week's device alarms, for the summary (null when no device is registered). */
async function sensorWeek(db: Parameters<Job['run']>[0]['db'], from: Date, now: Date): Promise<WeeklySummary['sensors']> {
  const [r] = await rows<{ devices: string; offline: string; alarms: string; false_alarms: string; ack: number | string | null }>(
    db,
    sql`select (select count(*) from devices where removed_at is null) as devices,
          (select count(*) from devices where removed_at is null and offline_since is not null) as offline,
          count(*) as alarms, count(*) filter (where answer = 'false_alarm') as false_alarms,
          percentile_cont(0.5) within group (order by extract(epoch from answered_at - opened_at) / 60) filter (where answered_at is not null) as ack
        from alarms where opened_at >= ${from.toISOString()}::timestamptz and opened_at < ${now.toISOString()}::timestamptz`,
  )
  if (!Number(r.devices)) return undefined
  return { devices: Number(r.devices), offline: Number(r.offline), alarms: Number(r.alarms), falseAlarms: Number(r.false_alarms), ackMedianMinutes: r.ack === null ? null : Math.round(Number(r.ack) * 10) / 10 }
}

const sensorLine = (x: NonNullable<WeeklySummary['sensors']>) =>
  `设备报警 ${x.alarms} 起（误报 ${x.falseAlarms} 起${x.ackMedianMinutes === null ? '' : `，确认用时中位 ${x.ackMedianMinutes} 分钟`}），离线设备 ${x.offline}/${x.devices} 台`

/** The figures of the week before `now` (pure database reads). */
export async function weeklyFigures(db: Parameters<Job['run']>[0]['db'], now: Date): Promise<WeeklySummary> {
  const from = new Date(now.getTime() - 7 * 86_400_000)
  const iso = (d: Date) => d.toISOString()
  const rows = await db
    .select({
      category: hazards.category,
      created: sql<number>`count(*) filter (where ${hazards.createdAt} >= ${iso(from)}::timestamptz and ${hazards.createdAt} < ${iso(now)}::timestamptz)`,
      closed: sql<number>`count(*) filter (where ${hazards.closedAt} >= ${iso(from)}::timestamptz and ${hazards.closedAt} < ${iso(now)}::timestamptz)`,
      open: sql<number>`count(*) filter (where ${hazards.status} not in ('closed', 'voided'))`,
      overdue: sql<number>`count(*) filter (where ${hazards.status} in ('reported','rectifying') and ${hazards.deadline} < ${iso(now)}::timestamptz)`,
      total: sql<number>`count(*)`,
      closedAll: sql<number>`count(*) filter (where ${hazards.status} = 'closed')`,
    })
    .from(hazards)
    .where(and(lt(hazards.createdAt, now), ne(hazards.status, 'voided')))
    .groupBy(hazards.category)
  const sum = (k: 'created' | 'closed' | 'open' | 'overdue' | 'total' | 'closedAll') => rows.reduce((a, r) => a + Number(r[k]), 0)
  const total = sum('total')
  return {
    from,
    to: now,
    created: sum('created'),
    closed: sum('closed'),
    open: sum('open'),
    overdue: sum('overdue'),
    rectificationRate: total ? sum('closedAll') / total : null,
    byCategory: rows
      .map((r) => ({ category: r.category, label: CATEGORIES[r.category as Category] ?? r.category, created: Number(r.created), closed: Number(r.closed), open: Number(r.open) }))
      .filter((r) => r.created || r.closed || r.open)
      .sort((a, b) => b.open - a.open || b.created - a.created),
    sensors: await sensorWeek(db, from, now),
  }
}

export function summaryText(s: WeeklySummary): string {
  const rate = s.rectificationRate === null ? '—' : `${Math.round(s.rectificationRate * 1000) / 10}%`
  return [
    `【安全隐患周报】${formatDate(s.from)} 至 ${formatDate(new Date(s.to.getTime() - 1))}`,
    `新增 ${s.created} 条，销号 ${s.closed} 条`,
    `未销号 ${s.open} 条，其中逾期 ${s.overdue} 条`,
    `整改率（累计销号/累计隐患）：${rate}`,
    s.byCategory.length ? '按类别：' + s.byCategory.map((c) => `${c.label} 新增${c.created} 销号${c.closed} 未销号${c.open}`).join('；') : '本周无隐患记录。',
    ...(s.sensors ? [sensorLine(s.sensors)] : []),
  ].join('\n')
}

/** The summary as WeCom markdown (robots and the bot show it; the other channels get `summaryText`). */
export function summaryMarkdown(s: WeeklySummary): string {
  const rate = s.rectificationRate === null ? '—' : `${Math.round(s.rectificationRate * 1000) / 10}%`
  const warn = (n: number) => (n ? `<font color="warning">${n}</font>` : '0')
  return [
    `**【安全隐患周报】**${formatDate(s.from)} 至 ${formatDate(new Date(s.to.getTime() - 1))}`,
    `> 新增 ${warn(s.created)} 条，销号 <font color="info">${s.closed}</font> 条`,
    `> 未销号 **${s.open}** 条，其中逾期 ${warn(s.overdue)} 条`,
    `> 整改率（累计销号/累计隐患）：**${rate}**`,
    ...(s.byCategory.length ? s.byCategory.map((c) => `${c.label}：新增${c.created} 销号${c.closed} 未销号${c.open}`) : ['本周无隐患记录。']),
    ...(s.sensors ? [`> ${sensorLine(s.sensors)}`] : []),
  ].join('\n')
}

/** A city-wide reader for the chart: the job speaks for the bureau. */
const BUREAU: Actor = { role: 'admin', personId: null, identityId: null, businessIds: [], townshipId: null, industries: [] }

export interface WeeklySummaryDeps {
  /** the chart image for the week up to `now` (PNG), or null to send the text alone; default: the ledger's weekly chart */
  renderChart?: (db: JobContext['db'], now: Date) => Promise<{ bytes: Buffer; mime: string } | null>
}

async function ledgerChart(db: JobContext['db'], now: Date) {
  return { bytes: await weeklyChart(await weeklyChartData(db, BUREAU, now, '全市本周隐患')), mime: 'image/png' }
}

/**
 * A weekly summary to the bureau staff group (BUREAU_GROUP): plain text (markdown where a WeCom channel serves the
 * group) plus the week's chart unless WEEKLY_SUMMARY_CHART=false.
 */
export function weeklySummaryJob(deps: WeeklySummaryDeps = {}): Job {
  const renderChart = deps.renderChart ?? ledgerChart
  return {
    name: 'weekly-summary',
    cron: (c) => c.CRON_WEEKLY_SUMMARY,
    period: byDay,
    catchUp: withinDays(2),
    async run(ctx, now) {
      const bureau = await namedGroup(ctx.db, ctx.config.BUREAU_GROUP)
      if (!bureau) {
        ctx.logger.warn({ group: ctx.config.BUREAU_GROUP }, 'bureau group not found: weekly summary not sent (set BUREAU_GROUP)')
        return
      }
      const s = await weeklyFigures(ctx.db, now)
      let imageSha256: string | undefined
      if (ctx.config.WEEKLY_SUMMARY_CHART) {
        try {
          const chart = await renderChart(ctx.db, now)
          if (chart) imageSha256 = await storeAttachment(ctx.db, chart.bytes, chart.mime)
        } catch (err) {
          // the figures matter more than the picture
          ctx.logger.warn({ err }, 'weekly chart failed: summary sent without it')
        }
      }
      const { sent } = await pushToGroups(ctx.db, [bureau], summaryText(s), 'normal', now, { imageSha256, rich: { type: 'markdown', content: summaryMarkdown(s) } })
      if (sent.length) ctx.kick()
      else ctx.logger.warn({ group: bureau.name }, 'no account sits in the bureau group: weekly summary not sent')
    },
  }
}

export default weeklySummaryJob()
