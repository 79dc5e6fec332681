import { describe, it, expect } from 'vitest'
import { route } from '../../src/chat/steps/address.js'
import { refusalFor } from '../../src/chat/steps/authorise.js'
import { mayAnswerAwaited } from '../../src/chat/steps/recognise.js'
import { commands } from '../../commands/index.js'
import type { InboundMessage } from '../../src/channels/types.js'
import type { ChatActor, GroupRow } from '../../src/services/directory.js'

const BOT = '安全助手'
const LIMITS = { textChars: 2000, imageBytes: 10 << 20, photosPerReport: 9, storageBytes: 0 }

function msg(text: string, o: Partial<InboundMessage> = {}): InboundMessage {
  return {
    channel: 'wechaty', account: 'bot', messageId: 'm1', chatId: 'room1', chatName: '城关街道商户安全群', isGroup: true,
    senderId: 'u1', senderName: '张建国', kind: 'text', text, mentionsBot: false, sentAt: new Date(), ...o,
  }
}

describe('address step: where a message goes', () => {
  const cases: [string, Partial<InboundMessage>, ReturnType<typeof route>][] = [
    ['#隐患 后厨燃气软管老化', {}, { to: 'command', body: '隐患 后厨燃气软管老化' }],
    ['＃受理 Y1 7天', {}, { to: 'command', body: '受理 Y1 7天' }],
    ['@安全助手 帮助', {}, { to: 'command', body: '帮助', bare: true }],
    ['帮助', { mentionsBot: true }, { to: 'command', body: '帮助', bare: true }],
    ['今天开会吗', {}, { to: 'chatter', text: '今天开会吗' }],
    ['今天开会吗', { isGroup: false }, { to: 'command', body: '今天开会吗', bare: true }],
    ['   ', {}, { to: 'none' }],
    ['', { kind: 'image', loadImage: async () => ({ bytes: Buffer.alloc(1), mime: 'image/png' }) }, { to: 'image' }],
    ['', { kind: 'image' }, { to: 'none' }],
    ['', { kind: 'other' }, { to: 'none' }],
  ]
  for (const [text, o, want] of cases) {
    it(`when "${text}" arrives (${JSON.stringify(Object.keys(o))}), then it goes to ${want.to}`, () => {
      expect(route(msg(text, o), BOT)).toEqual(want)
    })
  }
})

describe('address step: commands typed without # when the hazard code comes right after the command word', () => {
  const commandsWithoutPrefix = ['受理Y1 7天', '受理 Y2 本周内', '验收 Y3 通过', '验收Y3不通过 软管没换', '整改 Y2 已更换', '查询Y5', '查询 y5', '移交 Y6 消防', '移交结果 Y6 已处罚', '作废 Y7 重复上报', '受理Ｙ１ ７天']
  const chatter = [
    '验收的时候要带什么材料',
    '整改Y2的事明天说',
    '查询一下',
    '查 一下',
    '受理了吗',
    '移交 Y6',
    '作废 Y7',
    '举报电话12345',
    '上报材料周五截止',
    '整改完成了吗 Y2',
  ]
  for (const text of commandsWithoutPrefix) {
    it(`when "${text}" is typed in a group without # or @, then it is a command`, () => {
      expect(route(msg(text), BOT).to).toBe('command')
    })
  }
  for (const text of chatter) {
    it(`when "${text}" is typed in a group, then it stays chatter`, () => {
      expect(route(msg(text), BOT).to).toBe('chatter')
    })
  }
  for (const text of ['报隐患 门头招牌锈蚀 重大', '隐患 楼道堆放杂物', '举报 卸油区有司机抽烟']) {
    it(`when "${text}" is typed in a group, then the report word before words describing a hazard makes it a command`, () => {
      expect(route(msg(text), BOT)).toEqual({ to: 'command', body: text, bare: true })
    })
  }
})

describe('recognise step: chatter that may answer what the bot awaits', () => {
  it('when chatter is 收到 or a checklist answer, then it is tried; other chatter and overlong text are not', () => {
    expect(mayAnswerAwaited('收到', LIMITS)).toBe(true)
    expect(mayAnswerAwaited('3、5不合格', LIMITS)).toBe(true)
    expect(mayAnswerAwaited('今天中午吃什么', LIMITS)).toBe(false)
    expect(mayAnswerAwaited('收到'.repeat(1001), LIMITS)).toBe(false)
  })
})

describe('authorise step: may the sender use the command here', () => {
  const report = commands.find((c) => c.name === 'report')!
  const accept = commands.find((c) => c.name === 'accept')!
  const owner: ChatActor = { role: 'member', personId: 1, identityId: 1, businessIds: [1], townshipId: null, industries: [], name: '张建国' }
  const pub: ChatActor = { role: 'public', personId: null, identityId: 2, businessIds: [], townshipId: null, industries: [], name: '热心群众' }
  const group = (registered: boolean) => ({ id: 1, registered }) as unknown as GroupRow

  it('when an owner reports in a registered group, then it is allowed', () => {
    expect(refusalFor(report, owner, group(true))).toBeNull()
  })
  it('when anyone reports in a group not registered yet, then the answer says how to register it', () => {
    expect(refusalFor(report, owner, group(false))).toContain('#本群登记')
  })
  it('when an unbound person reports in a direct chat, then the answer says to bind or use a registered group', () => {
    expect(refusalFor(report, pub, null)).toContain('#绑定')
  })
  it('when an owner tries to accept, then it is refused with the reason; an unbound person also gets the bind hint', () => {
    expect(refusalFor(accept, owner, group(true))).toMatch(/。$/)
    expect(refusalFor(accept, pub, group(true))).toContain('#绑定 绑定码')
  })
})
