import type { Job } from './types.js'
import { previousMonth } from '../src/services/documents/monthly.js'
import { produceMonthlyReport, publicBase } from '../src/services/reports.js'

/**
 * On the 1st, the leaders' monthly progress report for the month before: written from the records as a Word
 * document kept in the console (报告), its key figures announced in LEADERS_GROUP. One per month: the period is
 * the month reported on, caught up on a later day of the month after when the 1st was missed.
 */
const job: Job = {
  name: 'monthly-report',
  cron: (c) => c.CRON_MONTHLY_REPORT,
  period: previousMonth,
  catchUp: (period, now) => previousMonth(now) === period,
  async run(ctx, now) {
    const r = await produceMonthlyReport(ctx.db, { month: previousMonth(now), now, base: publicBase(ctx.config), by: '系统（每月1日）', announceTo: ctx.config.LEADERS_GROUP })
    if (r.announced) ctx.kick()
    else ctx.logger.warn({ group: ctx.config.LEADERS_GROUP, month: r.report.period }, 'monthly report kept, but the leaders group could not be reached (set LEADERS_GROUP)')
  },
}

export default job
