import { describe, it, expect } from 'vitest'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawn, spawnSync } from 'node:child_process'
import { lockDataDir } from '../../src/data-lock.js'
import { loadConfig, ConfigError } from '../../src/config.js'

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'csb-lock-'))

describe('the PGlite data directory lock', () => {
  it('when another live process holds the directory, then a second start is refused with a clear message', async () => {
    const dir = tmp()
    const other = spawn('sleep', ['30'])
    try {
      fs.writeFileSync(path.join(dir, 'app.lock'), String(other.pid))
      expect(() => lockDataDir(dir)).toThrow(/正被另一个进程 \(pid \d+\) 使用/)
    } finally {
      other.kill()
    }
  })

  it('when the lock was left by a killed process, then it is taken over, and released on unlock', () => {
    const dir = tmp()
    const dead = spawnSync('true').pid!
    fs.writeFileSync(path.join(dir, 'app.lock'), String(dead))
    const unlock = lockDataDir(dir)
    expect(fs.readFileSync(path.join(dir, 'app.lock'), 'utf8')).toBe(String(process.pid))
    unlock()
    expect(fs.existsSync(path.join(dir, 'app.lock'))).toBe(false)
  })
})

describe('configuration', () => {
  it('when nothing is set, then the defaults make a first run work', () => {
    const c = loadConfig({})
    expect(c).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', DATA_DIR: './data', DEADLINE_DAYS_GENERAL: 7, DEADLINE_DAYS_MAJOR: 30 })
    expect(c.DATABASE_URL).toBeUndefined()
    expect(c.WECHATY_PUPPET).toBeUndefined()
  })

  it('when a value is wrong, then start-up stops naming the variable', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(ConfigError)
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/)
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/)
    expect(() => loadConfig({ ADMIN_TOKENS: 'short:admin' })).toThrow(/ADMIN_TOKENS/)
    expect(() => loadConfig({ ADMIN_TOKENS: 'a-long-enough-token-123:king' })).toThrow(/ADMIN_TOKENS/)
  })

  it('when admin tokens are given, then each maps to a role', () => {
    const c = loadConfig({ ADMIN_TOKENS: 'a-long-enough-token-123:admin:ops, another-long-token-4567:viewer' })
    expect(c.ADMIN_TOKENS).toEqual([
      { token: 'a-long-enough-token-123', role: 'admin', name: 'ops' },
      { token: 'another-long-token-4567', role: 'viewer', name: 'viewer' },
    ])
  })
})
