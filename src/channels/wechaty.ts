import { FileBox } from 'file-box'
import type { WechatyInterface, MessageInterface, ContactInterface } from 'wechaty/impls'
import type { Logger } from 'pino'
import type { Channel, InboundMessage, OutboundMessage, Pacer } from './types.js'

export const WECHATY_CHANNEL = 'wechaty'

/** Maps a Wechaty message to the channel-neutral form; null for the bot's own messages and system noise. */
export async function toInbound(bot: WechatyInterface, msg: MessageInterface): Promise<InboundMessage | null> {
  if (msg.self()) return null
  const talker = msg.talker()
  if (!talker) return null
  const room = msg.room()
  const T = bot.Message.Type
  const type = msg.type()
  const kind = type === T.Text ? 'text' : type === T.Image ? 'image' : 'other'
  return {
    channel: WECHATY_CHANNEL,
    account: bot.currentUser.id,
    messageId: msg.id,
    chatId: room ? room.id : talker.id,
    chatName: room ? await room.topic() : talker.name(),
    isGroup: !!room,
    senderId: talker.id,
    senderName: talker.name(),
    kind,
    text: kind === 'text' ? msg.text() : '',
    // mentionSelf() resolves every mention against the room; only worth it when someone was mentioned
    mentionsBot: room && kind === 'text' && msg.text().includes('@') ? await msg.mentionSelf() : false,
    sentAt: msg.date(),
    loadImage:
      kind === 'image'
        ? async () => {
            // the mock's toImage() gives a fake QR code; toFileBox() gives the file, whose stream reads once
            const fb = await msg.toFileBox()
            const bytes = await fb.toBuffer()
            return { bytes, mime: fb.mediaType && fb.mediaType !== 'application/octet-stream' ? fb.mediaType : 'image/jpeg' }
          }
        : undefined,
  }
}

function memo<T>(find: (id: string) => Promise<T | undefined>): (id: string) => Promise<T | undefined> {
  const found = new Map<string, T>()
  return async (id) => {
    let v = found.get(id)
    if (v === undefined) {
      v = await find(id)
      if (v !== undefined) found.set(id, v)
    }
    return v
  }
}

/** One adapter for every Wechaty puppet: the simulator's mock, WeChat, WeCom through a puppet service. */
export function wechatyChannel(bot: WechatyInterface, opts: { pacer: Pacer; logger: Logger }): Channel {
  let handler: ((m: InboundMessage) => Promise<void>) | null = null
  bot.on('message', async (msg) => {
    try {
      const m = await toInbound(bot, msg)
      if (m && handler) await handler(m)
    } catch (err) {
      opts.logger.error({ err, msgId: msg.id }, 'could not read inbound message')
    }
  })
  // rooms and contacts looked up once, for every later send
  const rooms = memo((id) => bot.Room.find({ id }))
  const contact = memo((id) => bot.Contact.find({ id }))
  return {
    name: WECHATY_CHANNEL,
    pacer: opts.pacer,
    account: () => (bot.isLoggedIn ? bot.currentUser.id : undefined),
    onMessage(h) {
      handler = h
    },
    async listGroups() {
      const all = await bot.Room.findAll()
      return Promise.all(all.map(async (r) => ({ id: r.id, name: await r.topic() })))
    },
    async listMembers(groupId) {
      const room = await rooms(groupId)
      if (!room) return []
      const self = bot.isLoggedIn ? bot.currentUser.id : undefined
      return (await room.memberAll()).filter((c) => c.id !== self).map((c) => ({ id: c.id, name: c.name() }))
    },
    async send(out: OutboundMessage) {
      const target = out.isGroup ? await rooms(out.chatId) : await contact(out.chatId)
      if (!target) throw new Error(`chat not found: ${out.chatId}`)
      if (out.text !== undefined) {
        if (out.isGroup && out.mentionIds.length) {
          const people = (await Promise.all(out.mentionIds.map(contact))).filter((c): c is ContactInterface => !!c)
          await (target as { say: (t: string, ...c: ContactInterface[]) => Promise<unknown> }).say(out.text, ...people)
        } else await target.say(out.text)
      }
      if (out.image) {
        // the mock can only send base64 file boxes
        await target.say(FileBox.fromBase64(out.image.bytes.toString('base64'), out.image.name))
      }
    },
    async start() {
      await bot.start()
    },
    async stop() {
      await bot.stop()
    },
  }
}
