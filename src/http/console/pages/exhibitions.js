// 展览备案: register an exhibition, upload its documents as files (安全工作方案, 应急预案, and for a large public
// event the police's permit), see what is missing, decide.  API: GET/POST /api/exhibitions,
// POST /api/exhibitions/:id/documents/:doc/file (multipart), POST /api/exhibitions/:id/decision
import { h, show, noticeBox, errorBox, fmtTime } from '../lib/dom.js'
import { get, post } from '../lib/api.js'
import { can } from '../lib/session.js'
import { dataTable } from '../lib/table.js'
import { formOf } from '../lib/form.js'
import { upload, fileLink } from '../lib/upload.js'

const DOCS = [
  ['safety_plan', '安全工作方案', 'safetyPlanSha256'],
  ['emergency_plan', '应急预案', 'emergencyPlanSha256'],
  ['police_permit', '公安安全许可', 'policePermitSha256'],
]
const DECISION = { approved: ['已通过', 'ok'], rejected: ['不予通过', 'bad'] }

async function page(notice) {
  const items = await get('/api/exhibitions')
  const manage = can('programme.manage')
  const slot = h('div')
  const msg = h('div', { 'data-testid': 'exhibition-result' })
  const reload = (text) => page(text)
  const act = async (fn) => {
    msg.replaceChildren()
    try {
      await reload(await fn())
    } catch (e) {
      msg.replaceChildren(errorBox(e))
    }
  }
  const newForm = () =>
    slot.replaceChildren(
      formOf({
        title: '登记展览活动',
        testid: 'exhibition-form',
        fields: [
          { name: 'name', label: '展会名称', required: true, min: 2, max: 100, testid: 'exhibition-name' },
          { name: 'organiser', label: '主办单位', required: true, min: 2, max: 100, testid: 'exhibition-organiser' },
          { name: 'venue', label: '场馆', max: 100 },
          { name: 'startsOn', label: '开始日期', type: 'date', required: true, testid: 'exhibition-starts' },
          { name: 'endsOn', label: '结束日期', type: 'date', required: true, testid: 'exhibition-ends' },
          { name: 'largePublicEvent', label: '大型群众性活动（须公安安全许可）', type: 'checkbox', testid: 'exhibition-large' },
        ],
        onSubmit: async (v) => {
          await post('/api/exhibitions', { name: v.name, organiser: v.organiser, venue: v.venue || undefined, startsOn: v.startsOn, endsOn: v.endsOn, largePublicEvent: v.largePublicEvent })
          await reload(`已登记：${v.name}，请上传材料`)
        },
      }),
    )
  const docCell = (e) =>
    DOCS.filter(([k]) => k !== 'police_permit' || e.largePublicEvent).map(([k, text, col]) =>
      h(
        'div',
        { class: 'doc', 'data-doc': k },
        e[col] ? ['✓ ', fileLink(`/api/attachments/${e[col]}`, text)] : h('span', { class: 'tag warn' }, `缺${text}`),
        manage && !e.decision
          ? h('input', {
              type: 'file',
              'aria-label': `上传${text}`,
              'data-testid': `upload-${k}`,
              onchange: (ev) => {
                const file = ev.target.files[0]
                if (file) act(async () => (await upload(`/api/exhibitions/${e.id}/documents/${k}/file`, { file }), `已上传${text}：${file.name}`))
              },
            })
          : null,
      ),
    )
  const decide = (e) =>
    slot.replaceChildren(
      formOf({
        title: `审核：${e.name}`,
        testid: 'decision-form',
        submit: '提交结论',
        fields: [
          { name: 'decision', label: '结论', type: 'select', required: true, options: [{ value: 'approved', label: '通过' }, { value: 'rejected', label: '不予通过' }], testid: 'decision' },
          { name: 'note', label: '意见（不予通过须写原因）', type: 'textarea', max: 500 },
        ],
        onSubmit: async (v) => {
          await post(`/api/exhibitions/${e.id}/decision`, { decision: v.decision, note: v.note || undefined })
          await reload(`已登记结论：${e.name} ${DECISION[v.decision][0]}`)
        },
      }),
    )
  show(
    h('h1', {}, '展览备案'),
    notice ? noticeBox(notice) : null,
    manage ? h('div', { class: 'row' }, h('button', { type: 'button', 'data-testid': 'exhibition-new', onclick: newForm }, '登记展览')) : null,
    slot,
    msg,
    dataTable(
      [
        { title: '展会', cell: (e) => [h('strong', {}, e.name), h('div', { class: 'hint' }, `${e.organiser}${e.venue ? ' · ' + e.venue : ''}`)], sort: (e) => e.name, cls: 'text title' },
        { title: '日期', cell: (e) => `${e.startsOn} 至 ${e.endsOn}`, sort: (e) => e.startsOn },
        { title: '材料', cell: docCell },
        {
          title: '结论',
          cell: (e) =>
            e.decision
              ? [h('span', { class: `tag ${DECISION[e.decision][1]}`, 'data-testid': 'exhibition-decision' }, DECISION[e.decision][0]), e.decisionNote ? h('div', { class: 'text' }, e.decisionNote) : null, h('div', { class: 'hint' }, `${fmtTime(e.decidedAt)} ${e.decidedBy || ''}`)]
              : manage
                ? h('button', { type: 'button', class: 'secondary', 'data-testid': 'exhibition-decide', onclick: () => decide(e) }, e.missing.length ? `审核（缺${e.missing.length}份）` : '审核')
                : '待审核',
        },
      ],
      items,
      { testid: 'exhibitions-table', rowTestid: 'exhibition-row', rowAttrs: (e) => ({ 'data-name': e.name }), stack: true, empty: '还没有展览备案' },
    ),
  )
}

export default function render() {
  return page()
}
