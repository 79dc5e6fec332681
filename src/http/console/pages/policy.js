// 产业政策: 餐饮业高质量发展、老字号示范创建、县域商业体系建设 … given to or refused for a business, with the safety
// requirement written into it (方案 3). A business on the 不予政策支持 list cannot be recorded as supported.
// API: GET/POST /api/policy-supports, PUT /api/policy-supports/:id, GET /api/policy-supports/figures
import { h, show, noticeBox, today } from '../lib/dom.js'
import { get, post, put } from '../lib/api.js'
import { session, can } from '../lib/session.js'
import { dataTable } from '../lib/table.js'
import { formOf } from '../lib/form.js'

const PROGRAMMES = [
  { value: 'catering_quality', label: '餐饮业高质量发展' },
  { value: 'time_honoured_brand', label: '老字号示范创建' },
  { value: 'county_commerce', label: '县域商业体系建设' },
  { value: 'demonstration', label: '商务领域示范评选' },
  { value: 'other', label: '其他产业政策' },
]
const OUTCOMES = [
  { value: 'supported', label: '支持' },
  { value: 'refused', label: '不予支持' },
]
const RESPONSIBILITY = { not_started: '未报送', revised: '已修订待核验', verified: '已核验' }

const fields = (p = {}) => [
  { name: 'programme', label: '政策', type: 'select', required: true, options: PROGRAMMES, value: p.programme, testid: 'policy-programme' },
  { name: 'title', label: '项目名称', required: true, min: 2, max: 60, value: p.title, placeholder: '2026年老字号示范创建', testid: 'policy-title' },
  { name: 'businessId', label: '单位', type: 'select', required: true, options: (session.opts.businesses || []).map((b) => ({ value: b.id, label: b.name })), value: p.businessId, testid: 'policy-business' },
  { name: 'safetyRequirement', label: '其中的安全生产要求', type: 'textarea', required: true, min: 4, max: 500, value: p.safetyRequirement, testid: 'policy-requirement' },
  { name: 'document', label: '文件编号', max: 100, value: p.document },
  { name: 'decidedOn', label: '决定日期', type: 'date', required: true, value: p.decidedOn || today(), testid: 'policy-date' },
  { name: 'outcome', label: '结果', type: 'select', required: true, options: OUTCOMES, value: p.outcome || 'supported', testid: 'policy-outcome' },
  { name: 'reason', label: '不予支持的原因', max: 500, value: p.reason, testid: 'policy-reason' },
]
const body = (v) => ({ programme: v.programme, title: v.title, businessId: Number(v.businessId), safetyRequirement: v.safetyRequirement, document: v.document || null, decidedOn: v.decidedOn, outcome: v.outcome, reason: v.reason || null })

async function page(query = {}, notice) {
  const [items, figures] = await Promise.all([get('/api/policy-supports', { programme: query.programme }), get('/api/policy-supports/figures')])
  const slot = h('div')
  const manage = can('programme.manage')
  const edit = (p) =>
    slot.replaceChildren(
      formOf({
        title: p ? `修改：${p.title}` : '登记政策支持',
        testid: 'policy-form',
        fields: fields(p || {}),
        onSubmit: async (v) => {
          if (p) await put(`/api/policy-supports/${p.id}`, body(v))
          else await post('/api/policy-supports', body(v))
          await page(query, p ? '已修改' : '已登记')
        },
      }),
    )
  show(
    h('h1', {}, '产业政策'),
    h('p', { class: 'hint' }, '在餐饮业高质量发展、老字号示范创建、县域商业体系建设等工作中写明安全生产要求。在“不予政策支持”名单上的单位不能登记为支持。'),
    notice ? noticeBox(notice) : null,
    h(
      'div',
      { class: 'row' },
      h('a', { href: '#/policy', class: query.programme ? '' : 'active' }, '全部'),
      ...PROGRAMMES.map((p) => h('a', { href: `#/policy?programme=${p.value}`, class: query.programme === p.value ? 'active' : '' }, p.label)),
      manage ? h('button', { type: 'button', 'data-testid': 'policy-new', onclick: () => edit(null) }, '登记') : null,
    ),
    slot,
    dataTable(
      [
        { title: '政策', cell: (f) => f.label, cls: 'text' },
        { title: '年度', cell: (f) => String(f.year) },
        { title: '支持', cell: (f) => String(f.supported) },
        { title: '不予支持', cell: (f) => String(f.refused) },
      ],
      figures,
      { testid: 'policy-figures', rowTestid: 'policy-figure', empty: '还没有记录' },
    ),
    h('h2', {}, '记录'),
    dataTable(
      [
        { title: '日期', cell: (p) => p.decidedOn, sort: (p) => p.decidedOn },
        { title: '单位', cell: (p) => p.businessName, sort: (p) => p.businessName, cls: 'text title' },
        { title: '项目', cell: (p) => `${p.programmeLabel}：${p.title}`, cls: 'text' },
        { title: '安全生产要求', cell: (p) => p.safetyRequirement, cls: 'text' },
        { title: '结果', cell: (p) => h('span', { class: `tag ${p.outcome === 'refused' ? 'bad' : ''}` }, p.outcome === 'refused' ? `不予支持：${p.reason || ''}` : '支持') },
        { title: '责任制', cell: (p) => RESPONSIBILITY[p.responsibility] || p.responsibility },
        { title: '现状', cell: (p) => (p.excludedNow && p.outcome === 'supported' ? h('span', { class: 'tag bad', 'data-testid': 'policy-excluded' }, `已列入不予支持名单：${p.excludedNow}`) : '') },
        { title: '', cell: (p) => (manage ? h('button', { type: 'button', class: 'secondary', onclick: () => edit(p) }, '修改') : '') },
      ],
      items,
      { testid: 'policy-table', rowTestid: 'policy-row', stack: true, empty: '没有政策支持记录' },
    ),
  )
}

export default function render({ query }) {
  return page(Object.fromEntries(query || []))
}
