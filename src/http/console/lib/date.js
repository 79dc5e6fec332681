// A date field with Chinese labels: the browser's date input (its calendar follows the page's zh-CN locale),
// quick choices (今天, 明天, 一周后, 月底) and the chosen day written out as 2026年12月3日 星期四.
import { h, today } from './dom.js'

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六']

/** 2026-12-03 → 2026年12月3日 星期四 */
export function chineseDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '')
  if (!m) return ''
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日 星期${WEEKDAYS[d.getUTCDay()]}`
}

const iso = (d) => d.toISOString().slice(0, 10)
/** today in Asia/Shanghai as a UTC-midnight Date, so adding days never crosses a time-zone edge */
function todayDate() {
  const [y, m, d] = today().split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d))
}
const plusDays = (n) => {
  const d = todayDate()
  d.setUTCDate(d.getUTCDate() + n)
  return iso(d)
}
const monthEnd = () => {
  const d = todayDate()
  return iso(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)))
}

/** attrs go to the <input type="date">; quick: false hides the quick choices */
export function datePicker(attrs = {}) {
  const { value, quick = true, ...rest } = attrs
  const input = h('input', { ...rest, type: 'date', lang: 'zh-CN', value: value ? String(value).slice(0, 10) : '' })
  const said = h('span', { class: 'hint date-said' }, chineseDate(input.value))
  const set = (v) => {
    input.value = v
    said.textContent = chineseDate(v)
    input.dispatchEvent(new Event('change', { bubbles: true }))
  }
  input.addEventListener('input', () => (said.textContent = chineseDate(input.value)))
  input.addEventListener('change', () => (said.textContent = chineseDate(input.value)))
  const chip = (text, v) => h('button', { type: 'button', class: 'chip', onclick: () => set(v()) }, text)
  return h(
    'span',
    { class: 'date-picker' },
    input,
    quick ? h('span', { class: 'chips' }, chip('今天', () => plusDays(0)), chip('明天', () => plusDays(1)), chip('一周后', () => plusDays(7)), chip('月底', monthEnd)) : null,
    said,
  )
}
