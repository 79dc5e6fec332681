// 报告: the Word documents; the monthly report generated again now (and sent to the leaders' group if asked).
// API: GET /api/reports, POST /api/reports/monthly, /api/reports/:id/file, /api/documents/*.docx, /api/stats/table.*
import { h, show, fmtTime, field, select, today, noticeBox } from '../lib/dom.js'
import { api } from '../lib/api.js'
import { tableOf } from '../lib/table.js'
import { formOf } from '../lib/form.js'
import { can } from '../lib/session.js'

async function reportsPage(notice) {
  const r = await api('GET', '/api/plan/targets')
  const list = await api('GET', '/api/reports')
  // the campaigns and zones a table can be limited to (a caller without those registers gets none)
  const [campaigns, zones] = await Promise.all([api('GET', '/api/campaigns').catch(() => []), api('GET', '/api/zones').catch(() => [])])
  const doc = (href, text, testid) => h('a', { class: 'button secondary', href, download: '', 'data-testid': testid }, text)
  const now = today()
  const [y, m] = [Number(now.slice(0, 4)), Number(now.slice(5, 7))]
  const lastMonth = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`
  const quarter = m <= 3 ? `${y - 1}Q4` : `${y}Q${Math.floor((m - 1) / 3)}`
  const period = h('input', { name: 'period', value: quarter, size: 8, 'data-testid': 'stats-period' })
  const campaign = select('campaign', (campaigns.items || campaigns).map((c) => ({ value: c.name, label: c.name })), '', '全部专项行动')
  campaign.setAttribute('data-testid', 'stats-campaign')
  const zone = select('zoneId', (zones.items || zones).map((z) => ({ value: z.id, label: z.name })), '', '全部园区基地')
  zone.setAttribute('data-testid', 'stats-zone')
  const by = select('by', [{ value: 'township', label: '按乡镇街' }, { value: 'industry', label: '按行业' }], 'township')
  const statsQuery = () => new URLSearchParams(Object.entries({ period: period.value, by: by.value, campaign: campaign.value, zoneId: zone.value }).filter(([, v]) => v)).toString()
  const month = h('input', { type: 'month', name: 'month', value: lastMonth, 'data-testid': 'monthly-month' })
  // generating is the whole city's, as the API requires (programme.manage over the whole city)
  const generate = can('plan.milestone')
    ? formOf({
        title: '立即生成月度进展报告',
        testid: 'monthly-form',
        submit: '生成',
        fields: [
          { name: 'month', label: '月份', type: 'text', required: true, value: lastMonth, pattern: '^\\d{4}-\\d{2}$', patternMessage: '月份写成 2026-11 这样', testid: 'monthly-generate-month' },
          { name: 'announce', label: '同时发到局领导群', type: 'checkbox', testid: 'monthly-announce' },
        ],
        onSubmit: async (v) => {
          const r = await api('POST', '/api/reports/monthly', { month: v.month, announce: v.announce })
          await reportsPage(`已生成：${r.title}${r.announced ? '，已发到局领导群' : ''}`)
        },
      })
    : null
  show(
    h('h1', {}, '报告'),
    notice ? noticeBox(notice) : null,
    h('p', { class: 'hint' }, 'Word 文件按公文格式生成，每个数字都链接到控制台里能核对它的筛选条件（见文末附件“数据核对表”）。'),
    h(
      'div',
      { class: 'panel', 'data-testid': 'report-downloads' },
      h('strong', {}, '工作总结'),
      h('div', { class: 'row' }, r.plans.filter((p) => p.active).map((p) => doc(`/api/documents/summary.docx?plan=${encodeURIComponent(p.key)}`, `${p.title}工作总结`, `summary-${p.key}`))),
      h('strong', {}, '月度进展报告（随时生成）'),
      h('div', { class: 'row' }, field('月份', month), h('button', { type: 'button', class: 'secondary', 'data-testid': 'monthly-download', onclick: () => (location.href = `/api/documents/monthly.docx?month=${encodeURIComponent(month.value)}`) }, '下载')),
      h('strong', {}, '隐患统计表（季度如 2026Q3，全年如 2026）'),
      h(
        'div',
        { class: 'row' },
        field('统计期', period),
        field('分组', by),
        field('专项行动', campaign),
        field('园区基地', zone),
        h('button', { type: 'button', class: 'secondary', 'data-testid': 'stats-docx', onclick: () => (location.href = `/api/stats/table.docx?${statsQuery()}`) }, 'Word'),
        h('button', { type: 'button', class: 'secondary', 'data-testid': 'stats-xlsx', onclick: () => (location.href = `/api/stats/table.xlsx?${statsQuery()}`) }, 'Excel'),
      ),
    ),
    h('h2', {}, '每月1日报送局领导的进展报告'),
    generate,
    list.length
      ? tableOf(
          ['月份', '标题', '要点', '生成', ''],
          list.map((x) =>
            h(
              'tr',
              { 'data-testid': 'report-row', 'data-period': x.period },
              h('td', {}, x.period),
              h('td', { class: 'text' }, x.title),
              h('td', { class: 'text' }, `发现 ${x.figures.found} 项，销号 ${x.figures.closed} 项，逾期 ${x.figures.overdue} 项`),
              h('td', {}, `${fmtTime(x.createdAt)} ${x.createdBy}`),
              h('td', {}, doc(`/api/reports/${x.id}/file`, '下载 Word', 'report-download')),
            ),
          ),
          'reports-table',
          'stack',
        )
      : h('p', { class: 'hint', 'data-testid': 'reports-empty' }, '还没有月度报告：每月1日早上自动生成上个月的报告。'),
  )
}

export default function render() {
  return reportsPage()
}
