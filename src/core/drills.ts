/** 应急演练 (方案 13): what `#演练 疏散演练 参加12人` says. Pure. */
import { normalize } from './text.js'
import { parseNumber } from './numbers.js'
import type { Parsed } from './parse.js'

export interface DrillArgs {
  kind: string
  participants: number | null
  /** 'YYYY-MM-DD', 'MM-DD' (this year), 'yesterday', or null (today) */
  date: string | null
}

export const DRILL_USAGE = '演练 <演练名称> [参加N人] [日期]'

const pad = (n: string | number) => String(n).padStart(2, '0')

export function parseDrill(rest: string): Parsed<DrillArgs> {
  let s = ` ${normalize(rest)} `
  let participants: number | null = null
  s = s.replace(/(?:参加|参演|参与)(?:人数)?\s*[:：]?\s*([0-9零〇一二两三四五六七八九十百千]+)\s*人?|([0-9零〇一二两三四五六七八九十百千]+)\s*人(?:参加|参演|参与)?/, (_m, a?: string, b?: string) => {
    participants = parseNumber((a ?? b)!)
    return ' '
  })
  let date: string | null = null
  s = s.replace(/\s(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?(?=\s)/, (_m, y: string, m: string, d: string) => {
    date = `${y}-${pad(m)}-${pad(d)}`
    return ' '
  })
  s = s.replace(/\s(\d{1,2})月(\d{1,2})[日号]?(?=\s)/, (_m, m: string, d: string) => {
    date ??= `${pad(m)}-${pad(d)}`
    return ' '
  })
  s = s.replace(/\s(昨天|今天)(?=\s)/, (_m, w: string) => {
    date ??= w === '昨天' ? 'yesterday' : null
    return ' '
  })
  const kind = s.replace(/\s+/g, ' ').trim()
  if (Array.from(kind).length < 2) return { ok: false, error: '请写上演练名称，如：疏散演练、灭火演练、燃气泄漏处置演练' }
  if (Array.from(kind).length > 40) return { ok: false, error: '演练名称太长了，请控制在40字以内' }
  if (participants !== null && (participants < 1 || participants > 100000)) return { ok: false, error: '参加人数不对' }
  return { ok: true, value: { kind, participants, date } }
}

/** The drill's day from its date word and today's date (YYYY-MM-DD); null when impossible or in the future. */
export function drillDay(date: string | null, today: string): string | null {
  let d: string
  if (date === null) d = today
  else if (date === 'yesterday') d = new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10)
  else if (/^\d{2}-\d{2}$/.test(date)) d = `${today.slice(0, 4)}-${date}`
  else d = date
  const real = !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d)
  return real && d <= today ? d : null
}
