import type { Job } from './types.js'
import { minuteSlot } from './periods.js'
import { remindNonAcknowledgers } from '../src/services/notices.js'

/** ACK_REMIND_HOURS after a notice that asks for acknowledgement, @-mentions those who have not, once per group. */
const ackReminders: Job = {
  name: 'notices.ack_reminders',
  cron: '*/10 * * * *',
  period: (now) => minuteSlot(now, 10),
  catchUp: () => true,
  async run(ctx, now) {
    const n = await remindNonAcknowledgers(ctx.db, now, ctx.config.ACK_REMIND_HOURS)
    if (n) {
      ctx.logger.info({ groups: n }, 'acknowledgement reminders sent')
      ctx.kick()
    }
  },
}

export default ackReminders
