/**
 * Issue 13 items 2 and 7: role × route × scope over every route of the OpenAPI document. Each route needs a
 * rule in tests/integration/route-rules.ts. Every route is called by every caller with a body that is not
 * valid (who asks is checked before what they send): anonymous callers get 401, roles without the route's
 * action 403, nobody a 5xx; a township officer and an industry association see nothing outside their reach in
 * any answer (JSON, CSV, or the text inside .xlsx/.docx files).
 */
import { describe, it, expect, beforeAll } from 'vitest'
import { unzipSync, strFromU8 } from 'fflate'
import { eq as schemaEq } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { reachOf, type Role } from '../../src/core/permissions.js'
import { reportCode, useSeededApp, type TestApp, type Seed } from '../helpers/app.js'
import { consoleUser, signInAs, type Session } from '../helpers/console.js'
import { ROUTE_RULES, type MatrixIds, type RouteRule } from './route-rules.js'

const ADMIN_TOKEN = 'matrix-admin-token-0123456789'
const RULES_FILE = 'tests/integration/route-rules.ts'

interface Caller {
  name: string
  role: Role | null
  /** out of this caller's reach: none of these may appear in what it reads */
  outside: string[]
  session?: Session
  headers?: Record<string, string>
  address: string
}

const DEFAULT_PARAMS: Record<string, string> = { id: '999999', code: 'Y999999', sha256: '0'.repeat(64), key: 'no-such-key', year: '2026', doc: 'no-such-doc' }

/** The text a caller could read in an answer: the body, or every file inside a zip (xlsx, docx). */
function readable(raw: Buffer): string {
  if (raw.subarray(0, 2).toString() === 'PK') {
    try {
      return Object.values(unzipSync(new Uint8Array(raw)))
        .map((f) => strFromU8(f))
        .join('\n')
    } catch {
      return raw.toString('utf8')
    }
  }
  return raw.toString('utf8')
}

type Expect = 'pass' | 401 | 403

function expected(rule: RouteRule, c: Caller): Expect {
  if ('public' in rule) return 'pass'
  if ('metrics' in rule) return 403
  if ('signed' in rule) return 401
  if (!c.role) return 401
  if ('signedIn' in rule) return 'pass'
  if ('simulator' in rule) return c.role === 'admin' ? 'pass' : 401
  return reachOf(c.role, rule.action) ? 'pass' : 403
}

describe('role × route × scope matrix', () => {
  let t: TestApp
  let s: Seed
  useSeededApp(
    (app, seed) => {
      t = app
      s = seed
    },
    { config: { ADMIN_TOKENS: [{ token: ADMIN_TOKEN, role: 'admin', name: 'ops' }], CONSOLE_SIGNIN_PER_MINUTE: 100 } },
  )
  const callers: Caller[] = []
  const ids = {} as MatrixIds

  beforeAll(async () => {
    const db = t.database.db
    const sim = t.app.simulator!
    // the other township: its catering business's owner has a phone; a filling station (another industry); their group
    await db.update(schema.people).set({ phone: '13900000002' }).where(schemaEq(schema.people.id, s.otherOwner.id))
    const [station] = await db.insert(schema.businesses).values({ name: '红山加油站', industry: 'refined_oil', townshipId: s.town2.id }).returning()
    const [keeper] = await db.insert(schema.people).values({ name: '钱站长', role: 'member', phone: '13900000009' }).returning()
    await db.insert(schema.memberships).values({ personId: keeper.id, businessId: station.id })
    await db.insert(schema.identities).values({ channel: 'wechaty', externalId: 'keeper', displayName: '钱站长', personId: keeper.id })
    sim.createContact({ id: 'keeper', name: '钱站长' })
    const g2 = sim.createGroup({ id: 'room-hongshan-7', name: '红山商户群', memberIds: ['other-owner', 'officer2', 'keeper'] })
    await db.insert(schema.groups).values({ channel: 'wechaty', externalId: g2.id, name: g2.name, registered: true, townshipId: s.town2.id })
    const oil = sim.createGroup({ id: 'room-oil-9', name: '成品油安全群', memberIds: ['keeper'] })
    await db.insert(schema.groups).values({ channel: 'wechaty', externalId: oil.id, name: oil.name, registered: true, industries: ['refined_oil'] })
    ids.hazardOther = await reportCode(t, 'other-owner', g2.id, '#隐患 后厨燃气软管老化开裂 地点:后厨')
    await reportCode(t, 'keeper', g2.id, '#隐患 卸油区静电接地线断开 地点:卸油区')
    ids.personOther = s.otherOwner.id
    ids.businessOther = s.other.id

    const [assoc] = await db.insert(schema.people).values({ name: '餐饮协会秘书', role: 'association', industries: ['catering'] }).returning()
    await consoleUser(db, 'm-admin', { role: 'admin', name: '系统管理员' })
    await consoleUser(db, 'm-leader', { role: 'leader', personId: s.leader.id })
    await consoleUser(db, 'm-officer', { role: 'officer', personId: s.officer.id })
    await consoleUser(db, 'm-assoc', { role: 'association', personId: assoc.id })
    await consoleUser(db, 'm-viewer', { role: 'viewer', name: '只读员' })
    const officerOutside = ['红山羊汤馆', '王老板', '13900000002', '赵红', 'room-hongshan-7', '红山加油站', '钱站长', '13900000009', 'room-oil-9']
    const assocOutside = ['红山加油站', '钱站长', '13900000009', 'room-oil-9', 'room-hongshan-7', '李明', '赵红']
    let n = 0
    const address = () => `192.0.2.${++n}`
    callers.push({ name: 'anonymous', role: null, outside: [], address: address() })
    callers.push({ name: 'admin token', role: 'admin', outside: [], headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, address: address() })
    callers.push({ name: 'admin', role: 'admin', outside: [], session: await signInAs(t.app.http, 'm-admin'), address: address() })
    callers.push({ name: 'leader', role: 'leader', outside: [], session: await signInAs(t.app.http, 'm-leader'), address: address() })
    callers.push({ name: 'township officer', role: 'officer', outside: officerOutside, session: await signInAs(t.app.http, 'm-officer'), address: address() })
    callers.push({ name: 'association', role: 'association', outside: assocOutside, session: await signInAs(t.app.http, 'm-assoc'), address: address() })
    callers.push({ name: 'viewer', role: 'viewer', outside: [], session: await signInAs(t.app.http, 'm-viewer'), address: address() })
  })

  it('every route of the OpenAPI document has a rule, and every caller gets what its rule says', async () => {
    const doc = t.app.http.swagger() as { paths: Record<string, Record<string, unknown>> }
    const routes = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
    const missing = routes.filter((r) => !ROUTE_RULES[r])
    expect(
      missing,
      missing.map((r) => `no access rule for "${r}": add '${r}': { action: '…' } to ROUTE_RULES in ${RULES_FILE}`).join('\n'),
    ).toEqual([])
    const stale = Object.keys(ROUTE_RULES).filter((r) => !routes.includes(r))
    expect(stale, `rules for routes that no longer exist: remove them from ${RULES_FILE}`).toEqual([])

    const failures: string[] = []
    let calls = 0
    for (const route of routes) {
      const rule = ROUTE_RULES[route]
      const [method, template] = route.split(' ')
      const given = 'action' in rule && rule.params ? rule.params(ids) : {}
      const url =
        template.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(String(given[name] ?? DEFAULT_PARAMS[name] ?? 'x'))) +
        ('action' in rule && rule.query ? '?' + new URLSearchParams(rule.query).toString() : '')
      for (const c of callers) {
        if ('public' in rule && c.role) continue
        const want = expected(rule, c)
        const o = {
          method: method as 'GET',
          url,
          remoteAddress: c.address,
          headers: { ...c.headers },
          // not a valid body for any route: authorisation must come first
          ...(method === 'GET' || method === 'DELETE' ? {} : { payload: '[]', headers: { ...c.headers, 'content-type': 'application/json' } }),
        }
        const r = c.session ? await c.session.call(o) : await t.app.http.inject(o)
        calls++
        const where = `${route} as ${c.name}: ${r.statusCode} ${r.body.slice(0, 160)}`
        if (r.statusCode >= 500) failures.push(`5xx: ${where}`)
        else if (want === 'pass' && r.statusCode === 401) failures.push(`expected to pass, got 401: ${where}`)
        else if (want === 'pass' && r.statusCode === 403 && !c.outside.length) failures.push(`expected to pass, got 403: ${where}`)
        else if (want !== 'pass' && r.statusCode !== want) failures.push(`expected ${want}: ${where}`)
        if (want === 'pass' && method === 'GET' && r.statusCode < 300 && c.outside.length && !('scope' in rule && rule.scope === 'city')) {
          const text = readable(r.rawPayload)
          const seen = c.outside.filter((m) => text.includes(m))
          if (seen.length) failures.push(`out of reach (${seen.join('、')}) shown: ${route} as ${c.name}`)
        }
      }
    }
    console.log(`route matrix: ${routes.length} routes × ${callers.length} callers, ${calls} calls, ${failures.length} failures`)
    expect(failures, failures.join('\n')).toEqual([])
  }, 300_000)
})
