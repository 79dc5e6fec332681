/**
 * Issue 13 item 4: bad bytes never give a 5xx. The reported NUL cases answer 400 with a Chinese message; then
 * every POST/PUT/PATCH operation of the OpenAPI document gets bodies generated from its own schema (valid ones,
 * and ones with control characters, wrong types, missing or huge fields), ≥ 10,000 in all, as an admin: no
 * answer may be ≥ 500.
 */
import { describe, it, expect } from 'vitest'
import { useSeededApp, type TestApp } from '../helpers/app.js'
import { mulberry32 } from '../helpers/random.js'

const ADMIN_TOKEN = 'fuzz-admin-token-0123456789ab'
const TOTAL = 10_000
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` }

type Schema = {
  type?: string | string[]
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  enum?: unknown[]
  const?: unknown
  anyOf?: Schema[]
  oneOf?: Schema[]
  allOf?: Schema[]
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  minItems?: number
  maxItems?: number
  format?: string
  nullable?: boolean
}

const NASTY = ['\u0000', '\u0007', '\u001b[31m', '\u007f', '\u0085', '\ud800', '\r\n', '<img src=x onerror=alert(1)>', '＜img＞', "'; drop table people; --", '𠮷', '‮', '%00', '\\u0000']

function generator(random: () => number) {
  const pick = <T,>(xs: T[]): T => xs[Math.floor(random() * xs.length)]
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1))
  const text = (min = 0, max = 20) => {
    const n = int(min, Math.min(max, min + 20))
    let s = ''
    for (let i = 0; i < n; i++) s += pick(['安', '全', '隐', '患', 'a', 'Z', '1', ' ', '-', '城关街道', '餐饮'])
    return s.slice(0, Math.max(min, Math.min(max, s.length))) || (min > 0 ? 'x'.repeat(min) : '')
  }
  function wild(depth: number): unknown {
    return pick<() => unknown>([
      () => null,
      () => -1,
      () => 1e308,
      () => 2 ** 53 + 1,
      () => true,
      () => '',
      () => pick(NASTY),
      () => 'x'.repeat(int(1000, 100_000)),
      () => [],
      () => ({}),
      () => (depth < 3 ? [wild(depth + 1)] : 0),
      () => (depth < 3 ? { a: wild(depth + 1) } : 'a'),
    ])()
  }
  /** A value for `s`: mostly what it asks for, sometimes something else (rate `bad`). */
  function value(s: Schema | undefined, bad: number, depth = 0): unknown {
    if (!s || depth > 6) return wild(depth)
    if (random() < bad) return wild(depth)
    if (s.const !== undefined) return s.const
    if (s.enum) return pick(s.enum)
    const alts = s.anyOf ?? s.oneOf
    if (alts) return value(pick(alts), bad, depth + 1)
    if (s.allOf?.length) return value(s.allOf[0], bad, depth + 1)
    const type = Array.isArray(s.type) ? pick(s.type) : s.type
    switch (type) {
      case 'object': {
        const out: Record<string, unknown> = {}
        for (const [k, p] of Object.entries(s.properties ?? {})) {
          if (!s.required?.includes(k) && random() < 0.3) continue
          if (random() < bad / 3) continue
          out[k] = value(p, bad, depth + 1)
        }
        if (random() < bad / 2) out[pick(['extra', '__proto__', 'constructor', '\u0000key'])] = wild(depth)
        return out
      }
      case 'array': {
        const n = int(s.minItems ?? 0, Math.min(s.maxItems ?? 4, (s.minItems ?? 0) + 4))
        return Array.from({ length: n }, () => value(s.items, bad, depth + 1))
      }
      case 'string': {
        if (s.format === 'date-time') return pick(['2026-12-03T08:00:00+08:00', '2026-13-40T99:00:00Z', '2026-12-03'])
        if (s.format === 'date') return pick(['2026-12-31', '2026-02-30', '0000-00-00'])
        const t = text(s.minLength ?? 0, s.maxLength ?? 40)
        // a control character inside otherwise ordinary text
        return random() < bad ? t.slice(0, 2) + pick(NASTY) + t.slice(2) : t
      }
      case 'integer':
        return random() < 0.7 ? int(1, 5) : int(s.minimum ?? -5, Math.min(s.maximum ?? 1e6, 1e6))
      case 'number':
        return random() * (s.maximum ?? 100)
      case 'boolean':
        return random() < 0.5
      case 'null':
        return null
      default:
        return wild(depth)
    }
  }
  return { value, pick, int, random }
}

describe('bad bytes and fuzzed bodies', () => {
  let t: TestApp
  useSeededApp(
    (app) => {
      t = app
    },
    { config: { ADMIN_TOKENS: [{ token: ADMIN_TOKEN, role: 'admin', name: 'fuzz' }], API_PER_MINUTE: 1_000_000, CONSOLE_SIGNIN_PER_MINUTE: 1000 } },
  )

  it('when a NUL comes in JSON, then 400 with a Chinese message naming the field (the reported routes)', async () => {
    const cases = [
      { method: 'POST', url: '/console/sign-in', payload: { username: 'ad\u0000min', password: 'x' }, field: 'username' },
      { method: 'POST', url: '/api/jurisdictions', payload: { name: '新\u0000乡镇' }, field: 'name' },
      { method: 'PUT', url: '/api/duty-rosters/spring_festival/2027', payload: { text: '值班：张三\u0000 电话' }, field: 'text' },
      { method: 'POST', url: '/api/people/1/erase', payload: { reason: '本人\u0000申请' }, field: 'reason' },
      { method: 'POST', url: '/sim/api/contacts', payload: { name: '模拟\u0000联系人' }, field: 'name' },
    ] as const
    for (const c of cases) {
      const r = await t.app.http.inject({ method: c.method, url: c.url, payload: c.payload, headers: auth })
      expect(r.statusCode, `${c.method} ${c.url}: ${r.body}`).toBe(400)
      expect(r.json().message).toBe(`“${c.field}”里有看不见的控制字符，请删掉后重试`)
    }
    // nothing was stored: the simulator has no such contact
    expect(t.app.simulator!.contacts().some((c) => c.name.startsWith('模拟'))).toBe(false)
    // tab and line breaks are text
    const ok = await t.app.http.inject({ method: 'POST', url: '/api/jurisdictions', payload: { name: '新\t乡镇\r\n' }, headers: auth })
    expect(ok.statusCode).toBeLessThan(500)
    expect(ok.statusCode).not.toBe(400)
  })

  it(`when ${TOTAL.toLocaleString()} bodies generated from the OpenAPI schemas are posted, then no answer is ≥ 500`, async () => {
    const doc = t.app.http.swagger() as {
      paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> }; parameters?: { in: string; name: string; schema?: Schema }[] }>>
    }
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([m]) => ['post', 'put', 'patch'].includes(m))
        .map(([m, op]) => ({ method: m.toUpperCase(), path, body: op.requestBody?.content?.['application/json']?.schema, params: op.parameters ?? [] })),
    )
    expect(ops.length).toBeGreaterThan(40)
    const g = generator(mulberry32(13))
    const failures: string[] = []
    let sent = 0
    const started = Date.now()
    const took = new Map<string, number>()
    const perOp = new Map<string, number>()
    for (let i = 0; sent < TOTAL; i++) {
      const op = ops[i % ops.length]
      // sign-in spends a scrypt on every try by design (item 3): a few bodies are enough there
      if (op.path === '/console/sign-in' && (perOp.get(op.path) ?? 0) >= 10) continue
      perOp.set(op.path, (perOp.get(op.path) ?? 0) + 1)
      const bad = g.pick([0, 0.05, 0.2, 0.5])
      const url = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
        const p = op.params.find((x) => x.in === 'path' && x.name === name)
        const v = g.value(p?.schema, bad / 4)
        const raw = typeof v === 'object' ? JSON.stringify(v) : String(v)
        // a lone surrogate cannot be percent-encoded: send the replacement character as a client would
        return encodeURIComponent(raw.replace(/[\ud800-\udfff]/g, '\ufffd'))
      })
      const body = op.body ? g.value(op.body, bad) : g.random() < 0.5 ? {} : g.value(undefined, 1)
      const payload = g.random() < 0.02 ? '{"broken": ' : JSON.stringify(body)
      const t0 = Date.now()
      const r = await t.app.http.inject({ method: op.method as 'POST', url, payload, headers: { ...auth, 'content-type': 'application/json' } })
      sent++
      took.set(op.path, (took.get(op.path) ?? 0) + (Date.now() - t0))
      if (r.statusCode >= 500) failures.push(`${op.method} ${url} ${payload.slice(0, 300)} → ${r.statusCode} ${r.body.slice(0, 200)}`)
    }
    console.log(`fuzz: ${sent} bodies over ${ops.length} operations in ${((Date.now() - started) / 1000).toFixed(1)} s, ${failures.length} answers ≥ 500`)
    if (process.env.FUZZ_TIMES) console.log(JSON.stringify([...took].sort((a, b) => b[1] - a[1]).slice(0, 12)))
    expect(failures.slice(0, 20), failures.slice(0, 20).join('\n')).toEqual([])
  }, 300_000)
})
