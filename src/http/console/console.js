// The console page: plain DOM built node by node, never HTML parsed from strings. Every text users typed goes through text nodes, so it shows as typed.
'use strict'

;(() => {
  if (document.body.dataset.page === 'sign-in') {
    const err = new URLSearchParams(location.search).get('error')
    const p = document.querySelector('[data-testid="sign-in-error"]')
    if (err && p) {
      p.textContent = err
      p.hidden = false
    }
    return
  }

  const app = document.getElementById('app')
  let me = null
  let opts = null

  /** h('a', { href, class, onclick, 'data-testid': … }, child, …): children are nodes or text. */
  function h(tag, attrs, ...children) {
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
  function append(el, children) {
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue
      el.append(c instanceof Node ? c : document.createTextNode(String(c)))
    }
    return el
  }
  function show(...children) {
    app.replaceChildren()
    append(app, children)
  }

  class HttpError extends Error {
    constructor(status, body) {
      super((body && body.message) || `请求失败（${status}）`)
      this.status = status
      this.body = body
    }
  }

  async function api(method, url, body) {
    const init = { method, headers: {}, credentials: 'same-origin' }
    if (method !== 'GET') init.headers['x-csrf-token'] = (me && me.csrfToken) || ''
    if (body instanceof FormData) init.body = body
    else if (body !== undefined) {
      init.headers['content-type'] = 'application/json'
      init.body = JSON.stringify(body)
    }
    const res = await fetch(url, init)
    if (res.status === 401) {
      location.href = '/console/sign-in'
      throw new HttpError(401, { message: '请先登录' })
    }
    const type = res.headers.get('content-type') || ''
    const data = type.includes('json') ? await res.json() : await res.text()
    if (!res.ok) {
      const details = data && data.details ? '\n' + data.details.join('\n') : ''
      throw new HttpError(res.status, { ...(typeof data === 'object' ? data : {}), message: ((data && data.message) || `请求失败（${res.status}）`) + details })
    }
    return data
  }

  const fmtDate = (iso) => (iso ? new Date(iso).toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' }) : '')
  const fmtTime = (iso) => (iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '')
  const label = (list, v) => ((list || []).find((x) => x.value === v) || {}).label || v || ''
  const statusTag = (s) => h('span', { class: `tag ${s}` }, label(opts.statuses, s))
  const gradeTag = (g) => h('span', { class: `tag ${g}` }, label(opts.grades, g))
  const industryLabel = (v) => label(opts.industries, v)
  const errorBox = (e) => h('p', { class: 'error', 'data-testid': 'error' }, e.message || String(e))
  const select = (name, items, value, empty) =>
    h(
      'select',
      { name },
      empty !== undefined ? h('option', { value: '' }, empty) : null,
      items.map((i) => (typeof i === 'string' ? { value: i, label: i } : i)).map((i) => h('option', { value: i.value, selected: String(i.value) === String(value ?? '') }, i.label)),
    )
  const field = (text, input) => h('label', {}, text, input)
  const formData = (form) => Object.fromEntries(new FormData(form).entries())
  /** a table; `cls` 'stack' shows each row as a card on a phone */
  function tableOf(heads, rows, testid, cls) {
    return h('div', { class: 'table-wrap' }, h('table', { 'data-testid': testid, class: cls }, h('thead', {}, h('tr', {}, heads.map((x) => (x instanceof Node ? x : h('th', {}, x))))), h('tbody', {}, rows)))
  }
  function parseHash() {
    const raw = location.hash.replace(/^#\/?/, '')
    const [p, qs] = raw.split('?')
    return { parts: (p || 'overview').split('/').map(decodeURIComponent), query: new URLSearchParams(qs || '') }
  }
  const go = (route, query) => {
    const qs = query ? new URLSearchParams([...query.entries()].filter(([, v]) => v !== '')).toString() : ''
    location.hash = `#/${route}${qs ? '?' + qs : ''}`
  }

  /** previous / next page of a listing answered as { total, page, pageSize } */
  function pager(route, q, r) {
    const page = r.page || 1
    const pages = Math.max(1, Math.ceil(r.total / r.pageSize))
    const link = (p, text) => {
      const next = new URLSearchParams(q)
      next.set('page', String(p))
      return h('button', { class: 'secondary', disabled: p < 1 || p > pages || p === page, onclick: () => go(route, next), 'data-testid': `page-${text}` }, text)
    }
    return h('div', { class: 'pager' }, link(page - 1, '上一页'), h('span', {}, `第 ${page} / ${pages} 页`), link(page + 1, '下一页'))
  }

  // ---- overview ----

  const CHARTS = []
  window.addEventListener('resize', () => CHARTS.forEach((c) => c.resize()))

  function ledgerTable(items, testid) {
    const rows = items.map((i) =>
      h(
        'tr',
        { class: i.overdue ? 'overdue' : '', 'data-testid': 'ledger-row', 'data-code': i.code },
        h('td', {}, h('a', { href: `#/hazard/${i.code}`, 'data-testid': 'hazard-link' }, i.code)),
        h('td', {}, statusTag(i.status), i.overdue ? h('span', { class: 'tag overdue' }, '逾期') : null),
        h('td', {}, gradeTag(i.grade), i.listedSupervision ? h('span', { class: 'tag major' }, i.listedSupervision) : null),
        h('td', {}, label(opts.categories, i.category)),
        h('td', { class: 'text', 'data-testid': 'ledger-business' }, i.businessName || '待认定'),
        h('td', {}, i.townshipName || ''),
        h('td', { class: 'text', 'data-testid': 'ledger-description' }, i.description),
        h('td', {}, i.responsibleName || ''),
        h('td', {}, fmtDate(i.deadline)),
        h('td', {}, fmtDate(i.createdAt)),
      ),
    )
    return { heads: ['编号', '状态', '等级', '类别', '单位', '乡镇街', '隐患描述', '负责人', '期限', '上报时间'], rows, testid }
  }

  async function overview() {
    const s = await api('GET', '/api/stats/overview')
    const card = (key, text, value, alert) => h('div', { class: `card${alert ? ' alert' : ''}`, 'data-testid': `figure-${key}` }, h('div', { class: 'n' }, value), h('div', { class: 'l' }, text))
    const t = ledgerTable(s.overdueList || [], 'overdue-list')
    const charts = [
      ['byCategory', '按类别'],
      ['byIndustry', '按行业'],
      ['byTownship', '按乡镇街'],
      ['byMonth', '按月'],
    ].map(([key, title]) => ({ key, title, el: h('div', { class: 'chart', 'data-testid': `chart-${key}` }) }))
    show(
      h('h1', {}, '概览'),
      h('h2', {}, `逾期隐患（${(s.overdueList || []).length}）`),
      (s.overdueList || []).length ? tableOf(t.heads, t.rows, t.testid) : h('p', { class: 'hint', 'data-testid': 'overdue-list' }, '没有逾期隐患'),
      h(
        'div',
        { class: 'cards' },
        card('open', '未销号', s.open),
        card('overdue', '逾期', s.overdue, s.overdue > 0),
        card('major', '重大（挂牌督办）', s.major, s.major > 0),
        card('closedThisMonth', '本月销号', s.closedThisMonth),
        card('rectificationRate', '整改率', s.rectificationRate == null ? '—' : `${s.rectificationRate}%`),
        card('avgDaysToClose', '平均整改天数', s.avgDaysToClose == null ? '—' : s.avgDaysToClose),
      ),
      h('div', { class: 'charts' }, charts.map((c) => c.el)),
    )
    CHARTS.splice(0).forEach((c) => c.dispose())
    if (!window.echarts) return
    // canvas text needs the page's fonts loaded (the bundled CJK one where the system has none)
    await document.fonts.ready
    const textStyle = { fontFamily: getComputedStyle(document.body).fontFamily }
    for (const c of charts) {
      const chart = window.echarts.init(c.el)
      CHARTS.push(chart)
      chart.setOption({ textStyle })
      const data = s[c.key] || []
      if (c.key === 'byMonth') {
        chart.setOption({
          title: { text: c.title, textStyle: { fontSize: 14 } },
          tooltip: { trigger: 'axis' },
          legend: { data: ['发现', '销号'], top: 0, right: 0 },
          grid: { left: 36, right: 12, bottom: 28, top: 40 },
          xAxis: { type: 'category', data: data.map((d) => d.month) },
          yAxis: { type: 'value', minInterval: 1 },
          series: [
            { name: '发现', type: 'bar', data: data.map((d) => d.found) },
            { name: '销号', type: 'line', data: data.map((d) => d.closed) },
          ],
        })
      } else {
        chart.setOption({
          title: { text: c.title, textStyle: { fontSize: 14 } },
          tooltip: { trigger: 'axis' },
          grid: { left: 90, right: 16, bottom: 24, top: 36 },
          xAxis: { type: 'value', minInterval: 1 },
          yAxis: { type: 'category', data: data.map((d) => d.name), inverse: true },
          series: [{ type: 'bar', data: data.map((d) => d.count), label: { show: true, position: 'right' } }],
        })
      }
    }
  }

  // ---- ledger ----

  const SORTS = { code: '编号', createdAt: '上报时间', deadline: '期限', status: '状态', grade: '等级', closedAt: '销号时间' }

  async function ledger(query) {
    const q = new URLSearchParams(query)
    if (!q.get('pageSize')) q.set('pageSize', '20')
    const form = h(
      'form',
      {
        class: 'filters panel',
        'data-testid': 'ledger-filters',
        onsubmit: (e) => {
          e.preventDefault()
          const next = new URLSearchParams(new FormData(e.target))
          for (const k of ['sort', 'order', 'pageSize']) if (q.get(k)) next.set(k, q.get(k))
          go('ledger', next)
        },
      },
      field('状态', select('status', [...opts.statuses, { value: 'overdue', label: '逾期' }], q.get('status'), '全部')),
      field('等级', select('grade', opts.grades, q.get('grade'), '全部')),
      field('类别', select('category', opts.categories, q.get('category'), '全部')),
      field('行业', select('industry', opts.industries, q.get('industry'), '全部')),
      field('乡镇街', select('townshipId', opts.townships.map((t) => ({ value: t.id, label: t.name })), q.get('townshipId'), '全部')),
      field('单位', select('businessId', (opts.businesses || []).map((b) => ({ value: b.id, label: b.name })), q.get('businessId'), '全部')),
      field('专项行动', select('campaign', opts.campaigns, q.get('campaign'), '全部')),
      field('上报自', h('input', { type: 'date', name: 'from', value: q.get('from') || '' })),
      field('至', h('input', { type: 'date', name: 'to', value: q.get('to') || '' })),
      field('关键词', h('input', { name: 'q', value: q.get('q') || '', placeholder: '描述、地点、单位、编号', 'data-testid': 'ledger-q' })),
      h('button', { type: 'submit', 'data-testid': 'ledger-search' }, '查询'),
      h('a', { class: 'button secondary', href: '#/ledger' }, '清空'),
    )
    show(h('h1', {}, '隐患台账'), form, h('p', { class: 'hint' }, '加载中…'))
    const exportQs = new URLSearchParams([...q.entries()].filter(([k, v]) => v !== '' && k !== 'page' && k !== 'pageSize')).toString()
    const r = await api('GET', `/api/ledger?${q}`)
    const t = ledgerTable(r.items, 'ledger-table')
    const sortHead = (key, text) =>
      h(
        'th',
        {
          class: 'sortable',
          'data-sort': key,
          onclick: () => {
            const next = new URLSearchParams(q)
            next.set('order', q.get('sort') === key && q.get('order') !== 'desc' ? 'desc' : 'asc')
            next.set('sort', key)
            next.delete('page')
            go('ledger', next)
          },
        },
        text,
        q.get('sort') === key ? (q.get('order') === 'desc' ? ' ↓' : ' ↑') : '',
      )
    const heads = t.heads.map((x) => {
      const key = Object.keys(SORTS).find((k) => SORTS[k] === x)
      return key ? sortHead(key, x) : x
    })
    show(
      h('h1', {}, '隐患台账'),
      form,
      h(
        'div',
        { class: 'row', style: undefined },
        h('span', { 'data-testid': 'ledger-total' }, `共 ${r.total} 条`),
        h('a', { class: 'button secondary', href: `/api/ledger/export.xlsx?${exportQs}`, download: '', 'data-testid': 'export-xlsx' }, '导出 Excel'),
        h('a', { class: 'button secondary', href: `/api/ledger/export.csv?${exportQs}`, download: '', 'data-testid': 'export-csv' }, '导出 CSV'),
      ),
      r.items.length ? tableOf(heads, t.rows, t.testid) : h('p', { class: 'hint', 'data-testid': 'ledger-empty' }, '没有符合条件的隐患'),
      pager('ledger', q, r),
    )
  }

  // ---- one hazard ----

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
        app.prepend(h('p', { class: 'notice', 'data-testid': 'notice' }, `已办理：${d.code} 现为「${label(opts.statuses, r.status)}」`))
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
          d.businessId ? null : field('单位（待认定时必填）', select('business', (opts.businesses || []).map((b) => b.name), '', '请选择')),
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
          field('部门', select('department', opts.departments, '')),
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
            ['类别', label(opts.categories, d.category)],
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
              h('strong', {}, `${fmtTime(e.at)} ${e.actorName} ${opts.events[e.action] || e.action}`),
              e.toStatus && e.toStatus !== e.fromStatus ? ` → ${label(opts.statuses, e.toStatus)}` : '',
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

  // ---- businesses ----

  function businessForm(b, done) {
    const msg = h('div')
    return h(
      'form',
      {
        class: 'edit',
        'data-testid': 'business-form',
        onsubmit: async (e) => {
          e.preventDefault()
          const f = formData(e.target)
          const body = { name: f.name, industry: f.industry, township: f.township || null, creditCode: f.creditCode || null, address: f.address || null, aboveQuota: f.aboveQuota === 'on' }
          try {
            await api(b ? 'PUT' : 'POST', b ? `/console/api/businesses/${b.id}` : '/console/api/businesses', body)
            done()
          } catch (err) {
            msg.replaceChildren(errorBox(err))
          }
        },
      },
      h('strong', {}, b ? `修改：${b.name}` : '新增经营主体'),
      field('名称', h('input', { name: 'name', required: true, maxlength: 80, value: b ? b.name : '' })),
      field('行业', select('industry', opts.industries, b ? b.industry : 'catering')),
      field('乡镇街', select('township', opts.townships.map((t) => t.name), b ? b.townshipName : '', '（未设）')),
      field('统一社会信用代码', h('input', { name: 'creditCode', maxlength: 18, value: b ? b.creditCode || '' : '' })),
      field('地址', h('input', { name: 'address', maxlength: 200, value: b ? b.address || '' : '' })),
      h('label', {}, '限上单位', h('input', { type: 'checkbox', name: 'aboveQuota', checked: b ? b.aboveQuota : false })),
      h('button', { type: 'submit', 'data-testid': 'business-save' }, '保存'),
      msg,
    )
  }

  async function businesses(query) {
    const list = await api('GET', `/console/api/businesses?${new URLSearchParams({ q: query.get('q') || '' })}`)
    const manage = me.can['admin.manage']
    const slot = h('div')
    const reload = () => businesses(query)
    show(
      h('h1', {}, '经营主体'),
      h(
        'form',
        { class: 'filters', onsubmit: (e) => (e.preventDefault(), go('businesses', new URLSearchParams(new FormData(e.target)))) },
        field('名称或信用代码', h('input', { name: 'q', value: query.get('q') || '' })),
        h('button', { type: 'submit' }, '查询'),
        manage ? h('button', { type: 'button', class: 'secondary', 'data-testid': 'business-new', onclick: () => slot.replaceChildren(businessForm(null, reload)) }, '新增') : null,
        manage ? h('a', { class: 'button secondary', href: '#/import' }, '从 Excel/CSV 导入') : null,
      ),
      slot,
      tableOf(
        ['名称', '行业', '乡镇街', '信用代码', '地址', '限上', manage ? '' : null].filter((x) => x !== null),
        list.map((b) =>
          h(
            'tr',
            { 'data-testid': 'business-row' },
            h('td', { class: 'text' }, b.name),
            h('td', {}, industryLabel(b.industry)),
            h('td', {}, b.townshipName || ''),
            h('td', {}, b.creditCode || ''),
            h('td', { class: 'text' }, b.address || ''),
            h('td', {}, b.aboveQuota ? '是' : ''),
            manage ? h('td', {}, h('button', { class: 'secondary', onclick: () => slot.replaceChildren(businessForm(b, reload)) }, '修改')) : null,
          ),
        ),
        'business-table',
      ),
    )
  }

  // ---- import ----

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
          out.replaceChildren(
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

  // ---- people ----

  function personForm(p, done) {
    const msg = h('div')
    return h(
      'form',
      {
        class: 'edit',
        'data-testid': 'person-form',
        onsubmit: async (e) => {
          e.preventDefault()
          const fd = new FormData(e.target)
          const body = {
            name: fd.get('name'),
            role: fd.get('role'),
            phone: fd.get('phone') || null,
            township: fd.get('township') || null,
            industries: fd.getAll('industries'),
            businessIds: fd.getAll('businessIds').map(Number),
          }
          try {
            await api(p ? 'PUT' : 'POST', p ? `/console/api/people/${p.id}` : '/console/api/people', body)
            done()
          } catch (err) {
            msg.replaceChildren(errorBox(err))
          }
        },
      },
      h('strong', {}, p ? `修改：${p.name}` : '新增人员'),
      field('姓名', h('input', { name: 'name', required: true, maxlength: 40, value: p ? p.name : '' })),
      field('角色', select('role', opts.roles, p ? p.role : 'officer')),
      field('手机', h('input', { name: 'phone', maxlength: 11, value: p ? p.phone || '' : '' })),
      field('乡镇街（监管范围）', select('township', opts.townships.map((t) => t.name), p ? p.townshipName : '', '全市')),
      field(
        '行业（不选为全部）',
        h('select', { name: 'industries', multiple: true, size: 3 }, opts.industries.map((i) => h('option', { value: i.value, selected: !!p && p.industries.includes(i.value) }, i.label))),
      ),
      field(
        '所属单位（经营主体人员）',
        h('select', { name: 'businessIds', multiple: true, size: 3 }, (opts.businesses || []).map((b) => h('option', { value: b.id, selected: !!p && p.businesses.some((x) => x.id === b.id) }, b.name))),
      ),
      h('button', { type: 'submit', 'data-testid': 'person-save' }, '保存'),
      msg,
    )
  }

  function credentialsForm(p, done) {
    const msg = h('div')
    return h(
      'form',
      {
        class: 'edit',
        'data-testid': 'credentials-form',
        onsubmit: async (e) => {
          e.preventDefault()
          try {
            await api('POST', `/console/api/people/${p.id}/credentials`, formData(e.target))
            done()
          } catch (err) {
            msg.replaceChildren(errorBox(err))
          }
        },
      },
      h('strong', {}, `控制台账号：${p.name}`),
      field('用户名', h('input', { name: 'username', required: true, maxlength: 40, value: p.username || '', autocomplete: 'off' })),
      field('新密码（至少 10 位）', h('input', { name: 'password', type: 'password', required: true, minlength: 10, maxlength: 200, autocomplete: 'new-password' })),
      h('button', { type: 'submit' }, '保存'),
      msg,
    )
  }

  async function peoplePage() {
    const list = await api('GET', '/console/api/people')
    const slot = h('div')
    const reload = () => peoplePage()
    const bindCode = async (p, cell) => {
      try {
        const r = await api('POST', `/console/api/people/${p.id}/bind-code`)
        cell.replaceChildren(h('strong', { 'data-testid': 'bind-code' }, r.code), ` ${fmtTime(r.expiresAt)} 前有效，在群里发：#绑定 ${r.code}`)
      } catch (e) {
        cell.replaceChildren(errorBox(e))
      }
    }
    show(
      h('h1', {}, '人员'),
      h('div', { class: 'row' }, h('button', { class: 'secondary', 'data-testid': 'person-new', onclick: () => slot.replaceChildren(personForm(null, reload)) }, '新增人员')),
      slot,
      tableOf(
        ['姓名', '角色', '范围', '单位', '绑定的聊天身份', '控制台账号', '操作'],
        list.map((p) => {
          const codeCell = h('div')
          return h(
            'tr',
            { 'data-testid': 'person-row' },
            h('td', {}, p.name, p.phone ? h('div', { class: 'hint' }, p.phone) : null),
            h('td', {}, label(opts.roles, p.role)),
            h('td', {}, p.townshipName || '全市', p.industries.length ? ` · ${p.industries.map(industryLabel).join('、')}` : ''),
            h('td', { class: 'text' }, p.businesses.map((b) => b.name).join('、')),
            h('td', { class: 'text' }, p.identities.length ? p.identities.map((i) => h('div', {}, `${i.displayName}（${i.channel}）`)) : h('span', { class: 'hint' }, '未绑定')),
            h('td', {}, p.username || h('span', { class: 'hint' }, '无'), p.lastSignInAt ? h('div', { class: 'hint' }, `最近登录 ${fmtTime(p.lastSignInAt)}`) : null),
            h(
              'td',
              {},
              h('div', { class: 'row' }, h('button', { class: 'secondary', onclick: () => slot.replaceChildren(personForm(p, reload)) }, '修改'), h('button', { class: 'secondary', onclick: () => bindCode(p, codeCell) }, '绑定码'), p.role !== 'member' ? h('button', { class: 'secondary', onclick: () => slot.replaceChildren(credentialsForm(p, reload)) }, '账号') : null),
              codeCell,
            ),
          )
        }),
        'people-table',
      ),
    )
  }

  // ---- groups ----

  async function groupsPage() {
    const list = await api('GET', '/console/api/groups')
    show(
      h('h1', {}, '群'),
      tableOf(
        ['群名', '渠道', '登记', '范围', '行业', '推送机器人', '登记时间'],
        list.map((g) =>
          h(
            'tr',
            { 'data-testid': 'group-row' },
            h('td', { class: 'text' }, g.name),
            h('td', {}, g.channel),
            h('td', {}, g.registered ? '已登记' : h('span', { class: 'hint' }, '未登记')),
            h('td', {}, g.registered ? g.townshipName || '全市' : ''),
            h('td', {}, g.industries.map(industryLabel).join('、') || (g.registered ? '全部' : '')),
            h('td', {}, g.webhook ? '有' : ''),
            h('td', {}, fmtTime(g.registeredAt)),
          ),
        ),
        'group-table',
      ),
    )
  }

  // ---- plan targets ----

  /** bytes of a file as base64, for the JSON APIs that take files */
  async function base64Of(file) {
    const bytes = new Uint8Array(await file.arrayBuffer())
    let bin = ''
    for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
    return window.btoa(bin)
  }

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
        me.can['plan.milestone'] ? h('button', { type: 'button', class: 'secondary', 'data-testid': 'milestone-new', onclick: () => slot.replaceChildren(milestoneForm(milestones, reload)) }, '登记里程碑') : null,
      ),
      h(
        'p',
        { class: 'hint', 'data-testid': 'targets-as-of' },
        `截至 ${r.at}。状态：进度落后于时间进度 20 个百分点以上为“有风险”；期限过后按期限当天的完成情况判定。里程碑只认附了证明材料的登记。`,
        me.townshipName ? `责任制和培训按${me.townshipName}统计，里程碑和专项检查为全市。` : '',
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

  // ---- reports: the Word documents (issue 17; a page of its own, to move into its module) ----

  async function reportsPage() {
    const r = await api('GET', '/api/plan/targets')
    const list = await api('GET', '/api/reports')
    const doc = (href, text, testid) => h('a', { class: 'button secondary', href, download: '', 'data-testid': testid }, text)
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' })
    const [y, m] = [Number(today.slice(0, 4)), Number(today.slice(5, 7))]
    const lastMonth = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`
    const quarter = m <= 3 ? `${y - 1}Q4` : `${y}Q${Math.floor((m - 1) / 3)}`
    const period = h('input', { name: 'period', value: quarter, size: 8, 'data-testid': 'stats-period' })
    const month = h('input', { type: 'month', name: 'month', value: lastMonth, 'data-testid': 'monthly-month' })
    show(
      h('h1', {}, '报告'),
      h('p', { class: 'hint' }, 'Word 文件按公文格式生成，每个数字都链接到控制台里能核对它的筛选条件（见文末附件“数据核对表”）。'),
      h(
        'div',
        { class: 'panel', 'data-testid': 'report-downloads' },
        h('strong', {}, '工作总结'),
        h('div', { class: 'row' }, r.plans.filter((p) => p.active).map((p) => doc(`/api/documents/summary.docx?plan=${encodeURIComponent(p.key)}`, `${p.title}工作总结`, `summary-${p.key}`))),
        h('strong', {}, '月度进展报告（随时生成）'),
        h('div', { class: 'row' }, field('月份', month), h('button', { type: 'button', class: 'secondary', 'data-testid': 'monthly-download', onclick: () => (location.href = `/api/documents/monthly.docx?month=${encodeURIComponent(month.value)}`) }, '下载')),
        h('strong', {}, '隐患统计表（季度如 2026Q3，全年如 2026）'),
        h(
          'div',
          { class: 'row' },
          field('统计期', period),
          h('button', { type: 'button', class: 'secondary', 'data-testid': 'stats-docx', onclick: () => (location.href = `/api/stats/table.docx?period=${encodeURIComponent(period.value)}&by=township`) }, 'Word'),
          h('button', { type: 'button', class: 'secondary', onclick: () => (location.href = `/api/stats/table.xlsx?period=${encodeURIComponent(period.value)}&by=township`) }, 'Excel'),
        ),
      ),
      h('h2', {}, '每月1日报送局领导的进展报告'),
      list.length
        ? tableOf(
            ['月份', '标题', '要点', '生成', ''],
            list.map((x) =>
              h(
                'tr',
                { 'data-testid': 'report-row', 'data-period': x.period },
                h('td', {}, x.period),
                h('td', { class: 'text' }, x.title),
                h('td', { class: 'text' }, `发现 ${x.figures.found} 项，销号 ${x.figures.closed} 项，逾期 ${x.figures.overdue} 项`),
                h('td', {}, `${fmtTime(x.createdAt)} ${x.createdBy}`),
                h('td', {}, doc(`/api/reports/${x.id}/file`, '下载 Word', 'report-download')),
              ),
            ),
            'reports-table',
            'stack',
          )
        : h('p', { class: 'hint', 'data-testid': 'reports-empty' }, '还没有月度报告：每月1日早上自动生成上个月的报告。'),
    )
  }

  // ---- audit ----

  async function auditPage(query) {
    const q = new URLSearchParams(query)
    const r = await api('GET', `/console/api/audit?${q}`)
    show(
      h('h1', {}, '操作日志'),
      h(
        'form',
        { class: 'filters panel', 'data-testid': 'audit-filters', onsubmit: (e) => (e.preventDefault(), go('audit', new URLSearchParams(new FormData(e.target)))) },
        field('操作（前缀，如 hazard.）', h('input', { name: 'action', value: q.get('action') || '' })),
        field('操作人', h('input', { name: 'actor', value: q.get('actor') || '' })),
        field('对象类型', h('input', { name: 'targetType', value: q.get('targetType') || '' })),
        field('对象', h('input', { name: 'targetId', value: q.get('targetId') || '' })),
        field('自', h('input', { type: 'date', name: 'from', value: q.get('from') || '' })),
        field('至', h('input', { type: 'date', name: 'to', value: q.get('to') || '' })),
        h('button', { type: 'submit' }, '查询'),
      ),
      h('p', {}, `共 ${r.total} 条`),
      tableOf(
        ['时间', '操作人', '操作', '对象', '详情'],
        r.items.map((a) =>
          h(
            'tr',
            { 'data-testid': 'audit-row' },
            h('td', {}, fmtTime(a.at)),
            h('td', {}, a.actorName),
            h('td', {}, a.action),
            h('td', {}, a.targetType ? `${a.targetType} ${a.targetId || ''}` : ''),
            h('td', { class: 'text' }, a.detail ? JSON.stringify(a.detail) : ''),
          ),
        ),
        'audit-table',
      ),
      pager('audit', q, r),
    )
  }

  // ---- routing ----

  async function render() {
    const { parts, query } = parseHash()
    document.querySelectorAll('[data-nav]').forEach((a) => a.classList.toggle('active', a.dataset.nav === parts[0] || (parts[0] === 'hazard' && a.dataset.nav === 'ledger')))
    try {
      switch (parts[0]) {
        case 'ledger':
          return await ledger(query)
        case 'hazard':
          return await hazard(parts[1] || '')
        case 'businesses':
          return await businesses(query)
        case 'people':
          return await peoplePage()
        case 'import':
          return importPage()
        case 'groups':
          return await groupsPage()
        case 'targets':
          return await targetsPage(query)
        case 'audit':
          return await auditPage(query)
        case 'reports':
          return await reportsPage()
        default:
          return await overview()
      }
    } catch (e) {
      if (e.status !== 401) show(errorBox(e))
    }
  }

  async function start() {
    me = await api('GET', '/console/api/me')
    opts = await api('GET', '/console/api/options')
    opts.businesses = await api('GET', '/console/api/businesses')
    document.querySelector('[data-testid="who"]').textContent = `${me.name}（${me.roleLabel}${me.townshipName ? ' · ' + me.townshipName : ''}）`
    const csrf = document.querySelector('.sign-out input[name="_csrf"]')
    if (csrf) csrf.value = me.csrfToken || ''
    document.querySelectorAll('[data-need]').forEach((a) => (a.hidden = !me.can[a.dataset.need]))
    window.addEventListener('hashchange', render)
    await render()
    document.body.dataset.ready = 'true'
  }

  start().catch((e) => {
    if (e.status !== 401) show(errorBox(e))
  })
})()
