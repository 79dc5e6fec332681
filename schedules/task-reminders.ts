import type { Job } from './types.js'
import { minuteSlot } from './periods.js'
import { remindTasks } from '../src/services/tasks.js'

/** Officers' tasks: a reminder TASK_REMIND_BEFORE_HOURS before the deadline, then at most one a day while overdue. */
const taskReminders: Job = {
  name: 'tasks.reminders',
  cron: '5 * * * *',
  period: (now) => minuteSlot(now, 60),
  catchUp: () => true,
  async run(ctx, now) {
    const n = await remindTasks(ctx.db, now, ctx.config.TASK_REMIND_BEFORE_HOURS)
    if (n) {
      ctx.logger.info({ reminders: n }, 'task reminders sent')
      ctx.kick()
    }
  },
}

export default taskReminders
