// 值班表: the 24-hour duty roster of each holiday, pushed with the duty notice on the holiday's eve.
// API: GET /api/duty-rosters, PUT /api/duty-rosters/:key/:year
import { h, show, noticeBox, hint, fmtTime, today } from '../lib/dom.js'
import { get, put } from '../lib/api.js'
import { can } from '../lib/session.js'
import { dataTable } from '../lib/table.js'
import { formOf } from '../lib/form.js'

const HOLIDAYS = { new_year: '元旦', spring_festival: '春节', labour_day: '五一', national_day: '国庆' }

async function page(notice) {
  const rosters = await get('/api/duty-rosters')
  const slot = h('div')
  const reload = (text) => page(text)
  const y = Number(today().slice(0, 4))
  const edit = (r) =>
    slot.replaceChildren(
      formOf({
        title: r ? `修改 ${r.year} 年${HOLIDAYS[r.periodKey]}值班表` : '新增值班表',
        testid: 'duty-form',
        fields: [
          { name: 'key', label: '节日', type: 'select', required: true, options: Object.entries(HOLIDAYS).map(([value, label]) => ({ value, label })), value: r?.periodKey || 'new_year' },
          { name: 'year', label: '年份', type: 'number', required: true, min: 2020, max: 2100, value: r?.year || y + 1 },
          { name: 'text', label: '值班安排（带班领导、值班人员、电话）', type: 'textarea', required: true, min: 4, max: 1500, rows: 6, value: r?.text, testid: 'duty-text' },
        ],
        onSubmit: async (v) => {
          await put(`/api/duty-rosters/${v.key}/${v.year}`, { text: v.text })
          await reload(`已保存 ${v.year} 年${HOLIDAYS[v.key]}值班表`)
        },
      }),
    )
  show(
    h('h1', {}, '值班表'),
    notice ? noticeBox(notice) : null,
    hint('节日前一天 16:00 随值班通知推送到所有群和局机关工作群。'),
    can('content.manage') ? h('div', { class: 'row' }, h('button', { type: 'button', 'data-testid': 'duty-new', onclick: () => edit(null) }, '新增值班表')) : null,
    slot,
    dataTable(
      [
        { title: '节日', cell: (r) => `${r.year} 年${HOLIDAYS[r.periodKey] || r.periodKey}`, sort: (r) => `${r.year}${r.periodKey}`, cls: 'title' },
        { title: '值班安排', cell: (r) => r.text, cls: 'text' },
        { title: '更新', cell: (r) => `${fmtTime(r.updatedAt)} ${r.updatedBy || ''}` },
        { title: '', cell: (r) => (can('content.manage') ? h('button', { type: 'button', class: 'secondary', onclick: () => edit(r) }, '修改') : '') },
      ],
      rosters,
      { testid: 'duty-table', rowTestid: 'duty-row', stack: true, empty: '还没有值班表' },
    ),
  )
}

export default function render() {
  return page()
}
