// 历史数据导入: the bureau's 2024–2026 Excel ledgers (hazards, special inspections, training sign-in sheets,
// self-checks, responsibility systems), each from its template, checked first, all-or-nothing, every bad row
// listed, rows already in the system skipped.  API: GET /api/import/templates/hazards.xlsx,
// GET /api/import/history/{kind}/template.xlsx and export.xlsx, POST /api/import/hazards, POST /api/import/history/{kind}
import { h, show, noticeBox, errorBox, select, field } from '../lib/dom.js'
import { upload, fileInput } from '../lib/upload.js'
import { dataTable } from '../lib/table.js'

const KINDS = [
  { value: 'hazards', label: '隐患台账', template: '/api/import/templates/hazards.xlsx', post: '/api/import/hazards' },
  { value: 'inspections', label: '专项检查' },
  { value: 'trainings', label: '培训签到' },
  { value: 'selfchecks', label: '自查记录' },
  { value: 'responsibility', label: '全员安全生产责任制' },
].map((k) => ({ template: `/api/import/history/${k.value}/template.xlsx`, post: `/api/import/history/${k.value}`, ...k }))

export default function render() {
  const result = h('div', { 'data-testid': 'history-result' })
  const input = fileInput('file', '选择 .xlsx 或 .csv 文件', { accept: '.xlsx,.csv', 'data-testid': 'history-file' })
  const kind = select('kind', KINDS, 'hazards')
  kind.setAttribute('data-testid', 'history-kind')
  const template = h('a', { href: KINDS[0].template, 'data-testid': 'history-template' }, `下载${KINDS[0].label}模板`)
  // the system's own records in the template's layout (hazards: the ledger export has that layout)
  const exportLink = h('a', { href: '/api/ledger/export.xlsx', 'data-testid': 'history-export' }, `导出系统里的${KINDS[0].label}`)
  const current = () => KINDS.find((k) => k.value === kind.value) || KINDS[0]
  kind.addEventListener('change', () => {
    template.setAttribute('href', current().template)
    template.textContent = `下载${current().label}模板`
    exportLink.setAttribute('href', current().value === 'hazards' ? '/api/ledger/export.xlsx' : `/api/import/history/${current().value}/export.xlsx`)
    exportLink.textContent = `导出系统里的${current().label}`
    result.replaceChildren()
  })
  const send = async (dryRun) => {
    const f = input.querySelector('input').files[0]
    if (!f) return result.replaceChildren(errorBox(new Error('请先选择文件')))
    try {
      const r = await upload(`${current().post}${dryRun ? '?dryRun=1' : ''}`, { file: f })
      result.replaceChildren(noticeBox(r.message))
    } catch (e) {
      const body = e.body || {}
      result.replaceChildren(
        errorBox(new Error(body.message || e.message)),
        body.errors?.length ? dataTable([{ title: '行', cell: (x) => String(x.row) }, { title: '问题', cell: (x) => x.message, cls: 'text' }], body.errors, { testid: 'history-errors', rowTestid: 'history-error' }) : null,
      )
    }
  }
  show(
    h('h1', {}, '历史数据导入'),
    h('p', {}, '导入系统上线前（2024–2026年）的台账：隐患、专项检查、培训签到、自查记录、责任制。先选种类、下载模板按列填写（隐患也可直接上传本系统导出的台账）。先点“只校验”看问题；整个文件全部通过才导入，有错时一条也不导入，并逐行列出问题。同一文件再导入，已有的记录跳过。导入的记录和系统里的记录一样计入统计和规划目标。'),
    h('div', { class: 'row' }, field('种类', kind), template, exportLink),
    h('div', { class: 'row' }, input, h('button', { type: 'button', class: 'secondary', 'data-testid': 'history-check', onclick: () => send(true) }, '只校验'), h('button', { type: 'button', 'data-testid': 'history-import', onclick: () => send(false) }, '导入')),
    result,
  )
}
