// 自查清单: the self-check lists businesses answer in the chat (#自查 燃气), item by item.  API: GET /api/checklists
import { h, show, hint } from '../lib/dom.js'
import { get } from '../lib/api.js'
import { industryLabel } from '../lib/labels.js'
import { session } from '../lib/session.js'

const category = (v) => ((session.opts.categories || []).find((c) => c.value === v) || {}).label || v

async function page() {
  const lists = await get('/api/checklists')
  show(
    h('h1', {}, '自查清单'),
    h('p', {}, h('a', { href: '#/selfchecks' }, '← 返回自查')),
    hint('经营主体在群里发“#自查”加清单名里的词（如“#自查 燃气”），机器人逐项提问；回答“3、5不合格”，不合格项自动登记为隐患。'),
    lists.map((c) =>
      h(
        'section',
        { class: 'panel', 'data-testid': 'checklist', 'data-key': c.key },
        h('h2', {}, c.title),
        h('p', { class: 'hint' }, `适用行业：${c.industries.length ? c.industries.map(industryLabel).join('、') : '全部'}；触发词：${c.words.join('、') || '—'}；共 ${c.items.length} 项`),
        h('ol', { class: 'text' }, c.items.map((i) => h('li', { 'data-testid': 'checklist-item' }, i.text, h('span', { class: 'hint' }, ` 不合格记为：${category(i.category)}`)))),
      ),
    ),
  )
}

export default function render() {
  return page()
}
