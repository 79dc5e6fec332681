/**
 * Sign-in timing (issue 13 item 3): an unknown name, a wrong password and a name that must wait (after too many
 * wrong passwords) should take the same time, so timing tells nobody which names exist. 100 tries of each,
 * interleaved, through the real HTTP route on embedded PGlite; target: p50 differences below 5 ms.
 *
 *   npx tsx bench/sign-in.ts [--tries 100]     alone
 *   npm run bench                               at the end of the full bench
 */
import { performance } from 'node:perf_hooks'
import pino from 'pino'
import { openPglite } from '../db/client.js'
import { buildApp } from '../src/app.js'
import { testConfig } from '../src/config.js'
import { createConsoleUser } from '../src/services/console-admin.js'

const fmt = (n: number) => n.toFixed(2)
const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

export interface SignInTiming {
  tries: number
  p50: { unknown: number; wrong: number; waiting: number }
  maxDiff: number
}

export async function signInTimingBench(tries = 100): Promise<SignInTiming> {
  const database = await openPglite({})
  const config = testConfig({ CONSOLE_SIGNIN_PER_MINUTE: 100_000, API_PER_MINUTE: 100_000, CONSOLE_LOCKOUT_ATTEMPTS: 5 })
  const app = await buildApp({ config, db: database.db, logger: pino({ level: 'silent' }) })
  try {
    // wrong passwords spread over enough names that none reaches the threshold (4 tries each, threshold 5)
    const names = Array.from({ length: Math.ceil(tries / 4) }, (_, i) => `officer${i}`)
    for (const username of names) await createConsoleUser(database.db, { username, role: 'officer', name: username, password: 'correct horse battery' })
    await createConsoleUser(database.db, { username: 'clerk', role: 'viewer', name: '办事员', password: 'correct horse battery' })
    let n = 0
    const attempt = async (username: string, password: string) => {
      n++
      const t0 = performance.now()
      const r = await app.http.inject({ method: 'POST', url: '/console/sign-in', payload: { username, password }, remoteAddress: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` })
      const ms = performance.now() - t0
      if (r.statusCode !== 401) throw new Error(`expected 401, got ${r.statusCode}`)
      return ms
    }
    // 'clerk' must wait from here on; warm up scrypt and the queries
    for (let i = 0; i < 6; i++) await attempt('clerk', `wrong ${i}`)
    for (let i = 0; i < 5; i++) await attempt('nobody', 'x')
    const times = { unknown: [] as number[], wrong: [] as number[], waiting: [] as number[] }
    for (let i = 0; i < tries; i++) {
      // each round in another order, so no kind always follows the same one
      const round = [
        async () => times.unknown.push(await attempt(`nobody-${i}`, `guess ${i}`)),
        async () => times.wrong.push(await attempt(names[i % names.length], `guess ${i}`)),
        async () => times.waiting.push(await attempt('clerk', `guess ${i}`)),
      ]
      for (let k = 0; k < 3; k++) await round[(i + k) % 3]()
    }
    const p = { unknown: p50(times.unknown), wrong: p50(times.wrong), waiting: p50(times.waiting) }
    const vals = Object.values(p)
    return { tries, p50: p, maxDiff: Math.max(...vals) - Math.min(...vals) }
  } finally {
    await app.close()
    await database.close()
  }
}

export function printSignInTiming(r: SignInTiming): void {
  console.log(`\nSign-in timing (${r.tries} tries each, PGlite, through HTTP)`)
  console.log(`  p50 unknown name / wrong password / must wait   ${fmt(r.p50.unknown)} / ${fmt(r.p50.wrong)} / ${fmt(r.p50.waiting)} ms`)
  console.log(`  largest p50 difference                          ${fmt(r.maxDiff)} ms   target < 5 ms   ${r.maxDiff < 5 ? 'PASS' : 'MISS'}`)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--tries')
  const tries = i > 0 ? Number(process.argv[i + 1]) : 100
  signInTimingBench(tries).then(
    (r) => {
      printSignInTiming(r)
      process.exit(0)
    },
    (e) => {
      console.error(e)
      process.exit(1)
    },
  )
}
