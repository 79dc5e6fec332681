// 个人信息: a person's request under 个人信息保护法: everything held about them (shown as counts, downloaded as a
// file), and erasure (name, phone and chat identities anonymised; the hazard ledger kept). Admins only; both
// are audited.  API: GET /console/api/people, GET /api/people/:id/personal-data, POST /api/people/:id/erase
import { h, show, noticeBox, hint, label } from '../lib/dom.js'
import { get, post } from '../lib/api.js'
import { can, session } from '../lib/session.js'
import { formOf } from '../lib/form.js'

function saveJson(name, data) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }))
  const a = h('a', { href: url, download: name })
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

async function page(notice) {
  const people = await get('/console/api/people')
  const slot = h('div')
  const reload = (text) => page(text)
  const who = (p) => `${p.name}（${label(session.opts.roles, p.role)}${p.businesses.length ? ' · ' + p.businesses.map((b) => b.name).join('、') : p.townshipName ? ' · ' + p.townshipName : ''}）`
  const pick = h('select', { name: 'person', 'data-testid': 'privacy-person' }, h('option', { value: '' }, '（选择人员）'), people.map((p) => h('option', { value: p.id }, who(p))))
  const filter = h('input', {
    type: 'search',
    placeholder: '输入姓名或单位筛选',
    'data-testid': 'privacy-filter',
    oninput: () => {
      const q = filter.value.trim()
      for (const o of pick.options) if (o.value) o.hidden = !!q && !o.textContent.includes(q)
    },
  })
  const chosen = () => people.find((p) => String(p.id) === pick.value)
  const exportData = async () => {
    const p = chosen()
    if (!p) return slot.replaceChildren(h('p', { class: 'error', 'data-testid': 'error' }, '请先选择人员'))
    const d = await get(`/api/people/${p.id}/personal-data`)
    const rows = [
      ['单位', d.memberships.length],
      ['聊天身份', d.identities.length],
      ['绑定码', d.bindCodes.length],
      ['上报的隐患', d.hazardsReported.length],
      ['负责的隐患', d.hazardsResponsible.length],
      ['经手的记录', d.eventsActed.length],
      ['审计记录', d.auditEntries.length],
      ['发给机器人的消息', d.inboundMessages],
    ]
    slot.replaceChildren(
      h(
        'section',
        { class: 'panel', 'data-testid': 'privacy-summary' },
        h('strong', {}, `${d.person.name} 的个人信息`),
        h('ul', {}, rows.map(([k, n]) => h('li', {}, `${k}：${n}`))),
        h('button', { type: 'button', class: 'secondary', 'data-testid': 'privacy-download', onclick: () => saveJson(`个人信息-${p.id}.json`, d) }, '下载（交给本人）'),
      ),
    )
  }
  const eraseForm = () => {
    const p = chosen()
    if (!p) return slot.replaceChildren(h('p', { class: 'error', 'data-testid': 'error' }, '请先选择人员'))
    slot.replaceChildren(
      formOf({
        title: `删除 ${p.name} 的个人信息`,
        testid: 'erase-form',
        submit: '确认删除',
        fields: [
          { name: 'reason', label: '删除原因', required: true, min: 2, max: 200, placeholder: '如：本人申请', testid: 'erase-reason' },
          { name: 'sure', label: '我已核实申请人身份，确认删除（不能恢复）', type: 'checkbox', testid: 'erase-sure' },
        ],
        onSubmit: async (v) => {
          if (!v.sure) throw new Error('请勾选确认')
          await post(`/api/people/${p.id}/erase`, { reason: v.reason })
          await reload(`已删除人员 #${p.id} 的姓名、手机号和聊天身份，隐患台账保留`)
        },
      }),
    )
  }
  const run = (fn) => () => fn().catch((e) => slot.replaceChildren(h('p', { class: 'error', 'data-testid': 'error' }, e.message)))
  show(
    h('h1', {}, '个人信息'),
    notice ? noticeBox(notice) : null,
    hint('有人申请查阅或删除本人的个人信息时在这里办理。删除只匿名化姓名、手机号和聊天身份，隐患台账和办理记录保留。每次查阅和删除都记入操作日志。'),
    h('div', { class: 'panel filters' }, h('label', {}, '筛选', filter), h('label', {}, '人员', pick)),
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'button', 'data-testid': 'privacy-export', onclick: run(exportData) }, '查阅'),
      can('privacy.erase') ? h('button', { type: 'button', class: 'secondary', 'data-testid': 'privacy-erase', onclick: run(async () => eraseForm()) }, '删除') : null,
    ),
    slot,
  )
}

export default function render() {
  return page()
}
