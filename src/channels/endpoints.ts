/**
 * Where a push to a group goes when the app runs several channels: the group's own two-way channel when an
 * account of it serves the group (two-way is preferred; the WeCom bot in callback mode itself falls back to the
 * group's robot), else the group's robot when it has a webhook key and robots are on, else nowhere.
 * The rule itself is `chooseEndpoint` (src/core/messages.ts). `groupEndpoint` decides by the channels this
 * process runs; `groupRoute` (src/services/pushes.ts) by the accounts the database knows sit in the group, for a
 * command or job on any instance.
 */
import type { Channel } from './types.js'
import { chooseEndpoint, ROBOT_CHANNEL, type GroupEndpoint } from '../core/messages.js'

export { chooseEndpoint, type GroupEndpoint }

export function groupEndpoint(group: { channel: string; externalId: string; webhookKey?: string | null }, channels: readonly Channel[]): GroupEndpoint | null {
  const own = channels.find((c) => c.name === group.channel && c.name !== ROBOT_CHANNEL)
  return chooseEndpoint(
    group,
    own?.account(),
    channels.some((c) => c.name === ROBOT_CHANNEL),
  )
}
