/** Text clean-up shared by every parser: what people type on phones, made regular. */

// zero-width, BOM, bidi marks; and C0/C1 controls except newline and tab
const INVISIBLE = /[\u200B-\u200F\u2060-\u2064\uFEFF\u202A-\u202E\u2066-\u2069\u00AD]/g
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g

/** Full-width to half-width (NFKC), invisible and control characters removed, spaces folded. */
export function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(CONTROL, '')
    .replace(/[ \t\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .trim()
}

const PREFIXES = ['#', '/']

export interface Addressing {
  prefixed: boolean
  mentioned: boolean
  body: string
}

/** Strips a command prefix and @-mentions of the bot; says whether the text was addressed to it. */
export function address(normalized: string, botNames: string[], mentionedByChannel = false): Addressing {
  let body = normalized
  let mentioned = mentionedByChannel
  for (const name of botNames) {
    if (!name) continue
    const at = '@' + name
    if (body.includes(at)) {
      mentioned = true
      body = body.split(at).join(' ')
    }
  }
  body = body.trim()
  let prefixed = false
  if (PREFIXES.some((p) => body.startsWith(p))) {
    prefixed = true
    body = body.replace(/^[#/]+/, '').trim()
  }
  return { prefixed, mentioned, body }
}

/** Splits on spaces and Chinese/ASCII commas; keeps non-empty tokens. */
export function tokens(s: string): string[] {
  return s.split(/[\s,，、;；]+/).filter(Boolean)
}

export function truncate(s: string, max: number): string {
  const chars = Array.from(s)
  return chars.length <= max ? s : chars.slice(0, max - 1).join('') + '…'
}
