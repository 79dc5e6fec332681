import type { Job } from './types.js'
import { byMonth, withinMonth } from './periods.js'
import { truncate } from '../src/core/text.js'
import { RESPONSIBILITY_LABELS } from '../src/core/responsibility.js'
import { responsibilityTable } from '../src/services/programmes/responsibility.js'
import { coveredBy, pushToGroups, targetGroups } from '../src/services/pushes.js'

/** Days before a class's deadline when reminders start. */
export const RESPONSIBILITY_WARN_DAYS = 60

/**
 * Monthly (5th, 10:00): groups hear which of their businesses are late with the full-staff responsibility system,
 * or due within RESPONSIBILITY_WARN_DAYS and not verified.
 */
const responsibilityReminders: Job = {
  name: 'responsibility-reminders',
  cron: '0 10 5 * *',
  period: byMonth,
  catchUp: withinMonth,
  async run(ctx, now) {
    await ctx.db.transaction(async (tx) => {
      const soon = new Date(now.getTime() + RESPONSIBILITY_WARN_DAYS * 86_400_000)
      const due = (await responsibilityTable(tx, now)).filter((r) => r.status !== 'verified' && (r.late || Date.parse(`${r.deadline}T23:59:59+08:00`) <= soon.getTime()))
      if (!due.length) return
      await pushToGroups(
        tx,
        await targetGroups(tx),
        (g) => {
          const mine = coveredBy(g, due)
          if (!mine.length) return null
          const lines = mine.slice(0, 15).map((b) => `${b.name}：${RESPONSIBILITY_LABELS[b.status]}，${b.late ? '已逾期' : '期限'} ${b.deadline}`)
          return truncate(
            [
              '【全员安全生产责任制提醒】以下单位还未完成修订核验：',
              ...lines,
              mine.length > 15 ? `等${mine.length}家` : null,
              '修订后请单位负责人发 #责任制 已修订，再发文件或照片。',
            ]
              .filter(Boolean)
              .join('\n'),
            1500,
          )
        },
        'normal',
        now,
      )
    })
    ctx.kick()
  },
}

export default responsibilityReminders
