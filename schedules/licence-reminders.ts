import type { Job } from './types.js'
import { byDay, withinDays } from './periods.js'
import { remindLicences } from '../src/services/registers/licences.js'

/**
 * Daily (09:00): licences due for a reminder 60, 30 and 7 days before expiry, and once lapsed, to the groups of
 * the business and to its township's officers. A missed day is caught up within three days (the reminder claims
 * make it once per licence and threshold anyway).
 */
const licenceReminders: Job = {
  name: 'licence-reminders',
  cron: '0 9 * * *',
  period: byDay,
  catchUp: withinDays(3),
  async run(ctx, now) {
    const sent = await ctx.db.transaction((tx) => remindLicences(tx, now))
    if (sent.length) ctx.kick()
  },
}

export default licenceReminders
