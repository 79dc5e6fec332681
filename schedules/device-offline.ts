import type { Job } from './types.js'
import { minuteSlot } from './periods.js'
import { checkDevicesOffline } from '../src/services/sensors/offline.js'

/** Every 5 minutes: devices silent for DEVICE_OFFLINE_MINUTES go offline, heard again come back; a long silence is a hazard. */
const deviceOffline: Job = {
  name: 'sensors.offline',
  cron: '*/5 * * * *',
  period: (now) => minuteSlot(now, 5),
  catchUp: () => true,
  async run(ctx, now) {
    const r = await checkDevicesOffline(ctx.db, now, { offlineMinutes: ctx.config.DEVICE_OFFLINE_MINUTES, hazardHours: ctx.config.DEVICE_OFFLINE_HAZARD_HOURS })
    if (r.offline || r.back || r.hazards) ctx.logger.info(r, 'device presence changed')
    if (r.sent) ctx.kick()
  },
}

export default deviceOffline
