/**
 * Plain words (issue 12): the recogniser's CPU per message over the labelled corpus, and burst throughput with
 * PLAIN_REPORTS=all against off (the recogniser runs on every group message when it is all).
 */
import { performance } from 'node:perf_hooks'
import { defaultLexicon } from '../db/lexicon.js'
import { recognise } from '../src/core/recogniser.js'
import { messages } from '../tests/corpus/load.js'
import { alternate, median } from './figures.js'

export const TARGET_RECOGNISER_MS = 0.05
export const TARGET_BURST_RATIO = 0.95

/** Mean CPU per message (process.cpuUsage, user + system) over the corpus, after a warm-up. */
export function recogniserCpu(opts: { smoke: boolean }): { msPerMessage: number; messages: number } {
  const lex = defaultLexicon()
  const texts = [...messages('test'), ...messages('dev')].map((r) => r.text)
  let sink = 0
  for (let i = 0; i < 5; i++) for (const t of texts) sink += recognise(t, lex).score
  const rounds = opts.smoke ? 20 : 200
  const c0 = process.cpuUsage()
  for (let i = 0; i < rounds; i++) for (const t of texts) sink += recognise(t, lex).score
  const c = process.cpuUsage(c0)
  if (sink < 0) console.log(sink) // keeps the work from being optimised away
  const n = rounds * texts.length
  return { msPerMessage: (c.user + c.system) / 1000 / n, messages: n }
}

/** The group chatter of the corpus: what a busy business group is full of. */
export function chatterTexts(): string[] {
  return [...messages('test'), ...messages('dev')].filter((r) => r.label === 'chatter').map((r) => r.text)
}

export interface BurstDeps {
  /** sets PLAIN_REPORTS on the running app's configuration */
  setMode(mode: 'all' | 'off'): void
  /** fires n group messages (chatter and #隐患 reports) at once and resolves when every one is handled and answered */
  burst(texts: string[]): Promise<number>
}

/** Median of 5 alternating runs of each mode (off all, all off, …) of the same burst, after one not counted: single runs here vary by ±7%. */
export async function plainBurst(deps: BurstDeps, opts: { smoke: boolean }) {
  const chatter = chatterTexts()
  const n = opts.smoke ? 300 : 1_000
  // four chatter lines to one report, as a working group reads
  const texts = Array.from({ length: n }, (_, i) => (i % 5 === 4 ? `#隐患 后厨燃气软管老化 第${i}条` : chatter[i % chatter.length]))
  const run = (mode: 'all' | 'off') => async () => {
    deps.setMode(mode)
    const t0 = performance.now()
    await deps.burst(texts)
    return n / ((performance.now() - t0) / 1000)
  }
  // one burst not counted: the first runs of a fresh app are slower (JIT, caches, Wechaty's rooms)
  const rates = await alternate({ all: run('all'), off: run('off') }, { rounds: 5, warmUp: 1 })
  deps.setMode('all')
  return { n, all: median(rates.all), off: median(rates.off), ratio: median(rates.all) / median(rates.off), runs: rates }
}

// alone: `npx tsx bench/intake.ts` prints only the recogniser's CPU per message (section 3c's first line)
if (import.meta.url === `file://${process.argv[1]}`) {
  const cpu = recogniserCpu({ smoke: process.argv.includes('--smoke') })
  const ok = cpu.msPerMessage <= TARGET_RECOGNISER_MS
  console.log(`plain words: recogniser CPU ${(cpu.msPerMessage * 1000).toFixed(1)} µs per message (mean over ${cpu.messages} corpus messages after a warm-up), target ≤ ${TARGET_RECOGNISER_MS * 1000} µs ${ok ? 'ok' : 'MISSED'}`)
}
