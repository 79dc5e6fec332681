// 瓶改管/气改电: restaurants' fuel and their conversion from bottled gas to piped gas or to electric; progress by
// township.  API: GET /api/gas-conversions, PUT /api/gas-conversions/:id
import { h, show, noticeBox } from '../lib/dom.js'
import { get, put } from '../lib/api.js'
import { can } from '../lib/session.js'
import { dataTable } from '../lib/table.js'
import { formOf } from '../lib/form.js'

const FUEL = { bottled_lpg: '瓶装液化气', piped_gas: '管道燃气', electric: '电', alcohol_fuel: '醇基燃料', other: '其他', unknown: '未登记' }
const PLAN = { bottle_to_pipe: '瓶改管', gas_to_electric: '气改电', none: '不改造' }
const STATUS = { not_started: '未开始', in_progress: '改造中', converted: '已完成' }
const pct = (x) => `${Math.round(x * 1000) / 10}%`

async function page(notice) {
  const r = await get('/api/gas-conversions')
  const slot = h('div')
  const reload = (text) => page(text)
  const edit = (b) =>
    slot.replaceChildren(
      formOf({
        title: `登记：${b.name}`,
        testid: 'gas-form',
        fields: [
          { name: 'fuel', label: '现用燃料', type: 'select', required: true, options: Object.entries(FUEL).filter(([k]) => k !== 'unknown').map(([value, label]) => ({ value, label })), value: b.fuel || 'bottled_lpg' },
          { name: 'plan', label: '改造方式', type: 'select', required: true, options: Object.entries(PLAN).map(([value, label]) => ({ value, label })), value: b.plan || 'none', testid: 'gas-plan' },
          { name: 'status', label: '进度', type: 'select', required: true, options: Object.entries(STATUS).map(([value, label]) => ({ value, label })), value: b.status || 'not_started', testid: 'gas-status' },
          { name: 'convertedOn', label: '完成日期（已完成时填）', type: 'date', value: b.convertedOn, testid: 'gas-date' },
        ],
        onSubmit: async (v) => {
          await put(`/api/gas-conversions/${b.businessId}`, { fuel: v.fuel, plan: v.plan, status: v.status, convertedOn: v.convertedOn || undefined })
          await reload(`已登记：${b.name}`)
        },
      }),
    )
  show(
    h('h1', {}, '瓶改管 / 气改电'),
    notice ? noticeBox(notice) : null,
    h(
      'div',
      { class: 'panel figures', 'data-testid': 'gas-figures' },
      `餐饮单位 ${r.restaurants} 家，已登记 ${r.recorded} 家；瓶改管 ${r.bottleToPipe.converted} / ${r.bottleToPipe.planned}，气改电 ${r.gasToElectric.converted} / ${r.gasToElectric.planned}，完成率 ${pct(r.rate)}`,
    ),
    h('p', { class: 'hint' }, Object.entries(r.byFuel).map(([k, n]) => `${FUEL[k] || k} ${n} 家`).join('；')),
    slot,
    dataTable(
      [
        { title: '单位', cell: (b) => b.name, sort: (b) => b.name, cls: 'text title' },
        { title: '乡镇街', cell: (b) => b.township || '', sort: (b) => b.township || '' },
        { title: '燃料', cell: (b) => FUEL[b.fuel || 'unknown'], sort: (b) => b.fuel || '' },
        { title: '改造', cell: (b) => (b.plan ? PLAN[b.plan] : ''), sort: (b) => b.plan || '' },
        { title: '进度', cell: (b) => (b.status ? [STATUS[b.status], b.convertedOn ? `（${b.convertedOn}）` : ''] : ''), sort: (b) => b.status || '' },
        { title: '', cell: (b) => (can('programme.manage') ? h('button', { type: 'button', class: 'secondary', 'data-testid': 'gas-edit', onclick: () => edit(b) }, '登记') : '') },
      ],
      r.list,
      { testid: 'gas-table', rowTestid: 'gas-row', rowAttrs: (b) => ({ 'data-name': b.name }), stack: true, empty: '没有餐饮单位' },
    ),
  )
}

export default function render() {
  return page()
}
