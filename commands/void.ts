import { defineCommand } from '../src/chat/command.js'
import { parseVoid } from '../src/core/parse.js'
import { voidHazard } from '../src/services/hazards.js'
import { hazardHome, tellHome, voidedText } from '../src/services/hazard-home.js'

export default defineCommand({
  name: 'void',
  words: ['作废'],
  action: 'hazard.void',
  bare: true,
  summary: '作废误报、重复上报的隐患（保留在台账，不计入统计）',
  usage: '作废 <编号> <原因>',
  examples: ['#作废 Y7 重复上报', '#作废 Y9 误报，现场无此情况'],
  parse: parseVoid,
  async run(ctx, args) {
    const h = await voidHazard({ tx: ctx.tx, actor: ctx.actor, now: ctx.now, sourceMessageId: ctx.msg.messageId }, args.code, args.reason)
    // the reporter hears of it where it was filed: here (mentioned in the answer) or in that chat
    const home = await hazardHome(ctx.tx, h, ctx.msg)
    const here = home !== null && home.channel === ctx.msg.channel && home.chatId === ctx.msg.chatId
    if (!here) await tellHome(ctx.tx, home, voidedText(h, ctx.actor.name), ctx.now)
    const mention = here && home.mention && home.mention !== ctx.msg.senderId ? [home.mention] : []
    await ctx.reply(`${h.code} 已作废：${args.reason}\n仍留在台账中，不计入统计和提醒。`, mention)
  },
})
