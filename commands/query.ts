import { defineCommand } from '../src/chat/command.js'
import { parseQuery } from '../src/core/parse.js'
import { check, getByCode, targetOf, timeline } from '../src/services/hazards.js'
import { businessById } from '../src/services/directory.js'
import { hazardDetail } from '../src/chat/format.js'
import { UNIDENTIFIED_BUSINESS } from '../src/core/domain.js'

export default defineCommand({
  name: 'query',
  words: ['查询', '查看', '进度', '查'],
  action: 'hazard.view',
  bare: true,
  summary: '查看一条隐患的状态和经过',
  usage: '查询 <编号>',
  examples: ['#查询 Y12'],
  parse: parseQuery,
  async run(ctx, args) {
    const h = await getByCode(ctx.tx, args.code)
    check(ctx.actor, 'hazard.view', targetOf(h))
    const b = h.businessId !== null ? await businessById(ctx.tx, h.businessId) : null
    const { events, photos } = await timeline(ctx.tx, h.id)
    await ctx.reply(hazardDetail(h, b?.name ?? UNIDENTIFIED_BUSINESS, events, photos, ctx.now))
  },
})
