import { defineCommand } from '../src/chat/command.js'
import { authorize } from '../src/core/permissions.js'
import { commands } from './index.js'

export default defineCommand({
  name: 'help',
  words: ['帮助', '菜单', '命令', 'help', '?'],
  action: 'help',
  summary: '看能用的命令',
  usage: '帮助',
  examples: ['#帮助'],
  parse: () => ({ ok: true, value: {} }),
  async run(ctx) {
    // what this person may use in this chat
    const unregistered = ctx.group !== null && !ctx.group.registered
    const mine = commands.filter(
      (c) =>
        c.name !== 'help' &&
        authorize(ctx.actor, c.action).ok &&
        !(c.groupOnly && !ctx.group) &&
        !(c.needsRegisteredGroup && unregistered),
    )
    const notes = [
      ctx.actor.role === 'public' ? '未绑定身份：发 #绑定 绑定码' : '',
      unregistered ? '本群还未登记，登记后才能上报隐患' : '',
    ].filter(Boolean)
    // plain words work too: a hazard told to the bot gets a draft to confirm
    const plain = ctx.config.PLAIN_REPORTS === 'off' ? [] : [ctx.group ? '也可以直接说：@安全助手 楼梯口堆满了装修垃圾' : '也可以直接说：后厨燃气管子有股味儿，或先发照片']
    await ctx.reply(['可用命令' + (notes.length ? `（${notes.join('；')}）` : '') + '：', ...mine.map((c) => `${c.examples[0]}　${c.summary}`), ...plain].join('\n'))
  },
})
