import { address, normalize } from '../../core/text.js'
import type { InboundMessage } from '../../channels/types.js'

/** Whether an inbound message is for the bot, and its command body. */
export function classify(m: InboundMessage, botName: string): { addressed: boolean; body: string } {
  if (m.kind !== 'text') return { addressed: false, body: '' }
  const a = address(normalize(m.text), [botName], m.mentionsBot)
  return { addressed: a.prefixed || a.mentioned || !m.isGroup, body: a.body }
}

/**
 * The address step: where a message goes. Text for the bot (a command prefix, an @-mention, a direct chat)
 * is a command body; other text is chatter, acted on only when it answers something awaited; an image is
 * for the bot only while something is awaited from its sender (checked by the router, which needs the database).
 */
export type Route = { to: 'command'; body: string } | { to: 'chatter'; text: string } | { to: 'image' } | { to: 'none' }

export function route(m: InboundMessage, botName: string): Route {
  if (m.kind === 'image') return m.loadImage ? { to: 'image' } : { to: 'none' }
  if (m.kind !== 'text') return { to: 'none' }
  const { addressed, body } = classify(m, botName)
  if (addressed) return { to: 'command', body }
  const text = normalize(m.text).trim()
  return text ? { to: 'chatter', text } : { to: 'none' }
}
