// 操作日志.  API: GET /console/api/audit
import { h, show, fmtTime, field } from '../lib/dom.js'
import { api } from '../lib/api.js'
import { tableOf, pager } from '../lib/table.js'
import { go } from '../lib/router.js'

async function auditPage(query) {
  const q = new URLSearchParams(query)
  const r = await api('GET', `/console/api/audit?${q}`)
  show(
    h('h1', {}, '操作日志'),
    h(
      'form',
      { class: 'filters panel', 'data-testid': 'audit-filters', onsubmit: (e) => (e.preventDefault(), go('audit', new URLSearchParams(new FormData(e.target)))) },
      field('操作（前缀，如 hazard.）', h('input', { name: 'action', value: q.get('action') || '' })),
      field('操作人', h('input', { name: 'actor', value: q.get('actor') || '' })),
      field('对象类型', h('input', { name: 'targetType', value: q.get('targetType') || '' })),
      field('对象', h('input', { name: 'targetId', value: q.get('targetId') || '' })),
      field('自', h('input', { type: 'date', name: 'from', value: q.get('from') || '' })),
      field('至', h('input', { type: 'date', name: 'to', value: q.get('to') || '' })),
      h('button', { type: 'submit' }, '查询'),
    ),
    h('p', {}, `共 ${r.total} 条`),
    tableOf(
      ['时间', '操作人', '操作', '对象', '详情'],
      r.items.map((a) =>
        h(
          'tr',
          { 'data-testid': 'audit-row' },
          h('td', {}, fmtTime(a.at)),
          h('td', {}, a.actorName),
          h('td', {}, a.action),
          h('td', {}, a.targetType ? `${a.targetType} ${a.targetId || ''}` : ''),
          h('td', { class: 'text' }, a.detail ? JSON.stringify(a.detail) : ''),
        ),
      ),
      'audit-table',
    ),
    pager('audit', q, r),
  )
}

export default function render({ query }) {
  return auditPage(query)
}
