// 经营主体: list, add, edit.  API: GET/POST /console/api/businesses, PUT /console/api/businesses/:id
import { h, show, errorBox, select, field, formData } from '../lib/dom.js'
import { api } from '../lib/api.js'
import { session } from '../lib/session.js'
import { industryLabel } from '../lib/labels.js'
import { tableOf } from '../lib/table.js'
import { go } from '../lib/router.js'

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
    field('行业', select('industry', session.opts.industries, b ? b.industry : 'catering')),
    field('乡镇街', select('township', session.opts.townships.map((t) => t.name), b ? b.townshipName : '', '（未设）')),
    field('统一社会信用代码', h('input', { name: 'creditCode', maxlength: 18, value: b ? b.creditCode || '' : '' })),
    field('地址', h('input', { name: 'address', maxlength: 200, value: b ? b.address || '' : '' })),
    h('label', {}, '限上单位', h('input', { type: 'checkbox', name: 'aboveQuota', checked: b ? b.aboveQuota : false })),
    h('button', { type: 'submit', 'data-testid': 'business-save' }, '保存'),
    msg,
  )
}

async function businesses(query) {
  const list = await api('GET', `/console/api/businesses?${new URLSearchParams({ q: query.get('q') || '' })}`)
  const manage = session.me.can['admin.manage']
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

export default function render({ query }) {
  return businesses(query)
}
