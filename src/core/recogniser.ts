import type { Category } from './domain.js'
import { DANGER_KINDS, type DangerKind } from './urgent-guidance.js'
import { normalize } from './text.js'

/**
 * The hazard recogniser: everyday words → whether they describe a hazard here and now, its category, place, a
 * 重大 hint and whether it is an urgent danger. Pure and deterministic over a lexicon read from the data files
 * in `db/lexicon/` (the bureau extends them; see its README). `#隐患` takes its category from `categoryOf`.
 */

export type ChatterKind = 'news' | 'done' | 'notice' | 'question' | 'ad' | 'price'
export const CHATTER_KINDS: readonly ChatterKind[] = ['news', 'done', 'notice', 'question', 'ad', 'price']

/** A rule: every group has one of its words in the text. */
export type Rule = string[][]

export interface Lexicon {
  /** term → its categories with weights; `problem` marks a term that names a defect by itself */
  terms: Map<string, { category?: Category; weight: number; problem: boolean }[]>
  /** every term, longest first (the longest match at a place wins) */
  ordered: string[]
  urgent: Record<DangerKind, Rule[]>
  /** phrases taken out before the urgent rules are tried (开着火 is not 着火) */
  notUrgent: string[]
  chatter: Record<ChatterKind, Rule[]>
  /** phrases taken out before the chatter rules are tried (平层不准 at a clause's end is not the notice 不准…) */
  notChatter: string[]
  places: string[]
  major: Rule[]
}

export interface Recognition {
  /** a hazard described here and now: drafted when addressed, prompted for when not */
  hazard: boolean
  /** how much points to a hazard (category weight + defect words); 0 when chatter */
  score: number
  category: Category
  place: string | null
  major: boolean
  urgent: DangerKind | null
  /** what kind of chatter it looks like, when it does */
  chatter: ChatterKind | null
  /** the words that decided it, for the eval's misses */
  words: string[]
}

export const CATEGORY_FILES: Record<Category, string> = {
  fire: 'fire',
  gas: 'gas',
  special_equipment: 'special-equipment',
  building: 'building',
  electrical: 'electrical',
  hazardous: 'hazardous',
  other: 'other',
}
/** On an equal weight at the same place, the category listed first wins: the focus categories before the rest. */
const TIE_ORDER: Category[] = ['gas', 'special_equipment', 'hazardous', 'electrical', 'building', 'fire', 'other']
const URGENT_CATEGORY: Record<DangerKind, Category> = { gas: 'gas', fire: 'fire', electric: 'electrical', spill: 'hazardous', lift: 'special_equipment', collapse: 'building' }

const stripComment = (line: string) => line.replace(/#.*$/, '').trim()

function lines(text: string): string[] {
  return text.split(/\r?\n/).map(stripComment).filter(Boolean)
}

function sections(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>()
  let current = ''
  for (const l of lines(text)) {
    const head = /^\[(\w+)\]$/.exec(l)
    if (head) current = head[1]
    else out.set(current, [...(out.get(current) ?? []), l])
  }
  return out
}

const rule = (l: string): Rule => l.split(/\s\+\s/).map((g) => g.split(/\s+/).filter(Boolean).map(fold))

/** Where a clause ends in the compared text: `$` after a word in the data files (`不准$`) means “at a clause's end”. */
const END = '|'

/** Full-width to half-width, lower case: how both the lexicon and the text are compared; a trailing `$` → END. */
function fold(s: string): string {
  return normalize(s)
    .toLowerCase()
    .replace(/\$$/, END)
}

/**
 * Builds the lexicon from the data files' text: `files` maps a file name without `.txt` (`fire`, `problems`,
 * `urgent` …) to its content.
 */
export function parseLexicon(files: Record<string, string>): Lexicon {
  const terms: Lexicon['terms'] = new Map()
  const add = (term: string, e: { category?: Category; weight: number; problem: boolean }) => {
    const t = fold(term)
    if (t) terms.set(t, [...(terms.get(t) ?? []), e])
  }
  for (const [category, file] of Object.entries(CATEGORY_FILES) as [Category, string][]) {
    for (const l of lines(files[file] ?? '')) {
      const m = /^(!?)(\S+)(?:\s+([0-9.]+))?$/.exec(l)
      if (!m) continue
      add(m[2], { category, weight: m[3] ? Number(m[3]) : 1, problem: m[1] === '!' })
    }
  }
  for (const l of lines(files.problems ?? '')) add(l.split(/\s+/)[0], { weight: 1, problem: true })
  // a problem phrase that holds a thing's word (屋里充电 holds 充电) also names the thing: the longer phrase wins
  // the match, so without this the thing's category would be lost
  const named = [...terms.entries()].filter(([, es]) => es.some((e) => e.category))
  for (const [term, es] of terms) {
    if (es.some((e) => e.category)) continue
    const inner = named.filter(([t]) => t.length < term.length && term.includes(t)).sort((a, b) => b[0].length - a[0].length)[0]
    if (inner) for (const e of inner[1]) if (e.category) es.push({ category: e.category, weight: e.weight, problem: false })
  }
  const urgentSections = sections(files.urgent ?? '')
  const chatterSections = sections(files.chatter ?? '')
  const urgent = Object.fromEntries(DANGER_KINDS.map((k) => [k, (urgentSections.get(k) ?? []).map(rule)])) as Record<DangerKind, Rule[]>
  const chatter = Object.fromEntries(CHATTER_KINDS.map((k) => [k, (chatterSections.get(k) ?? []).map(rule)])) as Record<ChatterKind, Rule[]>
  const places = lines(files.places ?? '')
    .map(fold)
    .sort((a, b) => b.length - a.length)
  const major = lines(files.major ?? '').map(rule)
  const ordered = [...terms.keys()].sort((a, b) => b.length - a.length)
  const notUrgent = (urgentSections.get('ignore') ?? []).map(fold).sort((a, b) => b.length - a.length)
  const notChatter = (chatterSections.get('ignore') ?? []).map(fold).sort((a, b) => b.length - a.length)
  return { terms, ordered, urgent, notUrgent, chatter, notChatter, places, major }
}

/** The text as compared: normalised, lower case, @-mentions and bracketed emoji codes ([强]) taken out. */
export function cleanText(raw: string): string {
  return fold(raw)
    .replace(/@\S+/g, ' ')
    .replace(/\[[^\]]{1,4}\]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

/** Clause ends (spaces, punctuation, the end) marked END, so that `不准$` matches only where a clause ends. */
const CLAUSE_END = /[\s,.;:!?~，。；：！？、…～]+/g
function marked(text: string): string {
  return text.replace(CLAUSE_END, END) + END
}

/** `没修好` `未整改` `还没换好`: a done word right after a negation does not say it was done. */
const NEGATED = /(?:没|未|不|没有|还没)$/

function has(text: string, word: string, negatable: boolean): boolean {
  for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
    if (!negatable || !NEGATED.test(text.slice(Math.max(0, i - 2), i))) return true
  }
  return false
}

function matches(text: string, rules: Rule[], negatable = false): string | null {
  for (const r of rules) {
    const found: string[] = []
    for (const group of r) {
      const w = group.find((g) => has(text, g, negatable))
      if (!w) break
      found.push(w)
    }
    if (found.length === r.length) return found.join('+')
  }
  return null
}

interface Hit {
  term: string
  start: number
  end: number
}

/** The lexicon's terms in the text, longest first: a shorter term inside a longer one's span does not count. */
function hits(text: string, lex: Lexicon): Hit[] {
  const taken = new Uint8Array(text.length)
  const out: Hit[] = []
  for (const term of lex.ordered) {
    for (let i = text.indexOf(term); i >= 0; i = text.indexOf(term, i + 1)) {
      const end = i + term.length
      let free = true
      for (let j = i; j < end; j++) if (taken[j]) free = false
      if (!free) continue
      taken.fill(1, i, end)
      out.push({ term, start: i, end })
    }
  }
  return out.sort((a, b) => a.start - b.start)
}

/** Category weights; on a tie the category named first in the text wins (the thing before what blocks it). */
function scores(found: Hit[], lex: Lexicon) {
  const byCategory = new Map<Category, number>()
  const first = new Map<Category, number>()
  let problem = 0
  for (const h of found) {
    for (const e of lex.terms.get(h.term) ?? []) {
      if (e.category) {
        byCategory.set(e.category, (byCategory.get(e.category) ?? 0) + e.weight)
        if (!first.has(e.category)) first.set(e.category, h.start)
      }
      if (e.problem) problem++
    }
  }
  let category: Category = 'other'
  let best = 0
  for (const c of TIE_ORDER) {
    const s = byCategory.get(c) ?? 0
    if (s > best || (s === best && s > 0 && first.get(c)! < first.get(category)!)) {
      best = s
      category = c
    }
  }
  return { category, best, problem }
}

/** Whether the text names a thing or place the lexicon knows (a problem named in words needs one). */
export function namesSomething(raw: string, lex: Lexicon): boolean {
  const text = cleanText(raw)
  return hits(text, lex).some((h) => lex.terms.get(h.term)?.some((e) => e.category)) || lex.places.some((p) => text.includes(p))
}

/** The category a description points to (used by `#隐患` too); 其他 when nothing points anywhere. */
export function categoryOf(raw: string, lex: Lexicon): Category {
  const text = marked(cleanText(raw))
  const urgent = urgentKind(text, lex)
  return urgent ? URGENT_CATEGORY[urgent] : scores(hits(text, lex), lex).category
}

/** Electric before fire: smoke from a switchboard is cut off at the switch first. Fire last: it is the widest. */
const URGENT_ORDER: DangerKind[] = ['gas', 'electric', 'lift', 'spill', 'collapse', 'fire']

function urgentKind(raw: string, lex: Lexicon): DangerKind | null {
  let text = raw
  for (const p of lex.notUrgent) text = text.split(p).join(' ')
  for (const k of URGENT_ORDER) if (matches(text, lex.urgent[k])) return k
  return null
}

function placeOf(text: string, lex: Lexicon): string | null {
  let at = -1
  let place: string | null = null
  for (const p of lex.places) {
    const i = text.indexOf(p)
    if (i >= 0 && (at < 0 || i < at)) {
      at = i
      place = p
    }
  }
  if (place === null) return null
  // a floor or number just before it: 二楼包间, 3号馆, b1超市仓库
  const before = /(?:[0-9一二三四五六七八九十]+(?:楼|层|号)|b\d|负\d层?|地下[一二]层)$/.exec(text.slice(Math.max(0, at - 4), at))
  return (before?.[0] ?? '') + place
}

/** Below this, a description is too thin to prompt anyone about. */
export const HAZARD_SCORE = 3

export function recognise(raw: string, lex: Lexicon): Recognition {
  const clean = cleanText(raw)
  const none = (chatter: ChatterKind | null, words: string[] = []): Recognition => ({ hazard: false, score: 0, category: 'other', place: null, major: false, urgent: null, chatter, words })
  if (!clean) return none(null)
  const text = marked(clean)
  let said = text
  for (const p of lex.notChatter) said = said.split(p).join(END)
  let chatter: ChatterKind | null = null
  let marker: string | null = null
  for (const k of CHATTER_KINDS) {
    marker = matches(said, lex.chatter[k], k === 'done')
    if (marker) {
      chatter = k
      break
    }
  }
  // news, hearsay and what was already dealt with are never a danger here and now
  if (chatter === 'news' || chatter === 'done' || chatter === 'ad' || chatter === 'price') return none(chatter, [marker!])
  const urgent = urgentKind(text, lex)
  const found = hits(text, lex)
  const { category, best, problem } = scores(found, lex)
  const words = found.map((h) => h.term)
  const score = Math.min(best, 3) + Math.min(problem, 3)
  const place = placeOf(text, lex)
  const major = !!urgent || !!matches(text, lex.major)
  if (urgent) return { hazard: true, score: Math.max(score, 6), category: URGENT_CATEGORY[urgent], place, major, urgent, chatter: null, words }
  const hazard = chatter === null && best >= 1 && problem >= 1 && score >= HAZARD_SCORE
  return { hazard, score: hazard ? score : 0, category, place, major: hazard && major, urgent: null, chatter, words: marker ? [marker, ...words] : words }
}
