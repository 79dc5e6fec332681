import { query, type Tx } from '../../../db/client.js'
import type { InboundMessage } from '../../channels/types.js'
import { loadChatActor, findOrCreateGroup, type ChatActor, type GroupRow, type IdentityRow } from '../../services/directory.js'
import { TtlCache } from '../concurrency.js'
import type { Unit } from './flow.js'
import type { Writes } from './write.js'

/** A direct chat's account, so reminders and escalations for what was said there can be sent back. */
const NOTE_DIRECT = `insert into group_accounts (channel, chat_id, account, seen_at) values ($1, $2, $3, $4::timestamptz)
  on conflict (channel, chat_id) do update set account = excluded.account, seen_at = excluded.seen_at`

/**
 * The identify step: who sent a message (identity and actor) and in which group, kept a short while in
 * memory. A cache fill counts only once its transaction commits, and a read that started before a change
 * never refills the cache with the old state.
 */
export class Identify {
  private readonly actors = new TtlCache<{ identity: IdentityRow; actor: ChatActor }>(30_000)
  private readonly groups = new TtlCache<GroupRow>(30_000)
  /** direct chats whose account was recorded lately (the row changes only when another account answers) */
  private readonly directs = new TtlCache<true>(3_600_000)
  private generation = 0

  /** forget cached people and groups: after #绑定, #本群登记 or an admin edit */
  changed(): void {
    this.generation++
    this.actors.clear()
    this.groups.clear()
  }

  async who(tx: Tx, m: InboundMessage, now: Date, unit: Unit): Promise<{ identity: IdentityRow; actor: ChatActor }> {
    const key = `${m.channel}\u0000${m.senderId}`
    const hit = this.actors.get(key, now.getTime())
    if (hit && hit.identity.displayName === m.senderName) return hit
    const gen = this.generation
    const r = await loadChatActor(tx, m.channel, m.senderId, m.senderName)
    unit.afterCommit.push(() => gen === this.generation && this.actors.set(key, r, now.getTime()))
    return r
  }

  async where(tx: Tx, m: InboundMessage, now: Date, unit: Unit): Promise<GroupRow | null> {
    if (!m.isGroup) return null
    const key = `${m.channel}\u0000${m.chatId}`
    const hit = this.groups.get(key, now.getTime())
    if (hit && hit.name === m.chatName) return hit
    const gen = this.generation
    const g = await findOrCreateGroup(tx, m.channel, m.chatId, m.chatName)
    unit.afterCommit.push(() => gen === this.generation && this.groups.set(key, g, now.getTime()))
    return g
  }

  /** Records which account answers a direct chat, at most once an hour per chat and account. */
  noteDirect(tx: Tx, m: InboundMessage, now: Date, unit: Unit, writes: Writes): void {
    const key = `${m.channel}\u0000${m.chatId}\u0000${m.account}`
    if (this.directs.get(key, now.getTime())) return
    void writes.start(query(tx, NOTE_DIRECT, [m.channel, m.chatId, m.account, now.toISOString()]))
    unit.afterCommit.push(() => this.directs.set(key, true, now.getTime()))
  }
}
