// 导入经营主体 from Excel/CSV.  API: POST /api/businesses/import
import { h, fill, show, errorBox } from '../lib/dom.js'
import { api } from '../lib/api.js'
import { tableOf } from '../lib/table.js'

function importPage() {
  const out = h('div', { 'data-testid': 'import-report' })
  const form = h(
    'form',
    {
      class: 'panel',
      'data-testid': 'import-form',
      onsubmit: async (e) => {
        e.preventDefault()
        const fd = new FormData()
        const file = e.target.file.files[0]
        if (!file) return
        fd.append('file', file)
        out.replaceChildren(h('p', { class: 'hint' }, '正在导入…'))
        const dry = e.target.dryRun.checked
        let r
        try {
          r = await api('POST', `/api/businesses/import${dry ? '?dryRun=1' : ''}`, fd)
        } catch (err) {
          if (!err.body || !Array.isArray(err.body.errors)) return out.replaceChildren(errorBox(err))
          r = err.body
        }
        const errors = r.errors || []
        fill(out,
          errors.length
            ? h('p', { class: 'error', 'data-testid': 'import-summary' }, `${r.message || `有 ${errors.length} 行有误，整批未导入`}。请改正后重新上传。`)
            : h('p', { class: 'notice', 'data-testid': 'import-summary' }, r.message || (dry ? '检查通过（未写入）' : `已导入 ${r.created} 家经营主体`)),
          errors.length ? tableOf(['行号', '问题'], errors.map((x) => h('tr', { 'data-testid': 'import-error' }, h('td', {}, x.row), h('td', { class: 'text' }, x.message))), 'import-errors') : null,
        )
      },
    },
    h('p', {}, '上传 Excel（.xlsx）或 CSV 文件，第一行为表头：单位名称、统一社会信用代码、行业、乡镇街、地址、限上单位。任一行有误则整个文件不导入，并逐行列出问题。'),
    h('div', { class: 'row' }, h('input', { type: 'file', name: 'file', accept: '.xlsx,.csv', required: true, 'data-testid': 'import-file' }), h('label', {}, '只检查不导入', h('input', { type: 'checkbox', name: 'dryRun' })), h('button', { type: 'submit', 'data-testid': 'import-submit' }, '上传')),
  )
  show(h('h1', {}, '导入经营主体'), form, out)
}

export default function render() {
  return importPage()
}
