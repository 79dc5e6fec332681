import type { Category, Industry } from '../../src/core/domain.js'

export interface ChecklistItem {
  /** the question as the business reads it: phrased so that 是/合格 means safe */
  text: string
  /** the hazard category a failed answer files under */
  category: Category
}

export interface Checklist {
  key: string
  title: string
  /** words after 自查 that pick it (first is shown) */
  words: string[]
  /** industries it suits (empty: every industry) */
  industries: Industry[]
  items: ChecklistItem[]
}
