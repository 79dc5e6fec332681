import { normalize, tokens } from './text.js'
import { categoryOf } from './recogniser.js'
import { defaultLexicon } from '../../db/lexicon.js'
import {
  CATEGORY_WORDS,
  DEPARTMENTS,
  INDUSTRY_WORDS,
  type Category,
  type Industry,
} from './domain.js'

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string }
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value })
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error })

import { parseNumber } from './numbers.js'
import { readDateWord, looksLikeDate, DATE_FORMS, type DateWord } from './dates.js'

export { parseNumber }

/** A deadline as people say it (see src/core/dates.ts for every form and its meaning). */
export type Deadline = DateWord

/** A deadline token: '7天', '七天', '3日内', '两周', '本周内', '下周三前', '月底', '12月31日', '春节前' … */
export function parseDeadline(token: string): Deadline | null {
  const d = readDateWord(token)
  return d === 'invalid' ? null : d
}

/** Like parseDeadline, but tells a deadline-shaped token with impossible values ('0天', '12月32日') from a non-deadline. */
export const readDeadline = readDateWord

/** 'Y12', 'y12', 'Ｙ１２' → 'Y12'. */
export function parseHazardCode(token: string): string | null {
  const m = /^[Yy](\d{1,9})$/.exec(normalize(token))
  return m ? `Y${Number(m[1])}` : null
}

const LEADING_PUNCT = /^[\s:：,，。.、;；!！?？]+/

/** The first hazard code among the tokens; also one typed without a space: 'Y12通过', 'Y12。', '编号:Y12'. */
function findCode(parts: string[]): { code: string | null; rest: string[] } {
  const i = parts.findIndex((p) => parseHazardCode(p) !== null)
  if (i >= 0) return { code: parseHazardCode(parts[i]), rest: [...parts.slice(0, i), ...parts.slice(i + 1)] }
  for (let j = 0; j < parts.length; j++) {
    const m = /^(?:隐患编号|编号|隐患)?[:：]?[Yy](\d{1,9})(?![\dA-Za-z])(.*)$/s.exec(parts[j])
    if (!m) continue
    const left = m[2].replace(LEADING_PUNCT, '')
    return { code: `Y${Number(m[1])}`, rest: [...parts.slice(0, j), ...(left ? [left] : []), ...parts.slice(j + 1)] }
  }
  return { code: null, rest: parts }
}

/**
 * The category a description points to: the recogniser's category function over the lexicon in `db/lexicon/`
 * (longest word first, weights per category), so `#隐患` and plain words land in the same category.
 */
export function inferCategory(text: string): Category {
  return categoryOf(text, defaultLexicon())
}

export function matchCategoryWord(word: string): Category | null {
  for (const [cat, words] of Object.entries(CATEGORY_WORDS) as [Category, string[]][]) if (words.includes(word)) return cat
  return null
}

export function matchIndustry(word: string): Industry | null {
  for (const [ind, words] of Object.entries(INDUSTRY_WORDS) as [Industry, string[]][]) if (words.includes(word)) return ind
  return null
}

export function matchDepartment(text: string): string | null {
  for (const [name, words] of DEPARTMENTS) if (words.some((w) => text === w || text.startsWith(w))) return name
  return null
}

// ---- per-command argument parsers: input is the text after the command word ----

/**
 * Whether a text has words in it: at least two letters or characters once digits, punctuation, symbols, emoji
 * and spaces are taken out. `666`, `？？？`, `🔥🔥` and `火` do not describe anything one could look into.
 */
export function saysSomething(text: string): boolean {
  return Array.from(text.replace(/[\p{N}\p{P}\p{S}\p{Z}\p{M}\p{Extended_Pictographic}\p{Cc}\p{Cf}\s]/gu, '')).length >= 2
}

export interface ReportArgs {
  description: string
  place: string | null
  category: Category
  categoryGiven: boolean
  major: boolean
  /** the campaign word after 专项: (a campaign's short name or name), resolved by the command; absent: none */
  campaign?: string | null
}

export function parseReport(rest: string): Parsed<ReportArgs> {
  let s = rest
  let major = false
  s = s.replace(/[[【(（]?(重大隐患|重大)[\]】)）]?/g, () => {
    major = true
    return ' '
  })
  s = s.replace(/[[【(（]?一般隐患[\]】)）]?/g, ' ')
  let campaign: string | null = null
  s = s.replace(/(?<=^|[\s,，。;；])专项(?:行动)?\s*[:：]\s*([^\s,，。;；]+)/, (_m, c: string) => {
    campaign = c
    return ' '
  })
  let place: string | null = null
  // only as a label: '地点:后厨', '地点 后厨', '位置在二楼' (not the 位置 inside '消防通道位置堆放杂物')
  s = s.replace(/(?<=^|[\s,，。;；])(?:地点|位置|地址|部位)(?:\s*[:：]\s*|\s+|在)([^\s,，。;；]+)/, (_m, p: string) => {
    place = p
    return ' '
  })
  let category: Category | null = null
  s = s.replace(/(?:类别|类型|分类)\s*[:：]?\s*([^\s,，。;；]+)/, (m0, c: string) => {
    const cat = matchCategoryWord(c)
    if (!cat) return m0
    category = cat
    return ' '
  })
  s = s.replace(/[【[]([^】\]]+)[】\]]/g, (m0, c: string) => {
    const cat = matchCategoryWord(c.trim())
    if (!cat) return m0
    category = cat
    return ' '
  })
  const description = s
    .replace(/\s+/g, ' ')
    .replace(/[,，;；、]\s*(?=[,，;；、。])/g, '')
    .replace(/^[\s,，。.:：;；、]+|[\s,，;；、:：。]+$/g, '')
    .trim()
  if (Array.from(description).length < 2 || !saysSomething(description)) return fail('请写上隐患情况（什么地方、什么问题）')
  if (Array.from(description).length > 500) return fail('隐患描述太长了，请控制在500字以内')
  return ok({
    description,
    place,
    category: category ?? inferCategory(description + (place ?? '')),
    categoryGiven: category !== null,
    major,
    ...(campaign ? { campaign } : {}),
  })
}

export interface AcceptArgs {
  code: string
  deadline: Deadline | null
  responsible: string | null
  business: string | null
}

const BUSINESS_LABEL = /^(?:单位名称|单位|商户|企业|经营主体)(?:\s*[:：]\s*|\s+)/

export function parseAccept(rest: string): Parsed<AcceptArgs> {
  let s = rest
  let responsible: string | null = null
  s = s.replace(/负责人\s*[:：]?\s*@?([^\s,，]+)/, (_m, r: string) => {
    responsible = r
    return ' '
  })
  s = s.replace(/(期限|限期|截止)\s*[:：]?\s+/g, '$1')
  const { code, rest: parts } = findCode(tokens(s))
  if (!code) return fail('请写上隐患编号，如 Y12')
  let deadline: Deadline | null = null
  const left: string[] = []
  for (const p of parts) {
    const d = readDeadline(p)
    if (d === 'invalid') return fail(`期限“${p}”不对，可写：${DATE_FORMS}`)
    if (d && deadline) return fail('只写一个期限就行')
    if (d) deadline = d
    // never taken for a business name, never replaced by the default in silence
    else if (looksLikeDate(p)) return fail(`期限“${p}”看不懂，可写：${DATE_FORMS}`)
    else left.push(p)
  }
  // '单位:城关老街饭店' (a business for a 待认定 hazard) may stand anywhere, its name may hold spaces
  const business = left.join(' ').replace(BUSINESS_LABEL, '').trim() || null
  return ok({ code, deadline, responsible, business })
}

export function parseRectify(rest: string): Parsed<{ code: string; measures: string }> {
  const { code, rest: parts } = findCode(tokens(rest))
  if (!code) return fail('请写上隐患编号，如 Y12')
  const measures = parts.join(' ').replace(LEADING_PUNCT, '').replace(/^(?:措施|整改措施)\s*[:：]?/, '').trim()
  if (Array.from(measures).length < 2) return fail('请写上整改措施')
  return ok({ code, measures })
}

const PASS_WORDS = ['通过', '合格', '同意', '销号', '验收通过', '验收合格', '已整改到位', '整改到位', '到位']
const FAIL_WORDS = ['验收不通过', '验收不合格', '整改不到位', '通过不了', '没通过', '没有通过', '不予通过', '不通过', '不合格', '退回', '驳回', '未通过', '不同意', '不到位', '未整改到位', '重新整改']

export function parseVerify(rest: string): Parsed<{ code: string; passed: boolean; opinion: string | null }> {
  const { code, rest: parts } = findCode(tokens(rest))
  if (!code) return fail('请写上隐患编号，如 Y12')
  let passed: boolean | null = null
  let idx = -1
  parts.forEach((p, i) => {
    if (passed !== null) return
    const f = FAIL_WORDS.find((w) => p.startsWith(w))
    if (f) {
      passed = false
      idx = i
      parts[i] = p.slice(f.length)
      return
    }
    // a pass word must stand alone: 合格证过期 is not 合格
    const w = PASS_WORDS.find((x) => p.startsWith(x) && /^(?:$|[\s,，。.!！:：;；、])/.test(p.slice(x.length)))
    if (w) {
      passed = true
      idx = i
      parts[i] = p.slice(w.length)
    }
  })
  if (passed === null) return fail('请写明“通过”或“不通过”')
  const opinion = parts
    .filter((p, i) => i !== idx || p)
    .join(' ')
    .replace(LEADING_PUNCT, '')
    .replace(/^(?:意见|原因)\s*[:：]?/, '')
    .trim()
  return ok({ code, passed, opinion: opinion || null })
}

export function parseTransfer(rest: string): Parsed<{ code: string; department: string; note: string | null }> {
  const { code, rest: parts } = findCode(tokens(rest))
  if (!code) return fail('请写上隐患编号，如 Y12')
  if (!parts.length) return fail('请写上移交的部门，如 消防救援')
  const text = parts.join(' ').replace(LEADING_PUNCT, '').replace(/^(?:部门|移交部门|移交给|移交|给|至|到)\s*[:：]?/, '').trim()
  if (!text) return fail('请写上移交的部门，如 消防救援')
  const [first, ...more] = tokens(text)
  const department = matchDepartment(first) ?? first
  if (Array.from(department).length > 30) return fail('部门名称太长了')
  return ok({ code, department, note: more.join(' ') || null })
}

export function parseTransferResult(rest: string): Parsed<{ code: string; result: string }> {
  const { code, rest: parts } = findCode(tokens(rest))
  if (!code) return fail('请写上隐患编号，如 Y12')
  const result = parts.join(' ').replace(LEADING_PUNCT, '').replace(/^(?:结果|处理结果)\s*[:：]?/, '').trim()
  if (Array.from(result).length < 2) return fail('请写上移交部门的处理结果')
  return ok({ code, result })
}

/** '#作废 Y7 重复上报': the reason is required (it stays in the ledger). */
export function parseVoid(rest: string): Parsed<{ code: string; reason: string }> {
  const { code } = findCode(tokens(rest))
  if (!code) return fail('请写上隐患编号，如 Y12')
  // the reason as typed, punctuation kept: it is read in the ledger
  const reason = rest
    .replace(/(?:隐患编号|编号)?[:：]?[Yy]\d{1,9}(?![\dA-Za-z])/, ' ')
    .replace(LEADING_PUNCT, '')
    .replace(/^(?:原因|理由|作废原因)\s*[:：]?/, '')
    .trim()
  if (Array.from(reason).length < 2) return fail('请写明作废原因，如 重复上报、误报')
  if (Array.from(reason).length > 200) return fail('作废原因太长了，请控制在200字以内')
  return ok({ code, reason })
}

/** 查询 takes a hazard code; 查询 我的 and 查询 逾期 mean the commands of their own. */
export function parseQuery(rest: string): Parsed<{ code: string }> {
  const r = parseCodeOnly(rest)
  if (r.ok) return r
  const w = rest.trim()
  if (/^我的(?:隐患)?$|^我$/.test(w)) return fail('看自己上报或自己单位的隐患，请发：#我的')
  if (/^(?:逾期|超期)(?:隐患|的)?$/.test(w)) return fail('看逾期的隐患，请发：#逾期')
  return r
}

export function parseCodeOnly(rest: string): Parsed<{ code: string }> {
  const { code } = findCode(tokens(rest))
  return code ? ok({ code }) : fail('请写上隐患编号，如 Y12')
}

export function parseRegisterGroup(rest: string): Parsed<{ township: string; industries: Industry[] }> {
  const parts = tokens(rest.replace(/(?:乡镇|行业)\s*[:：]/g, ' '))
  if (!parts.length) return fail('请写上本群所属乡镇（或“全市”）')
  const industries: Industry[] = []
  let township: string | null = null
  for (const p of parts) {
    const ind = matchIndustry(p)
    if (ind) {
      if (!industries.includes(ind)) industries.push(ind)
    } else if (!township) township = p
    else return fail(`不认识的行业：${p}`)
  }
  if (!township) return fail('请写上本群所属乡镇（或“全市”）')
  return ok({ township, industries })
}

export function parseBind(rest: string): Parsed<{ code: string }> {
  // '#绑定码 382915' and '#绑定 绑定码：382915' copy the help text's wording
  const m = /^([A-Za-z0-9]{4,12})$/.exec(rest.replace(/^(?:绑定码|验证码|码)/, '').replace(/[\s:：,，。.!！]+/g, ''))
  return m ? ok({ code: m[1].toUpperCase() }) : fail('请写上管理员发给您的绑定码')
}
