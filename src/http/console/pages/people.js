// 人员: people, bind codes, console accounts.  API: /console/api/people, …/bind-code, …/credentials
import { h, show, fmtTime, label, errorBox, select, field, formData } from '../lib/dom.js'
import { api } from '../lib/api.js'
import { session } from '../lib/session.js'
import { tableOf } from '../lib/table.js'
import { industryLabel } from '../lib/labels.js'

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
    field('角色', select('role', session.opts.roles, p ? p.role : 'officer')),
    field('手机', h('input', { name: 'phone', maxlength: 11, value: p ? p.phone || '' : '' })),
    field('乡镇街（监管范围）', select('township', session.opts.townships.map((t) => t.name), p ? p.townshipName : '', '全市')),
    field(
      '行业（不选为全部）',
      h('select', { name: 'industries', multiple: true, size: 3 }, session.opts.industries.map((i) => h('option', { value: i.value, selected: !!p && p.industries.includes(i.value) }, i.label))),
    ),
    field(
      '所属单位（经营主体人员）',
      h('select', { name: 'businessIds', multiple: true, size: 3 }, (session.opts.businesses || []).map((b) => h('option', { value: b.id, selected: !!p && p.businesses.some((x) => x.id === b.id) }, b.name))),
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
          h('td', {}, label(session.opts.roles, p.role)),
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

export default function render() {
  return peoplePage()
}
