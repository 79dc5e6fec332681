import type { Job } from './types.js'
import { byMinute, withinDays } from './periods.js'
import { rotateToGroups } from './rotate.js'

/** 安全提示 on a configurable rhythm, each group its own rotation by industry and season. */
const job: Job = {
  name: 'safety-tips',
  cron: (c) => c.CRON_SAFETY_TIPS,
  period: byMinute,
  catchUp: withinDays(1),
  async run(ctx, now) {
    const n = await rotateToGroups(ctx, now, 'tip', `safety-tips:${byMinute(now)}`, (i) => `【安全提示】${i.title}\n${i.body}`)
    ctx.logger.info({ groups: n }, 'safety tips queued')
  },
}
export default job
