import type { Job } from './types.js'
import { minuteSlot } from './periods.js'
import { sendDueNotices } from '../src/services/notices.js'

/** Scheduled one-off notices whose time has come: each group gets each notice once, even across restarts. */
const dueNotices: Job = {
  name: 'notices.due',
  cron: '* * * * *',
  period: (now) => minuteSlot(now),
  // every run sends whatever is due and unsent, so a missed minute is always worth catching up
  catchUp: () => true,
  async run(ctx, now) {
    const n = await sendDueNotices(ctx.db, now)
    if (n) {
      ctx.logger.info({ messages: n }, 'scheduled notices sent')
      ctx.kick()
    }
  },
}

export default dueNotices
