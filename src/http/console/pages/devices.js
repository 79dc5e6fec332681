// 设备: gas detectors, tank gauges … per business with their state (在线/离线/报警), added one by one or imported
// from a table, removed; the alarms with 收到/已处理/误报.
// API: GET/POST /api/sensors/devices, DELETE /api/sensors/devices/:id, POST /api/sensors/devices/import,
// GET /api/sensors/alarms, POST /api/sensors/alarms/:id/answer, GET /api/sensors/stats
import { h, show, noticeBox, errorBox, fmtTime } from '../lib/dom.js'
import { get, post, del } from '../lib/api.js'
import { session, can } from '../lib/session.js'
import { dataTable } from '../lib/table.js'
import { formOf } from '../lib/form.js'
import { upload, fileInput } from '../lib/upload.js'

const KINDS = [
  { value: 'gas_detector', label: '可燃气体探测器' },
  { value: 'smoke', label: '烟感' },
  { value: 'tank_level', label: '液位仪' },
  { value: 'vapour_recovery', label: '油气回收在线监测' },
  { value: 'leak', label: '泄漏检测' },
  { value: 'electrical_fire', label: '电气火灾监控' },
]
const STATE = { online: '在线', offline: '离线', alarm: '报警' }
const VIEWS = [
  { value: '', label: '设备' },
  { value: 'alarms', label: '报警' },
]

async function page(query = {}, notice) {
  const manage = can('admin.manage')
  const answer = can('hazard.accept')
  const alarmsView = query.view === 'alarms'
  const [stats, items] = await Promise.all([get('/api/sensors/stats'), alarmsView ? get('/api/sensors/alarms', { open: query.all ? '' : '1' }) : get('/api/sensors/devices')])
  const slot = h('div')
  const again = (text) => page(query, text)
  const addForm = () =>
    slot.replaceChildren(
      formOf({
        title: '登记设备',
        testid: 'device-form',
        fields: [
          { name: 'businessId', label: '单位', type: 'select', required: true, options: (session.opts.businesses || []).map((b) => ({ value: b.id, label: b.name })), testid: 'device-business' },
          { name: 'kind', label: '设备类型', type: 'select', required: true, options: KINDS, testid: 'device-kind' },
          { name: 'vendor', label: '厂商（平台代号）', required: true, max: 64, testid: 'device-vendor' },
          { name: 'vendorDeviceId', label: '设备编号', required: true, max: 64, testid: 'device-id' },
          { name: 'location', label: '安装位置', max: 60, testid: 'device-location' },
        ],
        onSubmit: async (v) => {
          await post('/api/sensors/devices', { businessId: Number(v.businessId), kind: v.kind, vendor: v.vendor.trim(), vendorDeviceId: v.vendorDeviceId.trim(), location: v.location || null })
          await again('已登记')
        },
      }),
    )
  const importForm = () => {
    const out = h('div', { 'data-testid': 'device-import-result' })
    const form = h(
      'form',
      {
        class: 'edit',
        'data-testid': 'device-import-form',
        onsubmit: async (e) => {
          e.preventDefault()
          const file = form.querySelector('input[type=file]').files[0]
          if (!file) return out.replaceChildren(errorBox(new Error('请选择文件')))
          try {
            const r = await upload('/api/sensors/devices/import', { file })
            await again(r.message)
          } catch (err) {
            const errors = (err.body && err.body.errors) || []
            out.replaceChildren(errorBox(err), ...errors.slice(0, 20).map((x) => h('p', { class: 'hint' }, `第${x.row}行：${x.message}`)))
          }
        },
      },
      h('h2', {}, '导入设备'),
      h('p', { class: 'hint' }, '表头：厂商、设备编号、单位名称、设备类型、安装位置（.xlsx 或 .csv）。有错的行会列出，整批不导入。'),
      fileInput('file', '文件', { accept: '.xlsx,.csv', 'data-testid': 'device-import-file' }),
      h('button', { type: 'submit', 'data-testid': 'device-import-submit' }, '导入'),
      out,
    )
    slot.replaceChildren(form)
  }
  // two steps on the page (no browser dialog): 移除, then 确认移除
  const removeButton = (d) => {
    const b = h('button', { type: 'button', class: 'secondary', 'data-testid': 'device-remove' }, '移除')
    b.onclick = async () => {
      if (b.dataset.armed !== '1') {
        b.dataset.armed = '1'
        b.textContent = '确认移除'
        b.setAttribute('data-testid', 'device-remove-confirm')
        return
      }
      await del(`/api/sensors/devices/${d.id}`)
      await again(`已移除 ${d.vendorDeviceId}（报警记录保留）`)
    }
    return b
  }
  const reply = async (a, value) => {
    try {
      const r = await post(`/api/sensors/alarms/${a.id}/answer`, { answer: value })
      await again(r.message)
    } catch (err) {
      slot.replaceChildren(errorBox(err))
    }
  }
  const total = stats.devices || { total: 0, offline: 0, alarm: 0 }
  const month = (stats.months || [])[0]
  show(
    h('h1', {}, '设备'),
    notice ? noticeBox(notice) : null,
    h(
      'div',
      { class: 'cards' },
      h('div', { class: 'card', 'data-testid': 'device-total' }, h('div', { class: 'n' }, total.total), h('div', { class: 'l' }, '设备')),
      h('div', { class: `card${total.offline ? ' alert' : ''}`, 'data-testid': 'device-offline' }, h('div', { class: 'n' }, total.offline), h('div', { class: 'l' }, '离线')),
      h('div', { class: `card${total.alarm ? ' alert' : ''}`, 'data-testid': 'device-alarm' }, h('div', { class: 'n' }, total.alarm), h('div', { class: 'l' }, '报警中')),
      month ? h('div', { class: 'card' }, h('div', { class: 'n' }, month.alarms), h('div', { class: 'l' }, `${month.month} 报警（误报 ${month.falseAlarms}）`)) : null,
    ),
    h(
      'div',
      { class: 'row' },
      ...VIEWS.map((v) => h('a', { href: `#/devices${v.value ? '?view=' + v.value : ''}`, class: (query.view || '') === v.value ? 'active' : '', 'data-testid': `devices-view-${v.value || 'list'}` }, v.label)),
      alarmsView ? h('a', { href: query.all ? '#/devices?view=alarms' : '#/devices?view=alarms&all=1', 'data-testid': 'alarms-all' }, query.all ? '只看未结束' : '全部报警') : null,
      manage && !alarmsView ? h('button', { type: 'button', 'data-testid': 'device-new', onclick: addForm }, '登记') : null,
      manage && !alarmsView ? h('button', { type: 'button', class: 'secondary', 'data-testid': 'device-import', onclick: importForm }, '导入') : null,
    ),
    slot,
    !alarmsView && (stats.townships || []).length > 1
      ? dataTable(
          [
            { title: '乡镇街', cell: (t) => t.township, cls: 'text title' },
            { title: '在线', cell: (t) => t.online },
            { title: '离线', cell: (t) => t.offline },
            { title: '报警', cell: (t) => t.alarm },
          ],
          stats.townships,
          { testid: 'devices-townships', stack: true },
        )
      : null,
    alarmsView
      ? dataTable(
          [
            { title: '编号', cell: (a) => a.code, cls: 'title' },
            { title: '单位', cell: (a) => a.businessName, sort: (a) => a.businessName, cls: 'text' },
            { title: '设备', cell: (a) => `${a.device} ${a.vendorDeviceId}`, cls: 'text' },
            { title: '时间', cell: (a) => fmtTime(a.openedAt), sort: (a) => a.openedAt },
            { title: '读数', cell: (a) => (a.reading == null ? '' : `${a.reading}${a.unit ? ' ' + a.unit : ''}`) },
            { title: '状态', cell: (a) => h('span', { class: `tag ${a.status === 'open' && !a.answer ? 'bad' : ''}` }, a.status === 'open' ? a.answerLabel : `已结束${a.answerLabel ? '（' + a.answerLabel + '）' : ''}`) },
            { title: '隐患', cell: (a) => (a.hazardCode ? h('a', { href: `#/hazard/${encodeURIComponent(a.hazardCode)}` }, a.hazardCode) : '') },
            {
              title: '',
              cell: (a) =>
                answer && a.answer !== 'false_alarm'
                  ? h(
                      'span',
                      { class: 'row' },
                      a.status === 'open' && !a.answer ? h('button', { type: 'button', 'data-testid': 'alarm-received', onclick: () => reply(a, 'received') }, '收到') : null,
                      a.answer !== 'handled' && !a.hazardCode ? h('button', { type: 'button', class: 'secondary', 'data-testid': 'alarm-handled', onclick: () => reply(a, 'handled') }, '已处理') : null,
                      h('button', { type: 'button', class: 'secondary', 'data-testid': 'alarm-false', onclick: () => reply(a, 'false_alarm') }, '误报'),
                    )
                  : '',
            },
          ],
          items,
          { testid: 'alarms-table', rowTestid: 'alarm-row', stack: true, empty: query.all ? '没有报警' : '没有未结束的报警' },
        )
      : dataTable(
          [
            { title: '单位', cell: (d) => d.businessName, sort: (d) => d.businessName, cls: 'text title' },
            { title: '类型', cell: (d) => d.kindLabel, cls: 'text' },
            { title: '位置', cell: (d) => d.location || '', cls: 'text' },
            { title: '设备编号', cell: (d) => `${d.vendor} / ${d.vendorDeviceId}` },
            { title: '状态', cell: (d) => h('span', { class: `tag ${d.state === 'online' ? '' : 'bad'}`, 'data-testid': 'device-state' }, STATE[d.state] || d.state), sort: (d) => ({ alarm: 0, offline: 1, online: 2 })[d.state] },
            { title: '最后上报', cell: (d) => fmtTime(d.lastSeenAt), sort: (d) => d.lastSeenAt || '' },
            { title: '', cell: (d) => (manage ? removeButton(d) : '') },
          ],
          items,
          { testid: 'devices-table', rowTestid: 'device-row', stack: true, empty: '还没有登记设备' },
        ),
  )
}

export default function render({ query }) {
  return page(Object.fromEntries(query || []))
}
