import { query, type BulkWrite, type Tx } from '../../db/client.js'
import type { RichMessage } from '../core/messages.js'

export type { RichMessage }

export const PRIORITY = { reply: 0, urgent: 1, normal: 2 } as const
export type Priority = keyof typeof PRIORITY

export interface OutboxItem {
  channel: string
  account: string
  chatId: string
  isGroup: boolean
  priority: Priority
  /** the plain text; with `rich` and no text, the rich form's plain fallback is stored */
  text?: string
  imageSha256?: string
  /** markdown or news for channels that can show it (WeCom); the others send `text` */
  rich?: RichMessage
  mentionIds?: string[]
  causeMessageId?: string
}

const INSERT = `insert into outbox
  (channel, account, chat_id, is_group, priority, text, image_sha256, mention_ids, cause_message_id, next_attempt_at, created_at, rich)
  values ($1, $2, $3, $4, $5, $6, $7, $8::text[], $9, $10::timestamptz, $10::timestamptz, $11::jsonb)`

/**
 * Writes an outbound message in the caller's transaction; the sender delivers it after commit.
 * Constant SQL: this runs for every reply, and drizzle's builder costs more CPU than the round trip.
 */
export async function enqueue(tx: Tx, item: OutboxItem, now: Date): Promise<void> {
  await query(tx, INSERT, [
    item.channel,
    item.account,
    item.chatId,
    item.isGroup,
    PRIORITY[item.priority],
    item.text ?? (item.rich ? plainText(item.rich) : null),
    item.imageSha256 ?? null,
    item.mentionIds ?? [],
    item.causeMessageId ?? null,
    now.toISOString(),
    item.rich ? JSON.stringify(item.rich) : null,
  ])
}

const INSERT_MANY = `insert into outbox
  (channel, account, chat_id, is_group, priority, text, image_sha256, mention_ids, cause_message_id, next_attempt_at, created_at, rich)
  select channel, account, chat_id, is_group::boolean, priority::int, text, image_sha256,
    case when mentions = '' then '{}'::text[] else string_to_array(mentions, chr(31)) end, cause, at::timestamptz, at::timestamptz, rich::jsonb
  from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
    with ordinality as u(channel, account, chat_id, is_group, priority, text, image_sha256, mentions, cause, at, rich, ord)
  order by ord`

/** Many outbound messages in one statement, in order (the router's replies over a batch). */
export const enqueueMany: BulkWrite<{ item: OutboxItem; now: Date }> = async (tx, rows) => {
  const col = <T>(f: (r: { item: OutboxItem; now: Date }) => T) => rows.map(f)
  await query(tx, INSERT_MANY, [
    col((r) => r.item.channel),
    col((r) => r.item.account),
    col((r) => r.item.chatId),
    col((r) => String(r.item.isGroup)),
    col((r) => String(PRIORITY[r.item.priority])),
    col((r) => r.item.text ?? (r.item.rich ? plainText(r.item.rich) : null)),
    col((r) => r.item.imageSha256 ?? null),
    col((r) => (r.item.mentionIds ?? []).join('\u001f')),
    col((r) => r.item.causeMessageId ?? null),
    col((r) => r.now.toISOString()),
    col((r) => (r.item.rich ? JSON.stringify(r.item.rich) : null)),
  ])
}

/** WeCom markdown as plain text for the channels that show it raw: no emphasis marks, font tags or heading hashes. */
export function markdownToText(md: string): string {
  return md
    .replace(/<font[^>]*>([\s\S]*?)<\/font>/gi, '$1')
    .replace(/<@([^>]+)>/g, '@$1')
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, '$1 $2')
    .replace(/^#{1,6}\s+/gm, '')
    .replace(/^>\s?/gm, '')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
}

const FULL_WIDTH: Record<string, string> = { '<': '＜', '>': '＞', '*': '＊', '`': '｀', '[': '［', ']': '］' }

/** User text inside WeCom markdown: no tags (<@all>, <font>), emphasis or links of its own. */
export function markdownSafe(text: string): string {
  return text.replace(/[<>*`[\]]/g, (c) => FULL_WIDTH[c])
}

/**
 * A push's text as WeCom markdown: its leading 【title】 as a coloured bold heading, each sentence after it a
 * quoted line. The text is the plain fallback as it stands.
 */
export function headlineMarkdown(text: string, color: 'warning' | 'info' | 'comment' = 'warning'): string {
  const m = /^【([^】]+)】\s*/.exec(text)
  const head = m ? `**<font color="${color}">【${markdownSafe(m[1])}】</font>**\n` : ''
  const rest = (m ? text.slice(m[0].length) : text).match(/[^。！？\n]+[。！？]?/g) ?? []
  return head + rest.map((line) => `> ${markdownSafe(line.trim())}`).join('\n')
}

/** The plain-text fallback of a rich message: the markdown without its marks, or the articles' titles and links. */
export function plainText(rich: RichMessage): string {
  if (rich.type === 'markdown') return markdownToText(rich.content)
  return rich.articles.map((a) => [a.title, a.description, a.url].filter(Boolean).join('\n')).join('\n\n')
}
