// DOM helpers every page uses. Nodes are built one by one, never from HTML strings: user text always becomes a
// text node, so hostile input shows as typed.
import { session } from './session.js'

/** h('a', { href, class, onclick, 'data-testid': … }, child, …): children are nodes or text. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v)
    else if (k === 'class') el.className = v
    else if (k === 'value') el.value = v
    else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'hidden' || k === 'required' || k === 'multiple') el[k] = !!v
    else el.setAttribute(k, v === true ? '' : String(v))
  }
  append(el, children)
  return el
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue
    el.append(c instanceof Node ? c : document.createTextNode(String(c)))
  }
  return el
}

/** replaces an element's content; unlike replaceChildren, null and false children are left out */
export function fill(el, ...children) {
  el.replaceChildren()
  return append(el, children)
}

/** replaces the page's content */
export function show(...children) {
  const app = document.getElementById('app')
  app.replaceChildren()
  append(app, children)
}

export const fmtDate = (iso) => (iso ? new Date(iso).toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' }) : '')
export const fmtTime = (iso) => (iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '')
/** the label of a value in a list of { value, label } */
export const label = (list, v) => ((list || []).find((x) => x.value === v) || {}).label || v || ''
export const errorBox = (e) => h('p', { class: 'error', 'data-testid': 'error' }, e.message || String(e))
export const noticeBox = (text) => h('p', { class: 'notice', 'data-testid': 'notice' }, text)
export const hint = (text, testid) => h('p', { class: 'hint', 'data-testid': testid }, text)
export const select = (name, items, value, empty) =>
  h(
    'select',
    { name },
    empty !== undefined ? h('option', { value: '' }, empty) : null,
    items.map((i) => (typeof i === 'string' ? { value: i, label: i } : i)).map((i) => h('option', { value: i.value, selected: String(i.value) === String(value ?? '') }, i.label)),
  )
export const field = (text, input) => h('label', {}, text, input)
export const formData = (form) => Object.fromEntries(new FormData(form).entries())
/** today in the business time zone, YYYY-MM-DD: the server's date (what it checks forms against), else the browser's */
export const today = () => session.me?.today || new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' })
