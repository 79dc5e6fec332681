import { defineCommand } from '../src/chat/command.js'
import { formatDateTime } from '../src/core/clock.js'
import { truncate } from '../src/core/text.js'
import { openTasksOf } from '../src/services/tasks.js'

const SHOWN = 10

export default defineCommand({
  name: 'my_tasks',
  words: ['我的任务', '任务', '督办任务'],
  action: 'task.complete',
  summary: '我未完成的督办任务',
  usage: '我的任务',
  examples: ['#我的任务'],
  parse: () => ({ ok: true, value: {} }),
  async run(ctx) {
    const rows = await openTasksOf(ctx.tx, ctx.actor.personId, SHOWN + 1)
    if (!rows.length) return ctx.reply('您没有未完成的督办任务。')
    const lines = rows.slice(0, SHOWN).map((r) => {
      const state = r.deadline < ctx.now ? '已逾期' : r.status === 'assigned' ? '未确认' : '办理中'
      return `${r.code}　${state}　期限 ${formatDateTime(r.deadline)}\n　${truncate(r.text, 30)}`
    })
    await ctx.reply(['您未完成的督办任务：', ...lines, rows.length > SHOWN ? '……' : '', '办完发：完成 编号 办理情况'].filter(Boolean).join('\n'))
  },
})
