import { address, normalize } from '../../core/text.js'
import type { InboundMessage } from '../../channels/types.js'
import { matchCommand } from '../../../commands/index.js'
import { describesHazard } from './plain.js'

/**
 * A hazard code right after the command word, on its own: `受理Y1 7天`, `验收 Y3 通过`, `验收Y3不通过` (a verdict
 * is often glued on), but not `整改Y2的事明天说`.
 */
const CODE_FIRST = /^[Yy]\d{1,9}(?=$|[\s,:;.!?]|不?(?:通过|合格))/

/** Text without a prefix that is still a command: a `bare` command word, its hazard code, and it parses. */
export function bareCommand(text: string): boolean {
  const m = matchCommand(text)
  return !!m?.command.bare && CODE_FIRST.test(m.rest) && m.command.parse(m.rest).ok
}

/** Whether an inbound message is for the bot, and its command body. */
export function classify(m: InboundMessage, botName: string): { addressed: boolean; body: string; prefixed: boolean } {
  if (m.kind !== 'text') return { addressed: false, body: '', prefixed: false }
  const a = address(normalize(m.text), [botName], m.mentionsBot)
  return { addressed: a.prefixed || a.mentioned || !m.isGroup, body: a.body, prefixed: a.prefixed }
}

/** `报隐患 …` / `举报 …` typed without `#`: the report command word at the start, and what follows it. */
export function bareReport(body: string): string | null {
  const m = matchCommand(body)
  return m?.command.name === 'report' ? m.rest : null
}

/**
 * The address step: where a message goes. Text for the bot (a command prefix, an @-mention, a direct chat, a
 * bare command naming a hazard code, or a bare report word before words describing a hazard) is a command body; other text is chatter, acted on only when it answers
 * something awaited; an image is
 * for the bot only while something is awaited from its sender (checked by the router, which needs the database).
 */
export type Route = { to: 'command'; body: string; bare?: boolean } | { to: 'chatter'; text: string } | { to: 'image' } | { to: 'none' }

export function route(m: InboundMessage, botName: string): Route {
  if (m.kind === 'image') return m.loadImage ? { to: 'image' } : { to: 'none' }
  if (m.kind !== 'text') return { to: 'none' }
  const { addressed, body, prefixed } = classify(m, botName)
  if (addressed) return prefixed ? { to: 'command', body } : { to: 'command', body, bare: true }
  const text = normalize(m.text).trim()
  if (!text) return { to: 'none' }
  if (bareCommand(text)) return { to: 'command', body: text }
  // 报隐患 … without `#` in a group: for the bot only when the words describe a hazard (举报电话12345 does not)
  const report = bareReport(text)
  if (report !== null && describesHazard(report)) return { to: 'command', body: text, bare: true }
  return { to: 'chatter', text }
}
