import type { Job } from './types.js'
import selfcheckReminders from './selfcheck-reminders.js'
import responsibilityReminders from './responsibility-reminders.js'

/** Every scheduled job. */
export const jobs: Job[] = [selfcheckReminders, responsibilityReminders]
