import type { Job } from './types.js'
import { minuteSlot } from './periods.js'
import { alarmPolicy, announceAlarms, escalateAlarms } from '../src/services/sensors/alarms.js'

/**
 * Every minute: sends the device alarms that waited for their chat's minute, and the escalation steps due
 * (the officer reminded ALARM_ACK_MINUTES after an unacknowledged alarm, then the leaders' group told and a
 * hazard filed, ALARM_ESCALATE_* apart).
 */
const sensorAlarms: Job = {
  name: 'sensors.alarms',
  cron: '* * * * *',
  period: (now) => minuteSlot(now, 1),
  catchUp: () => true,
  async run(ctx, now) {
    const p = alarmPolicy(ctx.config)
    const announced = await announceAlarms(ctx.db, now, p)
    const escalated = await escalateAlarms(ctx.db, now, p)
    if (announced.sent || escalated) {
      ctx.logger.info({ announced: announced.sent, escalated }, 'device alarms sent')
      ctx.kick()
    }
  },
}

export default sensorAlarms
