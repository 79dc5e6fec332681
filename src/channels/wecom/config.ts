/**
 * Configuration of the WeCom channels (validated with the rest of the config at start; every message names the
 * variable to fix). Kept here so the shared config file only spreads it in.
 */
import { z } from 'zod'

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .transform((v) => v === '1' || v === 'true' || v === 'yes')

const httpUrl = (what: string) =>
  z
    .string()
    .regex(/^https?:\/\/[^\s]+$/, `must be an http(s) URL (${what})`)
    .transform((s) => s.replace(/\/+$/, ''))

export const wecomConfigShape = {
  /** the Wechaty build a real puppet is loaded with: JuziBot's for WeCom through its WorkPro puppet service */
  WECHATY_MODULE: z.enum(['wechaty', '@juzi/wechaty']).default('wechaty'),
  /** false: no Wechaty channel and no simulator (WeCom's official channels only) */
  WECHATY_ENABLED: bool.default(true),
  /** intelligent bot (智能机器人): off, HTTP callback, or the SDK's long connection */
  WECOM_BOT_MODE: z.enum(['off', 'callback', 'longconn']).default('off'),
  /** callback mode: the Token set in the WeCom admin console */
  WECOM_BOT_TOKEN: z.string().regex(/^[A-Za-z0-9]{1,32}$/, 'letters and digits, at most 32 (the Token from the WeCom console)').optional(),
  /** callback mode: the 43-character EncodingAESKey */
  WECOM_BOT_AES_KEY: z.string().regex(/^[A-Za-z0-9]{43}$/, 'must be the 43-character EncodingAESKey (letters and digits) from the WeCom console').optional(),
  /** the bot's BotID: the account its outbox rows name; required for the long connection */
  WECOM_BOT_ID: z.string().min(1).max(128).optional(),
  /** long-connection mode: the bot's Secret */
  WECOM_BOT_SECRET: z.string().min(8, 'at least 8 characters (the Secret from the WeCom console)').optional(),
  /** long-connection server; unset: the SDK's wss://openws.work.weixin.qq.com */
  WECOM_WS_URL: z.string().regex(/^wss?:\/\/[^\s]+$/, 'must be a ws:// or wss:// URL').optional(),
  /** where WeCom POSTs callbacks (the URL path part) */
  WECOM_CALLBACK_PATH: z.string().regex(/^\/[A-Za-z0-9/_-]*$/, 'must be a path such as /wecom/callback').default('/wecom/callback'),
  /** callbacks whose timestamp is further than this from now are refused (replays) */
  WECOM_CALLBACK_MAX_SKEW_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
  /** how long a callback waits for its answer to put it in the encrypted passive reply (WeCom waits 5 s) */
  WECOM_PASSIVE_REPLY_MS: z.coerce.number().int().min(0).max(4500).default(2500),
  /** group robots (群机器人 webhook) send pushes to groups that have a webhook key */
  WECOM_ROBOT_ENABLED: bool.default(false),
  /** messages a minute per robot; WeCom allows 20 */
  WECOM_ROBOT_PER_MINUTE: z.coerce.number().int().min(1).max(20).default(20),
  /** WeCom API base (tests point it at a loopback fake) */
  WECOM_API_BASE: httpUrl('WeCom API base').default('https://qyapi.weixin.qq.com'),
}

export type WecomConfig = z.infer<z.ZodObject<typeof wecomConfigShape>> & { WECHATY_PUPPET?: string }

/** Cross-field rules: what each mode needs. */
export function checkWecomConfig(c: WecomConfig, ctx: z.RefinementCtx): void {
  const need = (key: keyof WecomConfig, why: string) => {
    if (!c[key]) ctx.addIssue({ code: 'custom', path: [key], message: `required when ${why}` })
  }
  if (c.WECOM_BOT_MODE === 'callback') {
    need('WECOM_BOT_TOKEN', 'WECOM_BOT_MODE=callback (the Token from the WeCom console)')
    need('WECOM_BOT_AES_KEY', 'WECOM_BOT_MODE=callback (the EncodingAESKey from the WeCom console)')
  }
  if (c.WECOM_BOT_MODE === 'longconn') {
    need('WECOM_BOT_ID', 'WECOM_BOT_MODE=longconn (the BotID from the WeCom console)')
    need('WECOM_BOT_SECRET', 'WECOM_BOT_MODE=longconn (the Secret from the WeCom console)')
  }
  if (!c.WECHATY_ENABLED && c.WECOM_BOT_MODE === 'off' && !c.WECOM_ROBOT_ENABLED) {
    ctx.addIssue({ code: 'custom', path: ['WECHATY_ENABLED'], message: 'false leaves no channel: set WECOM_BOT_MODE or WECOM_ROBOT_ENABLED=true' })
  }
  if (!c.WECHATY_ENABLED && c.WECHATY_PUPPET) {
    ctx.addIssue({ code: 'custom', path: ['WECHATY_PUPPET'], message: 'is set but WECHATY_ENABLED=false: remove one of them' })
  }
}
