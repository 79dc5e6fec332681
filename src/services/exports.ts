import { PassThrough, Readable, type Writable } from 'node:stream'
import { once } from 'node:events'
import type ExcelJS from 'exceljs'
import { exceljs } from './lazy-libs.js'
import { listDevices } from './sensors/devices.js'
import { sensorStats } from './sensors/stats.js'
import { sql, type SQL } from 'drizzle-orm'
import type { Tx } from '../../db/client.js'
import type { Actor } from '../core/permissions.js'
import { formatDateTime } from '../core/clock.js'
import { CATEGORIES, GRADES, INDUSTRIES, STATUS_LABELS, UNIDENTIFIED_BUSINESS } from '../core/domain.js'
import { LEDGER_FROM, ledgerOrder, ledgerRows, ledgerWhere, type ExportRow, type LedgerFilter } from './ledger.js'
import type { Figures, StatsTable } from './stats.js'

/** The ledger's columns, in order, as Excel users read them. */
const COLUMNS: { header: string; width: number; value: (r: ExportRow, photo: (sha: string) => string) => string | Date | null }[] = [
  { header: '编号', width: 10, value: (r) => r.code },
  { header: '状态', width: 14, value: (r) => r.statusLabel },
  { header: '等级', width: 10, value: (r) => r.gradeLabel },
  { header: '类别', width: 12, value: (r) => r.categoryLabel },
  { header: '行业', width: 12, value: (r) => r.industryLabel },
  { header: '乡镇街', width: 12, value: (r) => r.townshipName },
  { header: '单位', width: 24, value: (r) => r.businessName },
  { header: '隐患描述', width: 40, value: (r) => r.description },
  { header: '位置', width: 16, value: (r) => r.place },
  { header: '上报人', width: 10, value: (r) => r.reporterName },
  { header: '责任人', width: 10, value: (r) => r.responsibleName },
  { header: '整改期限', width: 17, value: (r) => r.deadline },
  { header: '上报时间', width: 17, value: (r) => r.createdAt },
  { header: '销号时间', width: 17, value: (r) => r.closedAt },
  { header: '是否逾期', width: 9, value: (r) => (r.overdue ? '是' : '否') },
  { header: '挂牌督办', width: 10, value: (r) => r.listedSupervision },
  { header: '专项行动', width: 16, value: (r) => r.campaign },
  { header: '移交部门', width: 12, value: (r) => r.transferDepartment },
  { header: '移交结果', width: 20, value: (r) => r.transferResult },
  { header: '整改措施', width: 30, value: (r) => r.measures },
  { header: '上报照片', width: 30, value: (r, photo) => photos(r.photosBefore, photo) },
  { header: '整改照片', width: 30, value: (r, photo) => photos(r.photosAfter, photo) },
]
export const LEDGER_HEADERS = COLUMNS.map((c) => c.header)
const PHOTO_COLUMNS = new Set(['上报照片', '整改照片'])

function photos(list: string | null, photo: (sha: string) => string): string | null {
  return list ? list.split(' ').map(photo).join('\n') : null
}

export interface ExportOptions {
  /** absolute URL of a photo from its sha256, e.g. https://host/api/attachments/<sha> */
  photoUrl: (sha256: string) => string
  batch?: number
  /** false: format rows here even on PostgreSQL (tests compare both paths) */
  copy?: boolean
}

/** A cell that starts like a formula would run in Excel: make it plain text (text users typed never runs). */
function csvCell(v: string | Date | null): string {
  if (v === null) return ''
  if (v === '') return '""' // as COPY writes it: empty text, not null
  let s = v instanceof Date ? formatDateTime(v) : v
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** A label lookup as SQL: `case expr when 'key' then 'label' … else expr end`. */
function labelled(expr: SQL, labels: Record<string, string>, otherwise: SQL = expr): SQL {
  const whens = Object.entries(labels).map(([k, v]) => sql` when ${k} then ${v}`)
  return sql`(case ${expr}${sql.join(whens)} else ${otherwise} end)`
}
/** Text users typed that starts like a formula gets a leading ' (as csvCell does). */
const safe = (expr: SQL) => sql`(case when ${expr} ~ ${'^[-=+@\t\r]'} then ${"'"} || ${expr} else ${expr} end)`
const local = (expr: SQL) => sql`to_char(${expr} at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')`
const photoList = (stage: string, base: string) =>
  sql`(select string_agg(${base} || a.sha256, ${'\n'} order by a.id) from hazard_attachments a where a.hazard_id = hazards.id and a.stage = ${stage})`

/**
 * The CSV's columns computed by PostgreSQL (labels, Shanghai times, photo links), so that on PostgreSQL the
 * export is `COPY (…) TO STDOUT` streamed as it comes: the same text the JavaScript path writes, at COPY's rate.
 */
export function ledgerCsvSql(actor: Actor, f: LedgerFilter, now: Date, photoBase: string): SQL {
  const cols: SQL[] = [
    sql`hazards.code`,
    labelled(sql`hazards.status`, STATUS_LABELS),
    labelled(sql`hazards.grade`, GRADES),
    labelled(sql`hazards.category`, CATEGORIES),
    labelled(sql`hazards.industry`, INDUSTRIES, sql`${'—'}`),
    safe(sql`j.name`),
    safe(sql`coalesce(b.name, ${UNIDENTIFIED_BUSINESS})`),
    safe(sql`hazards.description`),
    safe(sql`hazards.place`),
    safe(sql`hazards.reporter_name`),
    safe(sql`hazards.responsible_name`),
    local(sql`hazards.deadline`),
    local(sql`hazards.created_at`),
    local(sql`hazards.closed_at`),
    sql`(case when hazards.status in ('reported', 'rectifying') and hazards.deadline < ${now.toISOString()}::timestamptz then ${'是'} else ${'否'} end)`,
    safe(sql`hazards.listed_supervision`),
    safe(sql`hazards.campaign`),
    safe(sql`hazards.transfer_department`),
    safe(sql`hazards.transfer_result`),
    safe(sql`hazards.measures`),
    photoList('report', photoBase),
    photoList('rectification', photoBase),
  ]
  return sql`select ${sql.join(cols, sql`, `)} ${LEDGER_FROM} where ${ledgerWhere(actor, f, now)} ${ledgerOrder(f)}`
}

interface ReservedConnection {
  unsafe(q: string): { readable(): Promise<Readable> }
  release(): void
}

interface CopyInternals {
  dialect: { sqlToQuery(q: SQL): { sql: string } }
  session: { client?: { unsafe?: unknown; reserve?(): Promise<ReservedConnection> } }
}

/**
 * The ledger as CSV (UTF-8 with BOM so Excel opens it as such), streamed. On PostgreSQL through COPY: its
 * parameters are inlined as literals (COPY takes none; drizzle doubles quotes, safe with
 * standard_conforming_strings on, PostgreSQL's default). On PGlite a batch of rows at a time, formatted here.
 */
export function ledgerCsv(tx: Tx, actor: Actor, filter: LedgerFilter, now: Date, opts: ExportOptions): Readable {
  const header = '\uFEFF' + LEDGER_HEADERS.join(',') + '\n'
  const internals = tx as unknown as CopyInternals
  const client = internals.session?.client
  if (client?.reserve && opts.copy !== false) {
    const q = internals.dialect.sqlToQuery(ledgerCsvSql(actor, filter, now, opts.photoUrl('')).inlineParams())
    // on a reserved connection: postgres.js would otherwise route other statements to it while it is in COPY
    // mode (they fail with COPY_IN_PROGRESS). Piped, not iterated: the COPY stream stalls under for-await.
    const out = new PassThrough({ highWaterMark: 256 * 1024 })
    out.write(header)
    const run = async () => {
      const conn = await client.reserve!()
      const query = conn.unsafe(`copy (${q.sql}) to stdout with (format csv)`)
      let copied: Readable
      try {
        copied = await query.readable()
      } catch (e) {
        conn.release()
        throw e
      }
      let done = false
      const finish = () => {
        if (!done) conn.release()
        done = true
      }
      copied.once('end', finish)
      copied.on('error', (err: Error) => {
        finish()
        out.destroy(err)
      })
      copied.pipe(out)
      // a download stopped half way: read the COPY to its end into nothing, so the connection comes back clean
      // (destroying the stream would leave the connection in COPY mode)
      out.once('close', () => {
        if (done) return
        copied.unpipe(out)
        copied.on('data', () => {}) // resume() alone does not make this stream flow
        copied.resume()
      })
    }
    run().catch((err: Error) => out.destroy(err))
    return out
  }
  async function* lines() {
    yield header
    for await (const batch of ledgerRows(tx, actor, filter, now, opts.batch)) {
      let chunk = ''
      for (const r of batch) chunk += COLUMNS.map((c) => csvCell(c.value(r, opts.photoUrl))).join(',') + '\n'
      yield chunk
    }
  }
  return Readable.from(lines(), { objectMode: false })
}

const SHANGHAI_OFFSET_MS = 8 * 3600_000
/** Excel dates carry no zone: shift so the cell shows Shanghai wall time. */
const excelDate = (d: Date) => new Date(d.getTime() + SHANGHAI_OFFSET_MS)

/** Excel holds 1,048,576 rows a sheet: a bigger ledger goes on in 隐患台账2, 隐患台账3, … */
const SHEET_ROWS = 1_000_000

/**
 * Photo links as a HYPERLINK formula: clickable in Excel, WPS and LibreOffice, shows every link and opens the
 * first. Not a hyperlink object: exceljs's streaming writer keeps each of those (and writes the sheet's relations
 * part after the sheet), a million of them in memory. Excel takes string literals up to 255 characters.
 */
function photoCell(list: string): ExcelJS.CellFormulaValue | string {
  const urls = list.split('\n')
  if (urls.some((u) => u.length > 255)) return list
  const lit = (u: string) => `"${u.replace(/"/g, '""')}"`
  return { formula: `HYPERLINK(${lit(urls[0])},${urls.map(lit).join('&CHAR(10)&')})`, result: list, date1904: false }
}

/** What exceljs's WorksheetWriter keeps that this exporter manages (not part of its typed API). */
interface SheetWriterInternals {
  /** every formula cell written, kept for shared formulas (this sheet has none) until the sheet is committed */
  _formulae: Record<string, unknown>
  /** the sheet's XML on its way into the zip: the stream exceljs writes to without waiting, piped to archiver */
  stream: { pipes?: Writable[] }
}

/**
 * Whether a write to `s` was told to wait. archiver's streams come from the readable-stream package, whose
 * version has no `writableNeedDrain`: its state says it.
 */
function needsDrain(s: Writable): boolean {
  return s.writableNeedDrain ?? (s as unknown as { _writableState?: { needDrain?: boolean } })._writableState?.needDrain ?? false
}

/** Waits until `s` has room again, or the download `out` is gone. */
async function drained(s: Writable, out: Readable): Promise<void> {
  if (!needsDrain(s) || out.destroyed) return
  const stop = new AbortController()
  try {
    await Promise.race([once(s, 'drain', { signal: stop.signal }), once(out, 'close', { signal: stop.signal })])
  } finally {
    stop.abort()
  }
}

/**
 * The ledger as .xlsx through exceljs's streaming writer: each row is committed (written out and forgotten) as
 * it comes; after each batch the producer lets go of the formula cells exceljs keeps, and waits while the sheet's
 * XML waiting for compression, or the compressed output waiting to be sent, is over its stream's limit (exceljs
 * itself never waits) — so memory stays flat whatever the number of rows.
 */
export function ledgerXlsx(tx: Tx, actor: Actor, filter: LedgerFilter, now: Date, opts: ExportOptions & { title?: string; sheetRows?: number }): Readable {
  const out = new PassThrough({ highWaterMark: 256 * 1024 })
  const wb = new (exceljs().stream.xlsx.WorkbookWriter)({ stream: out, useStyles: true, useSharedStrings: false })
  wb.creator = '商务安全生产群助手'
  wb.created = now
  const title = opts.title ?? '隐患台账'
  const perSheet = opts.sheetRows ?? SHEET_ROWS
  let sheets = 0
  const addSheet = () => {
    const ws = wb.addWorksheet(++sheets === 1 ? title : `${title}${sheets}`, { views: [{ state: 'frozen', ySplit: 1 }] })
    ws.columns = COLUMNS.map((c) => ({ header: c.header, width: c.width }))
    ws.getRow(1).font = { bold: true }
    ws.getRow(1).commit()
    return ws
  }
  const produce = async () => {
    let ws = addSheet()
    let rows = 0
    // small batches: at 1,000 rows a batch the peak was ~40 MB higher (bench at 100,000 rows: 273 MB against 224)
    for await (const batch of ledgerRows(tx, actor, filter, now, opts.batch ?? 100)) {
      for (const r of batch) {
        if (rows === perSheet) {
          ws.commit()
          ws = addSheet()
          rows = 0
        }
        const row = ws.addRow(
          COLUMNS.map((c) => {
            const v = c.value(r, opts.photoUrl)
            if (v instanceof Date) return excelDate(v)
            if (v && PHOTO_COLUMNS.has(c.header)) return photoCell(v)
            return v
          }),
        )
        for (const i of [12, 13, 14]) if (row.getCell(i).value instanceof Date) row.getCell(i).numFmt = 'yyyy-mm-dd hh:mm'
        row.commit()
        rows++
      }
      const internals = ws as unknown as SheetWriterInternals
      internals._formulae = {}
      const xml = internals.stream.pipes?.[0]
      if (xml) await drained(xml, out)
      await drained(out, out)
      if (out.destroyed) return // the download stopped: leaving the loop closes the cursor
    }
    ws.commit()
    await deviceSheets(wb, tx, actor, now)
    await wb.commit()
  }
  produce().catch((err) => out.destroy(err as Error))
  return out
}

/**
 * When the reader reaches any registered device: 设备 (each device with its business, state and last report) and
 * 设备报警统计 (online/offline/in alarm per township; per month the alarms, false alarms, their rate and the median
 * minutes to acknowledge).
 */
async function deviceSheets(wb: ExcelJS.stream.xlsx.WorkbookWriter, tx: Tx, actor: Actor, now: Date) {
  const list = await listDevices(tx, actor)
  if (!list.length) return
  const state = { online: '在线', offline: '离线', alarm: '报警' } as const
  const ws = wb.addWorksheet('设备', { views: [{ state: 'frozen', ySplit: 1 }] })
  ws.columns = [
    { header: '单位', width: 24 },
    { header: '设备类型', width: 16 },
    { header: '安装位置', width: 14 },
    { header: '厂商', width: 10 },
    { header: '设备编号', width: 16 },
    { header: '状态', width: 8 },
    { header: '最后上报', width: 18 },
  ]
  ws.getRow(1).font = { bold: true }
  for (const d of list) {
    const row = ws.addRow([d.businessName, d.kindLabel, d.location ?? '', d.vendor, d.vendorDeviceId, state[d.state], d.lastSeenAt ? excelDate(d.lastSeenAt) : null])
    if (d.lastSeenAt) row.getCell(7).numFmt = 'yyyy-mm-dd hh:mm'
    row.commit()
  }
  ws.commit()
  const st = await sensorStats(tx, actor, now)
  const fig = wb.addWorksheet('设备报警统计')
  fig.columns = [{ width: 14 }, { width: 10 }, { width: 10 }, { width: 10 }, { width: 14 }]
  fig.addRow(['乡镇街', '在线', '离线', '报警中']).font = { bold: true }
  for (const t of st.townships) fig.addRow([t.township, t.online, t.offline, t.alarm])
  fig.addRow(['合计', st.devices.total - st.devices.offline - st.devices.alarm, st.devices.offline, st.devices.alarm])
  fig.addRow([])
  fig.addRow(['月份', '报警', '误报', '误报率(%)', '确认用时中位(分钟)']).font = { bold: true }
  for (const m of st.months) fig.addRow([m.month, m.alarms, m.falseAlarms, m.falseRate, m.ackMedianMinutes])
  fig.commit()
}

const FIGURE_COLUMNS: [keyof Figures, string][] = [
  ['foundGeneral', '排查隐患·一般'],
  ['foundMajor', '排查隐患·重大'],
  ['rectifiedGeneral', '已整改·一般'],
  ['rectifiedMajor', '已整改·重大'],
  ['rectificationRate', '整改率(%)'],
  ['overdue', '逾期未改'],
  ['transferred', '移交执法部门'],
  ['listed', '挂牌督办'],
]

/** The statistics table as a small .xlsx: two header rows (本期 / 本年累计), one row per township or industry, a total. */
export async function statsTableXlsx(t: StatsTable, now: Date): Promise<Buffer> {
  const wb = new (exceljs().Workbook)()
  wb.creator = '商务安全生产群助手'
  wb.created = now
  const ws = wb.addWorksheet('隐患统计表')
  const n = FIGURE_COLUMNS.length
  ws.addRow([`商务领域安全生产隐患排查治理统计表（${t.label}${t.slice ? `·${t.slice.name}` : ''}）`])
  ws.mergeCells(1, 1, 1, 1 + 2 * n)
  ws.getRow(1).font = { bold: true, size: 14 }
  ws.getRow(1).alignment = { horizontal: 'center' }
  ws.addRow([t.by === 'township' ? '乡镇街' : '行业', '本期', ...Array(n - 1).fill(null), '本年累计', ...Array(n - 1).fill(null)])
  ws.mergeCells(2, 2, 2, 1 + n)
  ws.mergeCells(2, 2 + n, 2, 1 + 2 * n)
  ws.addRow([null, ...FIGURE_COLUMNS.map((c) => c[1]), ...FIGURE_COLUMNS.map((c) => c[1])])
  ws.mergeCells(2, 1, 3, 1)
  for (const r of [2, 3]) {
    ws.getRow(r).font = { bold: true }
    ws.getRow(r).alignment = { horizontal: 'center', vertical: 'middle', wrapText: true }
  }
  const figures = (f: Figures) => FIGURE_COLUMNS.map(([k]) => f[k])
  for (const r of [...t.rows, t.total]) ws.addRow([r.name, ...figures(r.period), ...figures(r.ytd)])
  ws.getRow(ws.rowCount).font = { bold: true }
  ws.getColumn(1).width = 16
  for (let i = 2; i <= 1 + 2 * n; i++) ws.getColumn(i).width = 11
  ws.addRow([])
  ws.addRow([`整改率 = 已整改 ÷ 排查隐患；逾期未改按导出时（${formatDateTime(now)}）计。`])
  return Buffer.from(await wb.xlsx.writeBuffer())
}
