import { describe, it, expect } from 'vitest'
import { renderChart, weeklyChart, type ChartImage } from '../../src/services/charts.js'

/** Inked (not near-white) pixels in a band of rows (image pixels, 2× the chart's size). */
function darkPixels(img: ChartImage, fromRow: number, toRow: number): number {
  let n = 0
  for (let y = fromRow; y < Math.min(toRow, img.height); y++) {
    for (let x = 0; x < img.width; x++) {
      const i = (y * img.width + x) * 4
      if (img.pixels[i] + img.pixels[i + 1] + img.pixels[i + 2] < 3 * 200) n++
    }
  }
  return n
}

// each render parses the 10 MB font: about a second on a busy machine
describe('charts rendered on the server', { timeout: 30_000 }, () => {
  const week = {
    title: '城关街道 本周隐患',
    subtitle: '发现 9 项 · 销号 4 项',
    days: ['11/14', '11/15', '11/16', '11/17', '11/18', '11/19', '11/20'].map((label, i) => ({ label, found: i + 1, closed: i % 3 })),
    byCategory: [
      { name: '消防', count: 5 },
      { name: '燃气', count: 4 },
    ],
  }

  it('when a chart has a Chinese title, then the title band has text pixels, and none without the title', () => {
    const option = { title: { text: '城关街道本周隐患', left: 'center', textStyle: { fontSize: 20 } }, series: [] }
    const withTitle = renderChart(option, { width: 400, height: 120 })
    const without = renderChart({ ...option, title: { text: '' } }, { width: 400, height: 120 })
    expect(withTitle.width).toBe(800)
    // the title sits in the top 40 chart pixels (80 image rows)
    const titled = darkPixels(withTitle, 0, 80)
    expect(titled).toBeGreaterThan(1500)
    expect(darkPixels(without, 0, 80)).toBe(0)
  })

  it('when only digits are drawn (axis labels), then they render too', () => {
    const axisOnly = renderChart(
      { xAxis: { type: 'category', data: ['1', '2', '3'] }, yAxis: { type: 'value', axisLabel: { show: false } }, series: [{ type: 'line', data: [0, 0, 0], showSymbol: false, lineStyle: { opacity: 0 } }] },
      { width: 400, height: 200 },
    )
    const noLabels = renderChart(
      { xAxis: { type: 'category', data: ['1', '2', '3'], axisLabel: { show: false } }, yAxis: { type: 'value', axisLabel: { show: false } }, series: [{ type: 'line', data: [0, 0, 0], showSymbol: false, lineStyle: { opacity: 0 } }] },
      { width: 400, height: 200 },
    )
    expect(darkPixels(axisOnly, 0, axisOnly.height)).toBeGreaterThan(darkPixels(noLabels, 0, noLabels.height) + 30)
  })

  it('when the weekly chart is made, then it is a PNG', async () => {
    const png = await weeklyChart(week)
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    expect(png.length).toBeGreaterThan(10_000)
  })
})
