import { query, type BulkWrite, type Tx } from '../../../db/client.js'
import type { InboundMessage } from '../../channels/types.js'
import { takeHazardCodes } from '../../services/hazards.js'
import type { Outcome } from './claim.js'

/** Placeholders for hazard codes, in private-use characters, unique per Writes (a user cannot type one by chance). */
const CODE_MARK = /\uE000[0-9a-z]+\.\d+\uE001/g
let writesMade = 0

/** `v` with every code placeholder replaced, through arrays and plain objects (the rows given to `later`). */
function fillCodes<T>(v: T, codes: Map<string, string>): T {
  if (typeof v === 'string') return (v.includes('\uE000') ? v.replace(CODE_MARK, (t) => codes.get(t) ?? t) : v) as T
  if (Array.isArray(v)) return v.map((x) => fillCodes(x, codes)) as T
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fillCodes(x, codes)])) as T
  }
  return v
}

const CLAIM_MANY = `insert into inbound_messages (channel, message_id, chat_id, sender_id, outcome, received_at)
  select channel, message_id, chat_id, sender_id, outcome, at::timestamptz
  from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) as u(channel, message_id, chat_id, sender_id, outcome, at)
  on conflict do nothing returning channel, message_id`

const AWAIT_PHOTOS_MANY = `insert into awaiting (channel, chat_id, sender_id, kind, hazard_id, stage, count, expires_at)
  select channel, chat_id, sender_id, 'photos', hazard_id::int, stage, 0, expires::timestamptz
  from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) as u(channel, chat_id, sender_id, hazard_id, stage, expires)
  on conflict (channel, chat_id, sender_id) do update
  set kind = excluded.kind, hazard_id = excluded.hazard_id, stage = excluded.stage, count = 0, data = null, expires_at = excluded.expires_at`

const AWAIT_REPLY = `insert into awaiting (channel, chat_id, sender_id, kind, hazard_id, stage, count, data, expires_at)
  values ($1, $2, $3, $4, null, null, 0, $5::jsonb, $6::timestamptz)
  on conflict (channel, chat_id, sender_id) do update
  set kind = excluded.kind, hazard_id = null, stage = null, count = 0, data = excluded.data, expires_at = excluded.expires_at`

const CLEAR_AWAIT = `delete from awaiting where channel = $1 and chat_id = $2 and sender_id = $3`

/** What a message's handling does to its sender's awaiting slot; each op sets the whole row, so the last one counts. */
export type AwaitOp =
  | { op: 'photos'; key: string[]; hazardId: number; stage: string; expiresAt: string }
  | { op: 'reply'; key: string[]; kind: string; data: string; expiresAt: string }
  | { op: 'clear'; key: string[] }

/**
 * The write step: a transaction's writes. Single writes start at once without waiting for each other:
 * postgres.js sends what is queued in one tick together, so they cost one round trip. The hot path's writes
 * (message claims, reports, photo slots, replies) are collected instead and go as one statement per kind when
 * flushed, so a batch of a hundred reports costs a handful of statements, not hundreds. Everything is
 * awaited, and failures raised, by flush() before commit.
 *
 * New hazards' codes are taken last, at flush, as one block from the counter for all of them: the counter
 * row is then locked only from there to the commit, and a batch that rolls back gives its codes back.
 */
export class Writes {
  private readonly list: Promise<unknown>[] = []
  private claims: { row: string[]; resolve: (claimed: boolean) => void; reject: (e: unknown) => void }[] = []
  private bulks = new Map<BulkWrite<never>, unknown[]>()
  private awaits = new Map<string, AwaitOp>()
  private codes: string[] = []
  private readonly mark = (++writesMade).toString(36)
  constructor(
    readonly tx: Tx,
    /** how long taking a block of codes waited (another transaction holding the counter), in ms */
    private readonly onCodeWait?: (ms: number) => void,
  ) {}

  /** A placeholder for a new hazard's code, filled in every `later` row at flush. */
  hazardCode(): string {
    const t = `\uE000${this.mark}.${this.codes.length + this.given}\uE001`
    this.codes.push(t)
    return t
  }
  private given = 0

  start<T>(p: PromiseLike<T>): Promise<T> {
    const started = Promise.resolve(p)
    started.catch(() => {}) // raised by flush(); a rollback must not leave an unhandled rejection
    this.list.push(started)
    return started
  }

  private add(p: PromiseLike<unknown>): void {
    void this.start(p)
  }

  /** Claims the message id at flush; resolves false when it was handled before (or twice in this batch). */
  claim(m: InboundMessage, outcome: Outcome, now: Date): Promise<boolean> {
    const p = new Promise<boolean>((resolve, reject) => {
      this.claims.push({ row: [m.channel, m.messageId, m.chatId, m.senderId, outcome, now.toISOString()], resolve, reject })
    })
    p.catch(() => {})
    return p
  }

  later<R>(write: BulkWrite<R>, row: R): void {
    const rows = this.bulks.get(write as BulkWrite<never>)
    if (rows) rows.push(row)
    else this.bulks.set(write as BulkWrite<never>, [row])
  }

  slot(op: AwaitOp): void {
    const k = op.key.join('\u0000')
    this.awaits.delete(k) // re-inserted last, so the order of keys follows the last op
    this.awaits.set(k, op)
  }

  /** Takes a block of codes for the placeholders handed out since the last flush and fills them in. */
  private async takeCodes(): Promise<void> {
    const tokens = this.codes
    this.codes = []
    this.given += tokens.length
    const t0 = performance.now()
    const top = await takeHazardCodes(this.tx, tokens.length)
    this.onCodeWait?.(performance.now() - t0)
    const codes = new Map(tokens.map((t, i) => [t, `Y${top - tokens.length + 1 + i}`]))
    for (const [write, rows] of this.bulks) this.bulks.set(write, fillCodes(rows, codes))
  }

  private send(): void {
    const { tx } = this
    if (this.claims.length) {
      const claims = this.claims
      this.claims = []
      const cols = claims[0].row.map((_, i) => claims.map((c) => c.row[i]))
      this.add(
        query<{ channel: string; message_id: string }>(tx, CLAIM_MANY, cols).then(
          (rows) => {
            const won = new Set(rows.map((r) => `${r.channel}\u0000${r.message_id}`))
            for (const c of claims) {
              const k = `${c.row[0]}\u0000${c.row[1]}`
              c.resolve(won.delete(k)) // a second copy in the same batch finds it taken
            }
          },
          (e) => {
            for (const c of claims) c.reject(e)
            throw e
          },
        ),
      )
    }
    if (this.awaits.size) {
      const ops = [...this.awaits.values()]
      this.awaits = new Map()
      const photos = ops.filter((o) => o.op === 'photos')
      if (photos.length) {
        const cols = [0, 1, 2].map((i) => photos.map((o) => o.key[i]))
        this.add(query(tx, AWAIT_PHOTOS_MANY, [...cols, photos.map((o) => String(o.hazardId)), photos.map((o) => o.stage), photos.map((o) => o.expiresAt)]))
      }
      for (const o of ops) {
        if (o.op === 'reply') this.add(query(tx, AWAIT_REPLY, [...o.key, o.kind, o.data, o.expiresAt]))
        else if (o.op === 'clear') this.add(query(tx, CLEAR_AWAIT, o.key))
      }
    }
    if (this.bulks.size) {
      const bulks = [...this.bulks]
      this.bulks = new Map()
      for (const [write, rows] of bulks) this.add(write(tx, rows as never[]))
    }
  }

  async flush(): Promise<void> {
    if (this.codes.length) {
      // the claims and slots need no code: they go first, beside the counter's statement
      const bulks = this.bulks
      this.bulks = new Map()
      this.send()
      this.bulks = bulks
      await this.start(this.takeCodes())
    }
    this.send()
    await Promise.all(this.list.splice(0))
  }
}
