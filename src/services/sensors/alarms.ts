import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, lte, or, sql } from 'drizzle-orm'
import { query, schema, type Tx } from '../../../db/client.js'
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
import { enqueue, enqueueMany, type OutboxItem } from '../outbox.js'
import { directTarget, groupRoute } from '../pushes.js'
import { reportHazard, voidHazard } from '../hazards.js'
import { reaches } from '../scope.js'
import type { ChatActor, GroupRow } from '../directory.js'
import { alarmGuidance } from './guidance.js'
import { businessGroup, deviceLabel, ownerIdentities, townshipOfficers, type DeviceRow } from './devices.js'

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

/** A device's reading in the hazard's timeline (filed from its alarm), as the row to insert. */
function readingValues(hazardId: number, d: DeviceRow, ev: { event: string; reading?: number | null; unit?: string | null; id?: string }, at: Date): typeof hazardEvents.$inferInsert {
  const what = ev.event === 'clear' ? '恢复正常' : ev.event === 'fault' ? '故障' : '报警'
  return {
    hazardId,
    action: 'sensor_reading',
    actorName: deviceLabel(d),
    note: `${what}${ev.reading !== undefined && ev.reading !== null ? '，读数 ' + readingText(ev.reading, ev.unit) : ''}`,
    data: { device: d.vendorDeviceId, vendor: d.vendor, event: ev.event, reading: ev.reading ?? null, unit: ev.unit ?? null, eventId: ev.id ?? null },
    at,
  }
}

export type SensorEventIn = SensorPayload & { id: string; event: 'alarm' | 'clear' | 'fault' }
export interface RecordResult {
  outcome: EventOutcome
  alarmId?: number
  groupId?: number | null
}

const ADD_READINGS = `update alarms a set readings = a.readings + 1, last_reading = v.reading, last_event_at = $5::timestamptz,
    status = case when v.reopen = 1 then 'open' else a.status end,
    closed_at = case when v.reopen = 1 then null else a.closed_at end,
    close_reason = case when v.reopen = 1 then null else a.close_reason end,
    next_escalation_at = case when v.reopen = 1 then v.next else a.next_escalation_at end
  from unnest($1::int[], $2::float8[], $3::int[], $4::timestamptz[]) as v(id, reading, reopen, next)
  where a.id = v.id`

const INSERT_EVENTS = `insert into sensor_events (device_id, event_id, event, reading, unit, device_time, received_at)
  select device, id, event, reading, unit, at, $7::timestamptz
  from unnest($1::int[], $2::text[], $3::text[], $4::float8[], $5::text[], $6::timestamptz[]) as v(device, id, event, reading, unit, at)
  on conflict do nothing
  returning id::text as id, device_id`

const INSERT_ALARMS = `insert into alarms (device_id, business_id, group_id, opened_at, reading, unit, last_reading, last_event_at, next_escalation_at)
  select device, business, chat, $6::timestamptz, reading, unit, reading, $6::timestamptz, $7::timestamptz
  from unnest($1::int[], $2::int[], $3::int[], $4::float8[], $5::text[]) as v(device, business, chat, reading, unit)
  returning id, device_id`

const LINK_EVENTS = `update sensor_events s set alarm_id = v.alarm
  from unnest($1::bigint[], $2::int[]) as v(id, alarm) where s.id = v.id`

/**
 * Records alarms, clears and faults of registered devices, each once per (device, event id), and what they do to
 * the devices' alarms: open one, add a reading to the open one, reopen one cleared within ALARM_FLAP_MINUTES, or
 * close it on a clear. The same few statements for one event or a burst of them (one insert of the events, one
 * read of the devices' alarms, one insert of the new alarms, …); one device's events are taken in their order.
 * New alarms are not announced here: `announceAlarms` sends them (one message per chat).
 */
export async function recordSensorEvents(tx: Tx, items: { device: DeviceRow; ev: SensorEventIn }[], now: Date, p: AlarmPolicy): Promise<RecordResult[]> {
  const results: RecordResult[] = new Array(items.length)
  // rounds in which each device has one event at most, so its events are applied in their order
  let todo = items.map((x, i) => ({ ...x, i }))
  while (todo.length) {
    const round: typeof todo = []
    const later: typeof todo = []
    const inRound = new Set<number>()
    for (const x of todo) {
      if (inRound.has(x.device.id)) later.push(x)
      else {
        inRound.add(x.device.id)
        round.push(x)
      }
    }
    await recordRound(tx, round, now, p, results)
    todo = later
  }
  return results
}

async function recordRound(tx: Tx, items: { device: DeviceRow; ev: SensorEventIn; i: number }[], now: Date, p: AlarmPolicy, results: RecordResult[]) {
  const inserted = await query<{ id: string; device_id: number }>(tx, INSERT_EVENTS, [
    items.map((x) => x.device.id),
    items.map((x) => x.ev.id),
    items.map((x) => x.ev.event),
    items.map((x) => x.ev.reading ?? null),
    items.map((x) => x.ev.unit ?? null),
    items.map((x) => (x.ev.time ? new Date(x.ev.time) : null)),
    now,
  ])
  const rowOf = new Map(inserted.map((r) => [Number(r.device_id), r.id]))
  const live: { device: DeviceRow; ev: SensorEventIn; i: number; row: string }[] = []
  for (const x of items) {
    const row = rowOf.get(x.device.id)
    if (row === undefined) results[x.i] = { outcome: 'duplicate' }
    else if (x.ev.event === 'fault') results[x.i] = { outcome: 'fault' }
    else live.push({ ...x, row })
  }
  if (!live.length) return
  // each device's open alarm, else the one cleared within the flapping window: one statement for all
  const found = await tx
    .select()
    .from(alarms)
    .where(
      and(
        inArray(alarms.deviceId, live.map((x) => x.device.id)),
        or(eq(alarms.status, 'open'), and(eq(alarms.closeReason, 'cleared'), gt(alarms.closedAt, new Date(now.getTime() - p.flapMinutes * 60_000)))),
      ),
    )
    .orderBy(asc(alarms.deviceId), sql`${alarms.status} = 'open' desc`, desc(alarms.id))
    .for('update')
  const latestOf = new Map<number, AlarmRow>()
  for (const a of found) if (!latestOf.has(a.deviceId)) latestOf.set(a.deviceId, a)
  const links: { row: string; alarmId: number }[] = []
  const readings: { hazardId: number; device: DeviceRow; ev: SensorEventIn }[] = []
  const cleared: number[] = []
  const added: { id: number; reading: number | null; reopen: boolean; next: Date | null }[] = []
  const fresh: typeof live = []
  for (const x of live) {
    const latest = latestOf.get(x.device.id)
    const open = latest?.status === 'open' ? latest : undefined
    const touch = (a: AlarmRow, outcome: EventOutcome) => {
      links.push({ row: x.row, alarmId: a.id })
      if (a.hazardId !== null) readings.push({ hazardId: a.hazardId, device: x.device, ev: x.ev })
      results[x.i] = { outcome, alarmId: a.id }
    }
    if (x.ev.event === 'clear') {
      if (!open) results[x.i] = { outcome: 'clear_without_alarm' }
      else {
        cleared.push(open.id)
        touch(open, 'cleared')
      }
    } else if (open) {
      added.push({ id: open.id, reading: x.ev.reading ?? null, reopen: false, next: null })
      touch(open, 'repeat')
    } else if (latest) {
      // flapping: cleared a moment ago, alarming again; the same alarm, a reading more
      added.push({ id: latest.id, reading: x.ev.reading ?? null, reopen: true, next: latest.answer === null ? escalationAt(latest.openedAt, latest.escalations, p) : null })
      touch(latest, 'reopened')
    } else fresh.push(x)
  }
  if (cleared.length) {
    await tx.update(alarms).set({ status: 'closed', closedAt: now, closeReason: 'cleared', nextEscalationAt: null, lastEventAt: now }).where(inArray(alarms.id, cleared))
  }
  if (added.length) {
    await query(tx, ADD_READINGS, [added.map((a) => a.id), added.map((a) => a.reading), added.map((a) => (a.reopen ? 1 : 0)), added.map((a) => a.next), now])
  }
  if (fresh.length) {
    // the device's chat, else its business's group (looked up once per business)
    const groupOf = new Map<number, number | null>()
    for (const x of fresh) {
      if (x.device.groupId === null && !groupOf.has(x.device.businessId)) groupOf.set(x.device.businessId, (await businessGroup(tx, x.device.businessId))?.id ?? null)
    }
    const chat = (d: DeviceRow) => d.groupId ?? groupOf.get(d.businessId) ?? null
    const made = await query<{ id: number; device_id: number }>(tx, INSERT_ALARMS, [
      fresh.map((x) => x.device.id),
      fresh.map((x) => x.device.businessId),
      fresh.map((x) => chat(x.device)),
      fresh.map((x) => x.ev.reading ?? null),
      fresh.map((x) => x.ev.unit ?? null),
      now,
      escalationAt(now, 0, p),
    ])
    const madeOf = new Map(made.map((a) => [Number(a.device_id), Number(a.id)]))
    for (const x of fresh) {
      const alarmId = madeOf.get(x.device.id)!
      links.push({ row: x.row, alarmId })
      results[x.i] = { outcome: 'opened', alarmId, groupId: chat(x.device) }
    }
  }
  if (links.length) await query(tx, LINK_EVENTS, [links.map((l) => l.row), links.map((l) => l.alarmId)])
  if (readings.length) await tx.insert(hazardEvents).values(readings.map((r) => readingValues(r.hazardId, r.device, r.ev, now)))
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
 * transactions announcing the same chats never wait for each other in a circle). The same few statements for
 * one chat or hundreds (a burst).
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
  let unreachable = 0
  let nextAt: Date | null = null
  const byGroup = new Map<number | null, Pending[]>()
  for (const r of rows) byGroup.set(r.alarm.groupId, [...(byGroup.get(r.alarm.groupId) ?? []), r])
  const chats = await groupChats(tx, [...byGroup.keys()])
  const announced: Pending[] = []
  // the chats with open alarms and an account that can reach them (else the alarms wait: the escalation job
  // tries again every minute); alarms closed before their turn (a clear within the minute) need no message
  const ready: { groupId: number; g: Chat; account: string; open: Pending[] }[] = []
  for (const [groupId, list] of [...byGroup].sort(([x], [y]) => (x ?? 0) - (y ?? 0))) {
    const open = list.filter((x) => x.alarm.status === 'open')
    if (groupId === null || !open.length) {
      announced.push(...list)
      continue
    }
    const g = chats.get(groupId)
    // the account that sits in the group, else (same channel) the one this instance holds
    const account = g?.account ?? (g && p.fallback?.channel === g.channel ? p.fallback.account : null)
    if (!g || !account) unreachable += list.length
    else ready.push({ groupId, g, account, open })
  }
  // the chats' minutes, claimed in one statement: a chat not returned had a message less than a minute ago
  const claimed = new Set<number>()
  if (ready.length) {
    const got = await query<{ group_id: number }>(tx, CLAIM_CHATS, [ready.map((r) => r.groupId), now, new Date(now.getTime() - p.batchSeconds * 1000)])
    for (const r of got) claimed.add(Number(r.group_id))
    const waiting = ready.filter((r) => !claimed.has(r.groupId)).map((r) => r.groupId)
    if (waiting.length) {
      const [w] = await tx.select({ at: sql<Date>`min(${alarmChats.lastSentAt})`.mapWith(alarmChats.lastSentAt) }).from(alarmChats).where(inArray(alarmChats.groupId, waiting))
      if (w?.at) nextAt = new Date(w.at.getTime() + p.batchSeconds * 1000)
    }
  }
  const sending = ready.filter((r) => claimed.has(r.groupId))
  const owners = await ownerIdentities(tx, [...new Set(sending.flatMap((r) => r.open.map((x) => x.alarm.businessId)))])
  const guidance = new Map<string, string>()
  const messages: { item: OutboxItem; now: Date }[] = []
  for (const { g, account, open } of sending) {
    const mentions = [...new Set(open.flatMap((x) => (owners.get(x.alarm.businessId) ?? []).filter((o) => o.channel === g.channel).map((o) => o.externalId)))]
    const dangers = [...new Set(open.map((x) => DEVICE_KINDS[x.device.kind as DeviceKind]?.danger ?? 'fire'))]
    for (const k of dangers) if (!guidance.has(k)) guidance.set(k, await alarmGuidance(tx, k))
    const names = [...new Set(open.map((x) => x.businessName))].join('、')
    const first = alarmCode(open[0].alarm.id)
    const text = [
      `【设备报警】${names}`,
      ...open.map(line),
      ...dangers.map((k) => guidance.get(k)!),
      `处置后回复：已处理 ${first}；误报回复：误报 ${first}；知悉回复：收到 ${first}`,
    ].join('\n')
    messages.push({ item: { channel: g.channel, account, chatId: g.chatId, isGroup: true, priority: 'urgent', text, mentionIds: mentions }, now })
  }
  for (const r of sending) announced.push(...byGroup.get(r.groupId)!)
  if (messages.length) await enqueueMany(tx, messages)
  if (!announced.length) return { sent: 0, nextAt, unreachable }
  await tx.update(alarms).set({ announcedAt: now }).where(inArray(alarms.id, announced.map((x) => x.alarm.id)))
  const told = await tellOfficers(
    tx,
    announced.filter((x) => x.alarm.status === 'open'),
    (xs) => [`【设备报警】${xs.map((x) => `${x.businessName} ${line(x)}`).join('\n')}`, `已通知业主；${p.ackMinutes}分钟内未确认将再次提醒您。`].join('\n'),
    now,
    chats,
  )
  return { sent: messages.length + told, nextAt, unreachable }
}

const CLAIM_CHATS = `insert into alarm_chats (group_id, last_sent_at)
  select g, $2::timestamptz from unnest($1::int[]) as g order by g
  on conflict (group_id) do update set last_sent_at = excluded.last_sent_at where alarm_chats.last_sent_at <= $3::timestamptz
  returning group_id`

type Chat = { channel: string; chatId: string; account: string | null }

/** Groups' chats and the accounts that sit in them (null account: none recorded), in one statement. */
async function groupChats(tx: Tx, ids: (number | null)[]): Promise<Map<number, Chat>> {
  const want = ids.filter((g): g is number => g !== null)
  if (!want.length) return new Map()
  const rs = await tx
    .select({ id: groups.id, channel: groups.channel, chatId: groups.externalId, account: groupAccounts.account })
    .from(groups)
    .leftJoin(groupAccounts, and(eq(groupAccounts.channel, groups.channel), eq(groupAccounts.chatId, groups.externalId)))
    .where(inArray(groups.id, want))
  const m = new Map<number, Chat>()
  for (const r of rs) if (!m.has(r.id) || (!m.get(r.id)!.account && r.account)) m.set(r.id, { channel: r.channel, chatId: r.chatId, account: r.account })
  return m
}

/** One direct message per township officer over the alarms of their businesses. */
async function tellOfficers(tx: Tx, list: Pending[], text: (xs: Pending[]) => string, now: Date, known?: Map<number, Chat>): Promise<number> {
  const byOfficer = new Map<number, Pending[]>()
  // many alarms of one township and industry (a burst): their officers read once
  const officers = new Map<string, Awaited<ReturnType<typeof townshipOfficers>>>()
  for (const x of list) {
    const key = `${x.townshipId}/${x.industry}`
    if (!officers.has(key)) officers.set(key, await townshipOfficers(tx, x.townshipId, x.industry))
    for (const o of officers.get(key)!) byOfficer.set(o.id, [...(byOfficer.get(o.id) ?? []), x])
  }
  if (!byOfficer.size) return 0
  const chats = known ?? (await groupChats(tx, [...byOfficer.values()].map((xs) => xs[0].alarm.groupId)))
  const messages: { item: OutboxItem; now: Date }[] = []
  for (const [personId, xs] of byOfficer) {
    // the account in the alarm's group can write to the officer when no direct chat is recorded yet
    const g = xs[0].alarm.groupId !== null ? chats.get(xs[0].alarm.groupId) : undefined
    const to = await directTarget(tx, personId, g ? { channel: g.channel, account: g.account } : undefined)
    if (to) messages.push({ item: { ...to, priority: 'urgent', text: text(xs) }, now })
  }
  if (messages.length) await enqueueMany(tx, messages)
  return messages.length
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
  if (readings.length) await tx.insert(hazardEvents).values(readings.map((r) => readingValues(hazard.id, x.device, { event: r.event, reading: r.reading, unit: r.unit, id: r.eventId }, r.receivedAt)))
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
