/** The one channel interface: Wechaty (any puppet, the simulator included) and, later, WeCom's official APIs. */

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
  mentionIds: string[]
}

/** When a channel may send next: per-channel pacing on an injected clock. */
export interface Pacer {
  /** ms to wait before sending to chatId at `now`; 0 = now */
  delay(chatId: string, now: Date): number
  record(chatId: string, now: Date): void
}

export const noPacing: Pacer = { delay: () => 0, record: () => {} }

/**
 * Personal-WeChat puppets: at least `minIntervalMs` between sends, jittered within `jitterMs`,
 * and at most `dailyCap` sends a day.
 */
export function intervalPacer(opts: { minIntervalMs: number; jitterMs: number; dailyCap: number; random?: () => number }): Pacer {
  const random = opts.random ?? Math.random
  let nextAt = 0
  let day = ''
  let count = 0
  return {
    delay(_chatId, now) {
      const d = now.toISOString().slice(0, 10)
      if (d !== day) {
        day = d
        count = 0
      }
      if (count >= opts.dailyCap) return Date.parse(d + 'T00:00:00Z') + 86_400_000 - now.getTime()
      return Math.max(0, nextAt - now.getTime())
    },
    record(_chatId, now) {
      count++
      nextAt = now.getTime() + opts.minIntervalMs + Math.floor(random() * opts.jitterMs)
    },
  }
}

export interface Channel {
  readonly name: string
  /** the logged-in account; undefined until logged in */
  account(): string | undefined
  readonly pacer: Pacer
  send(msg: OutboundMessage): Promise<void>
  onMessage(handler: (m: InboundMessage) => Promise<void>): void
  /** the group chats the account is in, so groups nobody has written in yet (the leaders' group) are known */
  listGroups?(): Promise<{ id: string; name: string }[]>
  /** the members of a group chat, the bot left out: who is expected to acknowledge a notice */
  listMembers?(groupId: string): Promise<{ id: string; name: string }[]>
  start(): Promise<void>
  stop(): Promise<void>
}
