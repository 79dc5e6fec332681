// 专项行动: define campaigns (name, short name typed after 专项:, dates, industries, categories), see each one's
// hazards.  API: GET/POST /api/campaigns, PUT /api/campaigns/:id, GET /api/campaigns/:id/stats
import { h, show, noticeBox } from '../lib/dom.js'
import { get, post, put } from '../lib/api.js'
import { session, can } from '../lib/session.js'
import { dataTable } from '../lib/table.js'
import { formOf } from '../lib/form.js'
import { industryLabel } from '../lib/labels.js'

const fields = (c = {}) => [
  { name: 'name', label: '名称', required: true, min: 2, max: 60, value: c.name, testid: 'campaign-name' },
  { name: 'shortName', label: '简称（群里写“专项:简称”）', required: true, min: 1, max: 12, value: c.shortName, testid: 'campaign-short' },
  { name: 'startsOn', label: '开始日期', type: 'date', required: true, value: c.startsOn, testid: 'campaign-starts' },
  { name: 'endsOn', label: '结束日期', type: 'date', required: true, value: c.endsOn, testid: 'campaign-ends' },
  { name: 'industries', label: '行业（不选为全部）', type: 'multi', options: session.opts.industries, value: c.industries },
  { name: 'categories', label: '类别（不选为全部）', type: 'multi', options: session.opts.categories, value: c.categories },
]
const body = (v) => ({ name: v.name, shortName: v.shortName, startsOn: v.startsOn, endsOn: v.endsOn, industries: v.industries || [], categories: v.categories || [] })

async function page(notice) {
  const items = await get('/api/campaigns')
  const slot = h('div')
  const manage = can('programme.manage')
  const edit = (c) =>
    slot.replaceChildren(
      formOf({
        title: c ? `修改：${c.name}` : '登记专项行动',
        testid: 'campaign-form',
        fields: fields(c || {}),
        onSubmit: async (v) => {
          if (c) await put(`/api/campaigns/${c.id}`, body(v))
          else await post('/api/campaigns', body(v))
          await page(c ? '已修改' : '已登记')
        },
      }),
    )
  const stats = async (c) => {
    const s = await get(`/api/campaigns/${c.id}/stats`)
    const f = s.figures
    slot.replaceChildren(
      h('section', { 'data-testid': 'campaign-stats' }, h('h2', {}, c.name), h('p', {}, `隐患 ${f.total} 项，未销号 ${f.open}，逾期 ${f.overdue}，重大 ${f.major}，整改率 ${f.rectificationRate ?? '—'}%；专项检查 ${s.inspections} 次`), h('a', { href: `#/ledger?campaign=${encodeURIComponent(c.name)}` }, '在台账中查看')),
    )
  }
  show(
    h('h1', {}, '专项行动'),
    notice ? noticeBox(notice) : null,
    manage ? h('div', { class: 'row' }, h('button', { type: 'button', 'data-testid': 'campaign-new', onclick: () => edit(null) }, '登记')) : null,
    slot,
    dataTable(
      [
        { title: '名称', cell: (c) => c.name, sort: (c) => c.name, cls: 'text title' },
        { title: '简称', cell: (c) => c.shortName },
        { title: '起止', cell: (c) => `${c.startsOn} 至 ${c.endsOn}`, sort: (c) => c.startsOn },
        { title: '行业', cell: (c) => (c.industries.length ? c.industries.map(industryLabel).join('、') : '全部'), cls: 'text' },
        { title: '', cell: (c) => [h('button', { type: 'button', class: 'secondary', 'data-testid': 'campaign-stats-open', onclick: () => stats(c) }, '统计'), manage ? h('button', { type: 'button', class: 'secondary', onclick: () => edit(c) }, '修改') : null] },
      ],
      items,
      { testid: 'campaigns-table', rowTestid: 'campaign-row', stack: true, empty: '还没有登记专项行动' },
    ),
  )
}

export default function render() {
  return page()
}
