import { Readable } from 'node:stream'
import type ExcelJS from 'exceljs'
import { exceljs } from '../lazy-libs.js'
import { eq, sql } from 'drizzle-orm'
import { schema, rows, type Db } from '../../../db/client.js'
import { AppError } from '../../core/errors.js'
import { CATEGORIES, GRADES, INDUSTRIES, INDUSTRY_WORDS, STATUS_LABELS, UNIDENTIFIED_BUSINESS, type Category, type HazardStatus, type Industry } from '../../core/domain.js'
import { inferCategory } from '../../core/parse.js'
import { recordAudit, type AuditEntry } from '../audit.js'
import { IMPORT_MAX_ROWS, type ImportError } from '../import.js'

/**
 * The bureau's 2024–2026 hazard ledgers kept in Excel, imported as history. The template has the columns of
 * the ledger export (编号, 是否逾期 and the photo columns are read past), so an export imports back as it was.
 */
export const HISTORY_HEADERS = ['状态', '等级', '类别', '行业', '乡镇街', '单位', '隐患描述', '位置', '上报人', '责任人', '整改期限', '上报时间', '销号时间', '挂牌督办', '专项行动', '移交部门', '移交结果', '整改措施'] as const
type Header = (typeof HISTORY_HEADERS)[number]
const REQUIRED: Header[] = ['状态', '隐患描述', '上报时间']
const SHANGHAI_OFFSET_MS = 8 * 3600_000
export const EARLIEST = new Date('2024-01-01T00:00:00+08:00')

export type Cell = string | Date

function cellOf(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return ''
  if (v instanceof Date) return new Date(v.getTime() - SHANGHAI_OFFSET_MS) // Excel keeps the Shanghai wall time
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('').trim()
    if ('text' in v) return String(v.text).trim()
    if ('result' in v) return v.result instanceof Date ? new Date(v.result.getTime() - SHANGHAI_OFFSET_MS) : v.result === undefined ? '' : String(v.result).trim()
    return ''
  }
  return String(v).trim()
}

/** The first sheet (xlsx, dates kept as instants) or the CSV, header first. */
export async function readHistoryTable(file: Buffer, filename: string): Promise<Cell[][]> {
  const wb = new (exceljs().Workbook)()
  let ws: ExcelJS.Worksheet | undefined
  if (/\.csv$/i.test(filename)) {
    let s: string
    try {
      s = new TextDecoder('utf-8', { fatal: true }).decode(file).replace(/^\uFEFF/, '')
    } catch {
      s = new TextDecoder('gb18030').decode(file)
    }
    ws = await wb.csv.read(Readable.from([s]), { map: (v: unknown) => v } as never)
  } else if (/\.xlsx$/i.test(filename)) {
    try {
      await wb.xlsx.load(file as unknown as ArrayBuffer)
    } catch {
      throw new AppError('usage', '文件打不开：请上传 Excel 的 .xlsx 文件（不支持旧的 .xls），或 .csv 文件')
    }
    ws = wb.worksheets[0]
  } else throw new AppError('usage', '只能导入 .xlsx 或 .csv 文件（旧的 .xls 请先另存为 .xlsx）')
  if (!ws) return []
  const out: Cell[][] = []
  for (let r = 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r)
    const cells: Cell[] = []
    for (let c = 1; c <= Math.max(row.cellCount, 1); c++) cells.push(cellOf(row.getCell(c).value))
    out.push(cells)
  }
  return out
}

/** '2026-10-02 08:00', '2026/10/2', '2026-10-02' (Shanghai) or an Excel date; null when not a date. */
export function instantOf(c: Cell): Date | null {
  if (c instanceof Date) return Number.isNaN(c.getTime()) ? null : c
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(c)
  if (!m) return null
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = m
  const pad = (x: string) => x.padStart(2, '0')
  const iso = `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}+08:00`
  const t = new Date(iso)
  return Number.isNaN(t.getTime()) || new Date(`${y}-${pad(mo)}-${pad(d)}T00:00:00Z`).getUTCDate() !== Number(d) ? null : t
}


export const cellText = (c: Cell | undefined) => (c instanceof Date ? '' : (c ?? '').trim())

/**
 * The header row (the first non-empty one) and the data rows under it, or the one error that stops a file
 * before its rows are looked at (empty, a required column missing, no rows, too many rows).
 */
export function sheetBody<H extends string>(
  table: Cell[][],
  headers: readonly H[],
  required: readonly H[],
  what: string,
): { col: Record<H, number>; data: { row: number; cells: Cell[] }[] } | { error: ImportError } {
  const headerAt = table.findIndex((r) => r.some((c) => c !== ''))
  if (headerAt < 0) return { error: { row: 1, message: `文件是空的：第一行写表头（${headers.join('、')}），下面每行一条${what}` } }
  const header = table[headerAt].map((h) => cellText(h).replace(/\s/g, ''))
  const col = Object.fromEntries(headers.map((h) => [h, header.indexOf(h)])) as Record<H, number>
  const missing = required.filter((h) => col[h] < 0)
  if (missing.length) return { error: { row: headerAt + 1, message: `表头缺少“${missing.join('”“')}”列；模板的列：${headers.join('、')}` } }
  const data = table.map((cells, i) => ({ row: i + 1, cells })).slice(headerAt + 1).filter((r) => r.cells.some((c) => c !== ''))
  if (!data.length) return { error: { row: headerAt + 2, message: '表头下面没有数据行' } }
  if (data.length > IMPORT_MAX_ROWS) return { error: { row: headerAt + 1, message: `一次最多导入 ${IMPORT_MAX_ROWS} 行，这个文件有 ${data.length} 行，请分开导入` } }
  return { col, data }
}

const keyBy = <K extends string>(labels: Record<K, string>, extra: Record<string, K> = {}) => (w: string): K | null => {
  if (w in labels) return w as K
  const hit = (Object.entries(labels) as [K, string][]).find(([, l]) => l === w)
  return hit ? hit[0] : (extra[w] ?? null)
}
const statusOf = keyBy(STATUS_LABELS as Record<HazardStatus, string>, { 待受理: 'reported', 已上报: 'reported', 销号: 'closed', 已整改: 'closed', 移交: 'transferred', 作废: 'voided', 待验收: 'awaiting_verification' })
const gradeOf = keyBy(GRADES, { 一般: 'general', 重大: 'major' })
const categoryOf = keyBy(CATEGORIES as Record<Category, string>)
function industryOf(w: string): Industry | null {
  if (w in INDUSTRIES) return w as Industry
  for (const [k, words] of Object.entries(INDUSTRY_WORDS) as [Industry, string[]][]) if (words.includes(w)) return k
  return null
}

export interface HistoryImportResult {
  ok: boolean
  dryRun: boolean
  created: number
  /** rows already in the system (an earlier import of the same file): left as they are */
  skipped: number
  valid: number
  errors: ImportError[]
}

type NewHazard = typeof schema.hazards.$inferInsert

/**
 * Imports historical hazards: every row is checked (status, grade, category, industry, township and business
 * known, dates real and in order, no duplicate in the file or already imported); all rows are written in one
 * transaction, each with its steps as events marked 导入, or none and every bad row is listed.
 */
export async function importHazardHistory(
  db: Db,
  table: Cell[][],
  opts: { dryRun: boolean; now: Date; audit: Omit<AuditEntry, 'action'> & { fileName: string } },
): Promise<HistoryImportResult> {
  const errors: ImportError[] = []
  const fail = (valid = 0): HistoryImportResult => ({ ok: false, dryRun: opts.dryRun, created: 0, skipped: 0, valid, errors })
  const text = cellText
  const body = sheetBody(table, HISTORY_HEADERS, REQUIRED, '隐患')
  if ('error' in body) {
    errors.push(body.error)
    return fail()
  }
  const { col, data } = body as { col: Record<Header, number>; data: { row: number; cells: Cell[] }[] }
  const townships = await db.select({ id: schema.jurisdictions.id, name: schema.jurisdictions.name }).from(schema.jurisdictions).where(eq(schema.jurisdictions.kind, 'township'))
  const businesses = await db.select({ id: schema.businesses.id, name: schema.businesses.name, townshipId: schema.businesses.townshipId, industry: schema.businesses.industry }).from(schema.businesses)
  const already = new Set(
    (await rows<{ k: string }>(db, sql`select coalesce(business_id::text, '') || '|' || description || '|' || extract(epoch from created_at)::bigint as k from hazards`)).map((r) => r.k),
  )
  const seen = new Map<string, number>()
  const out: { row: number; h: NewHazard }[] = []
  let skipped = 0
  for (const { row, cells } of data) {
    const p: string[] = []
    const get = (h: Header) => (col[h] >= 0 ? cells[col[h]] ?? '' : '')
    const t = (h: Header) => text(get(h))
    const status = statusOf(t('状态'))
    if (!status) p.push(t('状态') ? `状态“${t('状态')}”不对，可填：${Object.values(STATUS_LABELS).join('、')}` : '状态不能为空')
    const grade = t('等级') ? gradeOf(t('等级')) : 'general'
    if (!grade) p.push(`等级“${t('等级')}”不对，可填：一般隐患、重大隐患`)
    const description = t('隐患描述')
    if (Array.from(description).length < 2) p.push('隐患描述不能为空')
    else if (Array.from(description).length > 500) p.push('隐患描述最多500字')
    const category = t('类别') ? categoryOf(t('类别')) : description ? inferCategory(description) : 'other'
    if (!category) p.push(`类别“${t('类别')}”不对，可填：${Object.values(CATEGORIES).join('、')}`)
    const bName = t('单位')
    const business = bName && bName !== UNIDENTIFIED_BUSINESS ? businesses.find((b) => b.name === bName) : null
    if (bName && bName !== UNIDENTIFIED_BUSINESS && !business) p.push(`没有单位“${bName}”：请先导入经营主体，或写“${UNIDENTIFIED_BUSINESS}”`)
    const tName = t('乡镇街')
    const township = tName ? townships.find((x) => x.name === tName) : null
    if (tName && !township) p.push(`没有乡镇街“${tName}”`)
    const iWord = t('行业')
    const industry = iWord && iWord !== '—' ? industryOf(iWord) : null
    if (iWord && iWord !== '—' && !industry) p.push(`行业“${iWord}”不对，可填：${Object.values(INDUSTRIES).join('、')}`)
    const createdAt = instantOf(get('上报时间'))
    if (!createdAt) p.push(get('上报时间') === '' ? '上报时间不能为空' : '上报时间不是日期（如 2025-03-01 或 2025-03-01 09:30）')
    else if (createdAt < EARLIEST || createdAt > opts.now) p.push('上报时间应在 2024-01-01 到今天之间')
    const deadline = get('整改期限') === '' ? null : instantOf(get('整改期限'))
    if (get('整改期限') !== '' && !deadline) p.push('整改期限不是日期')
    const closedAt = get('销号时间') === '' ? null : instantOf(get('销号时间'))
    if (get('销号时间') !== '' && !closedAt) p.push('销号时间不是日期')
    if (status === 'closed' && !closedAt && get('销号时间') === '') p.push('已销号的隐患请填销号时间')
    if (closedAt && status && status !== 'closed') p.push('未销号的隐患不应有销号时间')
    if (closedAt && createdAt && closedAt < createdAt) p.push('销号时间早于上报时间')
    const long = (['位置', '上报人', '责任人', '挂牌督办', '专项行动', '移交部门'] as Header[]).filter((h) => t(h).length > 60)
    if (long.length) p.push(`${long.join('、')}最多60字`)
    if (t('移交结果').length > 500 || t('整改措施').length > 500) p.push('移交结果、整改措施最多500字')
    const key = `${business?.id ?? ''}|${description}|${createdAt ? Math.floor(createdAt.getTime() / 1000) : ''}`
    let present = false
    if (createdAt && description) {
      if (seen.has(key)) p.push(`与第 ${seen.get(key)} 行重复（同一单位、同一时间、同样描述）`)
      else {
        seen.set(key, row)
        present = already.has(key)
      }
    }
    if (p.length) {
      errors.push({ row, message: p.join('；') })
      continue
    }
    // imported before (same business, time and description): importing the file again changes nothing
    if (present) {
      skipped++
      continue
    }
    out.push({
      row,
      h: {
        businessId: business?.id ?? null,
        townshipId: township?.id ?? business?.townshipId ?? null,
        industry: industry ?? business?.industry ?? null,
        reporterName: t('上报人') || '历史台账',
        reporterKind: 'import',
        description,
        place: t('位置') || null,
        category: category!,
        grade: grade!,
        status: status!,
        listedSupervision: t('挂牌督办') || null,
        deadline,
        responsibleName: t('责任人') || null,
        measures: t('整改措施') || null,
        transferDepartment: t('移交部门') || null,
        transferResult: t('移交结果') || null,
        campaign: t('专项行动') || null,
        createdAt: createdAt!,
        updatedAt: closedAt ?? createdAt!,
        closedAt,
      },
    })
  }
  if (errors.length) return fail(out.length)
  if (opts.dryRun) return { ok: true, dryRun: true, created: 0, skipped, valid: out.length, errors }
  if (!out.length) return { ok: true, dryRun: false, created: 0, skipped, valid: 0, errors }
  const { fileName, ...who } = opts.audit
  await db.transaction(async (tx) => {
    for (let i = 0; i < out.length; i += 200) {
      const part = out.slice(i, i + 200)
      const made = await tx.insert(schema.hazards).values(part.map((x) => x.h)).returning({ id: schema.hazards.id })
      const events: (typeof schema.hazardEvents.$inferInsert)[] = []
      made.forEach(({ id }, j) => {
        const { h, row } = part[j]
        const data = { imported: true, fileName, row }
        events.push({ hazardId: id, action: 'import', actorName: h.reporterName, fromStatus: null, toStatus: 'reported', note: `历史台账导入：${h.description}`, data, at: h.createdAt! })
        if (h.status !== 'reported') events.push({ hazardId: id, action: 'import_status', actorName: who.actorName, fromStatus: 'reported', toStatus: h.status, note: `历史台账记载的状态：${STATUS_LABELS[h.status as HazardStatus]}`, data, at: h.closedAt ?? h.createdAt! })
      })
      await tx.insert(schema.hazardEvents).values(events)
    }
    await recordAudit(tx, { ...who, action: 'hazard.import', targetType: 'hazard', detail: { fileName, created: out.length, skipped, imported: true } }, opts.now)
  })
  return { ok: true, dryRun: false, created: out.length, skipped, valid: out.length, errors }
}

/** The template: the columns with one example row, to download from the console. */
export async function hazardTemplateXlsx(): Promise<Buffer> {
  const wb = new (exceljs().Workbook)()
  const ws = wb.addWorksheet('隐患台账')
  ws.columns = HISTORY_HEADERS.map((h) => ({ header: h, width: ['隐患描述', '整改措施', '移交结果'].includes(h) ? 36 : 14 }))
  ws.getRow(1).font = { bold: true }
  ws.addRow(['已销号', '一般隐患', '燃气', '餐饮', '（乡镇街名称）', '（单位名称）', '后厨燃气软管老化', '一楼后厨', '（上报人）', '（责任人）', '2025-03-08', '2025-03-01 09:30', '2025-03-06 16:00', '', '城镇燃气安全专项整治', '', '', '已更换燃气软管'])
  const notes = wb.addWorksheet('填写说明')
  notes.addRows([
    ['必填：状态、隐患描述、上报时间（2024-01-01 以后）。'],
    [`状态：${Object.values(STATUS_LABELS).join('、')}；已销号的须填销号时间。`],
    ['等级：一般隐患、重大隐患（不填为一般）；类别不填按描述判断。'],
    ['单位须是系统里已有的经营主体（先导入经营主体），群众举报等无单位的写“待认定”。'],
    ['整批导入：任何一行有误，整批不导入，并逐行列出问题。台账导出的 .xlsx 可直接导入；重复导入同一文件，已有的隐患跳过。'],
  ])
  return Buffer.from(await wb.xlsx.writeBuffer())
}
