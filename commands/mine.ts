import { defineCommand } from '../src/chat/command.js'
import { listHazards } from '../src/services/hazards.js'
import { hazardLine } from '../src/chat/format.js'

export default defineCommand({
  name: 'mine',
  words: ['我的', '我的隐患'],
  action: 'hazard.view',
  summary: '我单位（或我负责、我上报）的未销号隐患',
  usage: '我的',
  examples: ['#我的'],
  parse: () => ({ ok: true, value: {} }),
  async run(ctx) {
    const a = ctx.actor
    const filter =
      a.role === 'member'
        ? { open: true, businessIds: a.businessIds }
        : a.role === 'public'
          ? { open: true, reporterIdentityId: a.identityId ?? -1 }
          : { open: true, responsiblePersonId: a.personId ?? -1 }
    const { total, items } = await listHazards(ctx.tx, a, { ...filter, limit: 8 }, ctx.now)
    if (!total) return ctx.reply(a.role === 'officer' || a.role === 'leader' ? '您负责的隐患都已销号。看全部逾期：#逾期' : '没有未销号的隐患。')
    const head = a.role === 'member' ? '本单位' : a.role === 'public' ? '您上报的' : '您负责的'
    await ctx.reply([`${head}未销号隐患 ${total} 条：`, ...items.map((h) => hazardLine(h, ctx.now)), total > items.length ? `……详情：#查询 编号` : ''].filter(Boolean).join('\n'))
  },
})
