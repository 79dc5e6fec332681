// Labels and tags shared by the pages about hazards and businesses (words from GET /console/api/options).
import { h, label, fmtDate } from './dom.js'
import { session } from './session.js'

export const statusTag = (s) => h('span', { class: `tag ${s}` }, label(session.opts.statuses, s))
export const gradeTag = (g) => h('span', { class: `tag ${g}` }, label(session.opts.grades, g))
export const industryLabel = (v) => label(session.opts.industries, v)
export const townshipOptions = () => session.opts.townships.map((t) => ({ value: t.id, label: t.name }))
export const industryOptions = () => session.opts.industries

/** the ledger's columns for a list of hazards; on a phone each hazard is a card (tableOf(…, 'stack')) with labelled lines */
export function ledgerTable(items, testid) {
  const opts = session.opts
  const heads = ['编号', '状态', '等级', '类别', '单位', '乡镇街', '隐患描述', '负责人', '期限', '上报时间']
  const td = (i, attrs, ...children) => h('td', { 'data-label': i > 0 ? heads[i] : undefined, ...attrs }, ...children)
  const rows = items.map((i) =>
    h(
      'tr',
      { class: i.overdue ? 'overdue' : '', 'data-testid': 'ledger-row', 'data-code': i.code },
      td(0, { class: 'title' }, h('a', { href: `#/hazard/${i.code}`, 'data-testid': 'hazard-link' }, i.code)),
      td(1, {}, statusTag(i.status), i.overdue ? h('span', { class: 'tag overdue' }, '逾期') : null),
      td(2, {}, gradeTag(i.grade), i.listedSupervision ? h('span', { class: 'tag major' }, i.listedSupervision) : null),
      td(3, {}, label(opts.categories, i.category)),
      td(4, { class: 'text', 'data-testid': 'ledger-business' }, i.businessName || '待认定'),
      td(5, {}, i.townshipName || ''),
      td(6, { class: 'text', 'data-testid': 'ledger-description' }, i.description),
      td(7, {}, i.responsibleName || ''),
      td(8, {}, fmtDate(i.deadline)),
      td(9, {}, fmtDate(i.createdAt)),
    ),
  )
  return { heads, rows, testid }
}
