// 群: the groups and how each is reached; admins set or clear a group's WeCom robot (webhook) and register a
// push-only group that has nothing but a robot.  API: GET /console/api/groups, PUT /api/wecom/groups/:id/webhook,
// POST /api/wecom/robot-groups
import { h, show, fmtTime, noticeBox, hint } from '../lib/dom.js'
import { api, put, post } from '../lib/api.js'
import { can, session } from '../lib/session.js'
import { tableOf } from '../lib/table.js'
import { formOf } from '../lib/form.js'
import { industryLabel } from '../lib/labels.js'

const CHANNELS = { wechaty: '微信', wecom: '企业微信', 'wecom-robot': '群机器人' }
const WEBHOOK_HINT = '在企业微信群里：群设置 → 群机器人 → 复制 webhook 地址（含 key=）'

async function groupsPage(notice) {
  const list = await api('GET', '/console/api/groups')
  const manage = can('admin.manage')
  const slot = h('div')
  const reload = (text) => groupsPage(text)
  const webhookForm = (g) =>
    slot.replaceChildren(
      formOf({
        title: `群机器人：${g.name}`,
        testid: 'webhook-form',
        fields: [{ name: 'webhook', label: 'webhook 地址', required: true, min: 8, max: 300, testid: 'webhook-url', hint: WEBHOOK_HINT }],
        onSubmit: async (v) => {
          await put(`/api/wecom/groups/${g.id}/webhook`, { webhook: v.webhook })
          await reload(`已设置“${g.name}”的群机器人`)
        },
      }),
    )
  const clear = async (g) => {
    try {
      await put(`/api/wecom/groups/${g.id}/webhook`, { webhook: null })
      await reload(`已清除“${g.name}”的群机器人`)
    } catch (e) {
      slot.replaceChildren(h('p', { class: 'error', 'data-testid': 'error' }, e.message))
    }
  }
  const robotGroupForm = () =>
    slot.replaceChildren(
      formOf({
        title: '登记推送群（只有群机器人、没有助手账号的群）',
        testid: 'robot-group-form',
        fields: [
          { name: 'name', label: '群名', required: true, min: 2, max: 60, testid: 'robot-group-name' },
          { name: 'webhook', label: 'webhook 地址', required: true, min: 8, max: 300, testid: 'robot-group-webhook', hint: WEBHOOK_HINT },
          { name: 'township', label: '乡镇街', type: 'select', empty: '全市', options: session.opts.townships.map((t) => t.name), testid: 'robot-group-township' },
          { name: 'industries', label: '行业（不选为全部）', type: 'multi', options: session.opts.industries },
        ],
        onSubmit: async (v) => {
          await post('/api/wecom/robot-groups', { name: v.name, webhook: v.webhook, industries: v.industries, ...(v.township ? { township: v.township } : {}) })
          await reload(`已登记推送群“${v.name}”：能收到通知和提醒，但群里的人无法回执`)
        },
      }),
    )
  show(
    h('h1', {}, '群'),
    notice ? noticeBox(notice) : null,
    hint('已登记的群才收上报和推送。群机器人只能往群里发消息，收不到群里的回复，所以只有群机器人的群“无法回执”。'),
    manage ? h('div', { class: 'row' }, h('button', { type: 'button', class: 'secondary', 'data-testid': 'robot-group-new', onclick: robotGroupForm }, '登记推送群')) : null,
    slot,
    tableOf(
      ['群名', '渠道', '登记', '范围', '行业', '群机器人', '登记时间'],
      list.map((g) =>
        h(
          'tr',
          { 'data-testid': 'group-row', 'data-name': g.name },
          h('td', { class: 'text' }, g.name),
          h('td', {}, CHANNELS[g.channel] || g.channel),
          h('td', {}, g.registered ? '已登记' : h('span', { class: 'hint' }, '未登记')),
          h('td', {}, g.registered ? g.townshipName || '全市' : ''),
          h('td', {}, g.industries.map(industryLabel).join('、') || (g.registered ? '全部' : '')),
          h(
            'td',
            { 'data-testid': 'group-robot' },
            g.webhook ? '有' : '',
            manage && g.channel !== 'wechaty'
              ? h(
                  'div',
                  { class: 'row' },
                  h('button', { type: 'button', class: 'secondary', 'data-testid': 'webhook-set', onclick: () => webhookForm(g) }, g.webhook ? '更换' : '设置'),
                  g.webhook && g.channel !== 'wecom-robot' ? h('button', { type: 'button', class: 'secondary', 'data-testid': 'webhook-clear', onclick: () => clear(g) }, '清除') : null,
                )
              : null,
          ),
          h('td', {}, fmtTime(g.registeredAt)),
        ),
      ),
      'group-table',
    ),
  )
}

export default function render() {
  return groupsPage()
}
