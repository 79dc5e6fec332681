// The overview: overdue hazards first, the figures, the devices' (when any are registered), four charts.
// API: GET /api/stats/overview, GET /api/sensors/stats
import { h, show } from '../lib/dom.js'
import { api } from '../lib/api.js'
import { can } from '../lib/session.js'
import { ledgerTable } from '../lib/labels.js'
import { tableOf } from '../lib/table.js'

const CHARTS = []
window.addEventListener('resize', () => CHARTS.forEach((c) => c.resize()))

async function overview() {
  const [s, sensors] = await Promise.all([api('GET', '/api/stats/overview'), can('admin.read') ? api('GET', '/api/sensors/stats').catch(() => null) : null])
  const devices = sensors && sensors.devices && sensors.devices.total ? sensors.devices : null
  const month = devices ? (sensors.months || [])[0] : null
  const card = (key, text, value, alert) => h('div', { class: `card${alert ? ' alert' : ''}`, 'data-testid': `figure-${key}` }, h('div', { class: 'n' }, value), h('div', { class: 'l' }, text))
  const t = ledgerTable(s.overdueList || [], 'overdue-list')
  const charts = [
    ['byCategory', '按类别'],
    ['byIndustry', '按行业'],
    ['byTownship', '按乡镇街'],
    ['byMonth', '按月'],
  ].map(([key, title]) => ({ key, title, el: h('div', { class: 'chart', 'data-testid': `chart-${key}` }) }))
  show(
    h('h1', {}, '概览'),
    h('h2', {}, `逾期隐患（${(s.overdueList || []).length}）`),
    (s.overdueList || []).length ? tableOf(t.heads, t.rows, t.testid, 'stack') : h('p', { class: 'hint', 'data-testid': 'overdue-list' }, '没有逾期隐患'),
    h(
      'div',
      { class: 'cards' },
      card('open', '未销号', s.open),
      card('overdue', '逾期', s.overdue, s.overdue > 0),
      card('major', '重大（挂牌督办）', s.major, s.major > 0),
      card('closedThisMonth', '本月销号', s.closedThisMonth),
      card('rectificationRate', '整改率', s.rectificationRate == null ? '—' : `${s.rectificationRate}%`),
      card('avgDaysToClose', '平均整改天数', s.avgDaysToClose == null ? '—' : s.avgDaysToClose),
    ),
    devices
      ? h(
          'div',
          { class: 'cards', 'data-testid': 'device-figures' },
          card('devices', '设备', devices.total),
          card('devicesOffline', '设备离线', devices.offline, devices.offline > 0),
          card('devicesAlarm', '设备报警中', devices.alarm, devices.alarm > 0),
          card('alarmsMonth', month ? `${month.month} 报警` : '报警', month ? month.alarms : 0),
          card('falseRate', '误报率', month && month.falseRate != null ? `${month.falseRate}%` : '—'),
          card('ackMinutes', '确认用时（中位，分钟）', month && month.ackMedianMinutes != null ? month.ackMedianMinutes : '—'),
        )
      : null,
    h('div', { class: 'charts' }, charts.map((c) => c.el)),
  )
  CHARTS.splice(0).forEach((c) => c.dispose())
  if (!window.echarts) return
  // canvas text needs the page's fonts loaded (the bundled CJK one where the system has none)
  await document.fonts.ready
  const textStyle = { fontFamily: getComputedStyle(document.body).fontFamily }
  for (const c of charts) {
    const chart = window.echarts.init(c.el)
    CHARTS.push(chart)
    chart.setOption({ textStyle })
    const data = s[c.key] || []
    if (c.key === 'byMonth') {
      chart.setOption({
        title: { text: c.title, textStyle: { fontSize: 14 } },
        tooltip: { trigger: 'axis' },
        legend: { data: ['发现', '销号'], top: 0, right: 0 },
        grid: { left: 36, right: 12, bottom: 28, top: 40 },
        xAxis: { type: 'category', data: data.map((d) => d.month) },
        yAxis: { type: 'value', minInterval: 1 },
        series: [
          { name: '发现', type: 'bar', data: data.map((d) => d.found) },
          { name: '销号', type: 'line', data: data.map((d) => d.closed) },
        ],
      })
    } else {
      chart.setOption({
        title: { text: c.title, textStyle: { fontSize: 14 } },
        tooltip: { trigger: 'axis' },
        grid: { left: 90, right: 16, bottom: 24, top: 36 },
        xAxis: { type: 'value', minInterval: 1 },
        yAxis: { type: 'category', data: data.map((d) => d.name), inverse: true },
        series: [{ type: 'bar', data: data.map((d) => d.count), label: { show: true, position: 'right' } }],
      })
    }
  }
}

export default function render() {
  return overview()
}
