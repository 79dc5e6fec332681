// 行业协会: an association issues 自律倡议 / 风险提醒 (notices acknowledged with 收到) and 公益培训; the bureau may
// require approval.  API: GET/POST /api/association-issues, POST /api/association-issues/:id/decision,
// PUT /api/association-issues/approval
import { h, show, noticeBox, errorBox } from '../lib/dom.js'
import { get, post, put } from '../lib/api.js'
import { session, can } from '../lib/session.js'
import { dataTable } from '../lib/table.js'
import { formOf } from '../lib/form.js'

const KINDS = [
  { value: 'initiative', label: '自律倡议' },
  { value: 'risk_reminder', label: '风险提醒' },
  { value: 'training', label: '公益培训' },
]
const STATUS = { pending: '待审核', issued: '已发出', rejected: '退回' }
const when = (v) => (v ? new Date(v).toISOString() : undefined)

async function page(notice) {
  const r = await get('/api/association-issues')
  const slot = h('div')
  const msg = h('div')
  const issuer = can('association.issue')
  const approver = can('association.approve')
  const add = () =>
    slot.replaceChildren(
      formOf({
        title: '发布',
        testid: 'issue-form',
        fields: [
          { name: 'kind', label: '类型', type: 'select', required: true, options: KINDS, testid: 'issue-kind' },
          { name: 'title', label: '标题', required: true, min: 2, max: 60, testid: 'issue-title' },
          { name: 'body', label: '内容', type: 'textarea', required: true, min: 4, max: 1500, testid: 'issue-body' },
          { name: 'industries', label: '行业（不选为本协会的行业）', type: 'multi', options: session.opts.industries },
          { name: 'startsAt', label: '培训开始（公益培训）', type: 'datetime' },
          { name: 'endsAt', label: '培训结束（公益培训）', type: 'datetime' },
          { name: 'place', label: '培训地点（公益培训）', max: 100 },
        ],
        onSubmit: async (v) => {
          const x = await post('/api/association-issues', { kind: v.kind, title: v.title, body: v.body, industries: v.industries || [], startsAt: when(v.startsAt), endsAt: when(v.endsAt), place: v.place || undefined })
          await page(x.status === 'pending' ? '已提交，等待局里审核' : '已发出')
        },
      }),
    )
  const decide = async (i, decision) => {
    try {
      await post(`/api/association-issues/${i.id}/decision`, { decision })
      await page(decision === 'approve' ? '已通过并发出' : '已退回')
    } catch (e) {
      msg.replaceChildren(errorBox(e))
    }
  }
  const toggle = async () => {
    await put('/api/association-issues/approval', { required: !r.approvalRequired })
    await page(!r.approvalRequired ? '协会发布需先审核' : '协会发布不再需要审核')
  }
  show(
    h('h1', {}, '行业协会'),
    notice ? noticeBox(notice) : null,
    h('p', { 'data-testid': 'approval-state' }, r.approvalRequired ? '协会发布需经局里审核后发出。' : '协会发布直接发出。'),
    h('div', { class: 'row' }, issuer ? h('button', { type: 'button', 'data-testid': 'issue-new', onclick: add }, '发布') : null, approver ? h('button', { type: 'button', class: 'secondary', 'data-testid': 'approval-toggle', onclick: toggle }, r.approvalRequired ? '不再要求审核' : '要求先审核') : null),
    slot,
    msg,
    dataTable(
      [
        { title: '类型', cell: (i) => i.kindLabel },
        { title: '标题', cell: (i) => [i.title, h('div', { class: 'text hint' }, i.body)], cls: 'text title' },
        { title: '行业', cell: (i) => i.industryLabels.join('、') },
        { title: '发布', cell: (i) => i.issuedByName },
        { title: '状态', cell: (i) => h('span', { class: `tag ${i.status === 'rejected' ? 'bad' : ''}` }, STATUS[i.status] || i.status) },
        { title: '', cell: (i) => (approver && i.status === 'pending' ? [h('button', { type: 'button', 'data-testid': 'issue-approve', onclick: () => decide(i, 'approve') }, '通过'), h('button', { type: 'button', class: 'secondary', onclick: () => decide(i, 'reject') }, '退回')] : '') },
      ],
      r.items,
      { testid: 'issues-table', rowTestid: 'issue-row', stack: true, empty: '还没有发布' },
    ),
  )
}

export default function render() {
  return page()
}
