import type { BulkWrite, Tx } from '../../db/client.js'
import type { AppConfig } from '../config.js'
import type { Action } from '../core/permissions.js'
import type { Parsed } from '../core/parse.js'
import type { InboundMessage } from '../channels/types.js'
import type { ChatActor, GroupRow, IdentityRow } from '../services/directory.js'
import type { Priority } from '../services/outbox.js'

/** What a command handler sees: plain data and a few effects, all inside the message's transaction. */
export interface ChatContext {
  tx: Tx
  now: Date
  config: AppConfig
  msg: InboundMessage
  identity: IdentityRow
  actor: ChatActor
  /** the group row for group chats (registered or not); null in a direct chat */
  group: GroupRow | null
  /** answers the sender (in a group: @-mentions them, plus `alsoMention`) */
  reply(text: string, alsoMention?: string[]): Promise<void>
  /** posts to another chat on the same channel account */
  post(chatId: string, text: string, priority: Priority): Promise<void>
  /** waits for photos from this sender in this chat, for a while */
  awaitPhotos(hazardId: number, stage: 'report' | 'rectification'): Promise<void>
  /**
   * waits for a reply of `kind` from this sender in this chat (an `AwaitedReply` or `AwaitedImage` with that
   * slot kind answers it), for `minutes` (default PHOTO_WINDOW_MINUTES); replaces whatever was awaited before
   */
  awaitReply(kind: string, data: Record<string, unknown>, minutes?: number): Promise<void>
  /** stops waiting for anything from this sender in this chat */
  clearAwait(): Promise<void>
  /** adds a row to a write that takes many: `write` runs once before commit, with every row collected */
  later<R>(write: BulkWrite<R>, row: R): void
  /**
   * a new hazard's id and code before it is written with `later`: the code is a placeholder that the write
   * step replaces, in every row written with `later`, by the next code without holes, taken at commit
   */
  newHazard(): Promise<{ id: number; code: string }>
  /** the command changed who someone is or a group's scope: cached copies are dropped after commit */
  directoryChanged(): void
}

export interface CommandDef<A = unknown> {
  name: string
  /** what people type, Chinese first; the first is shown in help */
  words: string[]
  /** coarse permission checked before parsing, for help and early refusal */
  action: Action
  summary: string
  usage: string
  examples: string[]
  /** refuse in group chats that are not registered yet */
  needsRegisteredGroup?: boolean
  /** only makes sense in a group chat (help leaves it out of direct chats) */
  groupOnly?: boolean
  /**
   * may be typed without `#` or an @-mention when the hazard code comes right after the command word
   * (`受理Y1 7天`, `验收 Y3 通过`): the text is then for the bot if it parses as this command, else it is chatter
   */
  bare?: boolean
  parse(rest: string): Parsed<A>
  run(ctx: ChatContext, args: A): Promise<void>
}

export function defineCommand<A>(def: CommandDef<A>): CommandDef<A> {
  return def
}

export function usageText(def: CommandDef<never> | CommandDef<unknown>): string {
  return `用法：${def.usage}\n例如：${def.examples[0]}`
}

/** What the bot awaits from one sender in one chat. */
export interface AwaitSlot {
  kind: string
  hazardId: number | null
  stage: string | null
  count: number
  data: Record<string, unknown> | null
  expiresAt: Date
}

/**
 * A text the bot takes without a command word because it answers something the bot waits for: a checklist
 * answer after 自查 (a slot of `slotKind` for this sender in this chat), or 收到 to an open notice (no slot).
 * Tried for chatter (not addressed) and for addressed text that names no command. Listed in `commands/index.ts`.
 */
export interface AwaitedReply {
  name: string
  /** the slot kind it answers; omit when it needs no slot (then `onText` looks for what is open itself) */
  slotKind?: string
  /** a cheap test on the normalised text, before any database work: be specific, chatter passes through here */
  matches(text: string): boolean
  /** only for text told to the bot (a direct chat, an @-mention): overheard group chatter never reaches it */
  addressedOnly?: boolean
  /** runs in the message's transaction; false = not an answer after all (nothing it wrote is kept) */
  onText(ctx: ChatContext, text: string, slot: AwaitSlot | null): Promise<boolean>
}

/** A photo or file the bot takes because a slot of `slotKind` is open for this sender in this chat. */
export interface AwaitedImage {
  name: string
  slotKind: string
  /** runs in the message's transaction with the stored attachment; should reply */
  onImage(ctx: ChatContext, attachment: { sha256: string; mime: string }, slot: AwaitSlot): Promise<void>
}
