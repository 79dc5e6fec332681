// 节假日与重点时段: the key periods of a year with where each date comes from; for years the calendar library does
// not know, the dates to confirm (until then 元旦 is said as one day).  API: GET /api/calendar,
// PUT/DELETE /api/calendar/:key/:year
import { h, show, noticeBox, hint, today } from '../lib/dom.js'
import { api, get } from '../lib/api.js'
import { can } from '../lib/session.js'
import { dataTable } from '../lib/table.js'
import { formOf } from '../lib/form.js'
import { chineseDate } from '../lib/date.js'
import { go } from '../lib/router.js'

const DATED = ['new_year', 'spring_festival', 'labour_day', 'national_day', 'two_sessions_provincial', 'two_sessions_national']
const SOURCE = { bureau: ['局里已确认', 'ok'], library: ['日历库', 'ok'], default: ['默认，待确认', 'warn'] }

async function page(query, notice) {
  const year = Number(query.get('year') || today().slice(0, 4))
  const periods = await get('/api/calendar', { year })
  const manage = can('content.manage')
  const slot = h('div')
  const reload = (text) => page(query, text)
  const confirm = (p) =>
    slot.replaceChildren(
      formOf({
        title: `确认 ${year} 年${p.name}的日期`,
        testid: 'calendar-form',
        submit: '确认',
        fields: [
          { name: 'start', label: '开始', type: 'date', required: true, value: p.start, testid: 'calendar-start' },
          { name: 'end', label: '结束', type: 'date', required: true, value: p.end, testid: 'calendar-end' },
        ],
        onSubmit: async (v) => {
          await api('PUT', `/api/calendar/${p.key}/${year}`, { start: v.start, end: v.end })
          await reload(`已确认 ${year} 年${p.name}：${chineseDate(v.start)} 至 ${chineseDate(v.end)}`)
        },
      }),
    )
  const undo = async (p) => {
    await api('DELETE', `/api/calendar/${p.key}/${year}`)
    await reload(`已撤销 ${year} 年${p.name}的设置`)
  }
  const pending = periods.filter((p) => DATED.includes(p.key) && p.source === 'default')
  show(
    h('h1', {}, '节假日与重点时段'),
    notice ? noticeBox(notice) : null,
    h(
      'form',
      { class: 'filters panel', onsubmit: (e) => (e.preventDefault(), go('calendar', new URLSearchParams(new FormData(e.target)))) },
      h('label', {}, '年份', h('input', { type: 'number', name: 'year', min: 2020, max: 2100, value: year, 'data-testid': 'calendar-year' })),
      h('button', { type: 'submit' }, '查看'),
    ),
    pending.length
      ? h('p', { class: 'error', 'data-testid': 'calendar-pending' }, `${year} 年有 ${pending.length} 个时段的日期还没确认（${pending.map((p) => p.name).join('、')}）：国务院公布放假安排后请确认。确认前，元旦按 1 月 1 日一天提醒。`)
      : hint(`${year} 年的放假日期都已确定。`),
    slot,
    dataTable(
      [
        { title: '时段', cell: (p) => p.name, sort: (p) => p.name, cls: 'title' },
        { title: '日期', cell: (p) => (p.start === p.end ? chineseDate(p.start) : `${chineseDate(p.start)} 至 ${chineseDate(p.end)}`), sort: (p) => p.start },
        { title: '来源', cell: (p) => h('span', { class: `tag ${SOURCE[p.source][1]}`, 'data-testid': 'calendar-source' }, SOURCE[p.source][0]) },
        {
          title: '',
          cell: (p) =>
            manage && DATED.includes(p.key)
              ? h(
                  'div',
                  { class: 'row' },
                  h('button', { type: 'button', class: 'secondary', 'data-testid': 'calendar-confirm', onclick: () => confirm(p) }, p.source === 'default' ? '确认日期' : '修改'),
                  p.source === 'bureau' ? h('button', { type: 'button', class: 'secondary', onclick: () => undo(p) }, '撤销') : null,
                )
              : '',
        },
      ],
      periods,
      { testid: 'calendar-table', rowTestid: 'calendar-row', rowAttrs: (p) => ({ 'data-key': p.key }), stack: true, pageSize: 50 },
    ),
  )
}

export default function render({ query }) {
  return page(query)
}
