import { WechatyBuilder } from 'wechaty'
import type { WechatyInterface } from 'wechaty/impls'
import { PuppetMock, mock } from 'wechaty-puppet-mock'
import * as PUPPET from 'wechaty-puppet'
import { FileBox } from 'file-box'
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import { wechatyChannel } from './wechaty.js'
import { noPacing, type Channel } from './types.js'

export interface TranscriptEntry {
  seq: number
  messageId: string
  chatId: string
  fromId: string
  fromName: string
  bot: boolean
  text?: string
  /** data URL of an image */
  image?: string
  mentionIds: string[]
  mentionNames: string[]
  at: string
}

export interface SimContact {
  id: string
  name: string
}
export interface SimGroup {
  id: string
  name: string
  memberIds: string[]
}

export interface SimSend {
  from: string
  /** group id; omit for a direct chat with the bot */
  groupId?: string
  text?: string
  imageBase64?: string
  mime?: string
  messageId?: string
  /** when the message was sent (ms since epoch); default now */
  sentAt?: number
  mentionBot?: boolean
}

/** Where the simulator keeps its contacts and groups so they survive a restart. */
export interface SimStore {
  load(): Promise<{ contacts: SimContact[]; groups: SimGroup[] }>
  saveContact(c: SimContact): Promise<void>
  saveGroup(g: SimGroup): Promise<void>
}

const MAX_TRANSCRIPT = 5000

/**
 * The simulator channel: the real Wechaty on `wechaty-puppet-mock`, with an API to play contacts in groups.
 * Every message goes through the same Wechaty path a real puppet would use.
 */
export class Simulator {
  readonly mocker = new mock.Mocker()
  readonly puppet: PuppetMock
  readonly bot: WechatyInterface
  readonly channel: Channel
  readonly botContact: mock.ContactMock
  private seq = 0
  private transcripts = new Map<string, TranscriptEntry[]>()
  private waiters = new Set<() => void>()
  private readonly contactsById = new Map<string, SimContact>()
  private readonly groupsById = new Map<string, SimGroup>()

  constructor(
    private readonly opts: { botName: string; logger: Logger; store?: SimStore; botId?: string },
  ) {
    this.puppet = new PuppetMock({ mocker: this.mocker })
    this.bot = WechatyBuilder.build({ puppet: this.puppet, name: 'simulator' })
    this.channel = wechatyChannel(this.bot, { pacer: noPacing, logger: opts.logger })
    this.botContact = this.mocker.createContact({ id: opts.botId ?? 'bot', name: opts.botName })
    this.wrapSends()
  }

  private wrapSends() {
    const p = this.puppet as unknown as {
      messageSendText: (c: string, t: string, m?: string[]) => Promise<string | void>
      messageSendFile: (c: string, f: FileBox) => Promise<string | void>
    }
    const sendText = p.messageSendText.bind(this.puppet)
    const sendFile = p.messageSendFile.bind(this.puppet)
    // the mock drops mentions: record them here
    p.messageSendText = async (chatId, text, mentionIds = []) => {
      this.record(this.chatKey(chatId), { messageId: randomUUID(), fromId: this.botContact.id, fromName: this.opts.botName, bot: true, text, mentionIds })
      return sendText(chatId, text, mentionIds)
    }
    p.messageSendFile = async (chatId, file) => {
      const b64 = await file.toBase64()
      this.record(this.chatKey(chatId), {
        messageId: randomUUID(),
        fromId: this.botContact.id,
        fromName: this.opts.botName,
        bot: true,
        image: `data:${file.mediaType || 'image/png'};base64,${b64}`,
        mentionIds: [],
      })
      return sendFile(chatId, file)
    }
  }

  private chatKey(chatId: string): string {
    return this.groupsById.has(chatId) ? chatId : `dm:${chatId}`
  }

  async start(): Promise<void> {
    await this.bot.start()
    this.mocker.login(this.botContact)
    // the mock never emits ready on its own
    this.puppet.emit('ready', { data: '' } as never)
    if (this.opts.store) {
      const { contacts, groups } = await this.opts.store.load()
      for (const c of contacts) this.addContact(c, false)
      for (const g of groups) this.addGroup(g, false)
    }
  }

  async stop(): Promise<void> {
    await this.bot.stop()
  }

  private addContact(c: SimContact, save = true): SimContact {
    if (!this.contactsById.has(c.id)) this.mocker.createContact({ id: c.id, name: c.name })
    this.contactsById.set(c.id, c)
    if (save) this.persist(this.opts.store?.saveContact(c))
    return c
  }

  private addGroup(g: SimGroup, save = true): SimGroup {
    const members = [this.botContact.id, ...g.memberIds.filter((m) => m !== this.botContact.id)]
    if (!this.groupsById.has(g.id)) this.mocker.createRoom({ id: g.id, topic: g.name, memberIdList: members })
    else {
      const payload = this.mocker.roomPayload(g.id)
      payload.memberIdList = members
    }
    const saved = { ...g, memberIds: members.filter((m) => m !== this.botContact.id) }
    this.groupsById.set(g.id, saved)
    if (save) this.persist(this.opts.store?.saveGroup(saved))
    return saved
  }

  private persist(p: Promise<void> | undefined) {
    p?.catch((err) => this.opts.logger.error({ err }, 'simulator could not save its contacts/groups'))
  }

  createContact(input: { id?: string; name: string }): SimContact {
    const id = input.id ?? `u-${randomUUID().slice(0, 8)}`
    if (id === this.botContact.id) throw new Error('that id is the bot')
    const existing = this.contactsById.get(id)
    if (existing) return existing
    return this.addContact({ id, name: input.name })
  }

  /** Room ids must contain '@' for the mock to treat them as rooms. */
  createGroup(input: { id?: string; name: string; memberIds: string[] }): SimGroup {
    let id = input.id ?? `g-${randomUUID().slice(0, 8)}`
    if (!id.includes('@')) id += '@chatroom'
    for (const m of input.memberIds) if (!this.contactsById.has(m)) throw new Error(`unknown contact: ${m}`)
    const existing = this.groupsById.get(id)
    if (existing) return this.addGroup({ ...existing, memberIds: [...new Set([...existing.memberIds, ...input.memberIds])] })
    return this.addGroup({ id, name: input.name, memberIds: input.memberIds })
  }

  contacts(): SimContact[] {
    return [...this.contactsById.values()]
  }
  groups(): SimGroup[] {
    return [...this.groupsById.values()]
  }
  group(id: string): SimGroup | undefined {
    return this.groupsById.get(id) ?? this.groupsById.get(id + '@chatroom')
  }

  /** Sends as a contact; the same messageId twice is a redelivery of one message. Returns the message id. */
  send(s: SimSend): string {
    const from = this.contactsById.get(s.from)
    if (!from) throw new Error(`unknown contact: ${s.from}`)
    const group = s.groupId ? this.group(s.groupId) : undefined
    if (s.groupId && !group) throw new Error(`unknown group: ${s.groupId}`)
    if (group && !group.memberIds.includes(from.id)) throw new Error(`${from.id} is not in ${group.id}`)
    if (!s.text === !s.imageBase64) throw new Error('send either text or imageBase64 (one message each)')
    const id = s.messageId ?? randomUUID()
    const known = this.mocker.cacheMessagePayload.has(id)
    if (!known) {
      let text = s.text
      if (text !== undefined && s.mentionBot && group) text = `@${this.opts.botName}\u2005${text}`
      const payload: Record<string, unknown> = {
        id,
        talkerId: from.id,
        timestamp: s.sentAt ?? Date.now(),
        type: s.imageBase64 ? PUPPET.types.Message.Image : PUPPET.types.Message.Text,
        ...(group ? { roomId: group.id, mentionIdList: s.mentionBot ? [this.botContact.id] : [] } : { listenerId: this.botContact.id }),
      }
      if (s.imageBase64) {
        const mime = s.mime ?? 'image/png'
        const fb = FileBox.fromBase64(s.imageBase64, `${id}.${mime.split('/')[1] ?? 'png'}`)
        this.mocker.cacheFileBoxPayload.set(id, fb.toJSON())
      } else payload.text = text
      this.mocker.MessageMock.create(payload as never)
      this.record(group ? group.id : `dm:${from.id}`, {
        messageId: id,
        fromId: from.id,
        fromName: from.name,
        bot: false,
        text,
        image: s.imageBase64 ? `data:${s.mime ?? 'image/png'};base64,${s.imageBase64}` : undefined,
        mentionIds: s.mentionBot ? [this.botContact.id] : [],
      })
    }
    this.puppet.emit('message', { messageId: id })
    return id
  }

  private record(key: string, e: Omit<TranscriptEntry, 'seq' | 'at' | 'chatId' | 'mentionNames'>) {
    const list = this.transcripts.get(key) ?? []
    const names = e.mentionIds.map((m) => (m === this.botContact.id ? this.opts.botName : this.contactsById.get(m)?.name ?? m))
    list.push({ ...e, seq: ++this.seq, chatId: key, mentionNames: names, at: new Date().toISOString() })
    if (list.length > MAX_TRANSCRIPT) list.splice(0, list.length - MAX_TRANSCRIPT)
    this.transcripts.set(key, list)
    for (const w of this.waiters) w()
  }

  /** Messages in a group (or a direct chat: 'dm:<contactId>') after a cursor. */
  transcript(key: string, after = 0): TranscriptEntry[] {
    const g = this.group(key)
    return (this.transcripts.get(g ? g.id : key) ?? []).filter((e) => e.seq > after)
  }

  /** Resolves when a new transcript entry arrives, or after timeoutMs. */
  waitForActivity(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t)
        this.waiters.delete(done)
        resolve()
      }
      const t = setTimeout(done, timeoutMs)
      this.waiters.add(done)
    })
  }
}
