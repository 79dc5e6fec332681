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
 * Returns every run's result per mode, in order: round k of each mode is `[mode][k]`.
 */
export async function alternate<M extends Record<string, () => Promise<unknown>>>(
  modes: M,
  opts: { rounds: number; warmUp?: number },
): Promise<{ [k in keyof M]: Awaited<ReturnType<M[k]>>[] }> {
  const keys = Object.keys(modes) as (keyof M)[]
  for (let i = 0; i < (opts.warmUp ?? 0); i++) await modes[keys[0]]()
  const runs = Object.fromEntries(keys.map((k) => [k, [] as unknown[]])) as { [k in keyof M]: Awaited<ReturnType<M[k]>>[] }
  for (let round = 0; round < opts.rounds; round++) {
    for (const k of round % 2 ? [...keys].reverse() : keys) runs[k].push((await modes[k]()) as Awaited<ReturnType<M[typeof k]>>)
  }
  return runs
}
