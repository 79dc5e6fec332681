import { normalize } from './text.js'
import { parseNumber } from './parse.js'

/** How a business answers a checklist in chat, in whatever shape it types. */
export type ChecklistAnswer =
  | { ok: true; answers: Record<number, boolean>; complete: boolean; missing: number[]; failed: number[]; extra?: string }
  | { ok: false; error: string }

export const CHECKLIST_USAGE = '请这样回答：\n全部合格\n3、5不合格（其余按合格记）\n1是 2是 3否 …'

const PASS_WORDS = ['合格', '符合', '正常', '没问题', '无问题', '没毛病', '通过', '达标', '是', '有', '对', '好', '行', '可以', 'ok', 'yes', 'y', '√', '✓', '✔']
const FAIL_WORDS = ['不合格', '不符合', '不正常', '有问题', '不达标', '没达标', '没达到', '未达到', '没做到', '不通过', '不是', '没有', '否', '无', '不行', '不可以', '不好', '不太行', '不', '错', 'no', 'n', 'x', '×', '✗', '✘']
const VERDICT = [...PASS_WORDS, ...FAIL_WORDS]
  .sort((a, b) => b.length - a.length)
  .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  .join('|')
const FAIL_SET = new Set(FAIL_WORDS)

const CN = '[一二两三四五六七八九十]+'
const NUM = `(?:\\d+|${CN})`
const SEP = '(?:\\s*(?:[,、/&+]|和|及|与|以及)\\s*|\\s+)'
const LIST = `${NUM}(?:${SEP}${NUM})*`
const ALL_PASS = /^(?:(?:全部|全都|都|均|全|所有项?目?|各项|每项)(?:都|均)?(?:合格|是|符合|正常|没问题|没有问题|通过|达标|ok|好)(?:了|的)?|(?:没有问题|没问题|无问题|一切正常|均无问题|都没有问题|全部没问题|都ok))[。.!！~]*$/
const ALL_FAIL = /^(?:全部|全都|都|均|全|所有项?目?)(?:不合格|否|不是|不符合)[。.!！]*$/
const REST = '(?:其余|其他|其它|别的|剩下的?|剩余的?|余下的?|后面的?|后边的?)(?:的)?(?:项|各项)?(?:都|均|全部|全|也都?)?'
const REST_PASS = new RegExp(`${REST}(?:合格|是|符合|正常|没问题|没啥问题|没毛病|通过|ok|挺?好的?|行|可以|达标)`)
const REST_FAIL = new RegExp(`${REST}(?:不合格|否|不是|不符合|不行)`)
const EXCEPT = new RegExp(`^除(?:了)?\\s*(${LIST})\\s*(?:项|条)?\\s*(?:外|以外|之外)?[,，]?\\s*(?:其余|其他|其它|别的)?(?:都|均|全部)?(?:合格|是|符合|没问题|没毛病|正常|行|可以|ok|好)`)
const PAIR = new RegExp(`(${LIST})\\s*(?:项|条)?\\s*[.:)、]?\\s*(?:都|均|全|全都|也)?\\s*(${VERDICT})`, 'gi')

function toNumber(s: string): number | null {
  return parseNumber(s.trim())
}

/** '3,5' '三、五' '35' (when there are fewer than 35 items: 3 and 5) → item numbers. */
function listNumbers(list: string, total: number): number[] | string {
  const out: number[] = []
  for (const part of list.split(new RegExp(SEP))) {
    const n = toNumber(part)
    if (n === null) return `没看懂“${part}”`
    if (n > total && /^[1-9]{2,}$/.test(part) && [...part].every((d) => Number(d) <= total)) {
      out.push(...[...part].map(Number))
      continue
    }
    if (n < 1 || n > total) return `没有第${n}项（共${total}项）`
    out.push(n)
  }
  return out
}

function finish(answers: Record<number, boolean>, total: number): ChecklistAnswer {
  const missing: number[] = []
  const failed: number[] = []
  for (let i = 1; i <= total; i++) {
    if (!(i in answers)) missing.push(i)
    else if (!answers[i]) failed.push(i)
  }
  return { ok: true, answers, complete: missing.length === 0, missing, failed }
}

/**
 * Reads a checklist answer: '全部合格', '1是2是3否', '1.是 2.否', '3、5不合格', '3,5 不合格 其余合格', '第3项不合格',
 * '除3、5外都合格', full-width digits and Chinese numerals. Listing only failures means the rest passed.
 * `previous` holds answers given earlier for the same check; the new answer adds to them.
 */
export function parseChecklistAnswer(raw: string, total: number, previous: Record<number, boolean> = {}): ChecklistAnswer {
  let text = normalize(raw)
    .toLowerCase()
    .replace(/[，]/g, ',')
    .replace(/[；;。！!？?]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  if (!text) return { ok: false, error: `没有收到回答。\n${CHECKLIST_USAGE}` }
  const answers: Record<number, boolean> = { ...previous }
  const given = new Map<number, boolean>()
  const conflict = (n: number) => ({ ok: false as const, error: `第${n}项既答了合格又答了不合格，请重新回答。\n${CHECKLIST_USAGE}` })
  const set = (n: number, pass: boolean): boolean => {
    if (given.has(n) && given.get(n) !== pass) return false
    given.set(n, pass)
    return true
  }

  if (ALL_PASS.test(text) || ALL_FAIL.test(text)) {
    const pass = ALL_PASS.test(text)
    // after a partial answer, 全部合格 speaks for the items still open
    for (let i = 1; i <= total; i++) if (!(i in previous)) answers[i] = pass
    return finish(answers, total)
  }

  // '第3项' → '3'; ranges '3-5' '3至5' → '3,4,5'
  // '第15项' names one item: never split it into 1 and 5
  let named: number | null = null
  text = text.replace(new RegExp(`第\\s*(${NUM})\\s*(?:项|条|个)?`, 'g'), (_m, n: string) => {
    const v = toNumber(n)
    if (v !== null && v > total && named === null) named = v
    return n
  })
  if (named !== null) return { ok: false, error: `没有第${named}项（共${total}项）。\n${CHECKLIST_USAGE}` }
  const range = new RegExp(`(${NUM})\\s*(?:-|~|至|到)\\s*(${NUM})`, 'g')
  let rangeError: string | null = null
  text = text.replace(range, (_m, a: string, b: string) => {
    const x = toNumber(a)
    const y = toNumber(b)
    if (x === null || y === null || y < x || y - x > 100) {
      rangeError = `没看懂“${a}-${b}”`
      return ' '
    }
    return Array.from({ length: y - x + 1 }, (_v, i) => String(x + i)).join(',')
  })
  if (rangeError) return { ok: false, error: `${rangeError}。\n${CHECKLIST_USAGE}` }

  let rest: boolean | null = null
  const except = EXCEPT.exec(text)
  if (except) {
    const nums = listNumbers(except[1], total)
    if (typeof nums === 'string') return { ok: false, error: `${nums}。\n${CHECKLIST_USAGE}` }
    for (const n of nums) if (!set(n, false)) return conflict(n)
    rest = true
    text = text.slice(except[0].length)
  }
  const rp = REST_PASS.exec(text)
  const rf = REST_FAIL.exec(text)
  if (rf) {
    if (rest === true) return { ok: false, error: `“其余”既答了合格又答了不合格。\n${CHECKLIST_USAGE}` }
    rest = false
    text = text.replace(REST_FAIL, ' ')
  } else if (rp) {
    rest = true
    text = text.replace(REST_PASS, ' ')
  }

  let leftover = ''
  let last = 0
  for (const m of text.matchAll(PAIR)) {
    leftover += text.slice(last, m.index)
    last = m.index + m[0].length
    const nums = listNumbers(m[1], total)
    if (typeof nums === 'string') return { ok: false, error: `${nums}。\n${CHECKLIST_USAGE}` }
    const pass = !FAIL_SET.has(m[2].toLowerCase())
    for (const n of nums) if (!set(n, pass)) return conflict(n)
  }
  leftover += text.slice(last)
  const stray = new RegExp(NUM).exec(leftover.replace(/项|条/g, ''))
  if (stray) {
    const n = toNumber(stray[0])
    return { ok: false, error: `第${n ?? stray[0]}项没写合格还是不合格。\n${CHECKLIST_USAGE}` }
  }
  if (!given.size && rest === null) return { ok: false, error: `没看懂这个回答。\n${CHECKLIST_USAGE}` }
  if (!given.size && rest !== null && !Object.keys(previous).length) {
    return { ok: false, error: `请先写明哪几项，再说“其余”。\n${CHECKLIST_USAGE}` }
  }
  const onlyFailures = given.size > 0 && [...given.values()].every((v) => !v)
  for (const [n, pass] of given) answers[n] = pass
  // listing only the failed items ('3、5不合格') means the rest passed
  const fill = rest ?? (onlyFailures ? true : null)
  if (fill !== null) for (let i = 1; i <= total; i++) if (!(i in answers)) answers[i] = fill
  return finish(answers, total)
}

const CN_DIGIT: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 }
const COUNT = '[一二两三四五六七八九十几\\d]+'
/** A clause that passes everything by itself: 行, 都正常, 一切都好, 没毛病 … */
const PASS_CLAUSE =
  /^(?:(?:全部|全都|都|均|全|所有项?目?|各项|每项|一切)(?:都|均)?(?:挺|很|还)?(?:合格|符合(?:要求)?|正常|没问题|没有问题|没啥问题|没什么问题|没毛病|通过|达标|ok|好|行|可以|挺好|弄好)|(?:合格|符合要求|正常|没问题|没有问题|没啥问题|没什么问题|没毛病|行|可以|没事))(?:了|的|啊|呢|呀)?$/
/** Acknowledgements that say nothing by themselves but may stand beside an answer (好的 都合格). */
const ACK_CLAUSE = /^(?:好的?|嗯+|收到|知道了|谢谢|ok了?)$/
/** Words that say something is wrong, in an answer that names a problem instead of a number. */
const PROBLEM = /没|未|不|无|坏|过期|老化|破|裂|锈|漏|渗|堵|锁|挡|堆|私拉|乱接|飞线|串|超|缺|还在|还用|就一个|只有|一个人|抽烟|吸烟|充电|同室|一个屋|问题|毛病|坑|掉|松|歪|滑/

const cnNumber = (s: string) => (/^\d+$/.test(s) ? Number(s) : (parseNumber(s) ?? CN_DIGIT[s] ?? null))

/**
 * Rewrites the forms people type into the ones the reader knows: 最后一项, 前三项, 后两项, 2号, 一二三 (items 1, 2, 3),
 * 1到4. Returns an error when it counts problems without naming them (有两项不合格): never guess which.
 */
function rewrite(raw: string, total: number): string | { error: string } {
  let t = normalize(raw)
    .toLowerCase()
    .replace(/[，]/g, ',')
    .replace(/[；;。！!？?~～]+(?=\D|$)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  if (new RegExp(`(?:有|其中|好)\\s*${COUNT}\\s*(?:项|个|条|处)`).test(t) && !/第/.test(t)) return { error: '请写明是哪几项，例如：2、5不合格' }
  t = t.replace(/最后(?:一|1)?(?:项|个|条)/g, String(total))
  t = t.replace(new RegExp(`(?:前|头)(${COUNT})(?:项|个|条)`, 'g'), (m, n: string) => {
    const k = cnNumber(n)
    return k && k <= total ? `1到${k}` : m
  })
  t = t.replace(new RegExp(`后(${COUNT})(?:项|个|条)`, 'g'), (m, n: string) => {
    const k = cnNumber(n)
    return k && k <= total ? `${total - k + 1}到${total}` : m
  })
  t = t.replace(/([0-9]+|[一二两三四五六七八九十]+)\s*号(?!码)/g, '$1')
  // 一二三 / 四五: single numerals in a row name several items (十 makes it one number: 十一)
  t = t.replace(/[一二两三四五六七八九]{2,}/g, (m) => [...m].map((c) => CN_DIGIT[c]).join(','))
  return t
}

function allPass(text: string, total: number, previous: Record<number, boolean>): ChecklistAnswer | null {
  const clauses = text.split(/[,、\s]+/).filter(Boolean)
  if (!clauses.length || !clauses.some((c) => PASS_CLAUSE.test(c)) || !clauses.every((c) => PASS_CLAUSE.test(c) || ACK_CLAUSE.test(c))) return null
  const answers = { ...previous }
  for (let i = 1; i <= total; i++) if (!(i in previous)) answers[i] = true
  return finish(answers, total)
}

/** The item a clause names by its words (unique best), or null. */
function itemNamed(clause: string, words: string[][]): number | 'tie' | null {
  let best = 0
  let item: number | 'tie' | null = null
  words.forEach((ws, i) => {
    const score = ws.reduce((n, w) => n + (clause.includes(w) ? w.length : 0), 0)
    if (score > best) {
      best = score
      item = i + 1
    } else if (score === best && score > 0) item = 'tie'
  })
  return best >= 2 ? item : null
}

/** An answer in words only: each clause names a problem, matched to its item or kept as a hazard of its own. */
function byWords(text: string, total: number, words: string[][], namesThing: (s: string) => boolean, previous: Record<number, boolean>): ChecklistAnswer | null {
  let rest: boolean | null = null
  if (REST_FAIL.test(text)) return null
  const body = text.replace(new RegExp(REST_PASS.source, 'g'), () => {
    rest = true
    return ' '
  })
  const clauses = body.split(/[,、\s]+/).filter((c) => c && !PASS_CLAUSE.test(c) && !ACK_CLAUSE.test(c))
  if (!clauses.length) return null
  const failed = new Set<number>()
  const extra: string[] = []
  for (const c of clauses) {
    if (/\d/.test(c) || !PROBLEM.test(c)) return null
    const item = itemNamed(c, words)
    if (item === 'tie') return { ok: false, error: `“${c}”是第几项？请写项号，例如：2不合格` }
    if (item) failed.add(item)
    else if (namesThing(c)) extra.push(c)
    else return null
  }
  const answers = { ...previous }
  for (const n of failed) answers[n] = false
  // naming only what is wrong means the rest passed (as 3、5不合格 does)
  void rest
  for (let i = 1; i <= total; i++) if (!(i in answers)) answers[i] = true
  const r = finish(answers, total)
  return r.ok && extra.length ? { ...r, extra: extra.join('，') } : r
}

/**
 * Reads a free answer to an open checklist: everything `parseChecklistAnswer` reads, plus 行 / 都正常，一切都好,
 * 2号不行 别的都行, 1到4合格 5 6不合格, 最后一项, 前三项, 一二三都合格, and a problem named in words instead of a
 * number (电梯年检过期了其他都好), matched to its item by `itemWords`, or kept as `extra` (a hazard of its own)
 * when no item covers it and it names a thing (`namesThing`: a place or object the recogniser knows). What it cannot read is an error with a short question: it never guesses failed items.
 */
export function readChecklistAnswer(
  raw: string,
  total: number,
  opts: { itemWords?: string[][]; namesThing?: (clause: string) => boolean } = {},
  previous: Record<number, boolean> = {},
): ChecklistAnswer {
  const t = rewrite(raw, total)
  if (typeof t !== 'string') return { ok: false, error: t.error }
  if (!t) return { ok: false, error: `没有收到回答。\n${CHECKLIST_USAGE}` }
  const pass = allPass(t, total, previous)
  if (pass) return pass
  const r = parseChecklistAnswer(t, total, previous)
  if (r.ok) return r
  const w = byWords(t, total, opts.itemWords ?? [], opts.namesThing ?? (() => false), previous)
  return w ?? r
}

const LOOKS_PAIR = new RegExp(`(?:${NUM})\\s*(?:项|条|号)?\\s*[.:)、]?\\s*(?:都|均|全)?(?:${VERDICT})`, 'i')

/** A cheap test before any database work: could this text be a checklist answer? */
export function looksLikeChecklistAnswer(raw: string): boolean {
  const t = normalize(raw).toLowerCase()
  if (t.length > 300) return false
  if (ALL_PASS.test(t) || ALL_FAIL.test(t) || REST_PASS.test(t) || REST_FAIL.test(t)) return true
  if (allPass(t, 1, {}) && !ACK_CLAUSE.test(t)) return true
  return LOOKS_PAIR.test(t) || /^除|最后一|第[一二三四五六七八九十\d]/.test(t)
}
