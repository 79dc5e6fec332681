import { defineCommand, type ChatContext } from '../src/chat/command.js'
import { parseReport, type ReportArgs } from '../src/core/parse.js'
import { reportHazard } from '../src/services/hazards.js'
import { categoryLabel } from '../src/chat/format.js'
import { groupRoute } from '../src/services/pushes.js'
import { enqueueMany, markdownSafe } from '../src/services/outbox.js'
import { truncate, typedAs } from '../src/core/text.js'
import { formatDate } from '../src/core/clock.js'
import { campaignHint, findCampaign } from '../src/services/registers/campaigns.js'

/**
 * Files a report for the sender: the hazard with its code, the photo window, the answer, and for a 重大 one the
 * leaders' notice. `#隐患` and a confirmed plain-words draft both file through here.
 */
export async function fileReport(ctx: ChatContext, args: ReportArgs, opts: { photos?: number } = {}) {
  // an unknown campaign never loses the report: it is filed untagged and the reply says so
  const campaign = args.campaign ? await findCampaign(ctx.tx, args.campaign) : null
  const { hazard, businessName } = await reportHazard(
    { tx: ctx.tx, actor: ctx.actor, now: ctx.now, sourceMessageId: ctx.msg.messageId },
    { ...args, campaign: campaign?.name ?? null },
    { group: ctx.group },
    { ...(await ctx.newHazard()), later: ctx.later },
  )
  await ctx.awaitPhotos(hazard.id, 'report')
  const major = hazard.grade === 'major'
  const lines = [
    `已登记隐患 ${hazard.code}${major ? '【重大·挂牌督办】' : ''}（${categoryLabel(hazard.category)}）`,
    `单位：${businessName}`,
    ...(campaign ? [`专项：${campaign.name}`] : args.campaign ? [`没有找到专项“${args.campaign}”，未标记（${await campaignHint(ctx.tx, formatDate(ctx.now))}）`] : []),
    ...(opts.photos ? [`照片：${opts.photos} 张`] : []),
    `${ctx.config.PHOTO_WINDOW_MINUTES}分钟内可直接发照片补充。`,
    `查进度：#查询 ${hazard.code}`,
  ]
  await ctx.reply(lines.join('\n'))
  if (major) {
    // the leaders' group on whichever channel serves it: its two-way account, else its robot (WeCom markdown)
    const to = await groupRoute(ctx.tx, ctx.config.LEADERS_GROUP, ctx.msg, ctx.config.WECOM_ROBOT_ENABLED)
    if (to) {
      const where = ctx.msg.isGroup ? ctx.msg.chatName : '私聊'
      const fields = [`单位：${businessName}`, `情况：${truncate(hazard.description, 60)}`, ...(hazard.place ? [`地点：${hazard.place}`] : []), `上报：${ctx.actor.name}（${where}）`]
      const title = `【重大隐患·挂牌督办】${hazard.code}`
      ctx.later(enqueueMany, {
        item: {
          ...to,
          isGroup: true,
          priority: 'urgent',
          text: [title, ...fields].join('\n'),
          rich: { type: 'markdown', content: [`**<font color="warning">${title}</font>**`, ...fields.map((f) => `> ${markdownSafe(f)}`)].join('\n') },
          causeMessageId: ctx.msg.messageId,
        },
        now: ctx.now,
      })
    }
  }
  return { hazard, businessName }
}

export default defineCommand({
  name: 'report',
  words: ['隐患', '报隐患', '上报隐患', '上报', '举报'],
  action: 'hazard.report',
  summary: '上报隐患（可随后发照片）；也可以直接说大白话',
  usage: '隐患 <情况> [地点:…] [重大] [专项:简称]',
  examples: ['#隐患 后厨燃气软管老化开裂 地点:一楼后厨', '#隐患 安全出口被货物堵塞 重大', '#隐患 气瓶间无报警器 专项:燃气', '@安全助手 楼梯口堆满了装修垃圾'],
  needsRegisteredGroup: true,
  parse: parseReport,
  async run(ctx, args) {
    // matched on normalized text, stored as typed (full-width ＜＞, ideographic spaces …)
    await fileReport(ctx, { ...args, description: typedAs(args.description, ctx.msg.text) })
  },
})
