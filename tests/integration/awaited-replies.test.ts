import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { and, eq } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { awaitedReplies, awaitedImages } from '../../commands/index.js'
import type { AwaitedReply, AwaitedImage } from '../../src/chat/command.js'
import { AppError } from '../../src/core/errors.js'
import { useSeededApp, type Seed, type TestApp } from '../helpers/app.js'

/**
 * The router's extension point for texts without a command word (checklist answers, 收到 to a notice) and for
 * files to an open slot. Handlers are added here the way `commands/index.ts` lists the real ones.
 */
const opened = new Set<string>()
const start: AwaitedReply = {
  name: 'quiz_start',
  matches: (t) => t === '开始答题',
  async onText(ctx) {
    await ctx.awaitReply('quiz', { question: 7 })
    await ctx.reply('第7题：请回答数字')
    return true
  },
}
const answer: AwaitedReply = {
  name: 'quiz_answer',
  slotKind: 'quiz',
  matches: (t) => /^\d+$/.test(t),
  async onText(ctx, text, slot) {
    if (text === '0') throw new AppError('usage', '答案不能是0')
    await ctx.reply(`第${slot!.data!.question}题 已记下：${text}`)
    await ctx.clearAwait()
    return true
  },
}
/** slot-less, like 收到: only takes the text when something is open in this chat */
const ack: AwaitedReply = {
  name: 'ack',
  matches: (t) => t === '收到',
  async onText(ctx) {
    if (!opened.has(ctx.msg.chatId)) return false
    await ctx.reply('已记录收到')
    return true
  },
}
const file: AwaitedImage = {
  name: 'quiz_photo',
  slotKind: 'quiz',
  async onImage(ctx, a, slot) {
    await ctx.reply(`第${slot.data!.question}题 收到图片 ${a.mime}`)
  },
}

describe('awaited replies: texts and files the bot takes without a command word', () => {
  let t: TestApp
  let s: Seed
  beforeAll(() => {
    awaitedReplies.push(start, answer, ack)
    awaitedImages.push(file)
  })
  afterAll(() => {
    for (const h of [start, answer, ack]) awaitedReplies.splice(awaitedReplies.indexOf(h), 1)
    awaitedImages.splice(awaitedImages.indexOf(file), 1)
  })
  useSeededApp((app, seed) => {
    t = app
    s = seed
  })

  const claimed = async (id: string) =>
    (await t.database.db.select().from(schema.inboundMessages).where(and(eq(schema.inboundMessages.channel, 'wechaty'), eq(schema.inboundMessages.messageId, id)))).length

  it('when chatter looks like an answer but nothing awaits it, then the bot stays silent and claims nothing', async () => {
    expect(await t.say('owner', s.group, '42', { messageId: 'chat-42' })).toBe('ignored')
    expect(await t.say('owner', s.group, '收到', { messageId: 'chat-ack' })).toBe('ignored')
    expect(t.botSaid(s.group)).toEqual([])
    expect(await claimed('chat-42')).toBe(0)
    expect(await claimed('chat-ack')).toBe(0)
  })

  it('when a slot is open for a sender, then their plain answer is taken once, and not from someone else', async () => {
    expect(await t.say('owner', s.group, '开始答题')).toBe('handled')
    expect(t.botSaid(s.group).map((e) => e.text)).toEqual(['@张老板 第7题：请回答数字'])
    // another sender's number is chatter
    expect(await t.say('other-owner', s.group, '12')).toBe('ignored')
    expect(await t.photo('other-owner', s.group)).toBe('ignored')
    expect(t.botSaid(s.group)).toEqual([])
    expect(await t.photo('owner', s.group)).toBe('photo')
    expect(t.botSaid(s.group).map((e) => e.text)).toEqual(['@张老板 第7题 收到图片 image/png'])
    expect(await t.say('owner', s.group, '０', { messageId: 'zero' })).toBe('usage')
    expect(t.botSaid(s.group).map((e) => e.text)).toEqual(['@张老板 答案不能是0'])
    expect(await t.say('owner', s.group, '12', { messageId: 'ans-1' })).toBe('handled')
    // a redelivery finds the slot closed (or the id claimed): nothing twice
    expect(['duplicate', 'ignored']).toContain(await t.say('owner', s.group, '12', { messageId: 'ans-1' }))
    expect(t.botSaid(s.group).map((e) => e.text)).toEqual(['@张老板 第7题 已记下：12'])
    // the slot was cleared: the same answer again is chatter
    expect(await t.say('owner', s.group, '13')).toBe('ignored')
  })

  it('when the text is addressed but names no command, then an awaited reply is tried before 没看懂', async () => {
    opened.add(s.group)
    expect(await t.say('passer', s.group, '#收到')).toBe('handled')
    expect(await t.say('owner', s.group, '收到')).toBe('handled')
    expect(t.botSaid(s.group).map((e) => e.text)).toEqual(['@热心群众 已记录收到', '@张老板 已记录收到'])
    opened.delete(s.group)
    expect(await t.say('owner', s.group, '#收到')).toBe('usage')
    expect(t.botSaid(s.group)[0].text).toContain('没看懂')
  })
})
