// 历史数据导入: the bureau's 2024–2026 hazard ledgers from Excel (the template, or a ledger export), checked first,
// all-or-nothing, every bad row listed.  API: GET /api/import/templates/hazards.xlsx, POST /api/import/hazards
import { h, show, noticeBox, errorBox } from '../lib/dom.js'
import { upload, fileInput } from '../lib/upload.js'
import { dataTable } from '../lib/table.js'

export default function render() {
  const result = h('div', { 'data-testid': 'history-result' })
  const input = fileInput('file', '选择 .xlsx 或 .csv 文件', { accept: '.xlsx,.csv', 'data-testid': 'history-file' })
  const send = async (dryRun) => {
    const f = input.querySelector('input').files[0]
    if (!f) return result.replaceChildren(errorBox(new Error('请先选择文件')))
    try {
      const r = await upload(`/api/import/hazards${dryRun ? '?dryRun=1' : ''}`, { file: f })
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
    h('p', {}, '导入系统上线前（2024–2026年）的隐患台账。先下载模板按列填写，或直接上传本系统导出的台账。整个文件全部通过才导入，有错时一条也不导入，并逐行列出问题。'),
    h('p', {}, h('a', { href: '/api/import/templates/hazards.xlsx', 'data-testid': 'history-template' }, '下载隐患台账模板')),
    h('div', { class: 'row' }, input, h('button', { type: 'button', class: 'secondary', 'data-testid': 'history-check', onclick: () => send(true) }, '只校验'), h('button', { type: 'button', 'data-testid': 'history-import', onclick: () => send(false) }, '导入')),
    result,
  )
}
