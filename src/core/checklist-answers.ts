import { normalize } from './text.js'
import { parseNumber } from './parse.js'

/** How a business answers a checklist in chat, in whatever shape it types. */
export type ChecklistAnswer =
  | { ok: true; answers: Record<number, boolean>; complete: boolean; missing: number[]; failed: number[] }
  | { ok: false; error: string }

export const CHECKLIST_USAGE = '请这样回答：\n全部合格\n3、5不合格（其余按合格记）\n1是 2是 3否 …'

const PASS_WORDS = ['合格', '符合', '正常', '没问题', '无问题', '通过', '达标', '是', '有', '对', '好', 'ok', 'yes', 'y', '√', '✓', '✔']
const FAIL_WORDS = ['不合格', '不符合', '不正常', '有问题', '不达标', '不通过', '不是', '没有', '否', '无', '不', '错', 'no', 'n', 'x', '×', '✗', '✘']
const VERDICT = [...PASS_WORDS, ...FAIL_WORDS]
  .sort((a, b) => b.length - a.length)
  .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  .join('|')
const FAIL_SET = new Set(FAIL_WORDS)

const CN = '[一二两三四五六七八九十]+'
const NUM = `(?:\\d+|${CN})`
const SEP = '\\s*(?:[,、/&+]|和|及|与|以及)\\s*'
const LIST = `${NUM}(?:${SEP}${NUM})*`
const ALL_PASS = /^(?:(?:全部|全都|都|均|全|所有项?目?|各项|每项)(?:都|均)?(?:合格|是|符合|正常|没问题|没有问题|通过|达标|ok|好)(?:了|的)?|(?:没有问题|没问题|无问题|一切正常|均无问题|都没有问题|全部没问题|都ok))[。.!！~]*$/
const ALL_FAIL = /^(?:全部|全都|都|均|全|所有项?目?)(?:不合格|否|不是|不符合)[。.!！]*$/
const REST_PASS = /(?:其余|其他|其它|别的|剩下的?|余下的?)(?:的)?(?:项|各项)?(?:都|均|全部|全)?(?:合格|是|符合|正常|没问题|通过|ok)/
const REST_FAIL = /(?:其余|其他|其它|别的|剩下的?|余下的?)(?:的)?(?:项|各项)?(?:都|均|全部|全)?(?:不合格|否|不是|不符合)/
const EXCEPT = new RegExp(`^除(?:了)?\\s*(${LIST})\\s*(?:项|条)?\\s*(?:外|以外|之外)?[,，]?\\s*(?:其余|其他|其它|别的)?(?:都|均|全部)?(?:合格|是|符合|没问题|正常)`)
const PAIR = new RegExp(`(${LIST})\\s*(?:项|条)?\\s*[.:)、]?\\s*(${VERDICT})`, 'gi')

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

const LOOKS_PAIR = new RegExp(`(?:${NUM})\\s*(?:项|条)?\\s*[.:)、]?\\s*(?:${VERDICT})`, 'i')

/** A cheap test before any database work: could this text be a checklist answer? */
export function looksLikeChecklistAnswer(raw: string): boolean {
  const t = normalize(raw).toLowerCase()
  if (t.length > 300) return false
  if (ALL_PASS.test(t) || ALL_FAIL.test(t) || REST_PASS.test(t) || REST_FAIL.test(t)) return true
  return LOOKS_PAIR.test(t) || /^除/.test(t)
}
