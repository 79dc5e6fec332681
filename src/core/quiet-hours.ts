/** Quiet hours for normal pushes, in Asia/Shanghai minutes of the day; 'off' disables them. */
export interface QuietHours {
  start: number
  end: number
}

const OFFSET_MS = 8 * 3600_000
const DAY_MS = 86_400_000

export function parseQuietHours(s: string | undefined): QuietHours | null {
  if (!s || s === 'off') return null
  const m = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(s)
  if (!m) throw new Error(`quiet hours must look like 21:00-08:00: ${s}`)
  const start = Number(m[1]) * 60 + Number(m[2])
  const end = Number(m[3]) * 60 + Number(m[4])
  return start === end ? null : { start, end }
}

const minuteOfDay = (t: Date) => Math.floor(((t.getTime() + OFFSET_MS) % DAY_MS) / 60_000)

export function isQuiet(q: QuietHours | null, t: Date): boolean {
  if (!q) return false
  const m = minuteOfDay(t)
  return q.start < q.end ? m >= q.start && m < q.end : m >= q.start || m < q.end
}

/** When the quiet hours around `t` end (t itself when not quiet). */
export function quietEnd(q: QuietHours | null, t: Date): Date {
  if (!isQuiet(q, t)) return t
  const local = t.getTime() + OFFSET_MS
  const midnight = Math.floor(local / DAY_MS) * DAY_MS
  let end = midnight + q!.end * 60_000
  if (end <= local) end += DAY_MS
  return new Date(end - OFFSET_MS)
}

/** Start of the Shanghai day of `t`, as an instant. */
export function shanghaiDayStart(t: Date): Date {
  const local = t.getTime() + OFFSET_MS
  return new Date(Math.floor(local / DAY_MS) * DAY_MS - OFFSET_MS)
}
