import type { Job } from './types.js'
import { byDay, withinDays } from './periods.js'
import { periodsStartingIn } from '../src/core/calendar.js'
import { calendarOverrides, itemByKey } from '../src/services/content.js'
import { fillPeriod, pushToGroups, targetGroups } from '../src/services/pushes.js'
import { headlineMarkdown } from '../src/services/outbox.js'

/** Key-period reminders PERIOD_REMINDER_DAYS before each period starts (元旦 next year included). */
const job: Job = {
  name: 'key-periods',
  cron: (c) => c.CRON_KEY_PERIODS,
  period: byDay,
  // a reminder is for the day it was due: yesterday's is stale
  catchUp: withinDays(0),
  async run(ctx, now) {
    const periods = periodsStartingIn(byDay(now), ctx.config.PERIOD_REMINDER_DAYS, await calendarOverrides(ctx.db))
    if (!periods.length) return
    const targets = await targetGroups(ctx.db)
    for (const p of periods) {
      const item = await itemByKey(ctx.db, `period:${p.key}`)
      if (!item?.active) continue
      const text = fillPeriod(item.body, p, { year: String(p.year) })
      const { sent } = await pushToGroups(ctx.db, targets, text, 'normal', now, { rich: { type: 'markdown', content: headlineMarkdown(text) } })
      if (sent.length) ctx.kick()
      ctx.logger.info({ period: p.key, year: p.year, groups: sent.length }, 'key-period reminder queued')
    }
  },
}
export default job
