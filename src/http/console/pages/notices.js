// 通知与提醒: write a notice, see who it reaches, send now or later; per notice who has and has not acknowledged,
// remind the rest, export the list.  API: GET/POST /api/notices, POST /api/notices/preview, GET /api/notices/:code,
// POST /api/notices/:code/remind, GET /api/notices/:code/export.csv, GET /console/api/groups
import { h, show, fmtTime, noticeBox, errorBox, hint, fill } from '../lib/dom.js'
import { get, post } from '../lib/api.js'
import { session, can } from '../lib/session.js'
import { dataTable } from '../lib/table.js'
import { formOf } from '../lib/form.js'
import { base64Of } from '../lib/upload.js'
import { go } from '../lib/router.js'

const STATUS = { sent: '已发出', sending: '发送中', scheduled: '定时', due: '待发' }
const statusTag = (s) => h('span', { class: `tag ${s === 'sent' ? 'ok' : 'warn'}` }, STATUS[s] || s)
const rate = (ack) => (ack ? `${ack.acknowledged} / ${ack.expected}${ack.rate === null ? '' : `（${ack.rate}%）`}` : '不需确认')

function targetsOf(v) {
  if (v.all) return { all: true }
  const t = {}
  if (v.townships.length) t.townships = v.townships
  if (v.industries.length) t.industries = v.industries
  if (v.groups.length) t.groups = v.groups
  return t
}
const hasTargets = (t) => t.all || Object.keys(t).length > 0
/** a datetime-local value read as Shanghai time */
const sendAtOf = (v) => (v ? `${v.length === 16 ? v + ':00' : v}+08:00` : undefined)

async function compose() {
  const groups = (await get('/console/api/groups')).filter((g) => g.registered)
  const reach = h('div', { class: 'panel', 'data-testid': 'notice-reach' }, hint('选择发送范围后，这里显示会发到多少个群、多少人。'))
  const form = formOf({
    title: '写通知或风险提示',
    testid: 'notice-form',
    submit: '发送',
    fields: [
      { name: 'text', label: '内容', type: 'textarea', required: true, min: 2, max: 2000, rows: 5, testid: 'notice-text' },
      { name: 'image', label: '图片（可选）', type: 'file', accept: 'image/png,image/jpeg,image/gif', testid: 'notice-image' },
      { name: 'all', label: '全市所有已登记的群', type: 'checkbox', testid: 'notice-all' },
      { name: 'townships', label: '乡镇街', type: 'multi', options: session.opts.townships.map((t) => t.name), testid: 'notice-townships' },
      { name: 'industries', label: '行业', type: 'multi', options: session.opts.industries, testid: 'notice-industries' },
      { name: 'groups', label: '指定群', type: 'multi', options: groups.map((g) => ({ value: g.name, label: `${g.name}${g.channel === 'wecom-robot' ? '（群机器人）' : ''}` })), testid: 'notice-groups' },
      { name: 'priority', label: '紧急程度', type: 'select', required: true, options: [{ value: 'normal', label: '普通（夜间 21:00–8:00 不发）' }, { value: 'urgent', label: '紧急（立即发）' }], value: 'normal' },
      { name: 'requiresAck', label: '要求回复“收到”', type: 'checkbox', value: true, testid: 'notice-ack' },
      { name: 'sendAt', label: '定时发送（不填为立即）', type: 'datetime', testid: 'notice-send-at' },
    ],
    onSubmit: async (v) => {
      const targets = targetsOf(v)
      if (!hasTargets(targets)) throw new Error('请选择发送范围：全市、乡镇街、行业或指定群')
      const body = { text: v.text, targets, priority: v.priority, requiresAck: v.requiresAck, sendAt: sendAtOf(v.sendAt) }
      if (v.image) body.image = { mime: v.image.type, base64: await base64Of(v.image) }
      const r = await post('/api/notices', body)
      go(`notices/${r.code}`)
      return `已${r.scheduled ? '定时' : '发出'}：${r.code}，共 ${r.groups.length} 个群`
    },
  })
  let timer = null
  let seq = 0
  const preview = async () => {
    const fd = new FormData(form)
    const v = { all: !!fd.get('all'), townships: fd.getAll('townships'), industries: fd.getAll('industries'), groups: fd.getAll('groups') }
    const targets = targetsOf(v)
    if (!hasTargets(targets)) return reach.replaceChildren(hint('选择发送范围后，这里显示会发到多少个群、多少人。'))
    const mine = ++seq
    try {
      const image = form.querySelector('input[name="image"]').files.length > 0
      const r = await post('/api/notices/preview', { targets, priority: fd.get('priority') || 'normal', sendAt: sendAtOf(fd.get('sendAt')), image })
      if (mine !== seq) return
      fill(reach,
        h(
          'p',
          { 'data-testid': 'reach-count' },
          `将发到 ${r.groupCount} 个群、约 ${r.people} 人`,
          r.robotOnly ? `；其中 ${r.robotOnly} 个群只有群机器人，能收到但无法回执` : '',
          '。',
        ),
        r.lastAt ? h('p', { class: 'hint', 'data-testid': 'reach-last' }, `按发送节奏，最后一个群约在 ${fmtTime(r.lastAt)} 收到。`) : null,
        dataTable(
          [
            { title: '群', cell: (g) => g.name, sort: (g) => g.name, cls: 'text' },
            { title: '范围', cell: (g) => g.township, sort: (g) => g.township },
            { title: '人数', cell: (g) => (g.robotOnly ? h('span', { class: 'tag warn' }, '无法回执') : g.members ?? '—'), sort: (g) => g.members ?? -1 },
          ],
          r.groups,
          { testid: 'reach-table', rowTestid: 'reach-row', pageSize: 10, empty: '没有符合条件的群' },
        ),
      )
    } catch (e) {
      if (mine === seq) reach.replaceChildren(errorBox(e))
    }
  }
  form.addEventListener('change', () => {
    clearTimeout(timer)
    timer = setTimeout(preview, 250)
  })
  show(h('p', {}, h('a', { href: '#/notices' }, '← 返回通知列表')), h('h1', {}, '新通知'), form, reach)
}

async function list() {
  const items = await get('/api/notices', { limit: 200 })
  show(
    h('h1', {}, '通知与提醒'),
    can('notice.send') ? h('div', { class: 'row' }, h('a', { class: 'button', href: '#/notices/new', 'data-testid': 'notice-new' }, '写通知')) : null,
    dataTable(
      [
        { title: '编号', cell: (n) => h('a', { href: `#/notices/${n.code}`, 'data-testid': 'notice-link' }, n.code), sort: (n) => Number(n.code.slice(1)) },
        { title: '内容', cell: (n) => n.text, cls: 'text title' },
        { title: '状态', cell: (n) => [statusTag(n.status), n.priority === 'urgent' ? h('span', { class: 'tag bad' }, '紧急') : null], sort: (n) => n.status },
        { title: '群', cell: (n) => n.deliveries.length, sort: (n) => n.deliveries.length },
        { title: '确认', cell: (n) => rate(n.ack), sort: (n) => (n.ack ? n.ack.rate ?? -1 : -2) },
        { title: '发送时间', cell: (n) => fmtTime(n.sendAt), sort: (n) => n.sendAt },
        { title: '发送人', cell: (n) => n.createdBy },
      ],
      items,
      { testid: 'notices-table', rowTestid: 'notice-row', rowAttrs: (n) => ({ 'data-code': n.code }), stack: true, empty: '还没有通知' },
    ),
  )
}

async function detail(code, notice) {
  const n = await get(`/api/notices/${encodeURIComponent(code)}`)
  const msg = h('div', { 'data-testid': 'notice-action-result' })
  const remind = async (e) => {
    e.target.disabled = true
    try {
      const r = await post(`/api/notices/${n.code}/remind`)
      await detail(code, r.groups ? `已在 ${r.groups} 个群里提醒未确认的人` : '没有需要提醒的人')
    } catch (err) {
      msg.replaceChildren(errorBox(err))
      e.target.disabled = false
    }
  }
  const t = n.timing
  show(
    h('p', {}, h('a', { href: '#/notices' }, '← 返回通知列表')),
    notice ? noticeBox(notice) : null,
    h('h1', { 'data-testid': 'notice-title' }, `通知 ${n.code} `, statusTag(n.status), n.priority === 'urgent' ? h('span', { class: 'tag bad' }, '紧急') : null),
    h('div', { class: 'panel' }, h('div', { class: 'preview', 'data-testid': 'notice-text' }, n.text), n.image ? h('p', {}, h('a', { href: n.image, target: '_blank', rel: 'noopener' }, '查看图片')) : null),
    h(
      'div',
      { class: 'panel figures', 'data-testid': 'notice-figures' },
      h('span', {}, '发到 ', h('strong', {}, n.deliveries.length), ' 个群'),
      h('span', {}, '已发出 ', h('strong', {}, n.deliveries.filter((d) => d.sentAt).length)),
      n.ack ? h('span', { 'data-testid': 'notice-rate' }, '已确认 ', h('strong', {}, rate(n.ack))) : h('span', {}, '不需确认'),
      t && t.lastAt ? h('span', { 'data-testid': 'notice-last' }, t.estimated ? `最后一个群预计 ${fmtTime(t.lastAt)} 收到（还有 ${t.waiting} 条在排队）` : `全部群已在 ${fmtTime(t.lastAt)} 前收到`) : null,
      h('span', { class: 'hint' }, `${fmtTime(n.createdAt)} ${n.createdBy}`),
    ),
    h(
      'div',
      { class: 'row' },
      n.ack && can('notice.send') ? h('button', { type: 'button', 'data-testid': 'notice-remind', onclick: remind }, '现在提醒未确认的人') : null,
      h('a', { class: 'button secondary', href: `/api/notices/${n.code}/export.csv`, download: '', 'data-testid': 'notice-export' }, '导出回执名单'),
    ),
    msg,
    h('h2', {}, '各群'),
    dataTable(
      [
        { title: '群', cell: (d) => d.group, sort: (d) => d.group, cls: 'text title' },
        { title: '发出', cell: (d) => (d.sentAt ? fmtTime(d.sentAt) : '未发'), sort: (d) => d.sentAt || '' },
        {
          title: '确认',
          cell: (d) => (d.robotOnly ? h('span', { class: 'tag warn', 'data-testid': 'no-receipt' }, '无法回执') : n.ack ? `${d.acknowledged} / ${d.expected}` : '—'),
          sort: (d) => (d.expected ? d.acknowledged / d.expected : -1),
        },
        { title: '已提醒', cell: (d) => (d.remindedAt && !d.robotOnly ? `${fmtTime(d.remindedAt)}（${d.remindedCount ?? 0} 人）` : '') },
      ],
      n.deliveries,
      { testid: 'deliveries-table', rowTestid: 'delivery-row', rowAttrs: (d) => ({ 'data-group': d.group }), stack: true },
    ),
    n.ack ? h('h2', {}, `未确认（${n.ack.nonAcknowledgers.length}）`) : null,
    n.ack
      ? dataTable(
          [
            { title: '群', cell: (m) => m.group, sort: (m) => m.group },
            { title: '姓名', cell: (m) => m.name, sort: (m) => m.name, cls: 'text' },
          ],
          n.ack.nonAcknowledgers,
          { testid: 'missing-table', rowTestid: 'missing-row', empty: '都已确认', stack: true },
        )
      : null,
    n.ack ? h('h2', {}, `已确认（${n.ack.acks.length}）`) : null,
    n.ack
      ? dataTable(
          [
            { title: '群', cell: (a) => a.group || '' },
            { title: '姓名', cell: (a) => a.name, sort: (a) => a.name, cls: 'text' },
            { title: '时间', cell: (a) => fmtTime(a.at), sort: (a) => a.at },
          ],
          n.ack.acks,
          { testid: 'acks-table', rowTestid: 'ack-row', empty: '还没有人确认', stack: true },
        )
      : null,
  )
}

export default function render({ parts }) {
  if (parts[1] === 'new') return compose()
  if (parts[1]) return detail(parts[1])
  return list()
}
