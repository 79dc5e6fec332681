// 专项检查: plan and record the bureau's special inspections (at least 6 a year), alone or joint with enforcement
// departments.  API: GET/POST /api/inspections, POST /api/inspections/:id/record
import { h, show, noticeBox, today } from '../lib/dom.js'
import { get, post } from '../lib/api.js'
import { session, can } from '../lib/session.js'
import { dataTable } from '../lib/table.js'
import { formOf } from '../lib/form.js'

async function page(query, notice) {
  const year = Number(query.get('year') || today().slice(0, 4))
  const r = await get('/api/inspections', { year })
  const slot = h('div')
  const reload = (text) => page(query, text)
  const businesses = (session.opts.businesses || []).map((b) => ({ value: b.id, label: b.name }))
  const plan = () =>
    slot.replaceChildren(
      formOf({
        title: '计划专项检查',
        testid: 'inspection-form',
        fields: [
          { name: 'theme', label: '检查主题', required: true, min: 2, max: 100, testid: 'inspection-theme' },
          { name: 'plannedOn', label: '计划日期', type: 'date', required: true, testid: 'inspection-date' },
          { name: 'departments', label: '联合检查的部门（不选为单独检查）', type: 'multi', options: session.opts.departments },
          { name: 'businessIds', label: '检查单位', type: 'multi', options: businesses },
          { name: 'note', label: '说明', type: 'textarea', max: 500 },
        ],
        onSubmit: async (v) => {
          await post('/api/inspections', { theme: v.theme, plannedOn: v.plannedOn, departments: v.departments, businessIds: v.businessIds.map(Number), note: v.note || undefined })
          await reload(`已计划：${v.theme}`)
        },
      }),
    )
  const record = (i) =>
    slot.replaceChildren(
      formOf({
        title: `登记检查结果：${i.theme}`,
        testid: 'record-form',
        fields: [
          { name: 'doneOn', label: '检查日期', type: 'date', required: true, value: today(), testid: 'record-date' },
          { name: 'hazardCodes', label: '发现的隐患编号（如 Y12、Y13）', max: 400 },
          { name: 'note', label: '检查情况', type: 'textarea', max: 500, testid: 'record-note' },
        ],
        onSubmit: async (v) => {
          const hazardCodes = (v.hazardCodes || '').split(/[、,，\s]+/).filter(Boolean)
          await post(`/api/inspections/${i.id}/record`, { doneOn: v.doneOn, hazardCodes, note: v.note || undefined })
          await reload(`已登记：${i.theme}`)
        },
      }),
    )
  show(
    h('h1', {}, '专项检查'),
    notice ? noticeBox(notice) : null,
    h(
      'div',
      { class: 'panel figures', 'data-testid': 'inspection-figures' },
      `${year} 年已完成 ${r.done} 次${r.required ? ` / 要求不少于 ${r.required} 次` : ''}（联合检查 ${r.joint} 次），计划中 ${r.planned} 次${r.overduePlans ? `，其中 ${r.overduePlans} 次已过计划日期` : ''}`,
    ),
    can('programme.manage') ? h('div', { class: 'row' }, h('button', { type: 'button', 'data-testid': 'inspection-new', onclick: plan }, '计划检查')) : null,
    slot,
    dataTable(
      [
        { title: '主题', cell: (i) => i.theme, sort: (i) => i.theme, cls: 'text title' },
        { title: '方式', cell: (i) => [i.mode, i.departments.length ? h('div', { class: 'hint' }, i.departments.join('、')) : null] },
        { title: '计划日期', cell: (i) => i.plannedOn, sort: (i) => i.plannedOn },
        { title: '完成', cell: (i) => (i.doneOn ? h('span', { class: 'tag ok' }, i.doneOn) : can('programme.manage') ? h('button', { type: 'button', class: 'secondary', 'data-testid': 'inspection-record', onclick: () => record(i) }, '登记结果') : '未完成'), sort: (i) => i.doneOn || '' },
        { title: '发现隐患', cell: (i) => (i.hazardIds.length ? `${i.hazardIds.length} 条` : '') },
        { title: '说明', cell: (i) => i.note || '', cls: 'text' },
      ],
      r.inspections,
      { testid: 'inspections-table', rowTestid: 'inspection-row', rowAttrs: (i) => ({ 'data-theme': i.theme }), stack: true, empty: '今年还没有专项检查' },
    ),
  )
}

export default function render({ query }) {
  return page(query)
}
