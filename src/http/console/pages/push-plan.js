// 推送计划: what the scheduler will send in the next 14 days, to how many groups, through which account; the
// outbox by status with the reason of each failure, and a retry for dead messages.
// API: GET /api/push-plan, GET /api/outbox?status=, POST /api/outbox/:id/retry
import { h, show, fmtTime, errorBox, noticeBox } from '../lib/dom.js'
import { get, post } from '../lib/api.js'
import { can } from '../lib/session.js'
import { dataTable } from '../lib/table.js'

const STATUSES = [
  ['pending', '待发'],
  ['sending', '发送中'],
  ['sent', '已发送（近7天）'],
  ['dead', '发送失败（死信）'],
]
const PRIORITY = { 0: '回复', 1: '紧急', 2: '普通' }

function tabs(current) {
  return h(
    'nav',
    { class: 'tabs' },
    h('a', { href: '#/push-plan', class: current === 'plan' ? 'active' : undefined, 'data-testid': 'tab-plan' }, '推送计划'),
    h('a', { href: '#/push-plan/outbox', class: current === 'outbox' ? 'active' : undefined, 'data-testid': 'tab-outbox' }, '待发队列'),
  )
}

async function plan() {
  const items = await get('/api/push-plan', { days: 14 })
  show(
    h('h1', {}, '推送计划'),
    tabs('plan'),
    h('p', { class: 'hint' }, '今后14天定时任务会发的内容（重点时段和节前值班表只在当天列出），以及定时通知。个人提醒（督办、回执）按各人情况发送，不列出。'),
    dataTable(
      [
        { title: '时间', cell: (p) => fmtTime(p.at), sort: (p) => p.at },
        { title: '内容', cell: (p) => [h('strong', {}, p.title), h('div', { class: 'text' }, p.text)], cls: 'text title' },
        { title: '发到', cell: (p) => (p.group ? p.group : `${p.groups} 个群`) },
        { title: '账号', cell: (p) => p.accounts.map((a) => `${a.account}（${a.groups}）`).join('、') },
        { title: '问题', cell: (p) => (p.problem ? h('span', { class: 'tag bad', 'data-testid': 'plan-problem' }, p.problem) : '') },
      ],
      items,
      { testid: 'plan-table', rowTestid: 'plan-row', rowAttrs: (p) => ({ 'data-job': p.job }), stack: true, pageSize: 50, empty: '今后14天没有定时推送' },
    ),
  )
}

async function outbox(query, notice) {
  const status = query.get('status') || 'dead'
  const r = await get('/api/outbox', { status, limit: 200 })
  const msg = h('div')
  const retry = async (row, button) => {
    button.disabled = true
    try {
      await post(`/api/outbox/${row.id}/retry`)
      await outbox(query, `已重新排队：第 ${row.id} 条消息`)
    } catch (e) {
      msg.replaceChildren(errorBox(e))
      button.disabled = false
    }
  }
  show(
    h('h1', {}, '待发队列'),
    tabs('outbox'),
    notice ? noticeBox(notice) : null,
    h(
      'nav',
      { class: 'tabs', 'data-testid': 'outbox-statuses' },
      STATUSES.map(([s, text]) => h('a', { href: `#/push-plan/outbox?status=${s}`, class: s === status ? 'active' : undefined, 'data-testid': `status-${s}` }, `${text} ${r.counts[s] ?? 0}`)),
    ),
    msg,
    dataTable(
      [
        { title: '编号', cell: (o) => o.id, sort: (o) => o.id },
        { title: '群或人', cell: (o) => o.chatName || o.chatId, cls: 'text' },
        { title: '内容', cell: (o) => (o.text ? o.text : o.image ? '[图片]' : ''), cls: 'text' },
        { title: '账号', cell: (o) => `${o.channel} / ${o.account}` },
        { title: '优先级', cell: (o) => PRIORITY[o.priority] ?? o.priority },
        { title: '时间', cell: (o) => fmtTime(o.sentAt || o.nextAttemptAt || o.createdAt), sort: (o) => o.sentAt || o.nextAttemptAt || o.createdAt },
        { title: '尝试 / 原因', cell: (o) => [String(o.attempts), o.reason ? h('div', { class: 'text', 'data-testid': 'outbox-reason' }, o.reason) : null], cls: 'text' },
        {
          title: '',
          cell: (o) => (o.status === 'dead' && can('outbox.manage') ? h('button', { type: 'button', 'data-testid': 'outbox-retry', onclick: (e) => retry(o, e.target) }, '重发') : ''),
        },
      ],
      r.items,
      { testid: 'outbox-table', rowTestid: 'outbox-row', rowAttrs: (o) => ({ 'data-id': o.id }), stack: true, empty: '没有消息' },
    ),
  )
}

export default function render({ parts, query }) {
  return parts[1] === 'outbox' ? outbox(query) : plan()
}
