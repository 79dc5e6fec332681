import { z } from 'zod'
import { ROLES, type Role } from './core/permissions.js'

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .transform((v) => v === '1' || v === 'true' || v === 'yes')

const tokenList = z
  .string()
  .transform((s, ctx) => {
    const out: { token: string; role: Role; name: string }[] = []
    for (const part of s.split(',').map((p) => p.trim()).filter(Boolean)) {
      const [token, role, name] = part.split(':')
      if (!token || token.length < 16 || !(ROLES as readonly string[]).includes(role)) {
        ctx.addIssue({ code: 'custom', message: 'each entry is TOKEN:ROLE[:NAME], TOKEN at least 16 characters, ROLE one of ' + ROLES.join('/') })
        return z.NEVER
      }
      out.push({ token, role: role as Role, name: name || role })
    }
    return out
  })

export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres://').optional(),
  DATA_DIR: z.string().default('./data'),
  WECHATY_PUPPET: z.string().optional(),
  WECHATY_PUPPET_SERVICE_TOKEN: z.string().optional(),
  BOT_NAME: z.string().min(1).default('安全助手'),
  LEADERS_GROUP: z.string().default('局领导群'),
  DEADLINE_DAYS_GENERAL: z.coerce.number().int().min(1).max(365).default(7),
  DEADLINE_DAYS_MAJOR: z.coerce.number().int().min(1).max(365).default(30),
  MESSAGE_MAX_AGE_SECONDS: z.coerce.number().int().min(10).default(600),
  PHOTO_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(10),
  BIND_CODE_TTL_HOURS: z.coerce.number().int().min(1).default(72),
  ADMIN_TOKENS: tokenList.default([]),
  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  SEND_MIN_INTERVAL_MS: z.coerce.number().int().min(0).optional(),
  SEND_DAILY_CAP: z.coerce.number().int().min(1).default(2000),
  DEMO_DATA: bool.default(false),
  /** bearer token for GET /metrics; unset: loopback clients only */
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  /** after the first SIGTERM/SIGINT, exit with code 1 if shutting down takes longer than this */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** console sign-in: session lifetime, Secure cookie (behind HTTPS), attempts per minute per address, lockout */
  CONSOLE_SESSION_HOURS: z.coerce.number().int().min(1).max(720).default(12),
  CONSOLE_COOKIE_SECURE: bool.default(false),
  CONSOLE_SIGNIN_PER_MINUTE: z.coerce.number().int().min(1).max(1000).default(10),
  CONSOLE_LOCKOUT_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  CONSOLE_LOCKOUT_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
})

export type AppConfig = z.infer<typeof configSchema>

export class ConfigError extends Error {}

/** Parses the environment once; a bad value stops start-up naming the variable and the fix. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const picked = Object.fromEntries(Object.keys(configSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]))
  const r = configSchema.safeParse(picked)
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new ConfigError(`配置有误 / invalid configuration:\n${lines.join('\n')}\n见 .env.example / see .env.example`)
  }
  return r.data
}

/** Defaults for tests and embedding. */
export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return { ...configSchema.parse({}), LOG_LEVEL: 'silent', ...overrides }
}
