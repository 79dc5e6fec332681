import { Readable } from 'node:stream'
import type ExcelJS from 'exceljs'
import { exceljs } from './lazy-libs.js'
import { eq, inArray, or } from 'drizzle-orm'
import { schema, type Db } from '../../db/client.js'
import { AppError } from '../core/errors.js'
import { INDUSTRIES, INDUSTRY_WORDS, type Industry } from '../core/domain.js'
import { creditCodeProblem } from '../core/credit-code.js'
import { recordAudit, type AuditEntry } from './audit.js'

/** Column headers people write, first the one in the sample file. */
const HEADERS = {
  name: ['单位名称', '名称', '企业名称', '经营主体', '经营主体名称', '单位'],
  creditCode: ['统一社会信用代码', '信用代码', '社会信用代码'],
  industry: ['行业', '所属行业', '行业类别'],
  township: ['乡镇街', '乡镇', '街道', '所属乡镇街', '乡镇（街道）', '乡镇(街道)'],
  address: ['地址', '经营地址', '详细地址'],
  aboveQuota: ['限上单位', '是否限上', '限上'],
} as const
type Field = keyof typeof HEADERS

export const IMPORT_MAX_ROWS = 10_000
const YES = ['是', 'Y', 'y', 'yes', '1', 'true', '限上']
const NO = ['否', 'N', 'n', 'no', '0', 'false', '']

export interface ImportError {
  row: number
  message: string
}

export interface ImportResult {
  ok: boolean
  dryRun: boolean
  /** businesses created (0 on a dry run or when any row is wrong) */
  created: number
  /** rows that passed every check */
  valid: number
  errors: ImportError[]
}

/** Text of a cell whatever exceljs made of it (rich text, hyperlink, formula result, number). */
function text(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'object') {
    if (v instanceof Date) return v.toISOString().slice(0, 10)
    if ('richText' in v) return v.richText.map((r) => r.text).join('')
    if ('text' in v) return String(v.text)
    if ('result' in v) return v.result === undefined ? '' : String(v.result)
    return ''
  }
  return String(v)
}

/** CSV from Excel on Chinese Windows is often GB18030 (GBK): take UTF-8 when the bytes are valid UTF-8. */
function decode(buf: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf).replace(/^\uFEFF/, '')
  } catch {
    return new TextDecoder('gb18030').decode(buf)
  }
}

/** The rows of the first sheet (xlsx) or the CSV, as text, header first. */
export async function readTable(file: Buffer, filename: string): Promise<string[][]> {
  const wb = new (exceljs().Workbook)()
  let ws: ExcelJS.Worksheet | undefined
  if (/\.csv$/i.test(filename)) {
    ws = await wb.csv.read(Readable.from([decode(file)]), { map: (v: unknown) => v } as never)
  } else if (/\.xlsx$/i.test(filename)) {
    try {
      await wb.xlsx.load(file as unknown as ArrayBuffer)
    } catch {
      throw new AppError('usage', '文件打不开：请上传 Excel 的 .xlsx 文件（不支持旧的 .xls），或 .csv 文件')
    }
    ws = wb.worksheets[0]
  } else {
    throw new AppError('usage', '只能导入 .xlsx 或 .csv 文件（旧的 .xls 请先另存为 .xlsx）')
  }
  if (!ws) return []
  const out: string[][] = []
  for (let r = 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r)
    const cells: string[] = []
    for (let c = 1; c <= Math.max(row.cellCount, 1); c++) cells.push(text(row.getCell(c).value).trim())
    out.push(cells)
  }
  return out
}

function industryOf(word: string): Industry | null {
  const w = word.trim()
  if (w in INDUSTRIES) return w as Industry
  for (const [k, words] of Object.entries(INDUSTRY_WORDS) as [Industry, string[]][]) if (words.includes(w)) return k
  return null
}

interface Candidate {
  row: number
  name: string
  creditCode: string | null
  industry: Industry
  townshipId: number | null
  address: string | null
  aboveQuota: boolean
}

/**
 * Imports businesses from a table: every row is checked (name, credit code and its check character, industry
 * from the known list, township exists, no duplicate in the file or the database) and either all rows are
 * created in one transaction, or none and the report names each bad row (rows numbered as in the file).
 */
export async function importBusinesses(
  db: Db,
  table: string[][],
  opts: { dryRun: boolean; now: Date; audit: Omit<AuditEntry, 'action'> & { fileName: string } },
): Promise<ImportResult> {
  const errors: ImportError[] = []
  const fail = (): ImportResult => ({ ok: false, dryRun: opts.dryRun, created: 0, valid: 0, errors })
  // the header is the first non-empty row
  const headerAt = table.findIndex((r) => r.some((c) => c !== ''))
  if (headerAt < 0) {
    errors.push({ row: 1, message: '文件是空的：第一行写表头（单位名称、统一社会信用代码、行业、乡镇街、地址、限上单位），下面每行一个单位' })
    return fail()
  }
  const header = table[headerAt]
  const col = {} as Record<Field, number>
  for (const f of Object.keys(HEADERS) as Field[]) col[f] = header.findIndex((h) => (HEADERS[f] as readonly string[]).includes(h.replace(/\s/g, '')))
  const missing = (['name', 'industry'] as Field[]).filter((f) => col[f] < 0)
  if (missing.length) {
    errors.push({ row: headerAt + 1, message: `表头缺少“${missing.map((f) => HEADERS[f][0]).join('”“')}”列；可用的列：${Object.values(HEADERS).map((h) => h[0]).join('、')}` })
    return fail()
  }
  const data = table.map((cells, i) => ({ row: i + 1, cells })).slice(headerAt + 1).filter((r) => r.cells.some((c) => c !== ''))
  if (!data.length) {
    errors.push({ row: headerAt + 2, message: '表头下面没有数据行' })
    return fail()
  }
  if (data.length > IMPORT_MAX_ROWS) {
    errors.push({ row: headerAt + 1, message: `一次最多导入 ${IMPORT_MAX_ROWS} 行，这个文件有 ${data.length} 行，请分开导入` })
    return fail()
  }
  const townships = await db.select({ id: schema.jurisdictions.id, name: schema.jurisdictions.name }).from(schema.jurisdictions).where(eq(schema.jurisdictions.kind, 'township'))
  const townshipNames = townships.map((t) => t.name)
  const cell = (cells: string[], f: Field) => (col[f] >= 0 ? (cells[col[f]] ?? '').trim() : '')
  const seenName = new Map<string, number>()
  const seenCode = new Map<string, number>()
  const candidates: Candidate[] = []
  for (const { row, cells } of data) {
    const problems: string[] = []
    const name = cell(cells, 'name')
    if (name.length < 2) problems.push(name ? '单位名称至少 2 个字' : '单位名称不能为空')
    else if (name.length > 80) problems.push('单位名称最多 80 个字')
    else if (seenName.has(name)) problems.push(`单位名称与第 ${seenName.get(name)} 行重复`)
    const codeRaw = cell(cells, 'creditCode').replace(/\s/g, '').toUpperCase()
    const codeProblem = codeRaw ? creditCodeProblem(codeRaw) : null
    if (codeProblem) problems.push(codeProblem)
    else if (codeRaw && seenCode.has(codeRaw)) problems.push(`统一社会信用代码与第 ${seenCode.get(codeRaw)} 行重复`)
    const industryWord = cell(cells, 'industry')
    const industry = industryOf(industryWord)
    if (!industry) problems.push(industryWord ? `行业“${industryWord}”不在目录里，可填：${Object.values(INDUSTRIES).join('、')}` : `行业不能为空，可填：${Object.values(INDUSTRIES).join('、')}`)
    const townWord = cell(cells, 'township')
    let townshipId: number | null = null
    if (townWord) {
      const exact = townships.find((t) => t.name === townWord)
      const prefix = townships.filter((t) => t.name.startsWith(townWord))
      const t = exact ?? (prefix.length === 1 ? prefix[0] : null)
      if (t) townshipId = t.id
      else problems.push(`没有乡镇街“${townWord}”${townshipNames.length ? `，可填：${townshipNames.slice(0, 10).join('、')}` : '，请管理员先添加乡镇街'}`)
    }
    const address = cell(cells, 'address')
    if (address.length > 200) problems.push('地址最多 200 个字')
    const quota = cell(cells, 'aboveQuota')
    if (!YES.includes(quota) && !NO.includes(quota)) problems.push(`限上单位请填“是”或“否”，这里是“${quota}”`)
    if (name && !seenName.has(name)) seenName.set(name, row)
    if (codeRaw && !codeProblem && !seenCode.has(codeRaw)) seenCode.set(codeRaw, row)
    if (problems.length) errors.push({ row, message: problems.join('；') })
    else candidates.push({ row, name, creditCode: codeRaw || null, industry: industry!, townshipId, address: address || null, aboveQuota: YES.includes(quota) })
  }
  // already in the database
  const names = candidates.map((c) => c.name)
  const codes = candidates.map((c) => c.creditCode).filter((c): c is string => c !== null)
  if (candidates.length) {
    const existing = await db
      .select({ name: schema.businesses.name, creditCode: schema.businesses.creditCode })
      .from(schema.businesses)
      .where(or(inArray(schema.businesses.name, names), codes.length ? inArray(schema.businesses.creditCode, codes) : undefined))
    const takenName = new Set(existing.map((e) => e.name))
    const takenCode = new Map(existing.filter((e) => e.creditCode).map((e) => [e.creditCode!, e.name]))
    for (const c of candidates) {
      const p: string[] = []
      if (takenName.has(c.name)) p.push('系统里已有同名单位')
      if (c.creditCode && takenCode.has(c.creditCode)) p.push(`统一社会信用代码已登记为“${takenCode.get(c.creditCode)}”`)
      if (p.length) errors.push({ row: c.row, message: p.join('；') })
    }
  }
  errors.sort((a, b) => a.row - b.row)
  const valid = data.length - errors.filter((e) => e.row > headerAt + 1).length
  if (errors.length) return { ...fail(), valid }
  if (opts.dryRun) return { ok: true, dryRun: true, created: 0, valid, errors }
  try {
    await db.transaction(async (tx) => {
      for (let i = 0; i < candidates.length; i += 500) {
        await tx.insert(schema.businesses).values(
          candidates.slice(i, i + 500).map((c) => ({ name: c.name, creditCode: c.creditCode, industry: c.industry, townshipId: c.townshipId, address: c.address, aboveQuota: c.aboveQuota })),
        )
      }
      const { fileName, ...who } = opts.audit
      await recordAudit(tx, { ...who, action: 'business.import', targetType: 'business', detail: { fileName, created: candidates.length } }, opts.now)
    })
  } catch (e) {
    // someone added one of these businesses meanwhile: nothing was created
    if ((e as { code?: string; cause?: { code?: string } }).code === '23505' || (e as { cause?: { code?: string } }).cause?.code === '23505') {
      return { ok: false, dryRun: false, created: 0, valid: 0, errors: [{ row: headerAt + 1, message: '导入时有同名或同信用代码的单位刚被登记，整批未导入，请重新上传' }] }
    }
    throw e
  }
  return { ok: true, dryRun: false, created: candidates.length, valid, errors }
}
