import { activeSeasons } from '../src/core/calendar.js'
import { formatDate } from '../src/core/clock.js'
import { calendarOverrides, pickForGroups, recordSends, type ContentItem } from '../src/services/content.js'
import { pushToGroups, targetGroups } from '../src/services/pushes.js'
import type { JobContext } from './types.js'

/** Sends each registered group the next item of `kind` from its own rotation (its industries, the seasons now). */
export async function rotateToGroups(ctx: JobContext, now: Date, kind: 'tip' | 'case', jobPeriod: string, format: (i: ContentItem) => string): Promise<number> {
  const seasons = activeSeasons(formatDate(now), await calendarOverrides(ctx.db))
  const targets = await targetGroups(ctx.db)
  const picks = await pickForGroups(ctx.db, kind, targets, seasons)
  const { sent, unreachable } = await pushToGroups(ctx.db, targets, (g) => (picks.has(g.id) ? format(picks.get(g.id)!) : null), 'normal', now)
  await recordSends(ctx.db, kind, sent.map((g) => ({ groupId: g.id, itemId: picks.get(g.id)!.id })), jobPeriod, now)
  if (sent.length) ctx.kick()
  if (unreachable.length) ctx.logger.warn({ groups: unreachable.map((g) => g.name) }, 'no account sits in these groups: not sent')
  return sent.length
}
