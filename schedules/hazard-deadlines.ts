import { and, eq, inArray, isNotNull, lt } from 'drizzle-orm'
import { schema, type Tx } from '../db/client.js'
import type { Job } from './types.js'
import { byDay, withinDays } from './periods.js'
import { addDays, daysBetween } from '../src/core/calendar.js'
import { formatDate } from '../src/core/clock.js'
import { enqueue, type Priority } from '../src/services/outbox.js'
import { chooseEndpoint } from '../src/channels/endpoints.js'
import { directTarget, namedGroup, type ChatTarget } from '../src/services/pushes.js'
import { truncate } from '../src/core/text.js'

const { hazards, businesses, groups, groupAccounts, hazardReminders } = schema

/** Once per hazard, kind and day ('-': once ever); false when it was sent before. */
async function claim(tx: Tx, hazardId: number, kind: string, day: string, now: Date): Promise<boolean> {
  const r = await tx.insert(hazardReminders).values({ hazardId, kind, day, at: now }).onConflictDoNothing().returning({ id: hazardReminders.hazardId })
  return r.length > 0
}

/** Lets a claim go: nothing could be sent for it. */
async function release(tx: Tx, hazardId: number, kind: string, day: string): Promise<void> {
  const r = hazardReminders
  await tx.delete(r).where(and(eq(r.hazardId, hazardId), eq(r.kind, kind), eq(r.day, day)))
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
        groupId: hazards.groupId,
        reporterPersonId: hazards.reporterPersonId,
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
    const unreachable: string[] = []
    /**
     * Claims (hazard, kind, day) and sends to the chat `where` finds, only looked up once the claim is won (most
     * escalations were sent days ago); with no chat to send to, the claim is let go so the next run tries again.
     */
    const remind = async (h: (typeof rows)[number], kind: string, day: string, where: () => Promise<ChatTarget | null>, text: string, priority: Priority) => {
      if (!(await claim(db, h.id, kind, day, now))) return
      const to = await where()
      if (!to) {
        await release(db, h.id, kind, day)
        unreachable.push(h.code)
        return
      }
      await enqueue(db, { ...to, priority, text }, now)
      sent++
    }
    for (const h of rows) {
      const due = formatDate(h.deadline!)
      const what = `${h.code}（${h.businessName ?? '待认定'}）：${truncate(h.description, 40)}`
      // where the hazard was reported: its group, or the reporter's direct chat (looked up once, when needed)
      let homeFound: Promise<ChatTarget | null> | undefined
      const home = () =>
        (homeFound ??=
          h.chatId && h.account
            ? Promise.resolve({ channel: h.channel!, account: h.account, chatId: h.chatId, isGroup: true })
            : h.groupId === null && h.reporterPersonId !== null
              ? directTarget(db, h.reporterPersonId)
              : Promise.resolve(null))
      if (due === tomorrow) {
        await remind(h, 'due', today, home, `【整改到期提醒】${what}\n整改期限是明天（${due}）。整改后请发：#整改 ${h.code} 整改措施，并附照片。`, 'normal')
        continue
      }
      if (h.deadline!.getTime() >= now.getTime()) continue
      const overdue = daysBetween(due, today)
      if (overdue < 1) continue
      const major = h.grade === 'major'
      await remind(h, 'overdue', today, home, `【逾期提醒】${what}\n已逾期${overdue}天（期限${due}）。请尽快整改，整改后发：#整改 ${h.code} 整改措施，并附照片。`, 'normal')
      const priority: Priority = major ? 'urgent' : 'normal'
      if (overdue >= (major ? config.ESCALATE_MAJOR_OFFICER_DAYS : config.ESCALATE_OFFICER_DAYS)) {
        // the officer directly; else the hazard's group; never the business owner's direct chat
        const officerOrGroup = async () => {
          const at = await home()
          const officer = h.responsiblePersonId !== null ? await directTarget(db, h.responsiblePersonId, at ?? undefined) : null
          return officer ?? (at?.isGroup ? at : null)
        }
        await remind(h, 'escalate_officer', '-', officerOrGroup, `【逾期督办】${major ? '重大隐患' : '隐患'} ${what}\n已逾期${overdue}天，请负责人${h.responsibleName ?? ''}督促整改。`, priority)
      }
      if (overdue >= (major ? config.ESCALATE_MAJOR_LEADERS_DAYS : config.ESCALATE_LEADERS_DAYS)) {
        const toLeaders = async () => (leaders ? { ...leaders, isGroup: true } : null)
        await remind(h, 'escalate_leaders', '-', toLeaders, `【逾期升级】${major ? '重大隐患' : '隐患'} ${what}\n已逾期${overdue}天，负责人：${h.responsibleName ?? '未定'}。`, priority)
      }
    }
    // nothing is claimed for what no account can reach: it is tried again on the next run, and said here
    if (unreachable.length) ctx.logger.warn({ hazards: [...new Set(unreachable)].slice(0, 50), count: new Set(unreachable).size }, 'hazard reminders with no chat to send to')
    if (sent) {
      ctx.kick()
      ctx.logger.info({ sent }, 'hazard deadline reminders queued')
    }
  },
}
export default job
