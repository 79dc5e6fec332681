/**
 * Where a push to a group goes when the app runs several channels: the group's own two-way channel when an
 * account of it serves the group (two-way is preferred; the WeCom bot in callback mode itself falls back to the
 * group's robot), else the group's robot when it has a webhook key and robots are on, else nowhere.
 * `groupEndpoint` decides by the channels this process runs; `groupRoute` (src/services/pushes.ts) by the
 * accounts the database knows sit in the group, for a command or job on any instance.
 */
import type { Channel } from './types.js'
import { ROBOT_ACCOUNT, ROBOT_CHANNEL } from './wecom/robot-channel.js'

export interface GroupEndpoint {
  channel: string
  account: string
  chatId: string
}

/** The rule itself: the two-way account serving the group, else its robot, else null. */
export function chooseEndpoint(
  group: { channel: string; externalId: string; webhookKey?: string | null; hasWebhook?: boolean },
  twoWayAccount: string | null | undefined,
  robotsOn: boolean,
): GroupEndpoint | null {
  if (twoWayAccount && group.channel !== ROBOT_CHANNEL) return { channel: group.channel, account: twoWayAccount, chatId: group.externalId }
  if (robotsOn && (group.hasWebhook || group.webhookKey)) return { channel: ROBOT_CHANNEL, account: ROBOT_ACCOUNT, chatId: group.externalId }
  return null
}

export function groupEndpoint(group: { channel: string; externalId: string; webhookKey?: string | null }, channels: readonly Channel[]): GroupEndpoint | null {
  const own = channels.find((c) => c.name === group.channel && c.name !== ROBOT_CHANNEL)
  return chooseEndpoint(
    group,
    own?.account(),
    channels.some((c) => c.name === ROBOT_CHANNEL),
  )
}
