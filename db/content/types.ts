/** A content item as shipped in `db/content/`; seeded by key, never overwriting what the bureau edited. */
export interface SeedItem {
  key: string
  kind: 'tip' | 'case' | 'period' | 'duty' | 'alert'
  title: string
  body: string
  industries?: string[]
  seasons?: string[]
  focus?: string[]
}

/** Shorthand for a tip: [key, title, body, industries, seasons, focus]. */
export type TipRow = [string, string, string, string[], string[], string[]]
