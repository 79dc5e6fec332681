import { Writable } from 'node:stream'
import pino, { type Logger, type DestinationStream } from 'pino'

/**
 * The service's logger: pino JSON lines (readable lines on a terminal). Secrets never reach the output:
 * structured fields that hold them are redacted by path, and every finished line is scrubbed as text, so a
 * webhook key, a token in a URL, a database password or a phone number inside any message, error or stack
 * is masked too.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'authorization',
  'cookie',
  'password',
  'token',
  'secret',
  'webhookKey',
  'webhookUrl',
  '*.password',
  '*.token',
  '*.secret',
  '*.webhookKey',
  '*.webhookUrl',
  'config.ADMIN_TOKENS',
  'config.METRICS_TOKEN',
  'config.WECHATY_PUPPET_SERVICE_TOKEN',
  'config.WECOM_BOT_SECRET',
  'config.WECOM_BOT_TOKEN',
  'config.WECOM_BOT_AES_KEY',
  'config.DATABASE_URL',
]

const SCRUBS: [RegExp, string][] = [
  // WeCom robot webhooks (…/webhook/send?key=…) and any token-like query parameter
  [/([?&](?:key|token|access_token|secret|password|signature|msg_signature)=)[^&\s"\\]+/gi, '$1***'],
  // credentials in a URL: postgres://user:password@host
  [/([a-z][a-z0-9+.-]*:\/\/[^:/\s"@]+:)[^@\s"/]+@/gi, '$1***@'],
  // bearer tokens in free text
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g, '$1***'],
  // mainland mobile numbers: 138****1234 (not a JSON number value, which masking would make invalid)
  [/(?<!\d)(?<!":)(1[3-9]\d)\d{4}(\d{4})(?!\d)/g, '$1****$2'],
]

/** Masks secrets and phone numbers in one line of text. */
export function scrub(line: string): string {
  let out = line
  for (const [re, to] of SCRUBS) out = out.replace(re, to)
  return out
}

/** A phone number as it may be shown: 138****1234. */
export function maskPhone(phone: string | null | undefined): string | null {
  return phone == null ? null : scrub(phone)
}

/** A destination that scrubs each line before passing it on. */
export function scrubbing(target: { write(s: string): unknown }): DestinationStream {
  return new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _enc, cb) {
      target.write(scrub(typeof chunk === 'string' ? chunk : chunk.toString('utf8')))
      cb()
    },
  }) as unknown as DestinationStream
}

export interface LoggerOptions {
  level: string
  /** where lines go (default: stdout); a terminal gets `await prettyDestination()`, tests a capture */
  destination?: { write(s: string): unknown }
}

export function createLogger(o: LoggerOptions): Logger {
  return pino({ level: o.level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, scrubbing(o.destination ?? process.stdout))
}

/** Readable lines for a person at a terminal (pino-pretty, loaded only then). */
export async function prettyDestination(): Promise<{ write(s: string): unknown }> {
  const { default: pretty } = await import('pino-pretty')
  return pretty({ translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', destination: 1 })
}
