// 园区基地: development zones, foreign-trade and e-commerce bases with their member businesses; each zone's
// safety record for an assessment period, exportable.  API: GET/POST /api/zones, PUT /api/zones/:id,
// GET /api/zones/:id/record(.xlsx)
import { h, show, noticeBox, today } from '../lib/dom.js'
import { get, post, put } from '../lib/api.js'
import { session, can } from '../lib/session.js'
import { dataTable } from '../lib/table.js'
import { formOf } from '../lib/form.js'
import { townshipOptions } from '../lib/labels.js'

const KINDS = [
  { value: 'development_zone', label: '经济开发区' },
  { value: 'foreign_trade_base', label: '外贸转型升级基地' },
  { value: 'ecommerce_base', label: '电子商务示范基地' },
  { value: 'other', label: '其他园区' },
]

async function page(notice) {
  const items = await get('/api/zones')
  const slot = h('div')
  const manage = can('programme.manage')
  const edit = (z) =>
    slot.replaceChildren(
      formOf({
        title: z ? `修改：${z.name}` : '登记园区基地',
        testid: 'zone-form',
        fields: [
          { name: 'name', label: '名称', required: true, min: 2, max: 60, value: z?.name, testid: 'zone-name' },
          { name: 'kind', label: '类型', type: 'select', required: true, options: KINDS, value: z?.kind },
          { name: 'townshipId', label: '所属乡镇街（不选为全市）', type: 'select', options: [{ value: '', label: '全市' }, ...townshipOptions()], value: z?.townshipId ?? '' },
          { name: 'businessIds', label: '成员单位', type: 'multi', options: (session.opts.businesses || []).map((b) => ({ value: b.id, label: b.name })), value: z?.businessIds || [], testid: 'zone-members' },
        ],
        onSubmit: async (v) => {
          const body = { name: v.name, kind: v.kind, townshipId: v.townshipId ? Number(v.townshipId) : null, businessIds: (v.businessIds || []).map(Number) }
          if (z) await put(`/api/zones/${z.id}`, body)
          else await post('/api/zones', body)
          await page(z ? '已修改' : '已登记')
        },
      }),
    )
  const record = async (z) => {
    const y = today().slice(0, 4)
    const r = await get(`/api/zones/${z.id}/record`, { from: `${y}-01-01`, to: `${y}-12-31` })
    const t = r.totals
    slot.replaceChildren(
      h(
        'section',
        { 'data-testid': 'zone-record' },
        h('h2', {}, `${z.name} ${r.from} 至 ${r.to}`),
        h('p', {}, `成员单位 ${t.businesses} 家；一般隐患 ${t.foundGeneral}、重大隐患 ${t.foundMajor}，已销号 ${t.closed}，逾期 ${t.overdue}；事故 ${t.accidents}（较大及以上 ${t.largerAccidents}）；自查覆盖 ${t.selfCheckCoverage ?? '—'}%，培训覆盖 ${t.trainingCoverage ?? '—'}%，演练覆盖 ${t.drillCoverage ?? '—'}%`),
        h('a', { href: `/api/zones/${z.id}/record.xlsx?from=${r.from}&to=${r.to}`, 'data-testid': 'zone-export' }, '导出 Excel'),
        ' ',
        h('a', { href: `#/ledger?zoneId=${z.id}` }, '在台账中查看'),
      ),
    )
  }
  show(
    h('h1', {}, '园区基地'),
    notice ? noticeBox(notice) : null,
    manage ? h('div', { class: 'row' }, h('button', { type: 'button', 'data-testid': 'zone-new', onclick: () => edit(null) }, '登记')) : null,
    slot,
    dataTable(
      [
        { title: '名称', cell: (z) => z.name, sort: (z) => z.name, cls: 'text title' },
        { title: '类型', cell: (z) => z.kindLabel },
        { title: '乡镇街', cell: (z) => z.townshipName || '全市' },
        { title: '成员单位', cell: (z) => String(z.members) },
        { title: '', cell: (z) => [h('button', { type: 'button', class: 'secondary', 'data-testid': 'zone-record-open', onclick: () => record(z) }, '考核记录'), manage ? h('button', { type: 'button', class: 'secondary', onclick: () => edit(z) }, '修改') : null] },
      ],
      items,
      { testid: 'zones-table', rowTestid: 'zone-row', stack: true, empty: '还没有登记园区基地' },
    ),
  )
}

export default function render() {
  return page()
}
