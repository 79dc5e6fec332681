import type { Tx } from '../../../db/client.js'
import { formatDateTime } from '../../core/clock.js'
import type { Actor } from '../../core/permissions.js'
import { parsePeriod, statsTable, type Figures, type StatsTableQuery, type StatsTableRow } from '../stats.js'
import { FigureBook, type LedgerQuery } from './figures.js'
import { gongwen, note, table, title, type CellSpec } from './gongwen.js'

/** The columns of the table and the ledger filter behind each (null: no ledger filter gives it exactly). */
const COLUMNS: [keyof Figures, string, LedgerQuery | null][] = [
  ['foundGeneral', '排查隐患·一般', { grade: 'general' }],
  ['foundMajor', '排查隐患·重大', { grade: 'major' }],
  ['rectifiedGeneral', '已整改·一般', { grade: 'general', status: 'closed' }],
  ['rectifiedMajor', '已整改·重大', { grade: 'major', status: 'closed' }],
  ['rectificationRate', '整改率(%)', null],
  ['overdue', '逾期未改', { status: 'overdue' }],
  ['transferred', '移交执法部门', null],
  ['listed', '挂牌督办', null],
]

/**
 * The quarterly or yearly hazard statistics table (安监总局令第16号) as a Word table, landscape: the same figures as
 * /api/stats/table, each count that a ledger filter gives exactly linked to that filter (row × column × period).
 */
export async function statsTableDocx(tx: Tx, actor: Actor, q: StatsTableQuery, now: Date, base: string) {
  const t = await statsTable(tx, actor, q, now)
  const p = parsePeriod(q.period)
  const book = new FigureBook(tx, actor, now, base)
  const sliceFilter: LedgerQuery = { ...(q.campaign ? { campaign: q.campaign } : {}), ...(q.zoneId ? { zoneId: q.zoneId } : {}) }
  const ranges = { period: { from: p.from, to: lastDay(p.to), ...sliceFilter }, ytd: { from: p.ytdFrom, to: lastDay(p.to), ...sliceFilter } }
  const cells = (r: StatsTableRow, part: 'period' | 'ytd'): (CellSpec | string)[] =>
    COLUMNS.map(([k, label, filter]) => {
      const v = r[part][k]
      if (v === null) return '—'
      const keyFilter: LedgerQuery | null = r.key === null ? (r === t.total ? {} : null) : q.by === 'township' ? { townshipId: Number(r.key) } : { industry: r.key as LedgerQuery['industry'] }
      if (!filter || !keyFilter) return String(v)
      // the statistics table's count, linked to the ledger filter that gives the same
      const f = book.ledger(`${r.name} ${part === 'period' ? '本期' : '本年累计'} ${label}`, Number(v), { ...ranges[part], ...keyFilter, ...filter })
      return { content: [book.run(f, 24)] }
    })
  const n = COLUMNS.length
  const head = [
    [{ content: [q.by === 'township' ? '乡镇街' : '行业'], rowSpan: 2 }, { content: ['本期'], columnSpan: n }, { content: ['本年累计'], columnSpan: n }],
    [...COLUMNS.map((c) => c[1]), ...COLUMNS.map((c) => c[1])],
  ]
  const body = [...t.rows, t.total].map((r) => [{ content: [r.name], bold: r === t.total }, ...cells(r, 'period'), ...cells(r, 'ytd')])
  const docTitle = `商务领域安全生产隐患排查治理统计表（${t.label}${t.slice ? `·${t.slice.name}` : ''}）`
  const docx = await gongwen({
    title: docTitle,
    landscape: true,
    children: [
      // the landscape type area takes about 30 characters of 2号 a line
      ...title(docTitle, 30),
      table(head, body, [1500, ...Array(2 * n).fill(760)]),
      note(`整改率 = 已整改 ÷ 排查隐患；逾期未改按生成时（${formatDateTime(now)}）计。带链接的数字可在控制台隐患台账按同样条件核对；移交、挂牌督办两列在台账中按本行条件筛选后看“移交部门”“挂牌督办”列。`),
    ],
  })
  return { docx, table: t, label: t.label, figures: book.all }
}

/** 'YYYY-MM-01' → the last day of that month. */
function lastDay(monthFirst: string): string {
  const [y, m] = monthFirst.split('-').map(Number)
  return `${monthFirst.slice(0, 8)}${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`
}
