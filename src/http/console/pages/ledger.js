// The hazard ledger: filters, sorting, paging, export.  API: GET /api/ledger, /api/ledger/export.xlsx|csv
import { h, show, select, field } from '../lib/dom.js'
import { api } from '../lib/api.js'
import { session } from '../lib/session.js'
import { ledgerTable } from '../lib/labels.js'
import { tableOf, pager } from '../lib/table.js'
import { go } from '../lib/router.js'

const SORTS = { code: '编号', createdAt: '上报时间', deadline: '期限', status: '状态', grade: '等级', closedAt: '销号时间' }

async function ledger(query) {
  const q = new URLSearchParams(query)
  if (!q.get('pageSize')) q.set('pageSize', '20')
  const form = h(
    'form',
    {
      class: 'filters panel',
      'data-testid': 'ledger-filters',
      onsubmit: (e) => {
        e.preventDefault()
        const next = new URLSearchParams(new FormData(e.target))
        for (const k of ['sort', 'order', 'pageSize']) if (q.get(k)) next.set(k, q.get(k))
        go('ledger', next)
      },
    },
    field('状态', select('status', [...session.opts.statuses, { value: 'overdue', label: '逾期' }], q.get('status'), '全部')),
    field('等级', select('grade', session.opts.grades, q.get('grade'), '全部')),
    field('类别', select('category', session.opts.categories, q.get('category'), '全部')),
    field('行业', select('industry', session.opts.industries, q.get('industry'), '全部')),
    field('乡镇街', select('townshipId', session.opts.townships.map((t) => ({ value: t.id, label: t.name })), q.get('townshipId'), '全部')),
    field('单位', select('businessId', (session.opts.businesses || []).map((b) => ({ value: b.id, label: b.name })), q.get('businessId'), '全部')),
    field('专项行动', select('campaign', session.opts.campaigns, q.get('campaign'), '全部')),
    field('上报自', h('input', { type: 'date', name: 'from', value: q.get('from') || '' })),
    field('至', h('input', { type: 'date', name: 'to', value: q.get('to') || '' })),
    field('关键词', h('input', { name: 'q', value: q.get('q') || '', placeholder: '描述、地点、单位、编号', 'data-testid': 'ledger-q' })),
    h('button', { type: 'submit', 'data-testid': 'ledger-search' }, '查询'),
    h('a', { class: 'button secondary', href: '#/ledger' }, '清空'),
  )
  // on a phone the ten filters would fill the first screen: folded unless some are chosen
  const FILTERS = ['status', 'grade', 'category', 'industry', 'townshipId', 'businessId', 'campaign', 'from', 'to', 'q']
  const chosen = FILTERS.filter((k) => q.get(k)).length
  const filters = h(
    'details',
    { class: 'filters-box', open: chosen > 0 || window.matchMedia('(min-width: 641px)').matches, 'data-testid': 'ledger-filters-box' },
    h('summary', {}, chosen ? `筛选（已选 ${chosen} 项）` : '筛选'),
    form,
  )
  show(h('h1', {}, '隐患台账'), filters, h('p', { class: 'hint' }, '加载中…'))
  const exportQs = new URLSearchParams([...q.entries()].filter(([k, v]) => v !== '' && k !== 'page' && k !== 'pageSize')).toString()
  const r = await api('GET', `/api/ledger?${q}`)
  const t = ledgerTable(r.items, 'ledger-table')
  const sortHead = (key, text) =>
    h(
      'th',
      {
        class: 'sortable',
        'data-sort': key,
        onclick: () => {
          const next = new URLSearchParams(q)
          next.set('order', q.get('sort') === key && q.get('order') !== 'desc' ? 'desc' : 'asc')
          next.set('sort', key)
          next.delete('page')
          go('ledger', next)
        },
      },
      text,
      q.get('sort') === key ? (q.get('order') === 'desc' ? ' ↓' : ' ↑') : '',
    )
  const heads = t.heads.map((x) => {
    const key = Object.keys(SORTS).find((k) => SORTS[k] === x)
    return key ? sortHead(key, x) : x
  })
  show(
    h('h1', {}, '隐患台账'),
    filters,
    h(
      'div',
      { class: 'row', style: undefined },
      h('span', { 'data-testid': 'ledger-total' }, `共 ${r.total} 条`),
      h('a', { class: 'button secondary', href: `/api/ledger/export.xlsx?${exportQs}`, download: '', 'data-testid': 'export-xlsx' }, '导出 Excel'),
      h('a', { class: 'button secondary', href: `/api/ledger/export.csv?${exportQs}`, download: '', 'data-testid': 'export-csv' }, '导出 CSV'),
    ),
    r.items.length ? tableOf(heads, t.rows, t.testid, 'stack') : h('p', { class: 'hint', 'data-testid': 'ledger-empty' }, '没有符合条件的隐患'),
    pager('ledger', q, r),
  )
}

export default function render({ query }) {
  return ledger(query)
}
