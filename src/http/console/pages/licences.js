// 许可登记: 成品油零售经营批准证书 and 报废机动车回收拆解企业资质 with their validity; reminders 60/30/7 days before
// expiry go out by themselves.  API: GET/POST /api/licences, PUT /api/licences/:id
import { h, show, noticeBox } from '../lib/dom.js'
import { get, post, put } from '../lib/api.js'
import { session, can } from '../lib/session.js'
import { dataTable } from '../lib/table.js'
import { formOf } from '../lib/form.js'

const KINDS = [
  { value: 'refined_oil_retail', label: '成品油零售经营批准证书' },
  { value: 'scrap_vehicle_recycling', label: '报废机动车回收拆解企业资质认定' },
]
const STATES = [
  { value: '', label: '全部' },
  { value: 'expiring', label: '即将到期' },
  { value: 'lapsed', label: '已过期' },
  { value: 'valid', label: '有效' },
  { value: 'revoked', label: '已注销' },
]
const fields = (l = {}) => [
  { name: 'kind', label: '种类', type: 'select', required: true, options: KINDS, value: l.kind },
  { name: 'number', label: '证书编号', required: true, min: 2, max: 60, value: l.number, testid: 'licence-number' },
  { name: 'businessId', label: '单位', type: 'select', required: true, options: (session.opts.businesses || []).filter((b) => !b.industry || ['refined_oil', 'scrap_vehicle'].includes(b.industry)).map((b) => ({ value: b.id, label: b.name })), value: l.businessId, testid: 'licence-business' },
  { name: 'holder', label: '持证单位（证上名称）', required: true, min: 2, max: 100, value: l.holder, testid: 'licence-holder' },
  { name: 'scope', label: '经营范围', max: 200, value: l.scope },
  { name: 'validUntil', label: '有效期至', type: 'date', required: true, value: l.validUntil, testid: 'licence-until' },
  { name: 'revokedOn', label: '注销日期（如已注销）', type: 'date', value: l.revokedOn },
]
const body = (v) => ({ kind: v.kind, number: v.number, businessId: Number(v.businessId), holder: v.holder, scope: v.scope || null, validUntil: v.validUntil, revokedOn: v.revokedOn || null })

async function page(query = {}, notice) {
  const items = await get('/api/licences', { state: query.state })
  const slot = h('div')
  const manage = can('programme.manage')
  const edit = (l) =>
    slot.replaceChildren(
      formOf({
        title: l ? `修改 / 延续：${l.number}` : '登记许可证',
        testid: 'licence-form',
        fields: fields(l || {}),
        onSubmit: async (v) => {
          if (l) await put(`/api/licences/${l.id}`, body(v))
          else await post('/api/licences', body(v))
          await page(query, l ? '已修改' : '已登记')
        },
      }),
    )
  show(
    h('h1', {}, '许可登记'),
    notice ? noticeBox(notice) : null,
    h('div', { class: 'row' }, ...STATES.map((s) => h('a', { href: `#/licences${s.value ? '?state=' + s.value : ''}`, class: (query.state || '') === s.value ? 'active' : '' }, s.label)), manage ? h('button', { type: 'button', 'data-testid': 'licence-new', onclick: () => edit(null) }, '登记') : null),
    slot,
    dataTable(
      [
        { title: '单位', cell: (l) => l.businessName, sort: (l) => l.businessName, cls: 'text title' },
        { title: '种类', cell: (l) => l.kindLabel, cls: 'text' },
        { title: '编号', cell: (l) => l.number },
        { title: '有效期至', cell: (l) => l.validUntil, sort: (l) => l.validUntil },
        { title: '状态', cell: (l) => h('span', { class: `tag ${l.state === 'lapsed' ? 'bad' : ''}` }, l.state === 'expiring' ? `${l.stateLabel}（${l.daysLeft}天）` : l.stateLabel), sort: (l) => l.daysLeft },
        { title: '', cell: (l) => (manage ? h('button', { type: 'button', class: 'secondary', onclick: () => edit(l) }, '修改') : '') },
      ],
      items,
      { testid: 'licences-table', rowTestid: 'licence-row', stack: true, empty: '没有许可记录' },
    ),
  )
}

export default function render({ query }) {
  return page(Object.fromEntries(query || []))
}
