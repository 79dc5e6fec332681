import { defineCommand } from '../src/chat/command.js'
import { parseVerify } from '../src/core/parse.js'
import { verifyHazard, reporterExternalId } from '../src/services/hazards.js'

export default defineCommand({
  name: 'verify',
  words: ['验收'],
  action: 'hazard.verify',
  bare: true,
  summary: '验收整改：通过即销号，不通过退回整改',
  usage: '验收 <编号> 通过|不通过 [意见]',
  examples: ['#验收 Y12 通过', '#验收 Y12 不通过 报警器未安装'],
  parse: parseVerify,
  async run(ctx, args) {
    const h = await verifyHazard({ tx: ctx.tx, actor: ctx.actor, now: ctx.now, sourceMessageId: ctx.msg.messageId }, args.code, args.passed, args.opinion)
    const reporter = h.groupId === ctx.group?.id ? await reporterExternalId(ctx.tx, h) : null
    const also = reporter && reporter !== ctx.msg.senderId ? [reporter] : []
    if (h.status === 'closed') await ctx.reply(`${h.code} 验收通过，已销号。`, also)
    else await ctx.reply(`${h.code} 验收不通过，退回整改。\n原因：${args.opinion}\n整改后请再发：#整改 ${h.code} 措施`, also)
  },
})
