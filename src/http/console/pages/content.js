// 内容库: safety tips, warning cases, period reminders and alert texts by industry and season; add, edit, retire,
// and a preview as it will read in a group chat.  API: GET/POST /api/content, PATCH /api/content/:id,
// POST /api/content/:id/retire, GET /api/calendar (the season names)
import { h, show, noticeBox, hint } from '../lib/dom.js'
import { get, post, patch } from '../lib/api.js'
import { session, can } from '../lib/session.js'
import { industryLabel } from '../lib/labels.js'
import { dataTable } from '../lib/table.js'
import { formOf } from '../lib/form.js'

const KINDS = { tip: '安全提示', case: '警示案例', period: '时段提醒', duty: '值班通知', alert: '预警文字' }
/** how a chat shows it: the push's head line, then the text */
const chatText = (i) => (i.kind === 'tip' ? `【安全提示】${i.title}\n${i.body}` : i.kind === 'case' ? `【警示案例】${i.title}\n${i.body}` : i.body)

function itemForm(item, seasons, done) {
  return formOf({
    title: item ? `修改：${item.title}` : '新增内容',
    testid: 'content-form',
    fields: [
      item ? null : { name: 'kind', label: '类型', type: 'select', required: true, options: [{ value: 'tip', label: '安全提示' }, { value: 'case', label: '警示案例' }], value: 'tip' },
      { name: 'title', label: '标题', required: true, max: 60, value: item?.title, testid: 'content-title' },
      { name: 'body', label: '正文（群里看到的文字）', type: 'textarea', required: true, min: 4, max: 2000, rows: 5, value: item?.body, testid: 'content-body' },
      { name: 'industries', label: '行业（不选为全部）', type: 'multi', options: session.opts.industries, value: item?.industries },
      { name: 'seasons', label: '季节或时段（不选为全年）', type: 'multi', options: seasons, value: item?.seasons },
    ].filter(Boolean),
    onSubmit: async (v) => {
      if (item) await patch(`/api/content/${item.id}`, { title: v.title, body: v.body, industries: v.industries, seasons: v.seasons })
      else await post('/api/content', { kind: v.kind, title: v.title, body: v.body, industries: v.industries, seasons: v.seasons })
      await done(item ? `已修改：${v.title}` : `已新增：${v.title}`)
    },
  })
}

async function page(query, notice) {
  const kind = query.get('kind') || 'tip'
  const [items, periods] = await Promise.all([get('/api/content', { kind }), get('/api/calendar')])
  const seasons = periods.map((p) => ({ value: p.key, label: p.name }))
  const seasonName = new Map(seasons.map((x) => [x.value, x.label]))
  const manage = can('content.manage')
  const slot = h('div')
  const reload = (text) => page(query, text)
  const preview = (i) => slot.replaceChildren(h('div', { class: 'panel', 'data-testid': 'content-preview' }, h('strong', {}, '群里看到的样子'), h('div', { class: 'preview' }, chatText(i))))
  const retire = async (i) => {
    await post(`/api/content/${i.id}/retire`)
    await reload(`已停用：${i.title}`)
  }
  show(
    h('h1', {}, '内容库'),
    notice ? noticeBox(notice) : null,
    h('nav', { class: 'tabs' }, Object.entries(KINDS).map(([k, text]) => h('a', { href: `#/content?kind=${k}`, class: k === kind ? 'active' : undefined, 'data-testid': `kind-${k}` }, text))),
    hint('安全提示和警示案例按群的行业和当前季节轮换推送；停用的不再推送。修改过的内容以后升级时不会被内置内容覆盖。'),
    manage ? h('div', { class: 'row' }, h('button', { type: 'button', 'data-testid': 'content-new', onclick: () => slot.replaceChildren(itemForm(null, seasons, reload)) }, '新增')) : null,
    slot,
    dataTable(
      [
        { title: '标题', cell: (i) => i.title, sort: (i) => i.title, cls: 'text title' },
        { title: '正文', cell: (i) => i.body, cls: 'text' },
        { title: '行业', cell: (i) => i.industries.map(industryLabel).join('、') || '全部' },
        { title: '季节', cell: (i) => i.seasons.map((x) => seasonName.get(x) || x).join('、') || '全年' },
        { title: '状态', cell: (i) => (i.active ? h('span', { class: 'tag ok' }, '使用中') : h('span', { class: 'tag' }, '已停用')), sort: (i) => (i.active ? 0 : 1) },
        {
          title: '',
          cell: (i) =>
            h(
              'div',
              { class: 'row' },
              h('button', { type: 'button', class: 'secondary', 'data-testid': 'content-preview-button', onclick: () => preview(i) }, '预览'),
              manage ? h('button', { type: 'button', class: 'secondary', 'data-testid': 'content-edit', onclick: () => slot.replaceChildren(itemForm(i, seasons, reload)) }, '修改') : null,
              manage && i.active ? h('button', { type: 'button', class: 'danger', 'data-testid': 'content-retire', onclick: () => retire(i) }, '停用') : null,
            ),
        },
      ],
      items,
      { testid: 'content-table', rowTestid: 'content-row', rowAttrs: (i) => ({ 'data-key': i.key }), stack: true, pageSize: 100, empty: '没有这类内容' },
    ),
  )
}

export default function render({ query }) {
  return page(query)
}
