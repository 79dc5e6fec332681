import { defineCommand } from '../src/chat/command.js'
import { AppError } from '../src/core/errors.js'
import { authorize } from '../src/core/permissions.js'
import { formatDate } from '../src/core/clock.js'
import { DRILL_USAGE, drillDay, parseDrill } from '../src/core/drills.js'
import { memberBusiness } from '../src/services/programmes/selfchecks.js'
import { recordDrill } from '../src/services/registers/drills.js'

/** How long the bot takes photos of the drill after #演练. */
export const DRILL_PHOTO_MINUTES = 30

export default defineCommand({
  name: 'drill',
  words: ['演练', '应急演练', '登记演练'],
  // a business's own safety record, like its self-checks
  action: 'selfcheck.run',
  summary: '登记本单位的应急演练（可随后发照片）',
  usage: DRILL_USAGE,
  examples: ['#演练 疏散演练 参加12人', '#演练 灭火演练 15人 11月18日'],
  parse: parseDrill,
  async run(ctx, args) {
    const b = await memberBusiness(ctx.tx, ctx.actor, ctx.group)
    const d = authorize(ctx.actor, 'selfcheck.run', { businessId: b.id, townshipId: b.townshipId, industry: b.industry })
    if (!d.ok) throw new AppError('forbidden', d.reason)
    const today = formatDate(ctx.now)
    const heldOn = drillDay(args.date, today)
    if (!heldOn) throw new AppError('usage', `演练日期不对（不能晚于今天）\n用法：${DRILL_USAGE}`)
    const drill = await recordDrill(ctx.tx, { businessId: b.id, kind: args.kind, heldOn, participants: args.participants }, { name: ctx.actor.name, personId: ctx.actor.personId, sourceMessageId: ctx.msg.messageId }, ctx.now)
    await ctx.awaitReply('drill', { drillId: drill.id }, DRILL_PHOTO_MINUTES)
    await ctx.reply(
      [
        `已登记应急演练：${b.name}`,
        `${args.kind}，${heldOn}${args.participants ? `，参加${args.participants}人` : ''}`,
        `${DRILL_PHOTO_MINUTES}分钟内可直接发现场照片。`,
      ].join('\n'),
    )
  },
})
