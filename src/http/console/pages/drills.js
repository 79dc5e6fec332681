// 应急演练: drills businesses recorded (in chat with #演练, or here), yearly coverage by industry and who has none.
// Create and correct within the signed-in person's reach.  API: GET/POST /api/drills, PUT /api/drills/:id, GET /api/drills/coverage
import { h, show, noticeBox, today } from '../lib/dom.js'
import { get, post, put } from '../lib/api.js'
import { session, can } from '../lib/session.js'
import { dataTable } from '../lib/table.js'
import { formOf } from '../lib/form.js'

async function page(query = {}, notice) {
  const year = Number(query.year) || Number(today().slice(0, 4))
  const [items, cov] = await Promise.all([get('/api/drills', { year }), get('/api/drills/coverage', { year })])
  const slot = h('div')
  const manage = can('programme.manage')
  const edit = (d) =>
    slot.replaceChildren(
      formOf({
        title: d ? `更正：${d.businessName} ${d.kind}` : '登记应急演练',
        testid: 'drill-form',
        fields: [
          { name: 'businessId', label: '单位', type: 'select', required: true, options: (session.opts.businesses || []).map((b) => ({ value: b.id, label: b.name })), value: d?.businessId, testid: 'drill-business' },
          { name: 'kind', label: '演练名称', required: true, min: 2, max: 40, placeholder: '疏散演练', value: d?.kind, testid: 'drill-kind' },
          { name: 'heldOn', label: '日期', type: 'date', required: true, value: d?.heldOn || today(), testid: 'drill-date' },
          { name: 'participants', label: '参加人数', type: 'number', min: 1, max: 100000, value: d?.participants ?? '', testid: 'drill-people' },
        ],
        onSubmit: async (v) => {
          const body = { businessId: Number(v.businessId), kind: v.kind, heldOn: v.heldOn, participants: v.participants ? Number(v.participants) : null, note: d?.note ?? null }
          if (d) await put(`/api/drills/${d.id}`, body)
          else await post('/api/drills', body)
          await page(query, d ? '已更正' : '已登记')
        },
      }),
    )
  show(
    h('h1', {}, `应急演练（${year}年）`),
    h('p', { class: 'hint' }, '单位负责人在群里发“#演练 疏散演练 参加12人”，再发现场照片，即登记在这里。'),
    notice ? noticeBox(notice) : null,
    manage ? h('div', { class: 'row' }, h('button', { type: 'button', 'data-testid': 'drill-new', onclick: () => edit(null) }, '登记')) : null,
    slot,
    h('h2', {}, `覆盖：${cov.total.drilled}/${cov.total.businesses} 家（${cov.total.rate ?? '—'}%）`),
    dataTable(
      [
        { title: '行业', cell: (r) => r.name },
        { title: '单位数', cell: (r) => String(r.businesses) },
        { title: '已演练', cell: (r) => String(r.drilled) },
        { title: '覆盖率', cell: (r) => (r.rate === null ? '—' : `${r.rate}%`) },
      ],
      cov.byIndustry,
      { testid: 'drill-coverage', rowTestid: 'drill-coverage-row', empty: '没有单位' },
    ),
    cov.missing.length ? h('p', { 'data-testid': 'drill-missing' }, `今年还没有演练：${cov.missing.slice(0, 30).map((b) => b.name).join('、')}${cov.missing.length > 30 ? ` 等${cov.missing.length}家` : ''}`) : null,
    h('h2', {}, '演练记录'),
    dataTable(
      [
        { title: '日期', cell: (d) => d.heldOn, sort: (d) => d.heldOn },
        { title: '单位', cell: (d) => d.businessName, sort: (d) => d.businessName, cls: 'text title' },
        { title: '演练', cell: (d) => d.kind, cls: 'text' },
        { title: '人数', cell: (d) => (d.participants ? String(d.participants) : '') },
        { title: '照片', cell: (d) => d.photos.map((sha, i) => h('a', { href: `/api/attachments/${sha}`, target: '_blank', rel: 'noopener' }, `照片${i + 1} `)) },
        { title: '登记人', cell: (d) => d.recordedBy },
        { title: '', cell: (d) => (manage ? h('button', { type: 'button', class: 'secondary', 'data-testid': 'drill-edit', onclick: () => edit(d) }, '更正') : '') },
      ],
      items,
      { testid: 'drills-table', rowTestid: 'drill-row', stack: true, empty: '今年还没有演练记录' },
    ),
  )
}

export default function render({ query }) {
  return page(Object.fromEntries(query || []))
}
