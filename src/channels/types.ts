/** The one channel interface: Wechaty (any puppet, the simulator included) and, later, WeCom's official APIs. */
import type { RichMessage } from '../core/messages.js'

export interface InboundImage {
  bytes: Buffer
  mime: string
}

export interface InboundMessage {
  channel: string
  /** the bot account that received it, and that will answer */
  account: string
  messageId: string
  /** room id in a group, the sender's id in a direct chat */
  chatId: string
  chatName: string
  isGroup: boolean
  senderId: string
  senderName: string
  kind: 'text' | 'image' | 'other'
  text: string
  /** the channel says the bot was @-mentioned */
  mentionsBot: boolean
  sentAt: Date
  loadImage?: () => Promise<InboundImage>
}

export interface OutboundMessage {
  chatId: string
  isGroup: boolean
  text?: string
  image?: InboundImage & { name: string }
  /** a rich form (markdown, news) for channels that can show it; the others send `text`, its plain fallback */
  rich?: RichMessage
  mentionIds: string[]
  /** the outbox row being sent (a channel that sends in parts remembers its progress by it) */
  outboxId?: number
  /** the inbound message this answers, if any (a channel may reply in that message's thread) */
  causeMessageId?: string
}

/** When a channel may send next: per-channel pacing on an injected clock. */
export interface Pacer {
  /** ms to wait before sending to chatId at `now`; 0 = now */
  delay(chatId: string, now: Date): number
  record(chatId: string, now: Date): void
  /** for a pacer of the whole account: how many sends may go at `now` (0: wait `delay('', now)`) */
  capacity?(now: Date): number
}

export const noPacing: Pacer = { delay: () => 0, record: () => {} }

/**
 * Personal-WeChat puppets: one send per slot of `minIntervalMs + jitterMs`, each at a random point inside the
 * first `jitterMs` of its slot, so jitter stays inside the pacing interval (never slows the rate) and
 * consecutive sends are at least `minIntervalMs` apart; optionally at most `limit.count` sends in any sliding
 * `limit.windowMs`; at most `dailyCap` sends a Shanghai day.
 */
export function intervalPacer(opts: {
  minIntervalMs: number
  jitterMs: number
  dailyCap: number
  random?: () => number
  limit?: { count: number; windowMs: number }
}): Pacer {
  const random = opts.random ?? Math.random
  const slot = opts.minIntervalMs + opts.jitterMs
  let nextSlot = 0
  let planned: { slot: number; at: number } | null = null
  const recent: number[] = []
  let day = ''
  let count = 0
  const pacer: Pacer = {
    capacity: (now) => (pacer.delay('', now) > 0 ? 0 : 1),
    delay(_chatId, now) {
      const t = now.getTime()
      const local = new Date(t + 8 * 3600_000)
      const d = local.toISOString().slice(0, 10)
      if (d !== day) {
        day = d
        count = 0
      }
      if (count >= opts.dailyCap) return Date.parse(d + 'T00:00:00Z') - 8 * 3600_000 + 86_400_000 - t
      if (!planned) {
        const s = Math.max(nextSlot, t)
        planned = { slot: s, at: s + Math.floor(random() * opts.jitterMs) }
      }
      let at = planned.at
      if (opts.limit && recent.length >= opts.limit.count) at = Math.max(at, recent[recent.length - opts.limit.count] + opts.limit.windowMs)
      return Math.max(0, at - t)
    },
    record(_chatId, now) {
      const t = now.getTime()
      count++
      nextSlot = Math.max((planned?.slot ?? t) + slot, t + opts.minIntervalMs)
      planned = null
      if (opts.limit) {
        recent.push(t)
        if (recent.length > opts.limit.count) recent.splice(0, recent.length - opts.limit.count)
      }
    },
  }
  return pacer
}

export interface Channel {
  readonly name: string
  /** the logged-in account; undefined until logged in */
  account(): string | undefined
  readonly pacer: Pacer
  /** longest text one message may carry (UTF-8 bytes); the sender splits longer ones */
  readonly maxTextBytes?: number
  send(msg: OutboundMessage): Promise<void>
  /** a channel with a connection of its own (WeCom's long connection): whether it is up now, for /health */
  connected?(): boolean
  onMessage(handler: (m: InboundMessage) => Promise<void>): void
  /** the group chats the account is in, so groups nobody has written in yet (the leaders' group) are known */
  listGroups?(): Promise<{ id: string; name: string }[]>
  /** the members of a group chat, the bot left out: who is expected to acknowledge a notice */
  listMembers?(groupId: string): Promise<{ id: string; name: string }[]>
  start(): Promise<void>
  stop(): Promise<void>
}
