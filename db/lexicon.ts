import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseLexicon, type Lexicon } from '../src/core/recogniser.js'

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lexicon')

let cached: Lexicon | null = null

/** The lexicon shipped in db/lexicon/ (read once, on first use). */
export function defaultLexicon(): Lexicon {
  if (cached) return cached
  const files: Record<string, string> = {}
  for (const f of fs.readdirSync(DIR)) if (f.endsWith('.txt')) files[f.slice(0, -4)] = fs.readFileSync(path.join(DIR, f), 'utf8')
  cached = parseLexicon(files)
  return cached
}

let itemWordsCache: Map<string, string[][]> | null = null

/**
 * Words that name each item of a checklist, for answers that name a problem instead of a number: the lines of
 * `checklist-items.txt` plus the lexicon's category words found in the item's own text.
 */
export function itemWords(checklistKey: string, items: { text: string }[]): string[][] {
  if (!itemWordsCache) {
    itemWordsCache = new Map()
    let current = ''
    for (const raw of fs.readFileSync(path.join(DIR, 'checklist-items.txt'), 'utf8').split(/\r?\n/)) {
      const l = raw.replace(/#.*$/, '').trim()
      const head = /^\[(\w+)\]$/.exec(l)
      const item = /^(\d+)\s*[:：]\s*(.+)$/.exec(l)
      if (head) current = head[1]
      else if (item && current) {
        const list = itemWordsCache.get(current) ?? []
        list[Number(item[1]) - 1] = item[2].split(/\s+/).filter(Boolean)
        itemWordsCache.set(current, list)
      }
    }
  }
  const lex = defaultLexicon()
  const own = itemWordsCache.get(checklistKey) ?? []
  return items.map((it, i) => [...new Set([...(own[i] ?? []), ...lex.ordered.filter((t) => t.length >= 2 && lex.terms.get(t)!.some((e) => e.category) && it.text.includes(t))])])
}
