// 自查: who has and has not done this month's self-check, each check's result, and the hazards its failed items
// became.  API: GET /api/selfchecks, GET /api/selfchecks/missing
import { h, show, fmtTime, hint } from '../lib/dom.js'
import { get } from '../lib/api.js'
import { session } from '../lib/session.js'
import { industryLabel } from '../lib/labels.js'
import { dataTable } from '../lib/table.js'

const STATUS = { open: '进行中', done: '已完成', abandoned: '未答完（已放弃）' }

async function page() {
  const [checks, missing] = await Promise.all([get('/api/selfchecks'), get('/api/selfchecks/missing')])
  const names = new Map((session.opts.businesses || []).map((b) => [b.id, b.name]))
  const towns = new Map(session.opts.townships.map((t) => [t.id, t.name]))
  const failed = (c) => Object.values(c.answers || {}).filter((v) => v === false).length
  show(
    h('h1', {}, '自查'),
    hint('经营主体在群里发“#自查 燃气”等，按清单逐项回答；不合格的项自动登记为隐患。每月20日提醒本月还未自查的单位。'),
    h('p', {}, h('a', { href: '#/checklists', 'data-testid': 'checklists-link' }, '查看自查清单 →')),
    h('h2', { 'data-testid': 'missing-title' }, `本月还未自查（${missing.length}）`),
    dataTable(
      [
        { title: '单位', cell: (b) => b.name, sort: (b) => b.name, cls: 'text title' },
        { title: '行业', cell: (b) => industryLabel(b.industry), sort: (b) => b.industry },
        { title: '乡镇街', cell: (b) => towns.get(b.townshipId) || '', sort: (b) => towns.get(b.townshipId) || '' },
      ],
      missing,
      { testid: 'missing-table', rowTestid: 'missing-row', stack: true, empty: '本月都已自查' },
    ),
    h('h2', {}, '最近的自查'),
    dataTable(
      [
        { title: '单位', cell: (c) => names.get(c.businessId) || `#${c.businessId}`, sort: (c) => names.get(c.businessId) || '', cls: 'text title' },
        { title: '清单', cell: (c) => c.title },
        { title: '状态', cell: (c) => STATUS[c.status] || c.status, sort: (c) => c.status },
        { title: '时间', cell: (c) => fmtTime(c.completedAt || c.startedAt), sort: (c) => c.completedAt || c.startedAt },
        {
          title: '结果',
          cell: (c) => (c.status === 'done' ? (failed(c) ? h('span', { class: 'tag bad' }, `${c.items.length}项中${failed(c)}项不合格`) : h('span', { class: 'tag ok' }, '全部合格')) : ''),
          sort: (c) => failed(c),
        },
        { title: '不合格项 → 隐患', cell: (c) => c.findings.map((f) => h('div', {}, h('a', { href: `#/hazard/${f.code}`, 'data-testid': 'finding-link' }, f.code), `（第${f.itemNo}项：${c.items[f.itemNo - 1] || ''}）`)), cls: 'text' },
      ],
      checks,
      { testid: 'selfchecks-table', rowTestid: 'selfcheck-row', rowAttrs: (c) => ({ 'data-business': names.get(c.businessId) || '' }), stack: true, empty: '还没有自查记录' },
    ),
  )
}

export default function render() {
  return page()
}
