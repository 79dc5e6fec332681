// 督办任务: assign a task to officers (by name, township or section) with a deadline; each task's board of
// 未确认 / 已确认 / 已完成 / 逾期 with what each officer reported.  API: GET/POST /api/tasks, GET /api/tasks/:code
import { h, show, fmtTime } from '../lib/dom.js'
import { get, post } from '../lib/api.js'
import { session, can } from '../lib/session.js'
import { dataTable } from '../lib/table.js'
import { formOf } from '../lib/form.js'
import { go } from '../lib/router.js'

const STATUS = { assigned: ['未确认', 'warn'], acknowledged: ['已确认', ''], done: ['已完成', 'ok'], overdue: ['逾期', 'bad'] }
const tag = (s) => h('span', { class: `tag ${STATUS[s][1]}`, 'data-testid': 'assignee-status' }, STATUS[s][0])

function newForm() {
  return formOf({
    title: '派发督办任务（私聊送达承办人）',
    testid: 'task-form',
    submit: '派发',
    fields: [
      { name: 'text', label: '任务内容', type: 'textarea', required: true, min: 2, max: 2000, testid: 'task-text' },
      { name: 'deadline', label: '办结期限', type: 'date', required: true, testid: 'task-deadline' },
      { name: 'officers', label: '承办人姓名（多个用、或逗号分开）', max: 400, testid: 'task-officers' },
      { name: 'townships', label: '或：乡镇街的全部监管人员', type: 'multi', options: session.opts.townships.map((t) => t.name) },
      { name: 'sections', label: '或：负责这些行业的监管人员', type: 'multi', options: session.opts.industries },
    ],
    onSubmit: async (v) => {
      const officers = (v.officers || '').split(/[、,，\s]+/).filter(Boolean)
      if (!officers.length && !v.townships.length && !v.sections.length) throw new Error('请指定承办人：姓名、乡镇街或行业')
      const r = await post('/api/tasks', { text: v.text, deadline: v.deadline, officers: officers.length ? officers : undefined, townships: v.townships.length ? v.townships : undefined, sections: v.sections.length ? v.sections : undefined })
      go(`tasks/${r.code}`)
    },
  })
}

async function list() {
  const items = await get('/api/tasks', { limit: 200 })
  const slot = h('div')
  show(
    h('h1', {}, '督办任务'),
    can('task.assign') ? h('div', { class: 'row' }, h('button', { type: 'button', 'data-testid': 'task-new', onclick: () => slot.replaceChildren(newForm()) }, '派发任务')) : null,
    slot,
    dataTable(
      [
        { title: '编号', cell: (t) => h('a', { href: `#/tasks/${t.code}`, 'data-testid': 'task-link' }, t.code), sort: (t) => Number(t.code.slice(1)) },
        { title: '任务', cell: (t) => t.text, cls: 'text title' },
        { title: '期限', cell: (t) => [fmtTime(t.deadline), t.overdue ? h('span', { class: 'tag bad' }, '逾期') : null], sort: (t) => t.deadline },
        { title: '未确认', cell: (t) => t.summary.assigned, sort: (t) => t.summary.assigned },
        { title: '已确认', cell: (t) => t.summary.acknowledged },
        { title: '已完成', cell: (t) => `${t.summary.done} / ${t.summary.total}`, sort: (t) => t.summary.done / (t.summary.total || 1) },
        { title: '逾期', cell: (t) => t.summary.overdue, sort: (t) => t.summary.overdue },
      ],
      items,
      { testid: 'tasks-table', rowTestid: 'task-row', rowAttrs: (t) => ({ 'data-code': t.code }), stack: true, empty: '还没有督办任务' },
    ),
  )
}

async function board(code) {
  const t = await get(`/api/tasks/${encodeURIComponent(code)}`)
  const s = t.summary
  show(
    h('p', {}, h('a', { href: '#/tasks' }, '← 返回督办任务')),
    h('h1', { 'data-testid': 'task-title' }, `督办任务 ${t.code}`, t.overdue ? h('span', { class: 'tag bad' }, '逾期') : null),
    h('div', { class: 'panel' }, h('div', { class: 'preview' }, t.text), h('p', { class: 'hint' }, `期限 ${fmtTime(t.deadline)}，${fmtTime(t.createdAt)} ${t.createdBy} 派发`)),
    h('div', { class: 'panel figures', 'data-testid': 'task-summary' }, `未确认 ${s.assigned}　已确认 ${s.acknowledged}　已完成 ${s.done}　逾期 ${s.overdue}　共 ${s.total} 人`),
    h('p', { class: 'hint' }, '未完成的承办人在期限前和逾期后每天由机器人私聊提醒。'),
    dataTable(
      [
        { title: '承办人', cell: (a) => [a.name, a.reachable ? null : h('div', { class: 'hint' }, '未绑定聊天身份，无法私聊送达')], sort: (a) => a.name, cls: 'title' },
        { title: '状态', cell: (a) => tag(a.status), sort: (a) => a.status },
        { title: '确认时间', cell: (a) => fmtTime(a.ackAt) },
        { title: '完成', cell: (a) => (a.doneAt ? [fmtTime(a.doneAt), a.late ? h('span', { class: 'tag bad' }, '超期完成') : null] : '') },
        { title: '办理情况', cell: (a) => [a.doneNote || '', ...a.files.map((f, i) => h('div', {}, h('a', { href: f.url, target: '_blank', rel: 'noopener' }, `附件${i + 1}`)))], cls: 'text' },
      ],
      t.assignees,
      { testid: 'assignees-table', rowTestid: 'assignee-row', rowAttrs: (a) => ({ 'data-name': a.name }), stack: true },
    ),
  )
}

export default function render({ parts }) {
  return parts[1] ? board(parts[1]) : list()
}
