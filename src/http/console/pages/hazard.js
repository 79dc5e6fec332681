// One hazard: facts, photos, timeline and the officer's actions.  API: GET /console/api/hazards/:code, POST …/accept|verify|transfer|transfer-result
import { h, show, fmtDate, fmtTime, label, errorBox, select, field, formData } from '../lib/dom.js'
import { api } from '../lib/api.js'
import { session } from '../lib/session.js'
import { statusTag, gradeTag, industryLabel } from '../lib/labels.js'

async function hazard(codeText) {
  const d = await api('GET', `/console/api/hazards/${encodeURIComponent(codeText)}`)
  const msg = h('div', { 'data-testid': 'action-result' })
  const run = async (form, path, body) => {
    msg.replaceChildren()
    const buttons = form.querySelectorAll('button')
    buttons.forEach((b) => (b.disabled = true))
    try {
      const r = await api('POST', `/console/api/hazards/${d.code}/${path}`, body)
      await hazard(d.code)
      document.getElementById('app').prepend(h('p', { class: 'notice', 'data-testid': 'notice' }, `已办理：${d.code} 现为「${label(session.opts.statuses, r.status)}」`))
    } catch (e) {
      msg.append(errorBox(e))
      buttons.forEach((b) => (b.disabled = false))
    }
  }
  const forms = []
  if (d.actions.accept) {
    forms.push(
      h(
        'form',
        {
          'data-testid': 'accept-form',
          onsubmit: (e) => {
            e.preventDefault()
            const f = formData(e.target)
            run(e.target, 'accept', { deadline: f.deadline || null, responsible: f.responsible || null, business: f.business || null })
          },
        },
        h('strong', {}, '受理'),
        field('整改期限（不填按默认天数）', h('input', { type: 'date', name: 'deadline', 'data-testid': 'accept-deadline' })),
        field('负责人（不填为本人）', h('input', { name: 'responsible', maxlength: 40 })),
        d.businessId ? null : field('单位（待认定时必填）', select('business', (session.opts.businesses || []).map((b) => b.name), '', '请选择')),
        h('button', { type: 'submit', 'data-testid': 'accept' }, '受理'),
      ),
    )
  }
  if (d.actions.verify) {
    const opinion = h('textarea', { name: 'opinion', rows: 2, maxlength: 500, 'data-testid': 'verify-opinion' })
    const form = h(
      'form',
      { 'data-testid': 'verify-form', onsubmit: (e) => e.preventDefault() },
      h('strong', {}, '验收'),
      field('意见（不通过时必填）', opinion),
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'button', 'data-testid': 'verify-pass', onclick: () => run(form, 'verify', { passed: true, opinion: opinion.value || null }) }, '通过（销号）'),
        h('button', { type: 'button', class: 'danger', 'data-testid': 'verify-fail', onclick: () => run(form, 'verify', { passed: false, opinion: opinion.value || null }) }, '不通过（退回整改）'),
      ),
    )
    forms.push(form)
  }
  if (d.actions.transfer) {
    forms.push(
      h(
        'form',
        {
          'data-testid': 'transfer-form',
          onsubmit: (e) => {
            e.preventDefault()
            const f = formData(e.target)
            run(e.target, 'transfer', { department: f.department, note: f.note || null })
          },
        },
        h('strong', {}, '移交执法部门'),
        field('部门', select('department', session.opts.departments, '')),
        field('说明', h('input', { name: 'note', maxlength: 500 })),
        h('button', { type: 'submit', class: 'secondary', 'data-testid': 'transfer' }, '移交'),
      ),
    )
  }
  if (d.actions.transferResult) {
    forms.push(
      h(
        'form',
        {
          'data-testid': 'transfer-result-form',
          onsubmit: (e) => {
            e.preventDefault()
            run(e.target, 'transfer-result', { result: formData(e.target).result })
          },
        },
        h('strong', {}, '登记移交结果'),
        field('处理结果', h('textarea', { name: 'result', rows: 2, required: true, minlength: 2, maxlength: 500 })),
        h('button', { type: 'submit', 'data-testid': 'transfer-result' }, '登记'),
      ),
    )
  }
  const photos = (stage, title) => {
    const list = d.photos.filter((p) => p.stage === stage)
    return h(
      'div',
      {},
      h('h2', {}, `${title}（${list.length}）`),
      list.length
        ? h('div', { class: 'photos', 'data-testid': `photos-${stage}` }, list.map((p) => h('figure', {}, h('a', { href: p.url, target: '_blank', rel: 'noopener' }, h('img', { src: p.url, alt: title, loading: 'lazy' })), h('figcaption', {}, fmtTime(p.at)))))
        : h('p', { class: 'hint' }, '无'),
    )
  }
  show(
    h('p', {}, h('a', { href: '#/ledger' }, '← 返回台账')),
    h('h1', { 'data-testid': 'hazard-title' }, `${d.code} `, statusTag(d.status), ' ', gradeTag(d.grade), d.overdue ? h('span', { class: 'tag overdue' }, '逾期') : null),
    h(
      'div',
      { class: 'panel' },
      h(
        'dl',
        { class: 'facts', 'data-testid': 'hazard-facts' },
        [
          ['单位', d.businessName || '待认定'],
          ['乡镇街', d.townshipName || ''],
          ['行业', industryLabel(d.industry)],
          ['类别', label(session.opts.categories, d.category)],
          ['隐患描述', d.description],
          ['地点', d.place || ''],
          ['上报人', `${d.reporterName}${d.reporterKind === 'public' ? '（群众举报）' : ''}`],
          ['上报时间', fmtTime(d.createdAt)],
          ['负责人', d.responsibleName || ''],
          ['整改期限', fmtDate(d.deadline)],
          ['整改措施', d.measures || ''],
          ['挂牌督办', d.listedSupervision || ''],
          ['专项行动', d.campaign || ''],
          ['移交部门', d.transferDepartment || ''],
          ['移交结果', d.transferResult || ''],
          ['销号时间', fmtTime(d.closedAt)],
        ].map(([k, v]) => [h('dt', {}, k), h('dd', { 'data-field': k }, v)]),
      ),
    ),
    forms.length ? h('div', { class: 'panel' }, h('h2', {}, '办理'), msg, h('div', { class: 'actions' }, forms)) : null,
    photos('report', '整改前照片'),
    photos('rectification', '整改后照片'),
    h('h2', {}, '经过'),
    h(
      'div',
      { class: 'panel' },
      h(
        'ol',
        { class: 'timeline', 'data-testid': 'timeline' },
        d.events.map((e) =>
          h(
            'li',
            { 'data-action': e.action },
            h('strong', {}, `${fmtTime(e.at)} ${e.actorName} ${session.opts.events[e.action] || e.action}`),
            e.toStatus && e.toStatus !== e.fromStatus ? ` → ${label(session.opts.statuses, e.toStatus)}` : '',
            e.data && e.data.deadline ? `，期限 ${fmtDate(e.data.deadline)}` : '',
            e.data && e.data.responsible ? `，负责人 ${e.data.responsible}` : '',
            e.data && e.data.department ? `，部门 ${e.data.department}` : '',
            e.note && e.action !== 'report' ? h('div', {}, e.note) : null,
          ),
        ),
      ),
    ),
  )
}

export default function render({ parts }) {
  return hazard(parts[1] || '')
}
