// 规划目标: the plan targets and milestones with evidence (the plan files on pages/plans.js).  API: GET /api/plan/targets, POST /api/plan/milestones
import { h, show, errorBox, select, field } from '../lib/dom.js'
import { api } from '../lib/api.js'
import { session } from '../lib/session.js'
import { tableOf } from '../lib/table.js'
import { go } from '../lib/router.js'
import { base64Of } from '../lib/upload.js'

function milestoneForm(milestones, done) {
  const msg = h('div', { 'data-testid': 'milestone-result' })
  return h(
    'form',
    {
      class: 'edit',
      'data-testid': 'milestone-form',
      onsubmit: async (e) => {
        e.preventDefault()
        const form = e.target
        const file = form.evidence.files[0]
        if (!file) return msg.replaceChildren(errorBox(new Error('请选择证明材料文件')))
        const [targetKey, year] = form.stage.value.split('.')
        const button = form.querySelector('button')
        button.disabled = true
        try {
          const evidence = { name: file.name, mime: file.type || 'application/octet-stream', base64: await base64Of(file) }
          await api('POST', '/api/plan/milestones', { targetKey, year: Number(year), achievedOn: form.achievedOn.value, title: form.title.value, evidence })
          await done(`已登记里程碑：${form.title.value}`)
        } catch (err) {
          msg.replaceChildren(errorBox(err))
          button.disabled = false
        }
      },
    },
    h('strong', {}, '登记里程碑（须附证明材料）'),
    field('目标阶段', select('stage', milestones.map((t) => ({ value: t.key, label: t.title })), '')),
    field('完成日期', h('input', { type: 'date', name: 'achievedOn', required: true, 'data-testid': 'milestone-date' })),
    field('名称（如文件名称、文号）', h('input', { name: 'title', required: true, minlength: 2, maxlength: 200, 'data-testid': 'milestone-title' })),
    field('证明材料（文件或照片，10MB 以内）', h('input', { type: 'file', name: 'evidence', required: true, 'data-testid': 'milestone-file' })),
    h('button', { type: 'submit', 'data-testid': 'milestone-save' }, '登记'),
    msg,
  )
}

async function targetsPage(query, notice) {
  const at = query.get('at') || ''
  const chosen = query.get('plan') || ''
  const r = await api('GET', `/api/plan/targets?${new URLSearchParams([...(at ? [['at', at]] : []), ...(chosen ? [['plan', chosen]] : [])])}`)
  const pct = (x) => `${Math.round(x * 100)}%`
  const milestones = r.targets.filter((t) => t.kind === 'milestone')
  const slot = h('div')
  const reload = (text) => targetsPage(query, text)
  show(
    h('h1', {}, '规划目标'),
    h('p', {}, h('a', { href: '#/plans', 'data-testid': 'plans-link' }, '规划文件（上传、启用、停用）→')),
    notice ? h('p', { class: 'notice', 'data-testid': 'notice' }, notice) : null,
    h(
      'form',
      { class: 'filters panel', 'data-testid': 'targets-filters', onsubmit: (e) => (e.preventDefault(), go('targets', new URLSearchParams(new FormData(e.target)))) },
      field(
        '规划',
        select('plan', r.plans.map((p) => ({ value: p.key, label: `${p.title}${p.active ? '' : '（未启用）'}` })), r.plan.key),
      ),
      field(
        '截至日期',
        h('input', { type: 'date', name: 'at', value: r.at, required: true, 'data-testid': 'targets-at', onchange: (e) => e.target.value && go('targets', new URLSearchParams({ at: e.target.value, plan: r.plan.key })) }),
      ),
      h('button', { type: 'submit', 'data-testid': 'targets-search' }, '查看'),
      session.me.can['plan.milestone'] ? h('button', { type: 'button', class: 'secondary', 'data-testid': 'milestone-new', onclick: () => slot.replaceChildren(milestoneForm(milestones, reload)) }, '登记里程碑') : null,
    ),
    h(
      'p',
      { class: 'hint', 'data-testid': 'targets-as-of' },
      `截至 ${r.at}。状态：进度落后于时间进度 20 个百分点以上为“有风险”；期限过后按期限当天的完成情况判定。里程碑只认附了证明材料的登记。`,
      session.me.townshipName ? `责任制和培训按${session.me.townshipName}统计，里程碑和专项检查为全市。` : '',
    ),
    slot,
    tableOf(
      ['目标', '进度', '期限', '状态', '证明材料'],
      r.targets.map((t) =>
        h(
          'tr',
          { 'data-testid': 'target-row', 'data-key': t.key, 'data-status': t.status },
          h('td', { class: 'text title' }, t.title),
          h(
            'td',
            { 'data-testid': 'target-progress', 'data-label': '进度' },
            t.kind === 'milestone' ? (t.done ? '已完成' : '未完成') : `${t.done} / ${t.required}（${t.required ? pct(t.progress) : '无统计对象'}）`,
            h('progress', { class: 'bar', max: 1, value: t.progress }),
            h('span', { class: 'hint' }, `时间已过 ${pct(t.elapsed)}`),
          ),
          h('td', { 'data-label': '期限' }, t.deadline),
          h('td', { 'data-label': '状态' }, h('span', { class: `tag target-${t.status}`, 'data-testid': 'target-status' }, t.statusLabel)),
          h(
            'td',
            { class: 'text', 'data-testid': 'target-evidence', 'data-label': '证明材料' },
            t.kind !== 'milestone'
              ? h('span', { class: 'hint' }, '按记录统计')
              : t.evidence.length
                ? h(
                    'ul',
                    { class: 'evidence' },
                    t.evidence.map((m) =>
                      h(
                        'li',
                        { 'data-testid': 'evidence-item' },
                        h('a', { href: `/api/attachments/${m.evidenceSha256}`, target: '_blank', rel: 'noopener', 'data-testid': 'evidence-link' }, m.title),
                        ` ${m.achievedOn}`,
                        m.evidenceName ? h('div', { class: 'hint' }, m.evidenceName) : null,
                      ),
                    ),
                  )
                : h('span', { class: 'hint' }, '未登记'),
          ),
        ),
      ),
      'targets-table',
      'stack',
    ),
  )
}

export default function render({ query }) {
  return targetsPage(query)
}
