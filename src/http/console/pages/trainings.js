// 培训: create a training (focus, target roles, townships, industries) that is announced in the groups; each one's
// check-in code, sign-ups and attendance; the year's coverage with the names still missing.
// API: GET/POST /api/trainings, GET /api/trainings/:code/roster, GET /api/trainings/coverage
import { h, show, fmtTime, noticeBox, today } from '../lib/dom.js'
import { get, post } from '../lib/api.js'
import { session, can } from '../lib/session.js'
import { dataTable } from '../lib/table.js'
import { formOf } from '../lib/form.js'

const AUDIENCE = { officials: '乡镇街安全管理人员', principals: '企业主要负责人', all: '全部' }
const pct = (x) => `${Math.round(x * 1000) / 10}%`
const instant = (v) => (v ? `${v.length === 16 ? v + ':00' : v}+08:00` : undefined)

function newForm(done) {
  return formOf({
    title: '新建培训（保存后发通知到目标群）',
    testid: 'training-form',
    submit: '新建并通知',
    fields: [
      { name: 'topic', label: '培训主题', required: true, min: 2, max: 100, testid: 'training-topic' },
      { name: 'startsAt', label: '开始时间', type: 'datetime', required: true, testid: 'training-starts' },
      { name: 'endsAt', label: '结束时间', type: 'datetime', required: true, testid: 'training-ends' },
      { name: 'place', label: '地点', max: 100 },
      { name: 'link', label: '线上链接（可选）', max: 300, pattern: '^https?://', patternMessage: '链接应以 http:// 或 https:// 开头' },
      { name: 'audience', label: '对象', type: 'select', required: true, options: Object.entries(AUDIENCE).map(([value, label]) => ({ value, label })), value: 'principals' },
      { name: 'targetIndustries', label: '行业（不选为全部）', type: 'multi', options: session.opts.industries },
      { name: 'targetTownships', label: '乡镇街（不选为全市）', type: 'multi', options: session.opts.townships.map((t) => t.name) },
      { name: 'focus', label: '年度重点（可选）', max: 40 },
    ],
    onSubmit: async (v) => {
      const r = await post('/api/trainings', {
        topic: v.topic,
        startsAt: instant(v.startsAt),
        endsAt: instant(v.endsAt),
        place: v.place || undefined,
        link: v.link || undefined,
        audience: v.audience,
        targetIndustries: v.targetIndustries,
        targetTownships: v.targetTownships,
        focus: v.focus || undefined,
      })
      await done(`已新建培训 ${r.code}，签到码 ${r.checkinCode}，已通知 ${r.notifiedGroups} 个群`)
    },
  })
}

async function list(query, notice) {
  const year = Number(query.get('year') || today().slice(0, 4))
  const [items, cov] = await Promise.all([get('/api/trainings'), get('/api/trainings/coverage', { year })])
  const slot = h('div')
  const part = (title, p, testid) =>
    h(
      'div',
      { class: 'panel', 'data-testid': testid },
      h('strong', {}, `${title}：${p.trained} / ${p.total}（${pct(p.rate)}）`),
      p.missing.length ? h('details', {}, h('summary', {}, `未参训 ${p.missing.length} 人`), h('p', { class: 'text', 'data-testid': `${testid}-missing` }, p.missing.map((m) => m.name + (m.business ? `（${m.business}）` : '')).join('、'))) : h('p', { class: 'hint' }, '已全员覆盖'),
    )
  show(
    h('h1', {}, '培训'),
    notice ? noticeBox(notice) : null,
    can('programme.manage') ? h('div', { class: 'row' }, h('button', { type: 'button', 'data-testid': 'training-new', onclick: () => slot.replaceChildren(newForm((text) => list(query, text))) }, '新建培训')) : null,
    slot,
    h('h2', {}, `${year} 年覆盖率（已办培训 ${cov.trainings} 场）`),
    h('div', { class: 'cards' }, part('乡镇街安全管理人员', cov.officials, 'coverage-officials'), part('企业主要负责人', cov.principals, 'coverage-principals'), cov.focus ? part(`年度重点：${cov.focus.label}`, cov.focus.principals, 'coverage-focus') : null),
    h('h2', {}, '培训列表'),
    dataTable(
      [
        { title: '编号', cell: (t) => h('a', { href: `#/trainings/${t.code}`, 'data-testid': 'training-link' }, t.code), sort: (t) => t.id },
        { title: '主题', cell: (t) => t.topic, cls: 'text title', sort: (t) => t.topic },
        { title: '时间', cell: (t) => `${fmtTime(t.startsAt)} 至 ${fmtTime(t.endsAt)}`, sort: (t) => t.startsAt },
        { title: '对象', cell: (t) => AUDIENCE[t.audience] || t.audience },
        { title: '签到码', cell: (t) => h('strong', { 'data-testid': 'checkin-code' }, t.checkinCode) },
      ],
      items,
      { testid: 'trainings-table', rowTestid: 'training-row', rowAttrs: (t) => ({ 'data-code': t.code }), stack: true, empty: '还没有培训' },
    ),
  )
}

async function roster(code) {
  const r = await get(`/api/trainings/${encodeURIComponent(code)}/roster`)
  const t = r.training
  show(
    h('p', {}, h('a', { href: '#/trainings' }, '← 返回培训')),
    h('h1', { 'data-testid': 'training-title' }, `${t.code} ${t.topic}`),
    h(
      'div',
      { class: 'panel figures' },
      h('span', {}, `时间 ${fmtTime(t.startsAt)} 至 ${fmtTime(t.endsAt)}`),
      h('span', {}, '签到码 ', h('strong', { 'data-testid': 'checkin-code' }, t.checkinCode)),
      h('span', { 'data-testid': 'roster-figures' }, `报名 ${r.signedUp} 人，签到 ${r.attended} 人`),
    ),
    h('p', { class: 'hint' }, `群里报名：#报名 ${t.code}；到场签到：#签到 ${t.code} ${t.checkinCode}`),
    dataTable(
      [
        { title: '姓名', cell: (p) => p.name, sort: (p) => p.name, cls: 'title' },
        { title: '单位', cell: (p) => p.business || '', cls: 'text' },
        { title: '报名', cell: (p) => fmtTime(p.signedUpAt), sort: (p) => p.signedUpAt },
        { title: '签到', cell: (p) => (p.attendedAt ? fmtTime(p.attendedAt) : h('span', { class: 'tag warn' }, '未签到')), sort: (p) => p.attendedAt || '' },
      ],
      r.people,
      { testid: 'roster-table', rowTestid: 'roster-row', stack: true, empty: '还没有人报名' },
    ),
  )
}

export default function render({ parts, query }) {
  return parts[1] ? roster(parts[1]) : list(query)
}
