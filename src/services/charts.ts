import path from 'node:path'
import { createRequire } from 'node:module'
import type * as echarts from 'echarts'
import { echarts as echartsLib } from './lazy-libs.js'
import { Resvg } from '@resvg/resvg-js'
import { sql } from 'drizzle-orm'
import { rows, type Tx } from '../../db/client.js'
import { authorize, type Actor } from '../core/permissions.js'
import { AppError } from '../core/errors.js'
import { formatDate, shanghaiParts, endOfShanghaiDay } from '../core/clock.js'
import { CATEGORIES, type Category } from '../core/domain.js'

/**
 * Noto Sans SC from npm, loaded explicitly: resvg without a CJK font drops every glyph it cannot find, so the
 * picture would come out with no text at all (digits included), silently.
 */
export const CHART_FONT_FILE = path.join(
  path.dirname(createRequire(import.meta.url).resolve('@expo-google-fonts/noto-sans-sc/package.json')),
  '400Regular',
  'NotoSansSC_400Regular.ttf',
)
const FONT_FAMILY = 'Noto Sans SC'

export interface ChartImage {
  png: Buffer
  width: number
  height: number
  /** RGBA, row by row (for checks that text was drawn) */
  pixels: Buffer
}

/** ECharts' server-side SVG renderer, then resvg to PNG (2× for phone screens). */
export function renderChart(option: echarts.EChartsOption, size: { width?: number; height?: number } = {}): ChartImage {
  const width = size.width ?? 800
  const height = size.height ?? 500
  const chart = echartsLib().init(null, null, { renderer: 'svg', ssr: true, width, height })
  let svg: string
  try {
    chart.setOption({ animation: false, backgroundColor: '#ffffff', textStyle: { fontFamily: FONT_FAMILY }, ...option })
    svg = chart.renderToSVGString()
  } finally {
    chart.dispose()
  }
  const resvg = new Resvg(svg, {
    font: { fontFiles: [CHART_FONT_FILE], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
    fitTo: { mode: 'width', value: width * 2 },
    background: '#ffffff',
  })
  const img = resvg.render()
  return { png: img.asPng(), width: img.width, height: img.height, pixels: img.pixels }
}

export async function renderChartPng(option: echarts.EChartsOption, size?: { width?: number; height?: number }): Promise<Buffer> {
  return renderChart(option, size).png
}

export interface WeeklyChartData {
  /** e.g. 城关街道 本周隐患（11月14日—11月20日） */
  title: string
  days: { label: string; found: number; closed: number }[]
  byCategory: { name: string; count: number }[]
  /** one line under the title, e.g. 未销号 12 项 · 逾期 3 项 */
  subtitle?: string
}

/** The weekly summary's picture: hazards found and closed per day, and this week's hazards by category. */
export function weeklyChartOption(d: WeeklyChartData): echarts.EChartsOption {
  return {
    title: { text: d.title, subtext: d.subtitle, left: 'center', top: 8, textStyle: { fontSize: 20 }, subtextStyle: { fontSize: 14, color: '#555' } },
    legend: { data: ['发现', '销号'], top: 70, left: 40 },
    grid: { left: 50, right: '42%', top: 110, bottom: 40 },
    xAxis: { type: 'category', data: d.days.map((x) => x.label) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: '发现', type: 'bar', data: d.days.map((x) => x.found), itemStyle: { color: '#d9534f' }, label: { show: true, position: 'top' } },
      { name: '销号', type: 'bar', data: d.days.map((x) => x.closed), itemStyle: { color: '#5cb85c' }, label: { show: true, position: 'top' } },
      {
        name: '类别',
        type: 'pie',
        center: ['79%', '58%'],
        radius: ['22%', '40%'],
        data: d.byCategory.length ? d.byCategory.map((c) => ({ name: c.name, value: c.count })) : [{ name: '本周无隐患', value: 0 }],
        label: { formatter: '{b} {c}' },
      },
    ],
  }
}

export async function weeklyChart(data: WeeklyChartData): Promise<Buffer> {
  return renderChartPng(weeklyChartOption(data), { width: 800, height: 480 })
}

/** The last seven Shanghai days up to `now`, from the ledger in the actor's scope. */
export async function weeklyChartData(tx: Tx, actor: Actor, now: Date, title = '本周隐患'): Promise<WeeklyChartData> {
  const d = authorize(actor, 'admin.read')
  if (!d.ok) throw new AppError('forbidden', d.reason)
  const scope =
    d.reach === 'jurisdiction'
      ? sql`${actor.townshipId !== null ? sql`and township_id = ${actor.townshipId}` : sql``} ${actor.industries.length ? sql`and (industry is null or industry in ${actor.industries})` : sql``}`
      : sql``
  const p = shanghaiParts(now)
  const from = new Date(endOfShanghaiDay(p.year, p.month, p.day - 7).getTime() + 1000)
  const fromIso = from.toISOString()
  const nowIso = now.toISOString()
  const [found, closed, cats] = await Promise.all([
    rows<{ day: string; n: string }>(
      tx,
      sql`select to_char(created_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as day, count(*) as n from hazards
          where created_at >= ${fromIso}::timestamptz and created_at <= ${nowIso}::timestamptz ${scope} group by 1`,
    ),
    rows<{ day: string; n: string }>(
      tx,
      sql`select to_char(closed_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as day, count(*) as n from hazards
          where closed_at >= ${fromIso}::timestamptz and closed_at <= ${nowIso}::timestamptz ${scope} group by 1`,
    ),
    rows<{ category: string; n: string }>(
      tx,
      sql`select category, count(*) as n from hazards where created_at >= ${fromIso}::timestamptz and created_at <= ${nowIso}::timestamptz ${scope}
          group by 1 order by 2 desc`,
    ),
  ])
  const days: WeeklyChartData['days'] = []
  for (let i = 6; i >= 0; i--) {
    const day = formatDate(new Date(now.getTime() - i * 86_400_000))
    days.push({
      label: `${Number(day.slice(5, 7))}/${Number(day.slice(8))}`,
      found: Number(found.find((r) => r.day === day)?.n ?? 0),
      closed: Number(closed.find((r) => r.day === day)?.n ?? 0),
    })
  }
  const first = days[0].label.replace('/', '月') + '日'
  const last = days[6].label.replace('/', '月') + '日'
  return {
    title: `${title}（${first}—${last}）`,
    subtitle: `发现 ${days.reduce((s, x) => s + x.found, 0)} 项 · 销号 ${days.reduce((s, x) => s + x.closed, 0)} 项`,
    days,
    byCategory: cats.map((c) => ({ name: CATEGORIES[c.category as Category] ?? c.category, count: Number(c.n) })),
  }
}
