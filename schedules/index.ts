import type { Job } from './types.js'
import safetyTips from './safety-tips.js'
import warningCases from './warning-cases.js'
import keyPeriods from './key-periods.js'
import dutyRoster from './duty-roster.js'
import hazardDeadlines from './hazard-deadlines.js'
import weeklySummary from './weekly-summary.js'

/** Every scheduled job; the runner (src/scheduler.ts) fires each on its cron expression. */
export const jobs: Job[] = [safetyTips, warningCases, keyPeriods, dutyRoster, hazardDeadlines, weeklySummary]
