// Tables. tableOf() draws rows a page built; dataTable() takes columns and plain rows and pages and sorts them in
// the browser (for lists the API answers whole); pager() pages a listing the server pages ({ total, page, pageSize }).
// On a phone a wide table scrolls inside its own box; class 'stack' shows each row as a card instead.
import { h } from './dom.js'
import { go } from './router.js'

export function tableOf(heads, rows, testid, cls) {
  return h('div', { class: 'table-wrap' }, h('table', { 'data-testid': testid, class: cls }, h('thead', {}, h('tr', {}, heads.map((x) => (x instanceof Node ? x : h('th', {}, x))))), h('tbody', {}, rows)))
}

/** previous / next page of a listing answered as { total, page, pageSize }, kept in the route's query */
export function pager(route, q, r) {
  const page = r.page || 1
  const pages = Math.max(1, Math.ceil(r.total / r.pageSize))
  const link = (p, text) => {
    const next = new URLSearchParams(q)
    next.set('page', String(p))
    return h('button', { class: 'secondary', disabled: p < 1 || p > pages || p === page, onclick: () => go(route, next), 'data-testid': `page-${text}` }, text)
  }
  return h('div', { class: 'pager' }, link(page - 1, '上一页'), h('span', {}, `第 ${page} / ${pages} 页`), link(page + 1, '下一页'))
}

/**
 * A table over rows already in hand, with paging and sorting in the browser.
 * columns: [{ title, cell: (row) => node | text, sort?: (row) => number | string, cls?: 'text' | 'title' }]
 * options: { testid, rowTestid, rowAttrs: (row) => attrs, pageSize = 20, stack = false, empty = '暂无记录' }
 */
export function dataTable(columns, rows, options = {}) {
  const { testid, rowTestid, rowAttrs, pageSize = 20, stack = false, empty = '暂无记录' } = options
  const box = h('div', { class: 'data-table' })
  let page = 1
  let sortBy = -1
  let desc = false
  const draw = () => {
    const list = [...rows]
    if (sortBy >= 0) {
      const key = columns[sortBy].sort
      list.sort((a, b) => {
        const x = key(a)
        const y = key(b)
        const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x ?? '').localeCompare(String(y ?? ''), 'zh-CN')
        return desc ? -c : c
      })
    }
    const pages = Math.max(1, Math.ceil(list.length / pageSize))
    page = Math.min(page, pages)
    const shown = list.slice((page - 1) * pageSize, page * pageSize)
    const heads = columns.map((c, i) =>
      c.sort
        ? h(
            'th',
            {
              class: 'sortable',
              'data-sort': String(i),
              onclick: () => {
                desc = sortBy === i ? !desc : false
                sortBy = i
                page = 1
                draw()
              },
            },
            c.title,
            sortBy === i ? (desc ? ' ↓' : ' ↑') : '',
          )
        : h('th', {}, c.title),
    )
    const body = shown.map((r) =>
      h(
        'tr',
        { 'data-testid': rowTestid, ...(rowAttrs ? rowAttrs(r) : {}) },
        columns.map((c) => h('td', { class: c.cls, 'data-label': stack && c.title ? c.title : undefined }, c.cell(r))),
      ),
    )
    const nav = (p, text) => h('button', { type: 'button', class: 'secondary', disabled: p < 1 || p > pages || p === page, onclick: () => ((page = p), draw()), 'data-testid': `${testid}-page-${text}` }, text)
    box.replaceChildren(rows.length ? tableOf(heads, body, testid, stack ? 'stack' : undefined) : h('p', { class: 'hint', 'data-testid': `${testid}-empty` }, empty))
    if (pages > 1) box.append(h('div', { class: 'pager' }, nav(page - 1, '上一页'), h('span', {}, `第 ${page} / ${pages} 页，共 ${rows.length} 条`), nav(page + 1, '下一页')))
  }
  draw()
  return box
}
