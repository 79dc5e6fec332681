import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const DIR = path.dirname(fileURLToPath(import.meta.url))

export interface CorpusRow {
  line: number
  label: 'hazard' | 'chatter'
  /** the hazard's category, or the chatter's kind */
  category: string
  urgent: string | null
  industry: string
  text: string
}

export interface AnswerRow {
  line: number
  checklist: string
  /** null: the bot must ask back */
  expect: { failed: number[]; missing: number[]; extra: boolean } | null
  text: string
}

function rows(file: string): { line: number; fields: string[] }[] {
  return fs
    .readFileSync(path.join(DIR, file), 'utf8')
    .split('\n')
    .map((l, i) => ({ line: i + 1, l }))
    .filter(({ l }) => l.trim() && !l.startsWith('#'))
    .map(({ line, l }) => ({ line, fields: l.split('|') }))
}

export type Part = 'test' | 'dev'

export function messages(part: Part): CorpusRow[] {
  return rows(`intake-${part}.txt`).map(({ line, fields: [label, category, urgent, industry, ...text] }) => {
    if (label !== 'hazard' && label !== 'chatter') throw new Error(`intake-${part}.txt:${line}: bad label ${label}`)
    return { line, label, category, urgent: urgent === '-' ? null : urgent, industry, text: text.join('|') }
  })
}

const list = (s: string | undefined) => (s ? s.split(',').filter(Boolean).map(Number) : [])

export function answers(part: Part): AnswerRow[] {
  return rows(`selfcheck-${part}.txt`).map(({ line, fields: [checklist, expect, ...text] }) => {
    if (expect === 'ask') return { line, checklist, expect: null, text: text.join('|') }
    const f = /F:([\d,]*)/.exec(expect)
    const m = /M:([\d,]*)/.exec(expect)
    if (!f || !m) throw new Error(`selfcheck-${part}.txt:${line}: bad expectation ${expect}`)
    return { line, checklist, expect: { failed: list(f[1]), missing: list(m[1]), extra: /\bX\b/.test(expect) }, text: text.join('|') }
  })
}
