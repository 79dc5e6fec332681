import { and, asc, count, desc, eq, gte, inArray, isNull, lt, sql } from 'drizzle-orm'
import { schema, type Tx } from '../../db/client.js'
import type { AppConfig } from '../config.js'
import { cronTimes } from '../core/cron-times.js'
import { holidaysOnEve, periodsStartingIn } from '../core/calendar.js'
import { formatDate } from '../core/clock.js'
import { AppError } from '../core/errors.js'
import { calendarOverrides, itemByKey } from './content.js'
import { fillPeriod, namedGroup, targetGroups, type PushTarget } from './pushes.js'
import { recordAudit } from './audit.js'
import { ROBOT_ACCOUNT, ROBOT_CHANNEL } from '../core/messages.js'

/** What the console says each scheduled job sends, and to whom. */
const WHAT: Record<string, { title: string; to: 'all' | 'bureau' | 'leaders' | 'hazard-groups' | 'businesses' | 'officers'; text: string }> = {
  'safety-tips': { title: '安全提示', to: 'all', text: '每个群按行业和季节轮换一条安全提示' },
  'warning-cases': { title: '警示案例', to: 'all', text: '每个群按行业轮换一个典型事故案例' },
  'key-periods': { title: '重点时段提醒', to: 'all', text: '' },
  'duty-roster': { title: '节前值班表', to: 'all', text: '' },
  'hazard-deadlines': { title: '隐患到期提醒', to: 'hazard-groups', text: '明天到期和已逾期的隐患，发到隐患所在的群' },
  'weekly-summary': { title: '每周隐患汇总', to: 'bureau', text: '上周新发现、销号、未销号、逾期，附图' },
  'monthly-report': { title: '月度进展报告', to: 'leaders', text: '上个月的进展报告（Word）存入「报告」，要点发到局领导群' },
  'selfcheck-reminders': { title: '自查提醒', to: 'businesses', text: '本月还没有自查的单位，提醒其所在的群' },
  'responsibility-reminders': { title: '责任制提醒', to: 'businesses', text: '责任制修订临近或已过期限的单位' },
}

export interface PlannedPush {
  at: Date
  job: string
  title: string
  text: string
  /** how many groups, and the name of a single one (the bureau's or leaders' group) */
  groups: number
  group: string | null
  /** the accounts that send it: account → groups; '无' for groups no account sits in */
  accounts: { account: string; groups: number }[]
  problem: string | null
}

const accountOf = (g: PushTarget) => g.account ?? (g.channel === ROBOT_CHANNEL ? ROBOT_ACCOUNT : null)

function accounts(list: PushTarget[]): PlannedPush['accounts'] {
  const m = new Map<string, number>()
  for (const g of list) {
    const a = accountOf(g) ?? '无（没有账号在群里）'
    m.set(a, (m.get(a) ?? 0) + 1)
  }
  return [...m].map(([account, groups]) => ({ account, groups }))
}

/**
 * What the scheduler will send from `now` for `days` days: each group push at its time with the groups and the
 * accounts that send it (key periods and holiday duty rosters only on the days they fall), and the notices set
 * for a time. Reminders of single people (tasks, acknowledgements) are left out: they follow what people do.
 */
export async function pushPlan(db: Tx, config: AppConfig, jobs: { name: string; cron: string | ((c: AppConfig) => string) }[], now: Date, days = 14): Promise<PlannedPush[]> {
  const to = new Date(now.getTime() + days * 86_400_000)
  const all = await targetGroups(db)
  const overrides = await calendarOverrides(db)
  const out: PlannedPush[] = []
  const single = async (name: string, label: string) => {
    const g = await namedGroup(db, name)
    return { g, problem: g ? (accountOf(g) ? null : `${label}“${name}”里没有机器人账号，发不出`) : `${label}“${name}”不存在：请在群里登记或改 ${label === '局机关工作群' ? 'BUREAU_GROUP' : 'LEADERS_GROUP'}` }
  }
  for (const job of jobs) {
    const what = WHAT[job.name]
    if (!what) continue
    const expr = typeof job.cron === 'function' ? job.cron(config) : job.cron
    for (const at of cronTimes(expr, now, to, 100)) {
      const day = formatDate(at)
      let text = what.text
      if (job.name === 'key-periods') {
        const ps = periodsStartingIn(day, config.PERIOD_REMINDER_DAYS, overrides)
        if (!ps.length) continue
        const texts: string[] = []
        for (const p of ps) {
          const item = await itemByKey(db, `period:${p.key}`)
          if (item?.active) texts.push(fillPeriod(item.body, p, { year: String(p.year) }))
        }
        if (!texts.length) continue
        text = texts.join('\n')
      }
      if (job.name === 'duty-roster') {
        const hs = holidaysOnEve(day, overrides)
        if (!hs.length) continue
        text = `${hs.map((h) => h.name).join('、')}前一天：24小时值班表，发到所有群和局机关工作群`
      }
      const base = { at, job: job.name, title: what.title, text }
      if (what.to === 'bureau' || what.to === 'leaders') {
        const name = what.to === 'bureau' ? config.BUREAU_GROUP : config.LEADERS_GROUP
        const { g, problem } = await single(name, what.to === 'bureau' ? '局机关工作群' : '局领导群')
        out.push({ ...base, groups: g ? 1 : 0, group: name, accounts: g ? accounts([g]) : [], problem })
      } else if (what.to === 'all') {
        const none = all.filter((g) => !accountOf(g)).length
        out.push({ ...base, groups: all.length, group: null, accounts: accounts(all), problem: none ? `${none} 个群里没有机器人账号，发不出` : all.length ? null : '还没有登记的群' })
      } else {
        out.push({ ...base, groups: all.length, group: null, accounts: accounts(all), problem: null })
      }
    }
  }
  const { notices, noticeDeliveries } = schema
  const due = await db
    .select({ code: notices.code, text: notices.text, sendAt: notices.sendAt, account: notices.account, groups: count(noticeDeliveries.id) })
    .from(notices)
    .innerJoin(noticeDeliveries, eq(noticeDeliveries.noticeId, notices.id))
    .where(and(isNull(noticeDeliveries.deliveredAt), lt(notices.sendAt, to)))
    .groupBy(notices.id)
    .orderBy(asc(notices.sendAt))
  for (const n of due) {
    out.push({ at: n.sendAt < now ? now : n.sendAt, job: 'notice', title: `定时通知 ${n.code}`, text: n.text, groups: n.groups, group: null, accounts: [{ account: n.account, groups: n.groups }], problem: null })
  }
  return out.sort((a, b) => a.at.getTime() - b.at.getTime())
}

/** The outbox by status: how many in each, and the latest rows of one status. */
export async function outboxView(db: Tx, status: 'pending' | 'sending' | 'sent' | 'dead', limit: number, offset: number, since: Date) {
  const o = schema.outbox
  const counts = await db
    .select({ status: o.status, n: sql<number>`count(*)`.mapWith(Number) })
    .from(o)
    .where(status === 'sent' ? gte(o.createdAt, since) : undefined)
    .groupBy(o.status)
  const rows = await db
    .select({
      id: o.id,
      channel: o.channel,
      account: o.account,
      chatId: o.chatId,
      chatName: schema.groups.name,
      priority: o.priority,
      text: o.text,
      image: o.imageSha256,
      status: o.status,
      attempts: o.attempts,
      reason: o.lastError,
      nextAttemptAt: o.nextAttemptAt,
      sentAt: o.sentAt,
      createdAt: o.createdAt,
    })
    .from(o)
    .leftJoin(schema.groups, and(eq(schema.groups.channel, o.channel), eq(schema.groups.externalId, o.chatId)))
    .where(eq(o.status, status))
    .orderBy(desc(o.id))
    .limit(limit)
    .offset(offset)
  return { counts: Object.fromEntries(counts.map((c) => [c.status, c.n])), items: rows }
}

/** 重发: a dead message goes back to the queue with its attempts reset; audited. */
export async function retryDead(tx: Tx, id: number, who: { kind: 'token' | 'person'; id?: string | number | null; name: string; requestId?: string }, now: Date) {
  const o = schema.outbox
  const [r] = await tx
    .update(o)
    .set({ status: 'pending', attempts: 0, nextAttemptAt: now, claimedBy: null })
    .where(and(eq(o.id, id), eq(o.status, 'dead')))
    .returning({ id: o.id, status: o.status, attempts: o.attempts, chatId: o.chatId, reason: o.lastError })
  if (!r) {
    const [exists] = await tx.select({ status: o.status }).from(o).where(inArray(o.id, [id]))
    throw exists ? new AppError('invalid_state', `这条消息不是死信（${exists.status}），不能重发`) : new AppError('not_found', '没有这条消息')
  }
  await recordAudit(tx, { actorKind: who.kind, actorId: who.id, actorName: who.name, action: 'outbox.retry', targetType: 'outbox', targetId: r.id, detail: { chatId: r.chatId, reason: r.reason }, requestId: who.requestId }, now)
  return r
}
