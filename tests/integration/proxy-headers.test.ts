/**
 * Issue 13 item 6: behind a trusted proxy that says the visitor came over HTTPS the session cookie is Secure
 * without a separate switch; the simulator and the API docs send a Content-Security-Policy.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import { describe, it, expect } from 'vitest'
import { useSeededApp, type TestApp } from '../helpers/app.js'
import { consoleUser, CONSOLE_PASSWORD } from '../helpers/console.js'

const signIn = (t: TestApp, headers: Record<string, string>, remoteAddress = '127.0.0.1') =>
  t.app.http.inject({ method: 'POST', url: '/console/sign-in', payload: { username: 'admin', password: CONSOLE_PASSWORD }, headers, remoteAddress })
const secureCookie = (r: Awaited<ReturnType<typeof signIn>>) => r.cookies.find((c) => c.name === 'csb_session')?.secure ?? false

describe('behind a trusted proxy', () => {
  let t: TestApp
  useSeededApp(
    (app) => {
      t = app
    },
    { config: { TRUST_PROXY: '127.0.0.1', CONSOLE_SIGNIN_PER_MINUTE: 100 } },
  )

  it('when the proxy says https, then the session cookie is Secure; over plain http it is not', async () => {
    await consoleUser(t.database.db, 'admin', { role: 'admin', name: '管理员' })
    const https = await signIn(t, { 'x-forwarded-for': '203.0.113.1', 'x-forwarded-proto': 'https' })
    expect(https.statusCode).toBe(200)
    expect(secureCookie(https)).toBe(true)
    const http = await signIn(t, { 'x-forwarded-for': '203.0.113.2', 'x-forwarded-proto': 'http' })
    expect(secureCookie(http)).toBe(false)
    // a client that is not the trusted proxy cannot claim https
    const spoof = await signIn(t, { 'x-forwarded-proto': 'https' }, '192.0.2.50')
    expect(spoof.statusCode).toBe(200)
    expect(secureCookie(spoof)).toBe(false)
  })

  it('when /sim or /docs is served, then a Content-Security-Policy comes with it; the simulator script runs by its hash', async () => {
    const page = await t.app.http.inject({ method: 'GET', url: '/sim' })
    const csp = String(page.headers['content-security-policy'])
    const html = fs.readFileSync(new URL('../../src/http/simulator.html', import.meta.url), 'utf8')
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]
    expect(csp).toContain(`script-src 'sha256-${createHash('sha256').update(script).digest('base64')}'`)
    expect(csp).toContain("frame-ancestors 'none'")
    expect((await t.app.http.inject({ method: 'GET', url: '/sim/api/state' })).headers['content-security-policy']).toBe(csp)
    for (const url of ['/docs', '/docs/static/index.html', '/docs/json']) {
      const r = await t.app.http.inject({ method: 'GET', url })
      expect(r.headers['content-security-policy'], url).toMatch(/default-src|script-src/)
    }
  })
})
