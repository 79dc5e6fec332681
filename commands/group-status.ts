import { eq } from 'drizzle-orm'
import { schema } from '../db/client.js'
import { defineCommand } from '../src/chat/command.js'
import { groupCounts } from '../src/services/hazards.js'
import { AppError } from '../src/core/errors.js'
import { industryLabel } from '../src/core/domain.js'

export default defineCommand({
  name: 'group_status',
  words: ['本群', '本群情况', '本群统计'],
  action: 'help',
  summary: '本群上报隐患的未销号、逾期数',
  usage: '本群',
  examples: ['#本群'],
  groupOnly: true,
  parse: () => ({ ok: true, value: {} }),
  async run(ctx) {
    if (!ctx.group) throw new AppError('usage', '请在群里使用“本群”')
    const c = await groupCounts(ctx.tx, ctx.group.id, ctx.now)
    const [town] =
      ctx.group.townshipId === null
        ? []
        : await ctx.tx.select({ name: schema.jurisdictions.name }).from(schema.jurisdictions).where(eq(schema.jurisdictions.id, ctx.group.townshipId))
    const scope = ctx.group.registered
      ? `本群登记：${ctx.group.townshipId === null ? '全市' : (town?.name ?? '已登记乡镇')}${ctx.group.industries.length ? ' · ' + ctx.group.industries.map(industryLabel).join('、') : ''}`
      : '本群还未登记'
    await ctx.reply(`${scope}\n未销号 ${c.open} 条（重大 ${c.major}），逾期 ${c.overdue} 条，已销号 ${c.closed} 条。\n看逾期：#逾期`)
  },
})
