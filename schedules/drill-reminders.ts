import type { Job } from './types.js'
import { withinMonth } from './periods.js'
import { formatDate } from '../src/core/clock.js'
import { remindDrills } from '../src/services/registers/drills.js'

/**
 * Twice a year (1 June and 1 October, 10:00): groups hear which of their businesses have no emergency drill
 * recorded this year (应急演练, 方案 13), once per business and half-year.
 */
const drillReminders: Job = {
  name: 'drill-reminders',
  cron: '0 10 1 6,10 *',
  period: (now) => formatDate(now).slice(0, 7),
  catchUp: withinMonth,
  async run(ctx, now) {
    const d = formatDate(now)
    const n = await ctx.db.transaction((tx) => remindDrills(tx, now, `${d.slice(0, 4)}-${d.slice(5, 7) < '07' ? 'H1' : 'H2'}`))
    if (n) ctx.kick()
  },
}

export default drillReminders
