/** What the two modes of the intelligent bot share: chat names, picture download, the robot fallback. */
import { and, eq } from 'drizzle-orm'
import { createHash } from 'node:crypto'
import type { Logger } from 'pino'
import { schema, type Db } from '../../../db/client.js'
import type { InboundMessage, OutboundMessage } from '../types.js'
import { SendError } from '../send-error.js'
import type { RobotPush } from './robot-channel.js'
import { WECOM_CHANNEL } from './aibot-message.js'

/** The name the directory gives a WeCom chat (WeCom sends none); a placeholder for a chat not seen before. */
export async function chatName(db: Db, chatId: string, isGroup: boolean, senderId: string): Promise<string> {
  if (!isGroup) return senderId
  const g = schema.groups
  const [row] = await db.select({ name: g.name }).from(g).where(and(eq(g.channel, WECOM_CHANNEL), eq(g.externalId, chatId)))
  return row?.name ?? `企业微信群${chatId.slice(-6)}`
}

/** Runs a body's messages through the app one after the other (text before its photos). */
export async function dispatch(handler: ((m: InboundMessage) => Promise<void>) | null, ms: InboundMessage[], logger: Logger): Promise<void> {
  if (!handler) return
  for (const m of ms) {
    try {
      await handler(m)
    } catch (err) {
      logger.error({ err, msgId: m.messageId }, 'inbound WeCom message failed')
    }
  }
}

/** A message's body for WeCom markdown: its markdown form when it has one, else its text. */
export function markdownBody(out: OutboundMessage): string {
  return out.rich?.type === 'markdown' ? out.rich.content : (out.text ?? '')
}

/** A message for WeCom markdown: @-mentions as <@userid> in groups. */
export function markdownText(out: OutboundMessage): string {
  const text = markdownBody(out)
  if (!out.isGroup || !out.mentionIds.length) return text
  return `${out.mentionIds.map((id) => `<@${id}>`).join(' ')} ${text}`
}

export const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex')

/** Sends by the group's robot when the bot cannot push there; a permanent failure when there is none. */
export async function robotFallback(robot: RobotPush | undefined, out: OutboundMessage, why: string): Promise<void> {
  const key = out.isGroup && robot ? await robot.keyFor(out.chatId, WECOM_CHANNEL) : null
  if (!robot || !key) {
    throw new SendError(`${why}; ${out.isGroup ? 'the group has no robot webhook key (or robots are off: WECOM_ROBOT_ENABLED)' : 'a direct chat has no other way'}`, {
      permanent: true,
    })
  }
  await robot.send(out, key)
}
