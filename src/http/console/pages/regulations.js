// 法规标准宣贯: the promotion series ships as drafts 待核; a bureau user checks each against the regulation, edits
// and confirms it; only confirmed items are pushed (weekly, or now).  API: GET /api/regulations,
// PUT /api/regulations/:id, POST /api/regulations/:id/push
import { h, show, noticeBox, errorBox } from '../lib/dom.js'
import { get, post, put } from '../lib/api.js'
import { can } from '../lib/session.js'
import { dataTable } from '../lib/table.js'
import { formOf } from '../lib/form.js'

async function page(notice) {
  const items = await get('/api/regulations')
  const slot = h('div')
  const msg = h('div')
  const manage = can('content.manage')
  const edit = (r) =>
    slot.replaceChildren(
      formOf({
        title: `核对：${r.regulation}`,
        testid: 'regulation-form',
        fields: [
          { name: 'title', label: '标题', required: true, min: 2, max: 60, value: r.title, testid: 'regulation-title' },
          { name: 'body', label: '内容', type: 'textarea', required: true, min: 10, max: 600, value: r.body, testid: 'regulation-body' },
          { name: 'confirmed', label: '已核对原文，确认可以推送', type: 'checkbox', value: r.status === 'confirmed', testid: 'regulation-confirm' },
        ],
        onSubmit: async (v) => {
          await put(`/api/regulations/${r.id}`, { title: v.title, body: v.body, status: v.confirmed ? 'confirmed' : 'draft' })
          await page(v.confirmed ? '已确认' : '已保存（待核）')
        },
      }),
    )
  const push = async (r) => {
    try {
      const x = await post(`/api/regulations/${r.id}/push`, {})
      await page(`已推送到 ${x.groups.length} 个群`)
    } catch (e) {
      msg.replaceChildren(errorBox(e))
    }
  }
  show(
    h('h1', {}, '法规标准宣贯'),
    h('p', { class: 'hint' }, '条目为系统自行编写的宣贯提示，发布前请对照原文核对、修改并确认；“待核”的条目不会推送。每周三推送下一条已确认的条目。'),
    notice ? noticeBox(notice) : null,
    slot,
    msg,
    dataTable(
      [
        { title: '法规标准', cell: (r) => r.regulation, cls: 'text' },
        { title: '标题', cell: (r) => [r.title, h('div', { class: 'text hint' }, r.body)], cls: 'text title' },
        { title: '行业', cell: (r) => (r.industryLabels.length ? r.industryLabels.join('、') : '全部') },
        { title: '状态', cell: (r) => h('span', { class: `tag ${r.status === 'draft' ? 'bad' : ''}` }, r.statusLabel), sort: (r) => r.status },
        { title: '', cell: (r) => (manage ? [h('button', { type: 'button', class: 'secondary', 'data-testid': 'regulation-edit', onclick: () => edit(r) }, '核对'), r.status === 'confirmed' ? h('button', { type: 'button', class: 'secondary', onclick: () => push(r) }, '推送') : null] : '') },
      ],
      items,
      { testid: 'regulations-table', rowTestid: 'regulation-row', stack: true, empty: '没有条目' },
    ),
  )
}

export default function render() {
  return page()
}
