/**
 * Rotation of content to a group: the least recently sent item of the eligible pool goes next, so an item
 * is never repeated to a group before every other item of its pool was sent there since. Items of the
 * seasons in force come before timeless ones among equals; the rest of the order is a stable per-group shuffle.
 */
export interface PoolItem {
  id: number
  key: string
  industries: string[]
  seasons: string[]
}

export interface Scope {
  /** empty: every industry */
  industries: string[]
}

/** Whether an item belongs in a group's pool now: its industries meet the group's, its seasons are in force. */
export function eligible(item: PoolItem, scope: Scope, seasons: readonly string[]): boolean {
  const industryOk = item.industries.length === 0 || scope.industries.length === 0 || item.industries.some((i) => scope.industries.includes(i))
  const seasonOk = item.seasons.length === 0 || item.seasons.some((s) => seasons.includes(s))
  return industryOk && seasonOk
}

function hash(s: string): number {
  let h = 2166136261
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619)
  return h >>> 0
}

/** The next item for a group, or null when the pool is empty. `lastSent`: item id → last send (ms). */
export function pickNext<T extends PoolItem>(pool: T[], lastSent: ReadonlyMap<number, number>, seasons: readonly string[], salt: string): T | null {
  let best: T | null = null
  let bestKey: [number, number, number] = [Infinity, Infinity, Infinity]
  for (const item of pool) {
    const k: [number, number, number] = [
      lastSent.get(item.id) ?? -Infinity,
      item.seasons.some((s) => seasons.includes(s)) ? 0 : 1,
      hash(salt + '\u0000' + item.key),
    ]
    if (k[0] < bestKey[0] || (k[0] === bestKey[0] && (k[1] < bestKey[1] || (k[1] === bestKey[1] && k[2] < bestKey[2])))) {
      best = item
      bestKey = k
    }
  }
  return best
}
