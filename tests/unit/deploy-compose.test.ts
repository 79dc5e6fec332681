/**
 * deploy/docker-compose.yml agrees with the production rules: ADMIN_TOKENS is required, the simulator is off,
 * and a start without a real channel stops with a message naming the variable.
 */
import fs from 'node:fs'
import { describe, it, expect } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { simulatorWanted } from '../../src/app.js'

const COMPOSE = fs.readFileSync(new URL('../../deploy/docker-compose.yml', import.meta.url), 'utf8')

/** The app service's environment as compose would set it from `given` (the deploy/.env values). */
function appEnvironment(given: Record<string, string>): Record<string, string> {
  const block = COMPOSE.slice(COMPOSE.indexOf('  app:'))
  const env = block.slice(block.indexOf('environment:'), block.indexOf('ports:'))
  const out: Record<string, string> = {}
  for (const m of env.matchAll(/^\s{6}([A-Z_]+):\s*(.*)$/gm)) {
    const value = m[2].replace(/^"(.*)"$/, '$1').replace(/\$\{([A-Z_]+)(?::([-?])([^}]*))?\}/g, (_all, name: string, op?: string, rest?: string) => {
      if (given[name] !== undefined) return given[name]
      if (op === '?') throw new Error(`compose refuses to start: ${name} ${rest}`)
      return op === '-' ? (rest ?? '') : ''
    })
    out[m[1]] = value
  }
  return out
}

describe('deploy/docker-compose.yml', () => {
  const base = { POSTGRES_PASSWORD: 'pw', ADMIN_TOKENS: 'a-token-of-sixteen-chars:admin:管理员' }

  it('refuses to start without ADMIN_TOKENS', () => {
    expect(() => appEnvironment({ POSTGRES_PASSWORD: 'pw' })).toThrow(/ADMIN_TOKENS/)
  })

  it('never runs the simulator: without a real channel start-up stops naming SIMULATOR', () => {
    const env = appEnvironment(base)
    expect(env.SIMULATOR).toBe('off')
    expect(() => loadConfig(env)).toThrow(/SIMULATOR: off leaves no channel/)
  })

  it('with a WeCom channel it starts without the simulator, the admin tokens set', () => {
    const c = loadConfig(appEnvironment({ ...base, WECOM_ROBOT_ENABLED: 'true' }))
    expect(c.ADMIN_TOKENS).toHaveLength(1)
    expect(simulatorWanted(c, { puppet: false, wecom: true })).toBe(false)
  })
})
