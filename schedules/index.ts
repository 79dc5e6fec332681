import type { Job } from './types.js'
import dueNotices from './notices.js'
import ackReminders from './ack-reminders.js'
import taskReminders from './task-reminders.js'

/** Every scheduled job. */
export const jobs: Job[] = [dueNotices, ackReminders, taskReminders]
