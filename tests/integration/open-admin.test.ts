/**
 * Issue 13 item 1: no open admin API in a real deployment. The loopback admin of simulator mode exists only
 * for a client on this machine talking to the app directly (no proxy header), and the simulator runs beside a
 * real channel only when SIMULATOR=on asks for it.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { ConfigError, loadConfig, testConfig } from '../../src/config.js'
import { simulatorWanted } from '../../src/app.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { WECOM_AES_KEY, WECOM_TOKEN } from '../helpers/wecom.js'

const callback = { WECOM_BOT_MODE: 'callback' as const, WECOM_BOT_TOKEN: WECOM_TOKEN, WECOM_BOT_AES_KEY: WECOM_AES_KEY }
const PROXY_HEADERS = [{ 'x-forwarded-for': '203.0.113.5' }, { 'x-real-ip': '203.0.113.5' }, { forwarded: 'for=203.0.113.5;proto=https' }]

describe('the simulator beside a real channel', () => {
  it('runs alone by default, beside WeCom only with SIMULATOR=on, never beside a puppet or with SIMULATOR=off', () => {
    expect(simulatorWanted(testConfig(), { puppet: false, wecom: false })).toBe(true)
    expect(simulatorWanted(testConfig(callback), { puppet: false, wecom: true })).toBe(false)
    expect(simulatorWanted(testConfig({ ...callback, SIMULATOR: 'on' }), { puppet: false, wecom: true })).toBe(true)
    expect(simulatorWanted(testConfig(), { puppet: true, wecom: false })).toBe(false)
    expect(simulatorWanted(testConfig({ ...callback, SIMULATOR: 'off' }), { puppet: false, wecom: true })).toBe(false)
  })

  it('refuses SIMULATOR=off with no other channel, and SIMULATOR=on beside a puppet, naming the variable', () => {
    expect(loadConfig({}).SIMULATOR).toBe('auto')
    expect(() => loadConfig({ SIMULATOR: 'off' })).toThrow(/SIMULATOR: off leaves no channel/)
    expect(() => loadConfig({ SIMULATOR: 'on', WECHATY_PUPPET: 'wechaty-puppet-service' })).toThrow(/SIMULATOR: on needs Wechaty/)
    expect(() => loadConfig({ SIMULATOR: 'yes' })).toThrow(ConfigError)
    expect(loadConfig({ SIMULATOR: 'off', WECOM_ROBOT_ENABLED: 'true' }).SIMULATOR).toBe('off')
  })
})

describe('WeCom callback mode with WECHATY_ENABLED left at its default', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await startTestApp({ config: callback })
  })
  afterAll(async () => t?.close())

  it('when no SIMULATOR is set, then there is no simulator, /sim answers 404 and a loopback client is nobody', async () => {
    expect(t.app.simulator).toBeUndefined()
    expect((await t.app.http.inject({ method: 'GET', url: '/sim' })).statusCode).toBe(404)
    expect((await t.app.http.inject({ method: 'GET', url: '/sim/api/state' })).statusCode).toBe(404)
    expect((await t.app.http.inject({ method: 'GET', url: '/api/people' })).statusCode).toBe(401)
    const bind = await t.app.http.inject({ method: 'POST', url: '/api/people/1/bind-codes' })
    expect(bind.statusCode).toBe(401)
  })
})

describe('simulator mode without ADMIN_TOKENS', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await startTestApp({ config: { ...callback, SIMULATOR: 'on' } })
  })
  afterAll(async () => t?.close())

  it('when a client on this machine asks directly, then it is the local admin', async () => {
    expect(t.app.simulator).toBeDefined()
    expect((await t.app.http.inject({ method: 'GET', url: '/api/people' })).statusCode).toBe(200)
    expect((await t.app.http.inject({ method: 'GET', url: '/sim/api/state' })).statusCode).toBe(200)
  })

  it('when the request came through a same-host proxy (Forwarded, X-Forwarded-For or X-Real-IP), then it is nobody', async () => {
    for (const headers of PROXY_HEADERS) {
      const people = await t.app.http.inject({ method: 'GET', url: '/api/people', headers })
      expect(people.statusCode, JSON.stringify(headers)).toBe(401)
      const bind = await t.app.http.inject({ method: 'POST', url: '/api/people/1/bind-codes', headers })
      expect(bind.statusCode, JSON.stringify(headers)).toBe(401)
      const sim = await t.app.http.inject({ method: 'GET', url: '/sim/api/state', headers })
      expect(sim.statusCode, JSON.stringify(headers)).toBe(401)
      const metrics = await t.app.http.inject({ method: 'GET', url: '/metrics', headers })
      expect(metrics.statusCode, JSON.stringify(headers)).toBe(403)
    }
  })

  it('when the client is another machine, then it is nobody', async () => {
    const r = await t.app.http.inject({ method: 'GET', url: '/api/people', remoteAddress: '192.0.2.7' })
    expect(r.statusCode).toBe(401)
  })
})
