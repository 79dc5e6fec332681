// 责任制: the full-staff responsibility-system register by class (限上 / 其他) and township, with each deadline,
// what was submitted, and verification.  API: GET /api/responsibility, GET /api/responsibility/coverage,
// POST /api/responsibility/:id/verify
import { h, show, fmtTime, noticeBox, errorBox, hint } from '../lib/dom.js'
import { get, post } from '../lib/api.js'
import { can } from '../lib/session.js'
import { dataTable } from '../lib/table.js'

const STATUS = { not_started: ['未报送', 'warn'], revised: ['已修订待核验', ''], verified: ['已核验', 'ok'] }
const st = (s) => STATUS[s] || [s, '']
const pct = (x) => (x === null || x === undefined ? '—' : `${Math.round(x * 1000) / 10}%`)

async function page(query, notice) {
  const [rows, cov] = await Promise.all([get('/api/responsibility'), get('/api/responsibility/coverage')])
  const cls = query.get('class') || ''
  const msg = h('div')
  const verify = async (r, button) => {
    button.disabled = true
    try {
      await post(`/api/responsibility/${r.businessId}/verify`, {})
      await page(query, `已核验：${r.name}`)
    } catch (e) {
      msg.replaceChildren(errorBox(e))
      button.disabled = false
    }
  }
  const shown = rows.filter((r) => (cls === 'above' ? r.aboveQuota : cls === 'other' ? !r.aboveQuota : true))
  show(
    h('h1', {}, '责任制'),
    notice ? noticeBox(notice) : null,
    hint('全员安全生产责任制：限上单位 2024 年底前、其他单位 2025 年底前完成修订。单位在群里报送，监管人员核验。'),
    h(
      'div',
      { class: 'cards', 'data-testid': 'responsibility-coverage' },
      [
        ['限上单位', cov.byClass.aboveQuota],
        ['其他单位', cov.byClass.others],
      ].map(([name, c]) => h('div', { class: 'card' }, h('div', { class: 'n' }, pct(c.rate)), h('div', { class: 'l' }, `${name}：已核验 ${c.verified} / ${c.total}，待核验 ${c.revised}，逾期 ${c.late}（期限 ${c.deadline}）`))),
      cov.byTownship.map((t) => h('div', { class: 'card' }, h('div', { class: 'n' }, pct(t.rate)), h('div', { class: 'l' }, `${t.township}：已核验 ${t.verified} / ${t.total}，逾期 ${t.late}`))),
    ),
    h(
      'nav',
      { class: 'tabs' },
      [
        ['', '全部'],
        ['above', '限上单位'],
        ['other', '其他单位'],
      ].map(([k, text]) => h('a', { href: `#/responsibility${k ? '?class=' + k : ''}`, class: k === cls ? 'active' : undefined }, text)),
    ),
    msg,
    dataTable(
      [
        { title: '单位', cell: (r) => r.name, sort: (r) => r.name, cls: 'text title' },
        { title: '类别', cell: (r) => (r.aboveQuota ? '限上' : '其他'), sort: (r) => (r.aboveQuota ? 0 : 1) },
        { title: '乡镇街', cell: (r) => r.township || '', sort: (r) => r.township || '' },
        { title: '期限', cell: (r) => r.deadline, sort: (r) => r.deadline },
        { title: '状态', cell: (r) => [h('span', { class: `tag ${st(r.status)[1]}`, 'data-testid': 'responsibility-status' }, st(r.status)[0]), r.late ? h('span', { class: 'tag bad' }, '逾期') : null], sort: (r) => r.status },
        { title: '报送', cell: (r) => [fmtTime(r.submittedAt), r.attachmentSha256 ? h('div', {}, h('a', { href: `/api/attachments/${r.attachmentSha256}`, target: '_blank', rel: 'noopener' }, '查看文件')) : null] },
        { title: '核验', cell: (r) => (r.verifiedAt ? fmtTime(r.verifiedAt) : r.status === 'revised' && can('responsibility.verify') ? h('button', { type: 'button', 'data-testid': 'responsibility-verify', onclick: (e) => verify(r, e.target) }, '核验') : '') },
      ],
      shown,
      { testid: 'responsibility-table', rowTestid: 'responsibility-row', rowAttrs: (r) => ({ 'data-name': r.name }), stack: true },
    ),
  )
}

export default function render({ query }) {
  return page(query)
}
