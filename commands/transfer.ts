import { defineCommand } from '../src/chat/command.js'
import { parseTransfer } from '../src/core/parse.js'
import { transferHazard } from '../src/services/hazards.js'

export default defineCommand({
  name: 'transfer',
  words: ['移交'],
  action: 'hazard.transfer',
  bare: true,
  summary: '移交执法部门（消防救援、住建/燃气、市场监管、应急管理、公安）',
  usage: '移交 <编号> <部门> [说明]',
  examples: ['#移交 Y12 消防救援', '#移交 Y15 市场监管 电梯年检过期'],
  parse: parseTransfer,
  async run(ctx, args) {
    const h = await transferHazard({ tx: ctx.tx, actor: ctx.actor, now: ctx.now, sourceMessageId: ctx.msg.messageId }, args.code, args.department, args.note)
    await ctx.reply(`${h.code} 已移交 ${args.department}。\n部门处理后请发：#移交结果 ${h.code} 处理结果`)
  },
})
