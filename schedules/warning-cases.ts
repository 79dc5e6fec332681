import type { Job } from './types.js'
import { byDay, withinDays } from './periods.js'
import { rotateToGroups } from './rotate.js'

/** 警示教育: a typical accident case a week, aimed at the first responsible person. */
const job: Job = {
  name: 'warning-cases',
  cron: (c) => c.CRON_WARNING_CASES,
  period: byDay,
  catchUp: withinDays(3),
  async run(ctx, now) {
    const n = await rotateToGroups(ctx, now, 'case', `warning-cases:${byDay(now)}`, (i) => `【警示教育·典型案例】${i.title}\n${i.body}\n请主要负责人组织员工学习，对照自查。`)
    ctx.logger.info({ groups: n }, 'warning cases queued')
  },
}
export default job
