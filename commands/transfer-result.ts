import { defineCommand } from '../src/chat/command.js'
import { parseTransferResult } from '../src/core/parse.js'
import { recordTransferResult } from '../src/services/hazards.js'

export default defineCommand({
  name: 'transfer_result',
  words: ['移交结果', '处理结果'],
  action: 'hazard.transfer_result',
  bare: true,
  summary: '登记移交部门的处理结果',
  usage: '移交结果 <编号> <结果>',
  examples: ['#移交结果 Y12 消防大队已责令整改并复查合格'],
  parse: parseTransferResult,
  async run(ctx, args) {
    const h = await recordTransferResult({ tx: ctx.tx, actor: ctx.actor, now: ctx.now, sourceMessageId: ctx.msg.messageId }, args.code, args.result)
    await ctx.reply(`已登记 ${h.code} 移交结果。\n确认后可销号：#验收 ${h.code} 通过`)
  },
})
