/** Text clean-up shared by every parser: what people type on phones, made regular. */

// zero-width (incl. U+180E, U+034F), BOM, bidi marks; and C0/C1 controls except newline and tab
const INVISIBLE = /[\u200B-\u200F\u2060-\u2064\uFEFF\u202A-\u202E\u2066-\u2069\u00AD\u180E\u061C]|\u034F/g
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g

// the same controls, carriage return allowed too (a line break typed on Windows): refused in text sent to the HTTP API
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const REFUSED_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/

/** True when text holds a control character other than tab and line breaks (what normalize() strips from chat). */
export function hasControlCharacters(text: string): boolean {
  return REFUSED_CONTROL.test(text)
}

/** Full-width to half-width (NFKC), invisible and control characters removed, spaces folded. */
export function normalize(text: string): string {
  // strip first: an invisible character between a letter and its combining mark would otherwise block
  // composition once, and a second normalize() (parsers re-normalize tokens) would give a different string
  return text
    .replace(INVISIBLE, '')
    .replace(CONTROL, '')
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(CONTROL, '')
    .replace(/[ \t\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .trim()
}

/**
 * The part of `original` that normalize() turned into `piece`, as it was typed (full-width signs, ideographic
 * spaces …): commands match on normalized text but store what people wrote. `piece` itself when it is not a
 * plain stretch of the normalized text (words were taken out of its middle).
 */
export function typedAs(piece: string, original: string): string {
  if (!piece) return piece
  // each UTF-16 unit of the normalized text, with the span of `original` it came from
  const units: { c: string; from: number; to: number }[] = []
  let i = 0
  for (const ch of original) {
    const from = i
    i += ch.length
    const n = ch
      .replace(INVISIBLE, '')
      .replace(CONTROL, '')
      .normalize('NFKC')
      .replace(INVISIBLE, '')
      .replace(CONTROL, '')
      .replace(/[ \t\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]+/g, ' ')
    for (let k = 0; k < n.length; k++) units.push({ c: n[k], from, to: i })
  }
  // spaces folded as normalize() folds them: one for a run, none beside a line break
  const kept = units.filter((u, k) => u.c !== ' ' || (units[k - 1]?.c !== ' ' && units[k - 1]?.c !== '\n' && units[k + 1]?.c !== '\n'))
  const at = kept.map((u) => u.c).join('').indexOf(piece)
  if (at < 0) return piece
  const typed = original.slice(kept[at].from, kept[at + piece.length - 1].to)
  return normalize(typed) === piece ? typed : piece
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
  // the channel may show the bot under a group alias ('@小安 隐患 …'): mentions before the command are not part of it
  if (mentioned) body = body.replace(/^(?:@[^\s@]+(?:\s+|$))+/, '').trim()
  let prefixed = false
  // WeChat's classic emoticons are typed as /:: codes (/::) /:B-)…): not commands
  if (PREFIXES.some((p) => body.startsWith(p)) && !/^\/:/.test(body)) {
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
