// 事故登记: accidents by business, level and source; 较大及以上 or a recorded refusal to rectify puts the business
// on the 不予支持名单 by itself, a correction or deletion lifts it.  API: GET/POST /api/accidents, PUT/DELETE /api/accidents/:id
import { h, show, noticeBox, errorBox, today } from '../lib/dom.js'
import { get, post, put, api } from '../lib/api.js'
import { session, can } from '../lib/session.js'
import { dataTable } from '../lib/table.js'
import { formOf } from '../lib/form.js'

const LEVELS = [
  { value: 'general', label: '一般' },
  { value: 'larger', label: '较大' },
  { value: 'major', label: '重大' },
  { value: 'especially_major', label: '特别重大' },
]
const fields = (a = {}) => [
  { name: 'businessId', label: '单位', type: 'select', required: true, options: (session.opts.businesses || []).map((b) => ({ value: b.id, label: b.name })), value: a.businessId, testid: 'accident-business' },
  { name: 'occurredOn', label: '发生日期', type: 'date', required: true, value: a.occurredOn || today(), testid: 'accident-date' },
  { name: 'level', label: '等级', type: 'select', required: true, options: LEVELS, value: a.level, testid: 'accident-level' },
  { name: 'description', label: '事故情况', type: 'textarea', required: true, min: 2, max: 500, value: a.description, testid: 'accident-description' },
  { name: 'sourceDepartment', label: '来源部门', required: true, min: 2, max: 60, value: a.sourceDepartment, testid: 'accident-department' },
  { name: 'sourceDocument', label: '文书编号', required: true, min: 2, max: 100, value: a.sourceDocument, testid: 'accident-document' },
  { name: 'refusedRectification', label: '拒绝整改造成严重不良影响', type: 'checkbox', value: a.refusedRectification },
]
const body = (v) => ({ businessId: Number(v.businessId), occurredOn: v.occurredOn, level: v.level, description: v.description, sourceDepartment: v.sourceDepartment, sourceDocument: v.sourceDocument, refusedRectification: !!v.refusedRectification })

async function page(notice) {
  const items = await get('/api/accidents')
  const slot = h('div')
  const msg = h('div')
  const manage = can('programme.manage')
  const edit = (a) =>
    slot.replaceChildren(
      formOf({
        title: a ? '更正事故记录' : '登记事故',
        testid: 'accident-form',
        fields: fields(a || {}),
        onSubmit: async (v) => {
          if (a) await put(`/api/accidents/${a.id}`, body(v))
          else await post('/api/accidents', body(v))
          await page(a ? '已更正' : '已登记')
        },
      }),
    )
  const remove = async (a) => {
    const why = window.prompt('删除原因（如：录入错误）')
    if (!why) return
    try {
      await api('DELETE', `/api/accidents/${a.id}`, { why })
      await page('已删除，自动列入的名单已解除')
    } catch (e) {
      msg.replaceChildren(errorBox(e))
    }
  }
  show(
    h('h1', {}, '事故登记'),
    h('p', { class: 'hint' }, '较大及以上事故，或记录了拒绝整改的，自动列入“不予支持名单”；更正或删除记录时自动解除。'),
    notice ? noticeBox(notice) : null,
    manage ? h('div', { class: 'row' }, h('button', { type: 'button', 'data-testid': 'accident-new', onclick: () => edit(null) }, '登记')) : null,
    slot,
    msg,
    dataTable(
      [
        { title: '日期', cell: (a) => a.occurredOn, sort: (a) => a.occurredOn },
        { title: '单位', cell: (a) => a.businessName, sort: (a) => a.businessName, cls: 'text title' },
        { title: '等级', cell: (a) => a.levelLabel },
        { title: '情况', cell: (a) => [a.description, h('div', { class: 'text hint' }, `${a.sourceDepartment} ${a.sourceDocument}`)], cls: 'text' },
        { title: '不予支持', cell: (a) => (a.excludes ? h('span', { class: 'tag bad' }, '已自动列入') : '') },
        { title: '', cell: (a) => (manage ? [h('button', { type: 'button', class: 'secondary', onclick: () => edit(a) }, '更正'), h('button', { type: 'button', class: 'secondary', onclick: () => remove(a) }, '删除')] : '') },
      ],
      items,
      { testid: 'accidents-table', rowTestid: 'accident-row', stack: true, empty: '没有事故记录' },
    ),
  )
}

export default function render() {
  return page()
}
