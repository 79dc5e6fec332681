import { describe, it, expect } from 'vitest'
import { loadConfig, ConfigError } from '../../src/config.js'

const AES = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C'

describe('WeCom configuration', () => {
  it('is off by default: Wechaty (the simulator) alone, no robots', () => {
    const c = loadConfig({})
    expect(c.WECOM_BOT_MODE).toBe('off')
    expect(c.WECOM_ROBOT_ENABLED).toBe(false)
    expect(c.WECHATY_ENABLED).toBe(true)
    expect(c.WECOM_ROBOT_PER_MINUTE).toBe(20)
  })

  it('callback mode needs the Token and a 43-character EncodingAESKey, named in the message', () => {
    expect(() => loadConfig({ WECOM_BOT_MODE: 'callback' })).toThrow(ConfigError)
    expect(() => loadConfig({ WECOM_BOT_MODE: 'callback' })).toThrow(/WECOM_BOT_TOKEN: required when WECOM_BOT_MODE=callback/)
    expect(() => loadConfig({ WECOM_BOT_MODE: 'callback', WECOM_BOT_TOKEN: 'abc' })).toThrow(/WECOM_BOT_AES_KEY/)
    expect(() => loadConfig({ WECOM_BOT_MODE: 'callback', WECOM_BOT_TOKEN: 'abc', WECOM_BOT_AES_KEY: AES.slice(1) })).toThrow(/WECOM_BOT_AES_KEY: must be the 43-character/)
    const c = loadConfig({ WECOM_BOT_MODE: 'callback', WECOM_BOT_TOKEN: 'abc', WECOM_BOT_AES_KEY: AES })
    expect(c.WECOM_CALLBACK_PATH).toBe('/wecom/callback')
  })

  it('long-connection mode needs the BotID and the Secret; the server address must be ws(s)://', () => {
    expect(() => loadConfig({ WECOM_BOT_MODE: 'longconn' })).toThrow(/WECOM_BOT_ID: required when WECOM_BOT_MODE=longconn/)
    expect(() => loadConfig({ WECOM_BOT_MODE: 'longconn', WECOM_BOT_ID: 'aib1' })).toThrow(/WECOM_BOT_SECRET/)
    expect(() => loadConfig({ WECOM_BOT_MODE: 'longconn', WECOM_BOT_ID: 'aib1', WECOM_BOT_SECRET: 'secret-123', WECOM_WS_URL: 'http://x' })).toThrow(/WECOM_WS_URL/)
    const c = loadConfig({ WECOM_BOT_MODE: 'longconn', WECOM_BOT_ID: 'aib1', WECOM_BOT_SECRET: 'secret-123', WECOM_WS_URL: 'ws://127.0.0.1:9/x' })
    expect(c.WECOM_WS_URL).toBe('ws://127.0.0.1:9/x')
  })

  it('a mode that does not exist, robot pacing beyond 20 a minute and a WeCom-only app without a WeCom channel are refused', () => {
    expect(() => loadConfig({ WECOM_BOT_MODE: 'webhook' })).toThrow(/WECOM_BOT_MODE/)
    expect(() => loadConfig({ WECOM_ROBOT_PER_MINUTE: '30' })).toThrow(/WECOM_ROBOT_PER_MINUTE/)
    expect(() => loadConfig({ WECHATY_ENABLED: 'false' })).toThrow(/WECHATY_ENABLED: false leaves no channel/)
    expect(() => loadConfig({ WECHATY_ENABLED: 'false', WECOM_ROBOT_ENABLED: 'true', WECHATY_PUPPET: 'wechaty-puppet-service' })).toThrow(/WECHATY_PUPPET/)
    expect(loadConfig({ WECHATY_ENABLED: 'false', WECOM_ROBOT_ENABLED: 'true' }).WECHATY_ENABLED).toBe(false)
  })
})
