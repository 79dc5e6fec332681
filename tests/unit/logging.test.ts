import { describe, it, expect } from 'vitest'
import { createLogger, scrub, maskPhone } from '../../src/logging.js'

function capture() {
  const lines: string[] = []
  return { lines, destination: { write: (s: string) => lines.push(...s.split('\n').filter(Boolean)) } }
}

describe('logs never carry secrets or full phone numbers', () => {
  it('when structured fields hold tokens, passwords, cookies or the configuration, then they are redacted', async () => {
    const c = capture()
    const log = createLogger({ level: 'info', destination: c.destination })
    log.info({ req: { headers: { authorization: 'Bearer admin-token-0123456789', cookie: 'sid=s3cr3t-cookie-value' } } }, 'request')
    log.info({ user: { password: 'hunter2-password', token: 'tok-abcdef-123456' } }, 'login')
    log.info({ config: { ADMIN_TOKENS: [{ token: 'cfg-token-0123456789' }], DATABASE_URL: 'postgres://app:dbpass@db/x', METRICS_TOKEN: 'metrics-0123456789' } }, 'config')
    const all = c.lines.join('\n')
    for (const secret of ['admin-token-0123456789', 's3cr3t-cookie-value', 'hunter2-password', 'tok-abcdef-123456', 'cfg-token-0123456789', 'dbpass', 'metrics-0123456789']) {
      expect(all).not.toContain(secret)
    }
    expect(c.lines.every((l) => JSON.parse(l).msg)).toBe(true)
    expect(all).toContain('[redacted]')
  })

  it('when a webhook URL, a database URL, a bearer token or a phone number appears in any text (message, error, stack), then it is masked', async () => {
    const c = capture()
    const log = createLogger({ level: 'info', destination: c.destination })
    const url = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa'
    log.error({ err: new Error(`POST ${url} failed`) }, `robot failed: ${url}`)
    log.warn({ detail: { note: '联系人电话13812341234，备用 +86 15900001111' } }, '张老板 13812341234 来电')
    log.warn({ target: 'postgresql://safety:p%40ss@10.0.0.5:5432/safety', header: 'Authorization: Bearer abcdefghijklmnop' }, 'db')
    const all = c.lines.join('\n')
    expect(all).not.toContain('693a91f6')
    expect(all).toContain('webhook/send?key=***')
    expect(all).not.toContain('13812341234')
    expect(all).not.toContain('15900001111')
    expect(all).toContain('138****1234')
    expect(all).toContain('159****1111')
    expect(all).not.toContain('p%40ss')
    expect(all).not.toContain('abcdefghijklmnop')
    // still JSON, one object a line
    for (const l of c.lines) expect(() => JSON.parse(l)).not.toThrow()
  })

  it('when numbers are not phone numbers (ids, timestamps), then they are left alone', () => {
    expect(scrub('{"time":1795899429798,"id":12345678901234}')).toBe('{"time":1795899429798,"id":12345678901234}')
    // a number value keeps the line valid JSON; the same digits in text are masked
    expect(scrub('{"bytes":15000000000,"msg":"size 15000000000"}')).toBe('{"bytes":15000000000,"msg":"size 150****0000"}')
    expect(maskPhone('13912345678')).toBe('139****5678')
    expect(maskPhone(null)).toBeNull()
  })
})
