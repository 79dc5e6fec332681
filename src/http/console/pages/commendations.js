// 通报表扬: every business with the reason it may or may not be commended (no overdue hazards, this year's
// self-check done, not on the exclusion list); publish a commendation to the groups.
// API: GET /api/commendations/candidates, POST /api/commendations
import { h, show, noticeBox, errorBox } from '../lib/dom.js'
import { get, post } from '../lib/api.js'
import { can } from '../lib/session.js'
import { industryLabel } from '../lib/labels.js'
import { dataTable } from '../lib/table.js'

const why = (c) =>
  c.commendable
    ? '无逾期隐患，今年已完成自查'
    : c.excluded
      ? `不予政策支持：${c.exclusionReasons.join('；')}`
      : c.overdueHazards
        ? `有 ${c.overdueHazards} 条逾期隐患`
        : '今年未完成自查'

async function page(notice) {
  const list = await get('/api/commendations/candidates')
  const chosen = new Set()
  const publish = can('commendation.publish')
  const msg = h('div')
  const title = h('input', { name: 'title', maxlength: 100, value: '安全生产自查自改先进单位', 'data-testid': 'commendation-title' })
  const send = async (e) => {
    e.target.disabled = true
    try {
      if (!chosen.size) throw new Error('请先勾选要表扬的单位')
      await post('/api/commendations', { title: title.value, businessIds: [...chosen] })
      await page(`已发布通报表扬：${chosen.size} 家单位`)
    } catch (err) {
      msg.replaceChildren(errorBox(err))
      e.target.disabled = false
    }
  }
  show(
    h('h1', {}, '通报表扬'),
    notice ? noticeBox(notice) : null,
    h('p', { class: 'hint' }, `可表扬 ${list.filter((c) => c.commendable).length} 家 / 共 ${list.length} 家。条件：没有逾期隐患、今年完成过自查、不在不予政策支持名单上。`),
    publish ? h('div', { class: 'row panel' }, h('label', {}, '标题', title), h('button', { type: 'button', 'data-testid': 'commendation-publish', onclick: send }, '发布到各群')) : null,
    msg,
    dataTable(
      [
        {
          title: '',
          cell: (c) =>
            publish && c.commendable
              ? h('input', { type: 'checkbox', 'aria-label': `选择${c.name}`, 'data-testid': 'commendation-pick', onchange: (e) => (e.target.checked ? chosen.add(c.businessId) : chosen.delete(c.businessId)) })
              : '',
        },
        { title: '单位', cell: (c) => c.name, sort: (c) => c.name, cls: 'text title' },
        { title: '行业', cell: (c) => industryLabel(c.industry), sort: (c) => c.industry },
        { title: '可否表扬', cell: (c) => h('span', { class: `tag ${c.commendable ? 'ok' : 'bad'}`, 'data-testid': 'commendation-eligible' }, c.commendable ? '可以' : '不可'), sort: (c) => (c.commendable ? 0 : 1) },
        { title: '原因', cell: (c) => why(c), cls: 'text' },
      ],
      list,
      { testid: 'candidates-table', rowTestid: 'candidate-row', rowAttrs: (c) => ({ 'data-name': c.name }), stack: true, pageSize: 50 },
    ),
  )
}

export default function render() {
  return page()
}
