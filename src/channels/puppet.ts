import type { WechatyBuilder as Builder } from 'wechaty'
import type { Logger } from 'pino'
import type { AppConfig } from '../config.js'
import { intervalPacer, type Channel } from './types.js'
import { wechatyChannel } from './wechaty.js'

/**
 * A real Wechaty puppet named by WECHATY_PUPPET (e.g. wechaty-puppet-service with a token for WeCom).
 * Personal-WeChat accounts get throttled when sending fast: at least 1 s between sends, jittered, capped daily.
 */
export async function realPuppetChannel(config: AppConfig, logger: Logger): Promise<Channel> {
  // WeCom through JuziBot's WorkPro puppet service needs JuziBot's own Wechaty build (WECHATY_MODULE=@juzi/wechaty):
  // its objects must not meet upstream wechaty's, so the whole build is loaded by name
  const { WechatyBuilder } = (await import(config.WECHATY_MODULE)) as { WechatyBuilder: typeof Builder }
  const bot = WechatyBuilder.build({
    name: 'commerce-safety-bot',
    puppet: config.WECHATY_PUPPET as never,
    puppetOptions: config.WECHATY_PUPPET_SERVICE_TOKEN ? { token: config.WECHATY_PUPPET_SERVICE_TOKEN } : undefined,
  })
  bot.on('scan', (qrcode, status) => {
    logger.info({ status }, `请用微信扫码登录 / scan to log in: https://wechaty.js.org/qrcode/${encodeURIComponent(qrcode)}`)
  })
  bot.on('login', (user) => logger.info({ user: user.name() }, 'logged in'))
  bot.on('logout', (user) => logger.warn({ user: user.name() }, 'logged out'))
  bot.on('error', (err) => logger.error({ err }, 'wechaty error'))
  const min = config.SEND_MIN_INTERVAL_MS ?? 1500
  return wechatyChannel(bot, { pacer: intervalPacer({ minIntervalMs: min, jitterMs: config.SEND_JITTER_MS ?? Math.max(500, min), dailyCap: config.SEND_DAILY_CAP }), logger })
}
