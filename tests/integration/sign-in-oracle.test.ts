/**
 * Issue 13 item 3: sign-in tells nobody which names exist and lets nobody lock an account out; the admin API
 * has a rate limit per client address. (Timing: `npm run bench` measures the p50 of each kind of failure.)
 */
import { describe, it, expect } from 'vitest'
import { useSeededApp, type TestApp } from '../helpers/app.js'
import { consoleUser, CONSOLE_PASSWORD } from '../helpers/console.js'
import { signInDelayMs } from '../../src/services/console-auth.js'

const ADMIN_TOKEN = 'oracle-admin-token-0123456789'

describe('sign-in without a user-name oracle, with a growing wait instead of a lock', () => {
  let t: TestApp
  useSeededApp(
    (app) => {
      t = app
    },
    { config: { CONSOLE_SIGNIN_PER_MINUTE: 1000, CONSOLE_LOCKOUT_ATTEMPTS: 3, CONSOLE_LOCKOUT_MINUTES: 15, API_PER_MINUTE: 20, ADMIN_TOKENS: [{ token: ADMIN_TOKEN, role: 'admin', name: 'ops' }] } },
  )
  const signIn = (username: string, password: string, ip: string) =>
    t.app.http.inject({ method: 'POST', url: '/console/sign-in', payload: { username, password }, remoteAddress: ip })

  it('the wait doubles from 30 s past the threshold, up to the cap', () => {
    const p = { lockoutAttempts: 3, lockoutMinutes: 15 }
    expect([1, 2, 3, 4, 5, 6, 10, 40].map((n) => signInDelayMs(n, p) / 1000)).toEqual([0, 0, 30, 60, 120, 240, 900, 900])
  })

  it('when the name is unknown, the password wrong, or the name must wait, then the answers are the same', async () => {
    await consoleUser(t.database.db, 'boss', { role: 'admin', name: '局管理员' })
    const answers = new Set<string>()
    const unknown = await signIn('nobody-here', 'whatever 123', '10.9.0.1')
    answers.add(`${unknown.statusCode} ${unknown.body}`)
    for (let i = 0; i < 5; i++) {
      const r = await signIn('boss', `wrong ${i}`, `10.9.1.${i}`)
      answers.add(`${r.statusCode} ${r.body}`)
    }
    const waiting = await signIn('boss', 'wrong again', '10.9.2.1')
    answers.add(`${waiting.statusCode} ${waiting.body}`)
    expect([...answers]).toEqual(['401 {"error":"sign_in_failed","message":"用户名或密码不对"}'])
  })

  it('when a name must wait, then the right password from a new address waits it out, and from a known address passes at once', async () => {
    const db = t.database.db
    await consoleUser(db, 'clerk', { role: 'viewer', name: '办事员' })
    expect((await signIn('clerk', CONSOLE_PASSWORD, '10.8.0.1')).statusCode).toBe(200)
    // an attacker from elsewhere: three wrong passwords start a 30 s wait
    for (let i = 0; i < 3; i++) expect((await signIn('clerk', `guess ${i}`, '203.0.113.9')).statusCode).toBe(401)
    expect((await signIn('clerk', CONSOLE_PASSWORD, '10.8.0.2')).statusCode).toBe(401)
    // the clerk's own machine still gets in
    expect((await signIn('clerk', CONSOLE_PASSWORD, '10.8.0.1')).statusCode).toBe(200)
    // a success ends the wait
    expect((await signIn('clerk', CONSOLE_PASSWORD, '10.8.0.3')).statusCode).toBe(200)
    for (let i = 0; i < 3; i++) await signIn('clerk', `guess ${i}`, '203.0.113.9')
    t.clock.advance(31_000)
    // after the wait one more wrong password: now 60 s
    expect((await signIn('clerk', 'guess 4', '203.0.113.9')).statusCode).toBe(401)
    t.clock.advance(31_000)
    expect((await signIn('clerk', CONSOLE_PASSWORD, '10.8.0.4')).statusCode).toBe(401)
    t.clock.advance(30_000)
    expect((await signIn('clerk', CONSOLE_PASSWORD, '10.8.0.4')).statusCode).toBe(200)
  })

  it('when one address calls the admin API too often, then 429 for a minute, and other addresses are not affected', async () => {
    const get = (ip: string) => t.app.http.inject({ method: 'GET', url: '/api/jurisdictions', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, remoteAddress: ip })
    const codes: number[] = []
    for (let i = 0; i < 21; i++) codes.push((await get('198.51.100.20')).statusCode)
    expect(codes.slice(0, 20).every((c) => c === 200)).toBe(true)
    expect(codes[20]).toBe(429)
    expect((await get('198.51.100.20')).json().message).toBe('请求过于频繁，请 1 分钟后再试')
    expect((await get('198.51.100.21')).statusCode).toBe(200)
    const anon = await t.app.http.inject({ method: 'GET', url: '/console/api/me', remoteAddress: '198.51.100.20' })
    expect(anon.statusCode).toBe(429)
  })
})
