// 天气预警: push an extreme-weather alert now (urgent) to the groups of a township or the whole city; a township
// officer only to their own township.  API: POST /api/alerts/weather (alert types from GET /console/api/options)
import { h, show, hint } from '../lib/dom.js'
import { post } from '../lib/api.js'
import { session } from '../lib/session.js'
import { formOf } from '../lib/form.js'
import { dataTable } from '../lib/table.js'

function resultOf(r) {
  return h(
    'div',
    { class: 'panel', 'data-testid': 'alert-result' },
    h('strong', {}, `已发布：${r.title}（${r.area}）`),
    hint(`已排队发往 ${r.groups.length} 个群，按紧急消息优先发送。`),
    dataTable([{ title: '群', cell: (g) => g, cls: 'text title' }], r.groups, { testid: 'alert-groups', rowTestid: 'alert-group', stack: true, empty: '没有符合条件的群' }),
    r.unreachable.length ? h('p', { class: 'error', 'data-testid': 'alert-unreachable' }, `以下群暂时没有可用的发送账号，未能发出：${r.unreachable.join('、')}`) : null,
  )
}

async function page() {
  const me = session.me
  const slot = h('div')
  const own = me.townshipName
  show(
    h('h1', {}, '天气预警'),
    hint('收到气象部门预警后在这里发布：立即推送到相关群（紧急），内容取自内容库里的预警文字。群里也可以发“#预警 高温 城关街道”。'),
    formOf({
      title: '发布预警',
      testid: 'alert-form',
      submit: '立即发布',
      fields: [
        { name: 'type', label: '预警类型', type: 'select', required: true, options: session.opts.alerts || [], testid: 'alert-type' },
        own
          ? { name: 'township', label: '范围', type: 'select', required: true, options: [own], value: own, testid: 'alert-township', hint: '您只能向本乡镇发布' }
          : { name: 'township', label: '范围', type: 'select', empty: '全市', options: session.opts.townships.map((t) => t.name), testid: 'alert-township' },
      ],
      onSubmit: async (v) => {
        const r = await post('/api/alerts/weather', { type: v.type, ...(v.township ? { township: v.township } : {}) })
        slot.replaceChildren(resultOf(r))
        return `已发布${r.title}，发往 ${r.groups.length} 个群`
      },
    }),
    slot,
  )
}

export default function render() {
  return page()
}
