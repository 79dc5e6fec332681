/**
 * Where a push to a group goes when the app runs several channels: the group's own two-way channel when this
 * app serves it (two-way is preferred; the WeCom bot in callback mode itself falls back to the group's robot),
 * else the group's robot when it has a webhook key and robots are on, else nowhere.
 * For jobs that push to groups (tips, announcements): enqueue with the endpoint's channel, account and chat id.
 */
import type { Channel } from './types.js'
import { ROBOT_CHANNEL } from './wecom/robot-channel.js'

export interface GroupEndpoint {
  channel: string
  account: string
  chatId: string
}

export function groupEndpoint(group: { channel: string; externalId: string; webhookKey?: string | null }, channels: readonly Channel[]): GroupEndpoint | null {
  const own = channels.find((c) => c.name === group.channel && c.name !== ROBOT_CHANNEL)
  const account = own?.account()
  if (own && account) return { channel: own.name, account, chatId: group.externalId }
  const robot = channels.find((c) => c.name === ROBOT_CHANNEL)
  if (robot && group.webhookKey) return { channel: ROBOT_CHANNEL, account: robot.account()!, chatId: group.externalId }
  return null
}
