// Forms with validation messages next to the field: the browser's checks said in Chinese before sending, and
// the server's 400 details ("/field message") put under the field they name.
import { h, errorBox, noticeBox } from './dom.js'
import { datePicker } from './date.js'

/**
 * fields: [{ name, label, type: 'text' | 'textarea' | 'number' | 'select' | 'multi' | 'date' | 'datetime' | 'checkbox' | 'file',
 *            required, min, max (length for text, value for number), options: [{ value, label }] | [string],
 *            value, placeholder, hint, testid }]
 * onSubmit(values, form) → a notice text, or nothing; throwing shows the error under the form and at its field.
 */
export function formOf({ title, testid, fields, submit = '保存', onSubmit, cls = 'edit' }) {
  const msg = h('div', { class: 'form-result', 'data-testid': testid ? `${testid}-result` : undefined })
  const slots = new Map()
  const inputs = new Map()
  const rows = fields.map((f) => {
    const input = inputOf(f)
    inputs.set(f.name, input)
    const err = h('span', { class: 'field-error', 'data-testid': `error-${f.name}`, hidden: true })
    slots.set(f.name, err)
    return h('label', { class: f.type === 'textarea' ? 'wide' : undefined }, f.label, input, f.hint ? h('span', { class: 'hint' }, f.hint) : null, err)
  })
  const button = h('button', { type: 'submit', 'data-testid': testid ? `${testid}-submit` : undefined }, submit)
  const form = h(
    'form',
    {
      class: cls,
      'data-testid': testid,
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault()
        msg.replaceChildren()
        for (const s of slots.values()) {
          s.hidden = true
          s.textContent = ''
        }
        let bad = false
        for (const f of fields) {
          const problem = check(f, inputs.get(f.name))
          if (problem) {
            bad = true
            const s = slots.get(f.name)
            s.textContent = problem
            s.hidden = false
          }
        }
        if (bad) return msg.replaceChildren(errorBox(new Error('请按提示改正后再提交')))
        button.disabled = true
        try {
          const r = await onSubmit(valuesOf(fields, inputs), form)
          if (typeof r === 'string') msg.replaceChildren(noticeBox(r))
        } catch (err) {
          for (const d of (err.body && err.body.details) || []) {
            const m = /^\/(\w+)/.exec(d)
            const s = m && slots.get(m[1])
            if (s) {
              s.textContent = d.replace(/^\/\S*\s*/, '')
              s.hidden = false
            }
          }
          msg.replaceChildren(errorBox(err))
        } finally {
          button.disabled = false
        }
      },
    },
    title ? h('strong', { class: 'form-title' }, title) : null,
    rows,
    button,
    msg,
  )
  return form
}

function inputOf(f) {
  const common = { name: f.name, 'data-testid': f.testid, placeholder: f.placeholder }
  const opts = (f.options || []).map((o) => (typeof o === 'string' ? { value: o, label: o } : o))
  switch (f.type) {
    case 'textarea':
      return h('textarea', { ...common, rows: f.rows || 3, maxlength: f.max, value: f.value ?? '' })
    case 'number':
      return h('input', { ...common, type: 'number', min: f.min, max: f.max, step: f.step || 1, value: f.value ?? '' })
    case 'select':
      return h('select', common, f.required ? null : h('option', { value: '' }, f.empty || '（不选）'), opts.map((o) => h('option', { value: o.value, selected: String(o.value) === String(f.value ?? '') }, o.label)))
    case 'multi':
      return h('select', { ...common, multiple: true, size: Math.min(5, opts.length || 1) }, opts.map((o) => h('option', { value: o.value, selected: (f.value || []).map(String).includes(String(o.value)) }, o.label)))
    case 'date':
      return datePicker({ ...common, value: f.value })
    case 'datetime':
      return h('input', { ...common, type: 'datetime-local', value: f.value ?? '' })
    case 'checkbox':
      return h('input', { ...common, type: 'checkbox', checked: !!f.value })
    case 'file':
      return h('input', { ...common, type: 'file', accept: f.accept, multiple: f.multiple })
    default:
      return h('input', { ...common, maxlength: f.max, value: f.value ?? '' })
  }
}

function check(f, input) {
  const el = input.matches('input, select, textarea') ? input : input.querySelector('input')
  if (f.type === 'checkbox') return null
  if (f.type === 'file') return f.required && !el.files.length ? `请选择${f.label}` : null
  const v = f.type === 'multi' ? [...el.selectedOptions].map((o) => o.value) : el.value.trim()
  if (f.required && (!v || v.length === 0)) return `请填写${f.label}`
  if (!v) return null
  if (f.type === 'number') {
    const n = Number(v)
    if (!Number.isFinite(n)) return `${f.label}须为数字`
    if (f.min !== undefined && n < f.min) return `${f.label}不能小于 ${f.min}`
    if (f.max !== undefined && n > f.max) return `${f.label}不能大于 ${f.max}`
    return null
  }
  if (typeof v === 'string') {
    if (f.min && v.length < f.min) return `${f.label}至少 ${f.min} 个字`
    if (f.max && v.length > f.max) return `${f.label}最多 ${f.max} 个字`
    if (f.pattern && !new RegExp(f.pattern).test(v)) return f.patternMessage || `${f.label}格式不对`
  }
  return null
}

function valuesOf(fields, inputs) {
  const out = {}
  for (const f of fields) {
    const input = inputs.get(f.name)
    const el = input.matches('input, select, textarea') ? input : input.querySelector('input')
    if (f.type === 'checkbox') out[f.name] = el.checked
    else if (f.type === 'file') out[f.name] = f.multiple ? [...el.files] : el.files[0] || null
    else if (f.type === 'multi') out[f.name] = [...el.selectedOptions].map((o) => o.value)
    else if (f.type === 'number') out[f.name] = el.value === '' ? null : Number(el.value)
    else out[f.name] = el.value.trim() || null
  }
  return out
}
