/**
 * What services and channels both read, below both: the shape of an outbound message's rich form, the group
 * robot's channel name, and the rule that picks a group's endpoint. Services write outbox rows naming a channel
 * and account chosen by this rule; channels send them. Neither imports the other.
 */

/** The rich form of an outbox message: markdown or news cards for channels that show them (WeCom). */
export type RichMessage =
  | { type: 'markdown'; content: string }
  | { type: 'news'; articles: Array<{ title: string; url: string; description?: string; picurl?: string }> }

/** The WeCom group robots (push-only webhooks): one channel, one account for every robot. */
export const ROBOT_CHANNEL = 'wecom-robot'
export const ROBOT_ACCOUNT = 'robot'

/** WeCom's intelligent bot (callback or long connection): one channel name for both modes. */
export const WECOM_BOT_CHANNEL = 'wecom'

/**
 * Whether a channel can start a direct chat with a person (tell an officer of an urgent danger). The intelligent
 * bot in callback mode cannot: it only answers a message, within its callback or once by the message's
 * response_url. The group robots are push-only to groups. The others (Wechaty, WeCom's long connection) can.
 */
export function startsDirectChats(channel: string, wecomBotMode: string): boolean {
  if (channel === ROBOT_CHANNEL) return false
  return !(channel === WECOM_BOT_CHANNEL && wecomBotMode === 'callback')
}

export interface GroupEndpoint {
  channel: string
  account: string
  chatId: string
}

/**
 * Where a push to a group goes: the two-way account serving the group (two-way is preferred), else its robot
 * when it has a webhook key and robots are on, else null (nowhere).
 */
export function chooseEndpoint(
  group: { channel: string; externalId: string; webhookKey?: string | null; hasWebhook?: boolean },
  twoWayAccount: string | null | undefined,
  robotsOn: boolean,
): GroupEndpoint | null {
  if (twoWayAccount && group.channel !== ROBOT_CHANNEL) return { channel: group.channel, account: twoWayAccount, chatId: group.externalId }
  if (robotsOn && (group.hasWebhook || group.webhookKey)) return { channel: ROBOT_CHANNEL, account: ROBOT_ACCOUNT, chatId: group.externalId }
  return null
}
