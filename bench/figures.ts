// Small statistics the benches share.

/** The middle value (the mean of the two middle ones for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  if (!s.length) return NaN
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

/**
 * Runs each mode `rounds` times, alternating (a b, b a, a b, …) so that no mode always runs on the warmer or the
 * busier machine, after `warmUp` uncounted runs of the first mode (a fresh process is slower: JIT, caches).
 * Single runs on a shared 2-core machine vary by several per cent; the medians of alternating runs do not.
 * Returns every run's figure per mode, in order (round k of each mode is `runs[mode][k]`), and the medians.
 */
export async function alternate<K extends string>(
  modes: Record<K, () => Promise<number>>,
  opts: { rounds: number; warmUp?: number },
): Promise<{ runs: Record<K, number[]>; median: Record<K, number> }> {
  const keys = Object.keys(modes) as K[]
  for (let i = 0; i < (opts.warmUp ?? 0); i++) await modes[keys[0]]()
  const runs = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>
  for (let round = 0; round < opts.rounds; round++) {
    for (const k of round % 2 ? [...keys].reverse() : keys) runs[k].push(await modes[k]())
  }
  const med = Object.fromEntries(keys.map((k) => [k, median(runs[k])])) as Record<K, number>
  return { runs, median: med }
}
