import type { Job } from './types.js'
import { minuteSlot } from './periods.js'
import { expireDrafts } from '../src/services/plain-reports.js'

/** Plain-words drafts nobody answered: closed, and each sender told it was not filed. Every minute. */
const draftExpiry: Job = {
  name: 'plain.draft-expiry',
  cron: '* * * * *',
  period: (now) => minuteSlot(now, 1),
  catchUp: () => true,
  async run(ctx, now) {
    const n = await expireDrafts(ctx.db, now)
    if (n) {
      ctx.logger.info({ drafts: n }, 'expired drafts told')
      ctx.kick()
    }
  },
}

export default draftExpiry
