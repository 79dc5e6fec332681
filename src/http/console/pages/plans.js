// 规划文件: the plans the targets are counted against, as data. Everyone who reads the targets sees the list and
// each plan's targets; admins upload a new plan file (JSON, checked in full before it is saved), replace one, and
// start or stop using it.  API: GET /api/plans, GET /api/plans/:key, POST /api/plans, PUT /api/plans/:key,
// PATCH /api/plans/:key
import { h, show, noticeBox, hint, fmtTime } from '../lib/dom.js'
import { get, post, put, patch } from '../lib/api.js'
import { can } from '../lib/session.js'
import { dataTable } from '../lib/table.js'
import { formOf } from '../lib/form.js'

const KINDS = { share: '覆盖比例', count: '次数', milestone: '里程碑', rate: '比率' }

/** the plan file a clerk picked, read as JSON, with the problem said in Chinese when it is not */
async function planFileOf(file) {
  if (!file) throw new Error('请选择规划文件（.json）')
  if (file.size > 1024 * 1024) throw new Error('规划文件超过 1MB，不像是规划文件')
  try {
    return JSON.parse(await file.text())
  } catch {
    throw new Error(`“${file.name}”不是 JSON 格式的规划文件（格式见项目 db/plans/ 里的示例）`)
  }
}

function download(plan) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(plan, null, 2)], { type: 'application/json' }))
  const a = h('a', { href: url, download: `${plan.key}.json` })
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

async function detail(key, slot) {
  const plan = await get(`/api/plans/${encodeURIComponent(key)}`)
  slot.replaceChildren(
    h(
      'section',
      { class: 'panel', 'data-testid': 'plan-detail' },
      h('h2', {}, plan.title),
      hint(`${plan.issuer || ''} · ${plan.region || ''} · ${plan.from} 至 ${plan.to} · 共 ${plan.targets.length} 个目标`),
      h('div', { class: 'row' }, h('button', { type: 'button', class: 'secondary', 'data-testid': 'plan-download', onclick: () => download(plan) }, '下载规划文件')),
      dataTable(
        [
          { title: '目标', cell: (t) => t.title, cls: 'text title' },
          { title: '类型', cell: (t) => KINDS[t.kind] || t.kind },
          { title: '期限', cell: (t) => (t.stages ? t.stages.map((s) => `${s.year}：${s.title}`).join('；') : `${t.from || plan.from} 至 ${t.to || plan.to}`), cls: 'text' },
        ],
        plan.targets,
        { testid: 'plan-targets', rowTestid: 'plan-target', stack: true, pageSize: 50 },
      ),
    ),
  )
}

async function page(notice) {
  const plans = await get('/api/plans')
  const slot = h('div')
  const reload = (text) => page(text)
  const manage = can('admin.manage')
  const uploadForm = (p) =>
    slot.replaceChildren(
      formOf({
        title: p ? `替换规划文件：${p.title}` : '上传新规划文件',
        testid: 'plan-form',
        submit: p ? '替换' : '上传并启用',
        fields: [{ name: 'file', label: '规划文件（JSON）', type: 'file', accept: '.json,application/json', required: true, testid: 'plan-file', hint: p ? `文件里的编号（key）须为 ${p.key}` : '保存前逐项校验，有问题会全部列出' }],
        onSubmit: async (v) => {
          const body = await planFileOf(v.file)
          const r = p ? await put(`/api/plans/${encodeURIComponent(p.key)}`, body) : await post('/api/plans', body)
          await reload(`${p ? '已替换' : '已上传并启用'}：${r.title}（${r.targets} 个目标）`)
        },
      }),
    )
  const toggle = async (p) => {
    try {
      await patch(`/api/plans/${encodeURIComponent(p.key)}`, { active: !p.active })
      await reload(`${p.active ? '已停用' : '已启用'}：${p.title}`)
    } catch (e) {
      slot.replaceChildren(h('p', { class: 'error', 'data-testid': 'error' }, e.message))
    }
  }
  show(
    h('h1', {}, '规划文件'),
    h('p', {}, h('a', { href: '#/targets' }, '← 返回规划目标')),
    notice ? noticeBox(notice) : null,
    hint('规划目标页按“启用”的规划文件统计。新一轮规划印发后，由管理员按示例格式写成规划文件上传，旧规划可停用但保留。'),
    manage ? h('div', { class: 'row' }, h('button', { type: 'button', 'data-testid': 'plan-new', onclick: () => uploadForm(null) }, '上传新规划文件')) : null,
    slot,
    dataTable(
      [
        { title: '规划', cell: (p) => h('a', { href: '#', 'data-testid': 'plan-open', onclick: (e) => (e.preventDefault(), detail(p.key, slot)) }, p.title), sort: (p) => p.title, cls: 'text title' },
        { title: '期间', cell: (p) => `${p.from} 至 ${p.to}`, sort: (p) => p.from },
        { title: '目标数', cell: (p) => String(p.targets), sort: (p) => p.targets },
        { title: '状态', cell: (p) => h('span', { class: `tag ${p.active ? 'ok' : 'warn'}`, 'data-testid': 'plan-state' }, p.active ? '启用' : '停用') },
        { title: '来源', cell: (p) => `${p.source === 'bundled' ? '随系统提供' : '上传'}${p.updatedBy ? ' · ' + p.updatedBy : ''}${p.updatedAt ? ' ' + fmtTime(p.updatedAt) : ''}`, cls: 'text' },
        {
          title: '',
          cell: (p) =>
            manage
              ? h(
                  'div',
                  { class: 'row' },
                  h('button', { type: 'button', class: 'secondary', 'data-testid': 'plan-replace', onclick: () => uploadForm(p) }, '替换'),
                  h('button', { type: 'button', class: 'secondary', 'data-testid': 'plan-toggle', onclick: () => toggle(p) }, p.active ? '停用' : '启用'),
                )
              : '',
        },
      ],
      plans,
      { testid: 'plans-table', rowTestid: 'plan-row', rowAttrs: (p) => ({ 'data-key': p.key }), stack: true, empty: '还没有规划文件' },
    ),
  )
}

export default function render() {
  return page()
}
