import { and, eq, inArray, isNotNull, lt } from 'drizzle-orm'
import { schema, type Tx } from '../db/client.js'
import type { Job } from './types.js'
import { byDay, withinDays } from './periods.js'
import { addDays, daysBetween } from '../src/core/calendar.js'
import { formatDate } from '../src/core/clock.js'
import { enqueue, type Priority } from '../src/services/outbox.js'
import { chooseEndpoint } from '../src/channels/endpoints.js'
import { namedGroup } from '../src/services/pushes.js'
import { truncate } from '../src/core/text.js'

const { hazards, businesses, groups, groupAccounts, hazardReminders, identities } = schema

/** Once per hazard, kind and day ('-': once ever); false when it was sent before. */
async function claim(tx: Tx, hazardId: number, kind: string, day: string, now: Date): Promise<boolean> {
  const r = await tx.insert(hazardReminders).values({ hazardId, kind, day, at: now }).onConflictDoNothing().returning({ id: hazardReminders.hazardId })
  return r.length > 0
}

/**
 * Hazard deadlines: a reminder to the business group the day before; daily overdue reminders (at most one a
 * day per hazard); escalation to the responsible officer after ESCALATE_OFFICER_DAYS overdue days and to the
 * leaders' group after ESCALATE_LEADERS_DAYS (majors after the ESCALATE_MAJOR_* days, as urgent).
 */
const job: Job = {
  name: 'hazard-deadlines',
  cron: (c) => c.CRON_HAZARD_DEADLINES,
  period: byDay,
  catchUp: withinDays(0),
  async run(ctx, now) {
    const { db, config } = ctx
    const today = formatDate(now)
    const tomorrow = addDays(today, 1)
    const rows = await db
      .select({
        id: hazards.id,
        code: hazards.code,
        grade: hazards.grade,
        description: hazards.description,
        deadline: hazards.deadline,
        responsiblePersonId: hazards.responsiblePersonId,
        responsibleName: hazards.responsibleName,
        businessName: businesses.name,
        channel: groups.channel,
        chatId: groups.externalId,
        account: groupAccounts.account,
      })
      .from(hazards)
      .leftJoin(businesses, eq(businesses.id, hazards.businessId))
      .leftJoin(groups, eq(groups.id, hazards.groupId))
      .leftJoin(groupAccounts, and(eq(groupAccounts.channel, groups.channel), eq(groupAccounts.chatId, groups.externalId)))
      .where(and(inArray(hazards.status, ['reported', 'rectifying']), isNotNull(hazards.deadline), lt(hazards.deadline, new Date(now.getTime() + 2 * 86_400_000))))
      .orderBy(hazards.id)
    if (!rows.length) return
    // the leaders' group by the account that sits in it, else by its robot (robot-only leaders' groups)
    const found = await namedGroup(db, config.LEADERS_GROUP)
    const leaders = found && chooseEndpoint(found, found.account, config.WECOM_ROBOT_ENABLED)
    let sent = 0
    for (const h of rows) {
      const due = formatDate(h.deadline!)
      const what = `${h.code}（${h.businessName ?? '待认定'}）：${truncate(h.description, 40)}`
      const toGroup = async (text: string, priority: Priority) => {
        if (!h.chatId || !h.account) return
        await enqueue(db, { channel: h.channel!, account: h.account, chatId: h.chatId, isGroup: true, priority, text }, now)
        sent++
      }
      if (due === tomorrow) {
        if (await claim(db, h.id, 'due', today, now)) await toGroup(`【整改到期提醒】${what}\n整改期限是明天（${due}）。整改后请发：#整改 ${h.code} 整改措施，并附照片。`, 'normal')
        continue
      }
      if (h.deadline!.getTime() >= now.getTime()) continue
      const overdue = daysBetween(due, today)
      if (overdue < 1) continue
      const major = h.grade === 'major'
      if (await claim(db, h.id, 'overdue', today, now)) {
        await toGroup(`【逾期提醒】${what}\n已逾期${overdue}天（期限${due}）。请尽快整改，整改后发：#整改 ${h.code} 整改措施，并附照片。`, 'normal')
      }
      const priority: Priority = major ? 'urgent' : 'normal'
      if (overdue >= (major ? config.ESCALATE_MAJOR_OFFICER_DAYS : config.ESCALATE_OFFICER_DAYS) && (await claim(db, h.id, 'escalate_officer', '-', now))) {
        const text = `【逾期督办】${major ? '重大隐患' : '隐患'} ${what}\n已逾期${overdue}天，请负责人${h.responsibleName ?? ''}督促整改。`
        const [officer] = h.responsiblePersonId
          ? await db
              .select({ externalId: identities.externalId })
              .from(identities)
              .where(and(eq(identities.personId, h.responsiblePersonId), eq(identities.channel, h.channel ?? 'wechaty')))
              .limit(1)
          : []
        if (officer && h.account) {
          await enqueue(db, { channel: h.channel!, account: h.account, chatId: officer.externalId, isGroup: false, priority, text }, now)
          sent++
        } else await toGroup(text, priority)
      }
      if (overdue >= (major ? config.ESCALATE_MAJOR_LEADERS_DAYS : config.ESCALATE_LEADERS_DAYS) && leaders && (await claim(db, h.id, 'escalate_leaders', '-', now))) {
        await enqueue(
          db,
          { ...leaders, isGroup: true, priority, text: `【逾期升级】${major ? '重大隐患' : '隐患'} ${what}\n已逾期${overdue}天，负责人：${h.responsibleName ?? '未定'}。` },
          now,
        )
        sent++
      }
    }
    if (sent) {
      ctx.kick()
      ctx.logger.info({ sent }, 'hazard deadline reminders queued')
    }
  },
}
export default job
