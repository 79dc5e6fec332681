import { defineCommand } from '../src/chat/command.js'
import { listHazards } from '../src/services/hazards.js'
import { hazardLine } from '../src/chat/format.js'

export default defineCommand({
  name: 'overdue',
  words: ['逾期', '超期', '逾期隐患'],
  action: 'hazard.view',
  summary: '逾期未整改的隐患（按您的权限范围）',
  usage: '逾期',
  examples: ['#逾期'],
  parse: () => ({ ok: true, value: {} }),
  async run(ctx) {
    const { total, items } = await listHazards(ctx.tx, ctx.actor, { overdue: true, limit: 8 }, ctx.now)
    if (!total) return ctx.reply('没有逾期的隐患。')
    await ctx.reply([`逾期隐患 ${total} 条：`, ...items.map((h) => `${hazardLine(h, ctx.now)} · ${h.businessName}`)].join('\n'))
  },
})
