import type { Logger } from 'pino'
import type { Tx } from '../../../db/client.js'
import type { AppConfig } from '../../config.js'
import type { InboundMessage } from '../../channels/types.js'
import { enqueueMany } from '../../services/outbox.js'
import type { HazardIdPool } from '../../services/hazards.js'
import type { ChatContext } from '../command.js'
import type { Limits, LimitKind } from '../limits.js'
import type { Unit } from './flow.js'
import type { Identify } from './identify.js'
import { replyItem } from './reply.js'
import type { Writes } from './write.js'

/** What the steps share: configuration and the router's long-lived parts. */
export interface StepEnv {
  config: AppConfig
  logger: Logger
  limits: Limits
  identify: Identify
  hazardIds: HazardIdPool
  /** a message past a limit was refused, once committed */
  onLimit?: (kind: LimitKind) => void
  /** how long taking a block of hazard codes waited, in ms */
  onCodeWait?: (ms: number) => void
}

/**
 * What a command or an awaited reply sees, built after the identify step. Its effects go to the write step
 * (`writes`); `state` tells afterwards whether it answered and whether it changed the directory.
 */
export async function chatContext(env: StepEnv, tx: Tx, m: InboundMessage, now: Date, unit: Unit, writes: Writes) {
  const { config, identify } = env
  const { identity, actor } = await identify.who(tx, m, now, unit)
  const group = await identify.where(tx, m, now, unit)
  if (!m.isGroup) identify.noteDirect(tx, m, now, unit, writes)
  const state = { wrote: false, changed: false }
  const key = [m.channel, m.chatId, m.senderId]
  const until = (minutes: number) => new Date(now.getTime() + minutes * 60_000).toISOString()
  const ctx: ChatContext = {
    tx,
    now,
    config,
    msg: m,
    identity,
    actor,
    group,
    reply: async (text, also) => {
      state.wrote = true
      writes.later(enqueueMany, { item: replyItem(m, text, also), now })
    },
    post: async (chatId, text, priority) => {
      state.wrote = true
      writes.later(enqueueMany, { item: { channel: m.channel, account: m.account, chatId, isGroup: true, priority, text, causeMessageId: m.messageId }, now })
    },
    awaitPhotos: async (hazardId, stage) => {
      writes.slot({ op: 'photos', key, hazardId, stage, expiresAt: until(config.PHOTO_WINDOW_MINUTES) })
    },
    later: (write, row) => writes.later(write, row),
    awaitReply: async (kind, data, minutes = config.PHOTO_WINDOW_MINUTES) => {
      writes.slot({ op: 'reply', key, kind, data: JSON.stringify(data), expiresAt: until(minutes) })
    },
    clearAwait: async () => {
      writes.slot({ op: 'clear', key })
    },
    newHazard: async () => ({ id: await env.hazardIds.next(tx), code: writes.hazardCode() }),
    directoryChanged: () => {
      state.changed = true
    },
  }
  return { ctx, state, actor, group }
}
