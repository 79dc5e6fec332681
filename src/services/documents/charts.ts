import type { EChartsOption } from 'echarts'
import { renderChart } from '../charts.js'
import { picture } from './gongwen.js'

const WIDTH = 800
const HEIGHT = 420
const COLORS = ['#c0392b', '#2e86c1', '#27ae60', '#f39c12', '#8e44ad', '#7f8c8d']

/** Grouped bars (one group per label, one bar per series), values on top: the per-year comparisons. */
export function barsOption(titleText: string, labels: string[], series: { name: string; data: number[] }[], stacked = false): EChartsOption {
  return {
    color: COLORS,
    title: { text: titleText, left: 'center', top: 8, textStyle: { fontSize: 20 } },
    legend: { top: 44, data: series.map((s) => s.name) },
    grid: { left: 60, right: 30, top: 90, bottom: 40 },
    xAxis: { type: 'category', data: labels, axisLabel: { fontSize: 14 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: series.map((s) => ({ name: s.name, type: 'bar', stack: stacked ? 'all' : undefined, data: s.data, label: { show: !stacked, position: 'top' } })),
  }
}

/** One line over months: the trend of hazards found. */
export function lineOption(titleText: string, labels: string[], series: { name: string; data: number[] }[]): EChartsOption {
  return {
    color: COLORS,
    title: { text: titleText, left: 'center', top: 8, textStyle: { fontSize: 20 } },
    legend: { top: 44, data: series.map((s) => s.name) },
    grid: { left: 60, right: 30, top: 90, bottom: 50 },
    xAxis: { type: 'category', data: labels, axisLabel: { interval: labels.length > 18 ? 2 : 0, rotate: labels.length > 18 ? 45 : 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: series.map((s) => ({ name: s.name, type: 'line', data: s.data, smooth: false, symbolSize: 5, label: { show: labels.length <= 12, position: 'top' } })),
  }
}

/** The chart as a picture paragraph of the document (the same ECharts → PNG rendering as the weekly summary). */
export function chartPicture(option: EChartsOption, caption: string) {
  const img = renderChart(option, { width: WIDTH, height: HEIGHT })
  return picture(img.png, { width: img.width, height: img.height }, caption)
}
