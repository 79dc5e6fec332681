// 不予政策支持名单: businesses punished for a larger accident or that refused rectification get no commerce
// demonstration or policy support; record, lift.  API: GET/POST /api/policy-exclusions, POST /api/policy-exclusions/:id/lift
import { h, show, noticeBox, errorBox, today } from '../lib/dom.js'
import { get, post } from '../lib/api.js'
import { session, can } from '../lib/session.js'
import { dataTable } from '../lib/table.js'
import { formOf } from '../lib/form.js'

const REASONS = { larger_accident: '发生较大及以上事故被处罚', refused_rectification: '拒不整改造成严重不良影响' }

async function page(notice) {
  const items = await get('/api/policy-exclusions')
  const slot = h('div')
  const msg = h('div')
  const reload = (text) => page(text)
  const manage = can('programme.manage')
  const add = () =>
    slot.replaceChildren(
      formOf({
        title: '登记不予政策支持的单位',
        testid: 'exclusion-form',
        fields: [
          { name: 'businessId', label: '单位', type: 'select', required: true, options: (session.opts.businesses || []).map((b) => ({ value: b.id, label: b.name })), testid: 'exclusion-business' },
          { name: 'reason', label: '原因', type: 'select', required: true, options: Object.entries(REASONS).map(([value, label]) => ({ value, label })) },
          { name: 'detail', label: '情况说明', type: 'textarea', required: true, min: 2, max: 500, testid: 'exclusion-detail' },
          { name: 'source', label: '来源（处罚部门及文号）', required: true, min: 2, max: 200, testid: 'exclusion-source' },
          { name: 'decidedOn', label: '决定日期', type: 'date', required: true, value: today() },
        ],
        onSubmit: async (v) => {
          await post('/api/policy-exclusions', { businessId: Number(v.businessId), reason: v.reason, detail: v.detail, source: v.source, decidedOn: v.decidedOn })
          await reload('已登记')
        },
      }),
    )
  const lift = async (e) => {
    try {
      await post(`/api/policy-exclusions/${e.id}/lift`, { liftedOn: today() })
      await reload(`已解除：${e.businessName}`)
    } catch (err) {
      msg.replaceChildren(errorBox(err))
    }
  }
  show(
    h('h1', {}, '不予政策支持名单'),
    notice ? noticeBox(notice) : null,
    manage ? h('div', { class: 'row' }, h('button', { type: 'button', 'data-testid': 'exclusion-new', onclick: add }, '登记')) : null,
    slot,
    msg,
    dataTable(
      [
        { title: '单位', cell: (e) => e.businessName, sort: (e) => e.businessName, cls: 'text title' },
        { title: '原因', cell: (e) => [REASONS[e.reason] || e.reason, h('div', { class: 'text hint' }, e.detail)], cls: 'text' },
        { title: '来源', cell: (e) => e.source, cls: 'text' },
        { title: '决定日期', cell: (e) => e.decidedOn, sort: (e) => e.decidedOn },
        { title: '状态', cell: (e) => (e.active ? h('span', { class: 'tag bad' }, '生效中') : h('span', { class: 'tag' }, e.liftedOn ? `${e.liftedOn} 解除` : '未生效')), sort: (e) => (e.active ? 0 : 1) },
        { title: '', cell: (e) => (manage && e.active ? h('button', { type: 'button', class: 'secondary', 'data-testid': 'exclusion-lift', onclick: () => lift(e) }, '解除') : '') },
      ],
      items,
      { testid: 'exclusions-table', rowTestid: 'exclusion-row', stack: true, empty: '名单为空' },
    ),
  )
}

export default function render() {
  return page()
}
