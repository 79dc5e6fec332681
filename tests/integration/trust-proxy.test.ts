import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { eq } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { ConfigError, loadConfig } from '../../src/config.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { consoleUser, CONSOLE_PASSWORD } from '../helpers/console.js'

const PROXY = '127.0.0.1' // nginx on the same machine

/** Three wrong passwords through the proxy, each for the given forwarded client address; their status codes. */
async function attempts(t: TestApp, clients: string[]): Promise<number[]> {
  const codes: number[] = []
  for (const [i, client] of clients.entries()) {
    const r = await t.app.http!.inject({
      method: 'POST',
      url: '/console/sign-in',
      payload: { username: 'admin', password: `guess ${i}` },
      remoteAddress: PROXY,
      headers: { 'x-forwarded-for': client },
    })
    codes.push(r.statusCode)
  }
  return codes
}

describe('TRUST_PROXY', () => {
  it('parses off, true, hop counts and proxy addresses; anything else stops start-up naming the variable', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(false)
    expect(loadConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false)
    expect(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true)
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2)
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1,loopback' }).TRUST_PROXY).toBe('127.0.0.1,10.0.0.0/8,::1,loopback')
    for (const bad of ['nginx', '10.0.0.0/33', '300.1.1.1', '1,,2', '99']) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(ConfigError)
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/)
    }
  })

  describe('set to the proxy address', () => {
    let t: TestApp
    beforeAll(async () => {
      t = await startTestApp({ config: { TRUST_PROXY: PROXY, CONSOLE_SIGNIN_PER_MINUTE: 2, CONSOLE_LOCKOUT_ATTEMPTS: 50 } })
      await consoleUser(t.database.db, 'admin', { role: 'admin', name: '系统管理员' })
    })
    afterAll(async () => t?.close())

    it('when sign-ins come through the proxy, then each forwarded client has its own limit, and the audit records its address', async () => {
      // the third attempt of 203.0.113.5 is over the limit; 203.0.113.6 behind the same proxy is not
      expect(await attempts(t, ['203.0.113.5', '203.0.113.5', '203.0.113.5', '203.0.113.6'])).toEqual([401, 401, 429, 401])
      const ok = await t.app.http!.inject({
        method: 'POST',
        url: '/console/sign-in',
        payload: { username: 'admin', password: CONSOLE_PASSWORD },
        remoteAddress: PROXY,
        headers: { 'x-forwarded-for': '198.51.100.7' },
      })
      expect(ok.statusCode).toBe(200)
      const rows = await t.database.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'session.sign_in'))
      expect(rows.map((r) => r.detail?.ip)).toEqual(['198.51.100.7'])
    })

    it('when a client not behind the trusted proxy sends X-Forwarded-For, then its own address counts', async () => {
      const codes: number[] = []
      for (let i = 0; i < 3; i++) {
        const r = await t.app.http!.inject({
          method: 'POST',
          url: '/console/sign-in',
          payload: { username: 'admin', password: `spoof ${i}` },
          remoteAddress: '192.0.2.9',
          headers: { 'x-forwarded-for': `203.0.113.${100 + i}` },
        })
        codes.push(r.statusCode)
      }
      expect(codes).toEqual([401, 401, 429])
    })
  })

  describe('unset', () => {
    let t: TestApp
    beforeAll(async () => {
      t = await startTestApp({ config: { CONSOLE_SIGNIN_PER_MINUTE: 2, CONSOLE_LOCKOUT_ATTEMPTS: 50 } })
      await consoleUser(t.database.db, 'admin', { role: 'admin', name: '系统管理员' })
    })
    afterAll(async () => t?.close())

    it('when sign-ins carry X-Forwarded-For, then it is ignored: the peer address is limited and audited', async () => {
      expect(await attempts(t, ['203.0.113.5', '203.0.113.6', '203.0.113.7'])).toEqual([401, 401, 429])
      const rows = await t.database.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'session.sign_in_failed'))
      expect(rows.length).toBe(2)
      expect(rows.every((r) => r.detail?.ip === PROXY)).toBe(true)
    })
  })
})
