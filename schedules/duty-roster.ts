import type { Job } from './types.js'
import { byDay, withinDays } from './periods.js'
import { holidaysOnEve } from '../src/core/calendar.js'
import { calendarOverrides, dutyRoster, itemByKey } from '../src/services/content.js'
import { fillPeriod, namedGroup, pushToGroups, targetGroups } from '../src/services/pushes.js'

/** On the eve of a holiday: the 24-hour duty roster (值班表) to every registered group and the bureau group. */
const job: Job = {
  name: 'duty-roster',
  cron: (c) => c.CRON_DUTY_ROSTER,
  period: byDay,
  catchUp: withinDays(0),
  async run(ctx, now) {
    const holidays = holidaysOnEve(byDay(now), await calendarOverrides(ctx.db))
    if (!holidays.length) return
    const item = await itemByKey(ctx.db, 'duty:holiday')
    if (!item?.active) return
    const targets = await targetGroups(ctx.db)
    const bureau = await namedGroup(ctx.db, ctx.config.BUREAU_GROUP)
    if (bureau && !targets.some((t) => t.id === bureau.id)) targets.push(bureau)
    for (const h of holidays) {
      const roster = (await dutyRoster(ctx.db, h.key, h.year)) ?? '值班表以局办公室通知为准。'
      const text = fillPeriod(item.body, h, { roster })
      const { sent } = await pushToGroups(ctx.db, targets, text, 'normal', now)
      if (sent.length) ctx.kick()
      ctx.logger.info({ holiday: h.key, year: h.year, groups: sent.length }, 'duty roster queued')
    }
  },
}
export default job
