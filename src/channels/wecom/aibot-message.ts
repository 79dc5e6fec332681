/**
 * The intelligent bot's (智能机器人) message body — the decrypted JSON of an HTTP callback, or the `body` of a
 * long-connection `aibot_msg_callback` frame — mapped to the channel-neutral InboundMessage.
 *
 * In groups WeCom delivers only messages that @-mention the bot (text, mixed text-and-image, quotes); plain
 * images, voice and files arrive only in single chats. A mixed message becomes its text, then one image message
 * per picture, so a `隐患 …` with a photo files the hazard and attaches the photo, in that order.
 */
import type { InboundImage, InboundMessage } from '../types.js'
import { WECOM_BOT_CHANNEL } from '../../core/messages.js'

export const WECOM_CHANNEL = WECOM_BOT_CHANNEL

export interface AibotImage {
  url: string
  /** long connection: the per-message key; callback: absent (the EncodingAESKey decrypts) */
  aeskey?: string
}

export interface AibotBody {
  msgid: string
  aibotid?: string
  chatid?: string
  chattype?: 'single' | 'group' | string
  from?: { userid?: string }
  create_time?: number
  response_url?: string
  msgtype: string
  text?: { content?: string }
  image?: AibotImage
  mixed?: { msg_item?: Array<{ msgtype: string; text?: { content?: string }; image?: AibotImage }> }
  voice?: { content?: string }
  [key: string]: unknown
}

/** Parses a decrypted body; null when it is not a message object at all. */
export function parseAibotBody(json: string): AibotBody | null {
  let b: unknown
  try {
    b = JSON.parse(json)
  } catch {
    return null
  }
  if (!b || typeof b !== 'object') return null
  const body = b as AibotBody
  if (typeof body.msgid !== 'string' || !body.msgid || typeof body.msgtype !== 'string') return null
  return body
}

/** The chat a message belongs to: the group's chatid, or the sender in a single chat. */
export function aibotChat(b: AibotBody): { chatId: string; isGroup: boolean; senderId: string } | null {
  const senderId = b.from?.userid
  if (!senderId) return null
  const isGroup = b.chattype === 'group'
  const chatId = isGroup ? b.chatid : (b.chatid ?? senderId)
  if (!chatId) return null
  return { chatId: isGroup ? chatId : senderId, isGroup, senderId }
}

/** Drops the leading @-mention of the bot ("@安全助手 隐患 …" → "隐患 …"); the first mention when the name differs. */
export function stripBotMention(text: string, botName: string): string {
  const t = text.replace(/^\s+/, '')
  if (botName && t.startsWith('@' + botName)) return t.slice(botName.length + 1).trim()
  return t.replace(/^@\S+\s*/, '').trim()
}

/** image/png or image/jpeg by the file's first bytes (WeCom sends no type). */
export function sniffImageMime(b: Buffer): string {
  if (b.length > 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png'
  if (b.length > 3 && b[0] === 0xff && b[1] === 0xd8) return 'image/jpeg'
  if (b.length > 6 && b.subarray(0, 4).toString('latin1') === 'GIF8') return 'image/gif'
  return 'image/jpeg'
}

export interface ToInboundOptions {
  account: string
  botName: string
  chatName: string
  now: Date
  /** downloads and decrypts a picture */
  loadImage: (img: AibotImage) => Promise<InboundImage>
}

/** The messages a body carries, in order: [] for events, stream refreshes and what the bot does not take. */
export function toInboundMessages(b: AibotBody, o: ToInboundOptions): InboundMessage[] {
  const chat = aibotChat(b)
  if (!chat) return []
  const sentAt = typeof b.create_time === 'number' && b.create_time > 0 ? new Date(b.create_time * 1000) : o.now
  const base = {
    channel: WECOM_CHANNEL,
    account: o.account,
    chatId: chat.chatId,
    chatName: o.chatName,
    isGroup: chat.isGroup,
    senderId: chat.senderId,
    // WeCom sends no display name: the userid stands in (the directory keeps the person's real name)
    senderName: chat.senderId,
    // in a group WeCom only delivers what @-mentions the bot
    mentionsBot: chat.isGroup,
    sentAt,
  }
  const text = (content: string, id: string): InboundMessage => ({
    ...base,
    messageId: id,
    kind: 'text',
    text: chat.isGroup ? stripBotMention(content, o.botName) : content.trim(),
  })
  const image = (img: AibotImage, id: string): InboundMessage => ({
    ...base,
    messageId: id,
    kind: 'image',
    text: '',
    loadImage: () => o.loadImage(img),
  })
  switch (b.msgtype) {
    case 'text':
      return typeof b.text?.content === 'string' ? [text(b.text.content, b.msgid)] : []
    case 'voice':
      // WeCom transcribes voice in single chats: treat it as what was said
      return typeof b.voice?.content === 'string' && b.voice.content.trim() ? [text(b.voice.content, b.msgid)] : []
    case 'image':
      return b.image?.url ? [image(b.image, b.msgid)] : []
    case 'mixed': {
      const items = b.mixed?.msg_item ?? []
      const words = items
        .filter((i) => i.msgtype === 'text' && typeof i.text?.content === 'string')
        .map((i) => i.text!.content!)
        .join('\n')
        .trim()
      const out: InboundMessage[] = []
      if (words) out.push(text(words, b.msgid))
      let n = 0
      for (const i of items) if (i.msgtype === 'image' && i.image?.url) out.push(image(i.image, `${b.msgid}#img${++n}`))
      return out
    }
    default:
      return []
  }
}
