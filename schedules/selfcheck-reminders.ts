import type { Job } from './types.js'
import { byMonth, withinMonth } from './periods.js'
import { truncate } from '../src/core/text.js'
import { businessesWithoutSelfCheck } from '../src/services/programmes/selfchecks.js'
import { checklistForIndustry } from '../db/checklists/index.js'
import { coveredBy, pushToGroups, targetGroups } from '../src/services/pushes.js'

/** Names listed in one reminder; the rest are counted. */
const MAX_NAMES = 20

/** Monthly (20th, 10:00): each group hears which of its businesses have not self-checked this month. */
const selfcheckReminders: Job = {
  name: 'selfcheck-reminders',
  cron: '0 10 20 * *',
  period: byMonth,
  catchUp: withinMonth,
  async run(ctx, now) {
    await ctx.db.transaction(async (tx) => {
      const missing = await businessesWithoutSelfCheck(tx, now)
      if (!missing.length) return
      const { sent, unreachable } = await pushToGroups(
        tx,
        await targetGroups(tx),
        (g) => {
          const mine = coveredBy(g, missing)
          if (!mine.length) return null
          const names = mine.slice(0, MAX_NAMES).map((b) => b.name).join('、')
          const more = mine.length > MAX_NAMES ? ` 等${mine.length}家` : ''
          const word = checklistForIndustry(mine[0].industry)?.words[0] ?? '消防'
          return `【自查提醒】本月还未完成安全自查：${truncate(names, 400)}${more}。\n请单位负责人发 #自查 ${word} 按清单逐项自查，不合格项会自动登记为隐患。`
        },
        'normal',
        now,
      )
      ctx.logger.info({ businesses: missing.length, groups: sent.length, unreachable: unreachable.length }, 'self-check reminders queued')
    })
    ctx.kick()
  },
}

export default selfcheckReminders
