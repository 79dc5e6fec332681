import { defineCommand } from '../src/chat/command.js'
import { parseRectify } from '../src/core/parse.js'
import { rectifyHazard } from '../src/services/hazards.js'

export default defineCommand({
  name: 'rectify',
  words: ['整改', '整改完成', '已整改', '报整改'],
  action: 'hazard.rectify',
  bare: true,
  summary: '报告整改情况（需附照片）',
  usage: '整改 <编号> <整改措施>',
  examples: ['#整改 Y12 已更换燃气软管并加装报警器'],
  parse: parseRectify,
  async run(ctx, args) {
    const h = await rectifyHazard({ tx: ctx.tx, actor: ctx.actor, now: ctx.now, sourceMessageId: ctx.msg.messageId }, args.code, args.measures)
    await ctx.awaitPhotos(h.id, 'rectification')
    await ctx.reply(`已记录 ${h.code} 整改措施。\n请在${ctx.config.PHOTO_WINDOW_MINUTES}分钟内发整改后的照片，有照片才能验收。`)
  },
})
