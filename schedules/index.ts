import type { Job } from './types.js'
import safetyTips from './safety-tips.js'
import warningCases from './warning-cases.js'
import keyPeriods from './key-periods.js'
import dutyRoster from './duty-roster.js'
import hazardDeadlines from './hazard-deadlines.js'
import weeklySummary from './weekly-summary.js'
import dueNotices from './notices.js'
import ackReminders from './ack-reminders.js'
import taskReminders from './task-reminders.js'
import selfcheckReminders from './selfcheck-reminders.js'
import responsibilityReminders from './responsibility-reminders.js'
import monthlyReport from './monthly-report.js'
import draftExpiry from './draft-expiry.js'
import licenceReminders from './licence-reminders.js'
import drillReminders from './drill-reminders.js'
import sensorAlarms from './sensor-alarms.js'
import deviceOffline from './device-offline.js'

/** The pushes: tips, cases, key periods, duty rosters, hazard deadlines, the weekly summary. */
export const pushJobs: Job[] = [safetyTips, warningCases, keyPeriods, dutyRoster, hazardDeadlines, weeklySummary]

/** Notices due at their time, acknowledgement and task reminders. */
export const noticeJobs: Job[] = [dueNotices, ackReminders, taskReminders]

/** The action plan's programmes: self-check and responsibility-system reminders, the leaders' monthly report. */
export const programmeJobs: Job[] = [selfcheckReminders, responsibilityReminders, monthlyReport]

/** Plain-words drafts that expired unanswered (their senders are told). */
export const intakeJobs: Job[] = [draftExpiry]

/** The plan's registers (issue 16): licence expiry and drill reminders. */
export const registerJobs: Job[] = [licenceReminders, drillReminders]

/** Sensors: alarms that waited for their chat's minute, escalations, devices gone silent. */
export const sensorJobs: Job[] = [sensorAlarms, deviceOffline]

/** Every scheduled job; the runner (src/scheduler.ts) fires each on its cron expression. */
export const jobs: Job[] = [...pushJobs, ...noticeJobs, ...programmeJobs, ...intakeJobs, ...registerJobs, ...sensorJobs]
