import type { Job } from './types.js'
import { withinDays } from './periods.js'
import { formatDate } from '../src/core/clock.js'
import { nextRegulation, pushRegulation } from '../src/services/registers/regulations.js'

/**
 * Weekly (Wednesday 10:00): the next confirmed item of the regulations and standards series (方案 5) to the groups
 * of the industries it concerns. Drafts (待核) never go out.
 */
const regulationPromotion: Job = {
  name: 'regulation-promotion',
  cron: '0 10 * * 3',
  period: formatDate,
  catchUp: withinDays(1),
  async run(ctx, now) {
    const sent = await ctx.db.transaction(async (tx) => {
      const next = await nextRegulation(tx)
      return next ? pushRegulation(tx, next.id, now) : null
    })
    if (sent?.groups.length) ctx.kick()
  },
}

export default regulationPromotion
