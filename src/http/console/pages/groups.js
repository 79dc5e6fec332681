// 群: the groups and how each is reached.  API: GET /console/api/groups
import { h, show, fmtTime } from '../lib/dom.js'
import { api } from '../lib/api.js'
import { tableOf } from '../lib/table.js'
import { industryLabel } from '../lib/labels.js'

async function groupsPage() {
  const list = await api('GET', '/console/api/groups')
  show(
    h('h1', {}, '群'),
    tableOf(
      ['群名', '渠道', '登记', '范围', '行业', '推送机器人', '登记时间'],
      list.map((g) =>
        h(
          'tr',
          { 'data-testid': 'group-row' },
          h('td', { class: 'text' }, g.name),
          h('td', {}, g.channel),
          h('td', {}, g.registered ? '已登记' : h('span', { class: 'hint' }, '未登记')),
          h('td', {}, g.registered ? g.townshipName || '全市' : ''),
          h('td', {}, g.industries.map(industryLabel).join('、') || (g.registered ? '全部' : '')),
          h('td', {}, g.webhook ? '有' : ''),
          h('td', {}, fmtTime(g.registeredAt)),
        ),
      ),
      'group-table',
    ),
  )
}

export default function render() {
  return groupsPage()
}
