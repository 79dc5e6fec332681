/** The WeCom channels the configuration asks for: group robots (push only) and the intelligent bot. */
import type { FastifyPluginAsync } from 'fastify'
import type { Logger } from 'pino'
import type { Db } from '../../../db/client.js'
import type { AppConfig } from '../../config.js'
import type { Clock } from '../../core/clock.js'
import type { Channel } from '../types.js'
import { wecomRoutes } from '../../http/wecom-routes.js'
import { RobotPush, robotChannel } from './robot-channel.js'
import { callbackBot } from './bot-callback.js'
import { longConnBot } from './bot-longconn.js'

export interface WecomChannels {
  /** the intelligent bot (two-way), if configured */
  bot?: Channel
  /** the group robots as a channel, if enabled */
  robot?: Channel
  robotPush?: RobotPush
  /** HTTP callback routes (callback mode) */
  routes?: FastifyPluginAsync
}

export function createWecomChannels(o: { config: AppConfig; db: Db; clock: Clock; logger: Logger; fetch?: typeof globalThis.fetch }): WecomChannels {
  const c = o.config
  const out: WecomChannels = {}
  if (c.WECOM_ROBOT_ENABLED) {
    out.robotPush = new RobotPush({
      db: o.db,
      clock: o.clock,
      logger: o.logger.child({ component: 'wecom-robot' }),
      baseUrl: c.WECOM_API_BASE,
      perMinute: c.WECOM_ROBOT_PER_MINUTE,
      fetch: o.fetch,
    })
    out.robot = robotChannel(out.robotPush)
  }
  const botName = c.BOT_NAME
  if (c.WECOM_BOT_MODE === 'callback') {
    const bot = callbackBot({
      db: o.db,
      clock: o.clock,
      logger: o.logger.child({ component: 'wecom-bot' }),
      account: c.WECOM_BOT_ID ?? 'aibot',
      botName,
      encodingAesKey: c.WECOM_BOT_AES_KEY!,
      passiveReplyMs: c.WECOM_PASSIVE_REPLY_MS,
      robot: out.robotPush,
      fetch: o.fetch,
    })
    out.bot = bot
    out.routes = wecomRoutes({
      path: c.WECOM_CALLBACK_PATH,
      token: c.WECOM_BOT_TOKEN!,
      encodingAesKey: c.WECOM_BOT_AES_KEY!,
      maxSkewSeconds: c.WECOM_CALLBACK_MAX_SKEW_SECONDS,
      clock: o.clock,
      bot,
    })
  } else if (c.WECOM_BOT_MODE === 'longconn') {
    out.bot = longConnBot({
      db: o.db,
      clock: o.clock,
      logger: o.logger.child({ component: 'wecom-bot' }),
      botId: c.WECOM_BOT_ID!,
      secret: c.WECOM_BOT_SECRET!,
      botName,
      wsUrl: c.WECOM_WS_URL,
    })
  }
  return out
}
