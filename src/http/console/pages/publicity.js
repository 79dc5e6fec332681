// 宣传活动: 安全生产月、安全宣传“五进”、媒体、商业街区大屏标语横幅挂图、警示教育 (方案 12, 13), by township or
// city-wide, with a year's summary.  API: GET/POST /api/publicity, PUT /api/publicity/:id, GET /api/publicity/summary
import { h, show, noticeBox, today } from '../lib/dom.js'
import { get, post, put } from '../lib/api.js'
import { session, can } from '../lib/session.js'
import { dataTable } from '../lib/table.js'
import { formOf } from '../lib/form.js'
import { townshipOptions } from '../lib/labels.js'

const KINDS = [
  { value: 'safety_month', label: '安全生产月' },
  { value: 'five_into', label: '安全宣传“五进”' },
  { value: 'media', label: '媒体宣传' },
  { value: 'street_display', label: '商业街区大屏、标语、横幅、挂图' },
  { value: 'warning_education', label: '警示教育' },
  { value: 'other', label: '其他宣传' },
]
const FORMS = ['进企业', '进农村', '进社区', '进学校', '进家庭', '大屏滚动', '标语', '横幅', '挂图', '讲座', '展板', '其他']

const fields = (a = {}) => [
  { name: 'kind', label: '类型', type: 'select', required: true, options: KINDS, value: a.kind, testid: 'publicity-kind' },
  { name: 'title', label: '活动名称', required: true, min: 2, max: 60, value: a.title, testid: 'publicity-title' },
  { name: 'heldOn', label: '日期', type: 'date', required: true, value: a.heldOn || today(), testid: 'publicity-date' },
  { name: 'townshipId', label: '乡镇街（不选为全市）', type: 'select', options: [{ value: '', label: '全市' }, ...townshipOptions()], value: a.townshipId ?? '', testid: 'publicity-township' },
  { name: 'businessId', label: '承办单位（可不选）', type: 'select', options: [{ value: '', label: '—' }, ...(session.opts.businesses || []).map((b) => ({ value: b.id, label: b.name }))], value: a.businessId ?? '' },
  { name: 'organiser', label: '主办', required: true, min: 2, max: 60, value: a.organiser || '市商务局', testid: 'publicity-organiser' },
  { name: 'place', label: '地点', max: 100, value: a.place },
  { name: 'forms', label: '形式', type: 'multi', options: FORMS, value: a.forms || [], testid: 'publicity-forms' },
  { name: 'reach', label: '覆盖人数', type: 'number', min: 0, max: 10000000, value: a.reach ?? '', testid: 'publicity-reach' },
  { name: 'note', label: '备注', max: 500, value: a.note },
]
const body = (v) => ({
  kind: v.kind,
  title: v.title,
  heldOn: v.heldOn,
  townshipId: v.townshipId ? Number(v.townshipId) : null,
  businessId: v.businessId ? Number(v.businessId) : null,
  organiser: v.organiser,
  place: v.place || null,
  forms: v.forms || [],
  reach: v.reach === '' || v.reach === undefined ? null : Number(v.reach),
  note: v.note || null,
})

async function page(query = {}, notice) {
  const year = Number(query.year) || Number(today().slice(0, 4))
  const [items, sum] = await Promise.all([get('/api/publicity', { year, kind: query.kind }), get('/api/publicity/summary', { year })])
  const slot = h('div')
  const manage = can('programme.manage')
  const edit = (a) =>
    slot.replaceChildren(
      formOf({
        title: a ? `修改：${a.title}` : '登记宣传活动',
        testid: 'publicity-form',
        fields: fields(a || {}),
        onSubmit: async (v) => {
          if (a) await put(`/api/publicity/${a.id}`, body(v))
          else await post('/api/publicity', body(v))
          await page(query, a ? '已修改' : '已登记')
        },
      }),
    )
  show(
    h('h1', {}, `宣传活动（${year}年）`),
    notice ? noticeBox(notice) : null,
    h(
      'div',
      { class: 'row' },
      h('a', { href: `#/publicity?year=${year - 1}` }, `${year - 1}年`),
      h('a', { href: `#/publicity?year=${year}`, class: query.kind ? '' : 'active' }, '全部'),
      ...KINDS.map((k) => h('a', { href: `#/publicity?year=${year}&kind=${k.value}`, class: query.kind === k.value ? 'active' : '' }, k.label)),
      manage ? h('button', { type: 'button', 'data-testid': 'publicity-new', onclick: () => edit(null) }, '登记') : null,
    ),
    slot,
    h(
      'p',
      { 'data-testid': 'publicity-summary' },
      `全年 ${sum.activities} 场，覆盖 ${sum.reach} 人；安全生产月 ${sum.safetyMonth} 场；“五进”：${sum.fiveInto.map((f) => `${f.form} ${f.activities}`).join('，')}`,
    ),
    dataTable(
      [
        { title: '日期', cell: (a) => a.heldOn, sort: (a) => a.heldOn },
        { title: '类型', cell: (a) => a.kindLabel, cls: 'text' },
        { title: '活动', cell: (a) => a.title, cls: 'text title' },
        { title: '乡镇街', cell: (a) => a.townshipName },
        { title: '主办', cell: (a) => a.organiser + (a.businessName ? `（${a.businessName}）` : ''), cls: 'text' },
        { title: '形式', cell: (a) => a.forms.join('、'), cls: 'text' },
        { title: '覆盖人数', cell: (a) => (a.reach === null ? '' : String(a.reach)), sort: (a) => a.reach ?? -1 },
        { title: '', cell: (a) => (manage ? h('button', { type: 'button', class: 'secondary', onclick: () => edit(a) }, '修改') : '') },
      ],
      items,
      { testid: 'publicity-table', rowTestid: 'publicity-row', stack: true, empty: '这一年还没有宣传活动记录' },
    ),
  )
}

export default function render({ query }) {
  return page(Object.fromEntries(query || []))
}
