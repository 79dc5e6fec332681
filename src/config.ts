import { isIP } from 'node:net'
import { z } from 'zod'
import { validate as validateCron } from 'node-cron'
import { ROLES, type Role } from './core/permissions.js'
import { wecomConfigShape, checkWecomConfig } from './channels/wecom/config.js'
import { sensorConfigShape } from './sensors/config.js'

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .transform((v) => v === '1' || v === 'true' || v === 'yes')

const cronExpr = z.string().refine((s) => validateCron(s), 'not a valid cron expression (node-cron: [sec] min hour day month weekday)')

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

/** proxy-addr's names for address ranges */
const PROXY_RANGES = ['loopback', 'linklocal', 'uniquelocal']

/**
 * Fastify's trustProxy: unset/false — the peer address is the client; true — trust every X-Forwarded-For hop;
 * a number — trust that many hops; else addresses or CIDR ranges (or loopback/linklocal/uniquelocal) of the proxies.
 */
const trustProxy = z
  .string()
  .trim()
  .transform((s, ctx): boolean | number | string => {
    const v = s.toLowerCase()
    if (v === '' || v === 'false' || v === 'no') return false
    if (v === 'true' || v === 'yes') return true
    if (/^\d+$/.test(v)) {
      const hops = Number(v)
      if (hops === 0) return false
      if (hops <= 10) return hops
    } else {
      const parts = v.split(',').map((p) => p.trim())
      const ok = (p: string) => {
        if (PROXY_RANGES.includes(p)) return true
        const [ip, bits, extra] = p.split('/')
        const family = isIP(ip)
        if (!family || extra !== undefined) return false
        return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128))
      }
      if (parts.every((p) => p && ok(p))) return parts.join(',')
    }
    ctx.addIssue({ code: 'custom', message: 'true/false, a number of proxy hops (1-10), or proxy addresses/CIDR ranges separated by commas, e.g. 127.0.0.1 or 10.0.0.0/8,loopback' })
    return z.NEVER
  })

export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres://').optional(),
  DATA_DIR: z.string().default('./data'),
  WECHATY_PUPPET: z.string().optional(),
  /**
   * the simulator (mock puppet, /sim): auto — only when no real channel is configured (no WECHATY_PUPPET, no WeCom
   * bot or robots); on — also beside a real channel (tests, a trial); off — never (then /sim answers 404)
   */
  SIMULATOR: z.enum(['auto', 'on', 'off']).default('auto'),
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
  /** hours after a notice went out before those who have not acknowledged it are reminded, once */
  ACK_REMIND_HOURS: z.coerce.number().min(0.1).max(720).default(24),
  /** days after a notice went out during which a plain 收到 in its group acknowledges it (确认 N12 works any time) */
  ACK_OPEN_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  /** hours before an officers' task is due when its assignees who are not done are reminded */
  TASK_REMIND_BEFORE_HOURS: z.coerce.number().min(0.1).max(720).default(24),
  DEMO_DATA: bool.default(false),
  /** bearer token for GET /metrics; unset: loopback clients only */
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  /** after the first SIGTERM/SIGINT, exit with code 1 if shutting down takes longer than this */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** chat limits: text of a message to the bot, one photo, photos per hazard and stage, all stored files (0 = no limit) */
  TEXT_MAX_CHARS: z.coerce.number().int().min(50).max(100_000).default(2000),
  IMAGE_MAX_MB: z.coerce.number().positive().max(1024).default(10),
  PHOTOS_PER_REPORT_MAX: z.coerce.number().int().min(1).max(100).default(9),
  ATTACHMENTS_MAX_TOTAL_MB: z.coerce.number().min(0).default(20_480),
  /** scheduled pushes (tips, cases, key periods, deadlines, summary); off for tests that don't want them */
  SCHEDULES_ENABLED: bool.default(true),
  /**
   * plain words (issue 12): 'all' drafts hazards told to the bot and prompts for confident ones overheard in
   * groups; 'addressed' only drafts what is told to the bot; 'off' neither. Urgent guidance is sent whatever it says.
   */
  PLAIN_REPORTS: z.enum(['off', 'addressed', 'all']).default('all'),
  /** at most one prompt per sender per chat in this many minutes for hazards overheard in a group */
  PLAIN_PROMPT_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  /** how long a draft waits for 1 (上报) or 2 (不报) before its sender is told it was not filed */
  PLAIN_DRAFT_MINUTES: z.coerce.number().int().min(1).max(1440).default(10),
  /** staff group of the bureau (群名或群 id) that gets the weekly summary; distinct from LEADERS_GROUP */
  BUREAU_GROUP: z.string().default('局机关工作群'),
  /** the weekly summary carries its chart (a picture: one more send on a capped personal-WeChat account) */
  WEEKLY_SUMMARY_CHART: bool.default(true),
  CRON_SAFETY_TIPS: cronExpr.default('0 30 9 * * 2,5'),
  CRON_WARNING_CASES: cronExpr.default('0 0 10 * * 3'),
  CRON_KEY_PERIODS: cronExpr.default('0 0 9 * * *'),
  CRON_DUTY_ROSTER: cronExpr.default('0 0 16 * * *'),
  CRON_HAZARD_DEADLINES: cronExpr.default('0 0 9 * * *'),
  CRON_WEEKLY_SUMMARY: cronExpr.default('0 30 8 * * 1'),
  /** the leaders' monthly progress report on the 1st, for the month before */
  CRON_MONTHLY_REPORT: cronExpr.default('0 0 8 1 * *'),
  /** the console's address as people open it (links in documents and announcements); default http://localhost:PORT */
  PUBLIC_URL: z.url({ error: 'must be a URL such as https://safety.example.gov.cn' }).transform((s) => s.replace(/\/+$/, '')).optional(),
  /** key-period reminders go this many days before the period starts */
  PERIOD_REMINDER_DAYS: z.coerce.number().int().min(0).max(30).default(3),
  /** overdue days before escalation to the responsible officer, then to the leaders' group; majors sooner */
  ESCALATE_OFFICER_DAYS: z.coerce.number().int().min(1).max(365).default(3),
  ESCALATE_LEADERS_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  ESCALATE_MAJOR_OFFICER_DAYS: z.coerce.number().int().min(0).max(365).default(1),
  ESCALATE_MAJOR_LEADERS_DAYS: z.coerce.number().int().min(0).max(365).default(3),
  /** normal pushes wait out these hours (Asia/Shanghai); replies and urgent messages go at once */
  QUIET_HOURS: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$|^off$/, 'HH:MM-HH:MM, e.g. 21:00-08:00, or off')
    .default('21:00-08:00'),
  /** random delay inside each send slot of a real puppet (ms, below the slot); unset: half of SEND_MIN_INTERVAL_MS */
  SEND_JITTER_MS: z.coerce.number().int().min(0).optional(),
  /** console sign-in: session lifetime, Secure cookie (behind HTTPS), attempts per minute per address, lockout */
  CONSOLE_SESSION_HOURS: z.coerce.number().int().min(1).max(720).default(12),
  CONSOLE_COOKIE_SECURE: bool.default(false),
  CONSOLE_SIGNIN_PER_MINUTE: z.coerce.number().int().min(1).max(1000).default(10),
  /** wrong passwords for one name before each further attempt waits (30 s, doubling up to CONSOLE_LOCKOUT_MINUTES) */
  CONSOLE_LOCKOUT_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  CONSOLE_LOCKOUT_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  /** requests a minute per client address to the admin API (/api/…) and the console's API (/console/api/…) */
  API_PER_MINUTE: z.coerce.number().int().min(10).max(100_000).default(600),
  /** behind a reverse proxy (nginx): which proxies' X-Forwarded-For/-Proto/-Host to believe (Fastify trustProxy) */
  TRUST_PROXY: trustProxy.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ...wecomConfigShape,
  ...sensorConfigShape,
})
  .superRefine(checkWecomConfig)
  .superRefine((c, ctx) => {
    if (c.SIMULATOR === 'off' && c.WECHATY_ENABLED && !c.WECHATY_PUPPET && c.WECOM_BOT_MODE === 'off' && !c.WECOM_ROBOT_ENABLED) {
      ctx.addIssue({ code: 'custom', path: ['SIMULATOR'], message: 'off leaves no channel: set WECHATY_PUPPET, WECOM_BOT_MODE or WECOM_ROBOT_ENABLED=true' })
    }
    if (c.SIMULATOR === 'on' && (c.WECHATY_PUPPET || !c.WECHATY_ENABLED)) {
      ctx.addIssue({ code: 'custom', path: ['SIMULATOR'], message: 'on needs Wechaty for itself: unset WECHATY_PUPPET and leave WECHATY_ENABLED on' })
    }
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
  return { ...configSchema.parse({}), LOG_LEVEL: 'silent', SCHEDULES_ENABLED: false, ...overrides }
}
