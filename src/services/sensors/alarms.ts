import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, lte, or, sql } from 'drizzle-orm'
import { schema, type Tx } from '../../../db/client.js'
import type { AppConfig } from '../../config.js'
import { AppError } from '../../core/errors.js'
import { formatDate } from '../../core/clock.js'
import {
  DEVICE_KINDS,
  alarmCode,
  escalationAt,
  escalationTarget,
  readingText,
  type AlarmAnswer,
  type DeviceKind,
  type EscalationPolicy,
  type SensorPayload,
} from '../../core/sensors.js'
import { enqueue } from '../outbox.js'
import { directTarget, groupRoute } from '../pushes.js'
import { reportHazard, voidHazard } from '../hazards.js'
import { reaches } from '../scope.js'
import type { ChatActor, GroupRow } from '../directory.js'
import { alarmGuidance } from './guidance.js'
import { businessGroup, deviceLabel, ownerMentions, townshipOfficers, type DeviceRow } from './devices.js'

const { alarms, alarmChats, sensorEvents, devices, businesses, groups, groupAccounts, hazardEvents, hazards } = schema
export type AlarmRow = typeof alarms.$inferSelect

export interface AlarmPolicy extends EscalationPolicy {
  flapMinutes: number
  batchSeconds: number
  leadersGroup: string
  robotsOn: boolean
  /** the account this instance holds on its channel, for groups whose account is not recorded yet */
  fallback?: { channel: string; account: string }
}

export function alarmPolicy(c: AppConfig): AlarmPolicy {
  return {
    ackMinutes: c.ALARM_ACK_MINUTES,
    steps: c.ALARM_ESCALATE_STEPS,
    everyMinutes: c.ALARM_ESCALATE_MINUTES,
    flapMinutes: c.ALARM_FLAP_MINUTES,
    batchSeconds: c.ALARM_BATCH_SECONDS,
    leadersGroup: c.LEADERS_GROUP,
    robotsOn: c.WECOM_ROBOT_ENABLED,
  }
}

export type EventOutcome = 'duplicate' | 'opened' | 'repeat' | 'reopened' | 'cleared' | 'clear_without_alarm' | 'fault'

/** A device's reading in the hazard's timeline (filed from its alarm). */
async function readingEvent(tx: Tx, hazardId: number, d: DeviceRow, ev: { event: string; reading?: number | null; unit?: string | null; id?: string }, at: Date) {
  const what = ev.event === 'clear' ? '恢复正常' : ev.event === 'fault' ? '故障' : '报警'
  await tx.insert(hazardEvents).values({
    hazardId,
    action: 'sensor_reading',
    actorName: deviceLabel(d),
    note: `${what}${ev.reading !== undefined && ev.reading !== null ? '，读数 ' + readingText(ev.reading, ev.unit) : ''}`,
    data: { device: d.vendorDeviceId, vendor: d.vendor, event: ev.event, reading: ev.reading ?? null, unit: ev.unit ?? null, eventId: ev.id ?? null },
    at,
  })
}

/**
 * Records one alarm, clear or fault of a registered device, once per (device, event id), and what it does to
 * the device's alarm: opens one (announced in the same transaction when its chat's minute is free), adds a
 * reading to the open one, reopens one cleared within ALARM_FLAP_MINUTES, or closes it on a clear.
 */
export async function recordSensorEvent(
  tx: Tx,
  d: DeviceRow,
  ev: SensorPayload & { id: string; event: 'alarm' | 'clear' | 'fault' },
  now: Date,
  p: AlarmPolicy,
  opts: { announce?: boolean } = {},
): Promise<{ outcome: EventOutcome; alarmId?: number; groupId?: number | null; wrote: boolean; retryAt?: Date | null }> {
  const [row] = await tx
    .insert(sensorEvents)
    .values({ deviceId: d.id, eventId: ev.id, event: ev.event, reading: ev.reading ?? null, unit: ev.unit ?? null, deviceTime: ev.time ? new Date(ev.time) : null, receivedAt: now })
    .onConflictDoNothing()
    .returning({ id: sensorEvents.id })
  if (!row) return { outcome: 'duplicate', wrote: false }
  if (ev.event === 'fault') return { outcome: 'fault', wrote: false }
  const link = (alarmId: number) => tx.update(sensorEvents).set({ alarmId }).where(eq(sensorEvents.id, row.id))
  // the device's open alarm, else one cleared within the flapping window: one statement
  const [latest] = await tx
    .select()
    .from(alarms)
    .where(
      and(
        eq(alarms.deviceId, d.id),
        or(eq(alarms.status, 'open'), and(eq(alarms.closeReason, 'cleared'), gt(alarms.closedAt, new Date(now.getTime() - p.flapMinutes * 60_000)))),
      ),
    )
    .orderBy(sql`${alarms.status} = 'open' desc`, desc(alarms.id))
    .limit(1)
    .for('update')
  const open = latest?.status === 'open' ? latest : undefined
  if (ev.event === 'clear') {
    if (!open) return { outcome: 'clear_without_alarm', wrote: false }
    await tx.update(alarms).set({ status: 'closed', closedAt: now, closeReason: 'cleared', nextEscalationAt: null, lastEventAt: now }).where(eq(alarms.id, open.id))
    await link(open.id)
    if (open.hazardId !== null) await readingEvent(tx, open.hazardId, d, ev, now)
    return { outcome: 'cleared', alarmId: open.id, wrote: false }
  }
  const addReading = async (a: AlarmRow, reopen: boolean) => {
    await tx
      .update(alarms)
      .set({
        readings: sql`${alarms.readings} + 1`,
        lastReading: ev.reading ?? null,
        lastEventAt: now,
        ...(reopen
          ? { status: 'open' as const, closedAt: null, closeReason: null, nextEscalationAt: a.answer === null ? escalationAt(a.openedAt, a.escalations, p) : null }
          : {}),
      })
      .where(eq(alarms.id, a.id))
    await link(a.id)
    if (a.hazardId !== null) await readingEvent(tx, a.hazardId, d, ev, now)
  }
  if (open) {
    await addReading(open, false)
    return { outcome: 'repeat', alarmId: open.id, wrote: false }
  }
  // flapping: cleared a moment ago, alarming again; the same alarm, a reading more
  if (latest) {
    await addReading(latest, true)
    return { outcome: 'reopened', alarmId: latest.id, wrote: false }
  }
  const groupId = d.groupId ?? (await businessGroup(tx, d.businessId))?.id ?? null
  const [a] = await tx
    .insert(alarms)
    .values({
      deviceId: d.id,
      businessId: d.businessId,
      groupId,
      openedAt: now,
      reading: ev.reading ?? null,
      unit: ev.unit ?? null,
      lastReading: ev.reading ?? null,
      lastEventAt: now,
      nextEscalationAt: escalationAt(now, 0, p),
    })
    .returning()
  await link(a.id)
  // several events recorded together announce their new alarms once, after the last (see the ingest)
  if (opts.announce === false) return { outcome: 'opened', alarmId: a.id, groupId, wrote: false }
  const r = await announceAlarms(tx, now, p, { groupIds: [groupId], alarmIds: [a.id] })
  return { outcome: 'opened', alarmId: a.id, groupId, wrote: r.sent > 0, retryAt: r.nextAt }
}

interface Pending {
  alarm: AlarmRow
  device: DeviceRow
  businessName: string
  townshipId: number | null
  industry: string
}

const line = (x: Pending) =>
  `${alarmCode(x.alarm.id)} ${deviceLabel(x.device)}报警${x.alarm.reading !== null ? '，读数 ' + readingText(x.alarm.reading, x.alarm.unit) : ''}`

/**
 * Sends the alarms not yet announced: per chat one urgent message @-mentioning the owners, with the guidance
 * for each danger, unless the chat had one within ALARM_BATCH_SECONDS (then they wait and go together: the
 * returned `nextAt` says when); and one notice per township officer. With `only`, just those chats (and
 * those alarms, for the ones whose chat is unknown). Chats are claimed in the order of their ids (two
 * transactions announcing the same chats never wait for each other in a circle).
 */
export async function announceAlarms(tx: Tx, now: Date, p: AlarmPolicy, only?: { groupIds: (number | null)[]; alarmIds: number[] }): Promise<{ sent: number; nextAt: Date | null; unreachable?: number }> {
  const where = [isNull(alarms.announcedAt)]
  if (only) {
    const ids = [...new Set(only.groupIds.filter((g): g is number => g !== null))]
    const chats = ids.length ? inArray(alarms.groupId, ids) : undefined
    const loose = only.groupIds.includes(null) ? and(isNull(alarms.groupId), inArray(alarms.id, only.alarmIds)) : undefined
    const w = chats && loose ? or(chats, loose) : (chats ?? loose)
    if (!w) return { sent: 0, nextAt: null }
    where.push(w)
  }
  const rows = await tx
    .select({ alarm: alarms, device: devices, businessName: businesses.name, townshipId: businesses.townshipId, industry: businesses.industry })
    .from(alarms)
    .innerJoin(devices, eq(devices.id, alarms.deviceId))
    .innerJoin(businesses, eq(businesses.id, alarms.businessId))
    .where(and(...where))
    .orderBy(asc(alarms.id))
    .for('update', { of: alarms, skipLocked: true })
  if (!rows.length) return { sent: 0, nextAt: null }
  let sent = 0
  let unreachable = 0
  let nextAt: Date | null = null
  const byGroup = new Map<number | null, Pending[]>()
  for (const r of rows) byGroup.set(r.alarm.groupId, [...(byGroup.get(r.alarm.groupId) ?? []), r])
  const announced: Pending[] = []
  for (const [groupId, list] of [...byGroup].sort(([x], [y]) => (x ?? 0) - (y ?? 0))) {
    // alarms closed before their turn (a clear within the minute) are not worth a message of their own
    const open = list.filter((x) => x.alarm.status === 'open')
    if (groupId !== null && open.length) {
      const g = await groupChat(tx, groupId)
      // the account that sits in the group, else (same channel) the one this instance holds
      const account = g?.account ?? (g && p.fallback?.channel === g.channel ? p.fallback.account : null)
      if (!g || !account) {
        // no account can reach the chat yet: the alarms wait (the escalation job tries again every minute)
        unreachable += list.length
        continue
      }
      // the chat's minute, claimed in one statement: nothing back means a message went there less than a minute ago
      const free = new Date(now.getTime() - p.batchSeconds * 1000)
      const claimed = await tx
        .insert(alarmChats)
        .values({ groupId, lastSentAt: now })
        .onConflictDoUpdate({ target: alarmChats.groupId, set: { lastSentAt: now }, setWhere: lte(alarmChats.lastSentAt, free) })
        .returning({ groupId: alarmChats.groupId })
      if (!claimed.length) {
        const [chat] = await tx.select().from(alarmChats).where(eq(alarmChats.groupId, groupId))
        const at = new Date(chat.lastSentAt.getTime() + p.batchSeconds * 1000)
        if (!nextAt || at < nextAt) nextAt = at
        continue
      }
      const mentions = await ownerMentions(tx, [...new Set(open.map((x) => x.alarm.businessId))], g.channel)
      const dangers = [...new Set(open.map((x) => DEVICE_KINDS[x.device.kind as DeviceKind]?.danger ?? 'fire'))]
      const guidance = await Promise.all(dangers.map((k) => alarmGuidance(tx, k)))
      const names = [...new Set(open.map((x) => x.businessName))].join('、')
      const first = alarmCode(open[0].alarm.id)
      const text = [
        `【设备报警】${names}`,
        ...open.map(line),
        ...guidance,
        `处置后回复：已处理 ${first}；误报回复：误报 ${first}；知悉回复：收到 ${first}`,
      ].join('\n')
      await enqueue(tx, { channel: g.channel, account, chatId: g.chatId, isGroup: true, priority: 'urgent', text, mentionIds: mentions }, now)
      sent++
    }
    announced.push(...list)
  }
  if (!announced.length) return { sent, nextAt, unreachable }
  await tx.update(alarms).set({ announcedAt: now }).where(inArray(alarms.id, announced.map((x) => x.alarm.id)))
  sent += await tellOfficers(
    tx,
    announced.filter((x) => x.alarm.status === 'open'),
    (xs) => [`【设备报警】${xs.map((x) => `${x.businessName} ${line(x)}`).join('\n')}`, `已通知业主；${p.ackMinutes}分钟内未确认将再次提醒您。`].join('\n'),
    now,
  )
  return { sent, nextAt, unreachable }
}

/** A group's chat and the account that sits in it (null account: none recorded). */
async function groupChat(tx: Tx, groupId: number | null) {
  if (groupId === null) return null
  const [g] = await tx
    .select({ channel: groups.channel, chatId: groups.externalId, account: groupAccounts.account })
    .from(groups)
    .leftJoin(groupAccounts, and(eq(groupAccounts.channel, groups.channel), eq(groupAccounts.chatId, groups.externalId)))
    .where(eq(groups.id, groupId))
  return g ?? null
}

/** One direct message per township officer over the alarms of their businesses. */
async function tellOfficers(tx: Tx, list: Pending[], text: (xs: Pending[]) => string, now: Date): Promise<number> {
  const byOfficer = new Map<number, Pending[]>()
  // many alarms of one township and industry (a burst): their officers read once
  const officers = new Map<string, Awaited<ReturnType<typeof townshipOfficers>>>()
  for (const x of list) {
    const key = `${x.townshipId}/${x.industry}`
    if (!officers.has(key)) officers.set(key, await townshipOfficers(tx, x.townshipId, x.industry))
    for (const o of officers.get(key)!) byOfficer.set(o.id, [...(byOfficer.get(o.id) ?? []), x])
  }
  let sent = 0
  for (const [personId, xs] of byOfficer) {
    // the account in the alarm's group can write to the officer when no direct chat is recorded yet
    const g = await groupChat(tx, xs[0].alarm.groupId)
    const to = await directTarget(tx, personId, g ? { channel: g.channel, account: g.account } : undefined)
    if (!to) continue
    await enqueue(tx, { ...to, priority: 'urgent', text: text(xs) }, now)
    sent++
  }
  return sent
}

async function pendingOf(tx: Tx, a: AlarmRow): Promise<Pending> {
  const [r] = await tx
    .select({ device: devices, businessName: businesses.name, townshipId: businesses.townshipId, industry: businesses.industry })
    .from(devices)
    .innerJoin(businesses, eq(businesses.id, devices.businessId))
    .where(eq(devices.id, a.deviceId))
  return { alarm: a, ...r }
}

/** Files the alarm's hazard (category from the device kind, its readings in the timeline); returns its code. */
async function fileHazard(tx: Tx, x: Pending, now: Date, why: string): Promise<string> {
  const [b] = await tx.select().from(businesses).where(eq(businesses.id, x.alarm.businessId))
  const [group] = x.alarm.groupId !== null ? await tx.select().from(groups).where(eq(groups.id, x.alarm.groupId)) : [null as GroupRow | null]
  const kind = DEVICE_KINDS[x.device.kind as DeviceKind]
  const actor: ChatActor = { role: 'member', personId: null, identityId: null, businessIds: [b.id], businesses: [b], townshipId: b.townshipId, industries: [], name: `设备报警 ${alarmCode(x.alarm.id)}` }
  const { hazard } = await reportHazard(
    { tx, actor, now },
    { description: `${deviceLabel(x.device)}报警（${alarmCode(x.alarm.id)}，${why}）`, place: x.device.location, category: kind?.category ?? 'other', categoryGiven: true, major: false },
    { group },
  )
  await tx.update(alarms).set({ hazardId: hazard.id }).where(eq(alarms.id, x.alarm.id))
  const readings = await tx.select().from(sensorEvents).where(eq(sensorEvents.alarmId, x.alarm.id)).orderBy(asc(sensorEvents.id))
  for (const r of readings) await readingEvent(tx, hazard.id, x.device, { event: r.event, reading: r.reading, unit: r.unit, id: r.eventId }, r.receivedAt)
  return hazard.code
}

/**
 * The escalation steps due: the officer reminded (each step but the last), then the leaders' group told and
 * the hazard filed (the last). Acknowledged or closed alarms have no step due.
 */
export async function escalateAlarms(tx: Tx, now: Date, p: AlarmPolicy): Promise<number> {
  const due = await tx
    .select()
    .from(alarms)
    .where(and(eq(alarms.status, 'open'), isNull(alarms.answer), isNotNull(alarms.nextEscalationAt), lte(alarms.nextEscalationAt, now)))
    .orderBy(asc(alarms.id))
    .for('update', { skipLocked: true })
  let sent = 0
  for (const a of due) {
    const x = await pendingOf(tx, a)
    const step = a.escalations + 1
    const minutes = Math.round((now.getTime() - a.openedAt.getTime()) / 60_000)
    if (escalationTarget(step, p) === 'officer') {
      sent += await tellOfficers(tx, [x], () => `【报警未确认】${x.businessName} ${line(x)}\n报警已${minutes}分钟无人确认，请电话联系业主到场处置。`, now)
    } else {
      const code = x.alarm.hazardId === null ? await fileHazard(tx, x, now, `${minutes}分钟无人确认`) : null
      const to = await groupRoute(tx, p.leadersGroup, { channel: '', account: '' }, p.robotsOn)
      if (to) {
        const text = `【报警升级】${x.businessName} ${line(x)}\n已${minutes}分钟无人确认${code ? `，已登记隐患 ${code}` : ''}。`
        await enqueue(tx, { ...to, isGroup: true, priority: 'urgent', text }, now)
        sent++
      }
    }
    await tx.update(alarms).set({ escalations: step, nextEscalationAt: escalationAt(a.openedAt, step, p) }).where(eq(alarms.id, a.id))
  }
  return sent
}

/** The alarm an answer is about: by code, else the one open alarm of the sender's businesses. Null: none. */
async function alarmFor(tx: Tx, actor: ChatActor, alarmId: number | null, answer: AlarmAnswer): Promise<AlarmRow | null> {
  if (alarmId !== null) {
    const [a] = await tx.select().from(alarms).where(eq(alarms.id, alarmId)).for('update')
    if (!a) throw new AppError('not_found', `没有找到报警 ${alarmCode(alarmId)}，请检查编号`)
    return a
  }
  if (!actor.businessIds.length) return null
  // 误报 also reaches an alarm already filed as a hazard (to void it) while the device still reports it
  const list = await tx
    .select()
    .from(alarms)
    .where(and(inArray(alarms.businessId, actor.businessIds), answer === 'false_alarm' ? or(eq(alarms.status, 'open'), isNotNull(alarms.hazardId)) : eq(alarms.status, 'open'), sql`${alarms.answer} is distinct from 'false_alarm'`))
    .orderBy(desc(alarms.id))
    .limit(5)
    .for('update')
  const open = list.filter((a) => a.status === 'open')
  const pick = open.length ? open : list.slice(0, 1)
  if (pick.length > 1) throw new AppError('usage', `您有${pick.length}个报警未处理：${pick.map((a) => alarmCode(a.id)).join('、')}\n请带上编号，如：已处理 ${alarmCode(pick[0].id)}`)
  return pick[0] ?? null
}

/**
 * The owner's (or an officer's) answer to an alarm. 收到 stops the escalation; 已处理 files the hazard (if
 * not yet) that then runs the normal loop; 误报 closes the alarm with no hazard, or voids the one filed.
 * Null when the code was left out and nothing of the sender's is open (the text was chatter).
 */
export async function answerAlarm(tx: Tx, actor: ChatActor, answer: AlarmAnswer, alarmId: number | null, now: Date): Promise<string | null> {
  const a = await alarmFor(tx, actor, alarmId, answer)
  if (!a) return null
  const x = await pendingOf(tx, a)
  const code = alarmCode(a.id)
  if (!reaches(actor, 'hazard.view', { id: a.businessId, townshipId: x.townshipId, industry: x.industry })) {
    throw new AppError('forbidden', `报警 ${code} 不是您单位的，不能处理`)
  }
  if (a.answer === 'false_alarm') throw new AppError('invalid_state', `${code} 已按误报处理`)
  const by = actor.name
  if (answer === 'received') {
    if (a.status !== 'open') return `${code} 已结束，不用再确认。`
    if (!a.answer) await tx.update(alarms).set({ answer: 'received', answeredAt: now, answeredBy: by, nextEscalationAt: null }).where(eq(alarms.id, a.id))
    return `已确认收到报警 ${code}。请尽快到场排查处置，处置后回复：已处理 ${code}`
  }
  if (answer === 'handled') {
    await tx.update(alarms).set({ answer: 'handled', answeredAt: now, answeredBy: by, nextEscalationAt: null }).where(eq(alarms.id, a.id))
    if (a.hazardId !== null) {
      const [h] = await tx.select({ code: hazards.code }).from(hazards).where(eq(hazards.id, a.hazardId))
      return `${code} 已记录为已处理。隐患 ${h.code} 已在跟踪，整改后发：#整改 ${h.code} 整改措施，并附照片`
    }
    const hc = await fileHazard(tx, x, now, `${by}已处理`)
    return `${code} 已记录为已处理，已登记隐患 ${hc}（${formatDate(now)}）。\n整改后发：#整改 ${hc} 整改措施，并附照片`
  }
  // 误报
  await tx
    .update(alarms)
    .set({ answer: 'false_alarm', answeredAt: now, answeredBy: by, nextEscalationAt: null, status: 'closed', closedAt: a.closedAt ?? now, closeReason: a.closeReason ?? 'false_alarm' })
    .where(eq(alarms.id, a.id))
  if (a.hazardId === null) return `${code} 已按误报关闭，不登记隐患。`
  // the hazard was filed on the device's word: the answer voids it (作废), kept in the ledger with the reason
  const [h] = await tx.select({ code: hazards.code, status: hazards.status }).from(hazards).where(eq(hazards.id, a.hazardId))
  if (h.status === 'voided') return `${code} 已按误报关闭（隐患 ${h.code} 已作废）。`
  const system: ChatActor = { role: 'admin', personId: null, identityId: null, businessIds: [], townshipId: null, industries: [], name: `${by}（误报 ${code}）` }
  await voidHazard({ tx, actor: system, now }, h.code, `设备误报（${code}，${by}确认）`)
  return `${code} 已按误报关闭，隐患 ${h.code} 已作废（仍留在台账中，不计入统计）。`
}
