import { defineCommand } from '../src/chat/command.js'
import { parseAccept } from '../src/core/parse.js'
import { acceptHazard, reporterExternalId } from '../src/services/hazards.js'
import { deadlineText } from '../src/chat/format.js'

export default defineCommand({
  name: 'accept',
  words: ['受理'],
  action: 'hazard.accept',
  bare: true,
  summary: '受理隐患，定期限和负责人',
  usage: '受理 <编号> [期限] [负责人:姓名] [单位名称]',
  examples: ['#受理 Y12 7天', '#受理 Y12 12月31日 负责人:李明', '#受理 Y13 3日内 城关老街饭店'],
  parse: parseAccept,
  async run(ctx, args) {
    const { hazard, businessName } = await acceptHazard(
      { tx: ctx.tx, actor: ctx.actor, now: ctx.now, sourceMessageId: ctx.msg.messageId },
      args.code,
      args,
      { general: ctx.config.DEADLINE_DAYS_GENERAL, major: ctx.config.DEADLINE_DAYS_MAJOR },
    )
    const reporter = hazard.groupId === ctx.group?.id ? await reporterExternalId(ctx.tx, hazard) : null
    await ctx.reply(
      [
        `已受理 ${hazard.code}，单位：${businessName}`,
        `整改期限：${deadlineText(hazard.deadline!)}${args.deadline ? '' : `（未写期限，按${hazard.grade === 'major' ? ctx.config.DEADLINE_DAYS_MAJOR : ctx.config.DEADLINE_DAYS_GENERAL}天）`}　负责人：${hazard.responsibleName}`,
        `整改后请发：#整改 ${hazard.code} 整改措施，并附照片`,
      ].join('\n'),
      reporter && reporter !== ctx.msg.senderId ? [reporter] : [],
    )
  },
})
