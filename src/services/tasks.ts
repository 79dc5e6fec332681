import { and, asc, desc, eq, gt, inArray, isNull, isNotNull, lt, lte, ne, or, arrayOverlaps, sql } from 'drizzle-orm'
import { schema, type Db, type Tx } from '../../db/client.js'
import type { TaskTargets } from '../../db/schema/notices.js'
import { AppError } from '../core/errors.js'
import { formatDate, formatDateTime, shanghaiParts } from '../core/clock.js'
import { truncate } from '../core/text.js'
import { enqueue } from './outbox.js'
import { recordAudit } from './audit.js'
import { findTownship, type PersonRow } from './directory.js'
import type { ApiWho, Sender } from './notices.js'

const { tasks, taskAssignees, taskFiles, people, identities } = schema
export type TaskRow = typeof tasks.$inferSelect
export type AssigneeRow = typeof taskAssignees.$inferSelect

export const TASK_CODE = /^[Rr]\d{1,9}$/
const OFFICIAL_ROLES = ['officer', 'leader', 'admin'] as const
/** overdue reminders go out from this Shanghai hour on, not at midnight */
const OVERDUE_REMIND_HOUR = 9

export interface TaskInput {
  text: string
  deadline: Date
  targets: TaskTargets
}

export function taskMessage(t: Pick<TaskRow, 'code' | 'text' | 'deadline'>): string {
  return `【督办任务 ${t.code}】\n${t.text}\n期限：${formatDateTime(t.deadline)}\n请回复“收到”；办完发：完成 ${t.code} 办理情况（可再发照片）`
}

/** The officers a task's targets name: by name, and every officer of the townships and sections (industries). */
export async function resolveAssignees(db: Tx, t: TaskTargets): Promise<PersonRow[]> {
  if (!t.officers?.length && !t.townships?.length && !t.sections?.length) throw new AppError('usage', '请指定承办人：officers、townships 或 sections')
  const found = new Map<number, PersonRow>()
  for (const name of t.officers ?? []) {
    const rows = await db
      .select()
      .from(people)
      .where(and(eq(people.name, name.trim()), inArray(people.role, [...OFFICIAL_ROLES])))
    if (!rows.length) throw new AppError('not_found', `没有找到监管人员“${name}”`)
    if (rows.length > 1) throw new AppError('conflict', `有多个叫“${name}”的监管人员，请联系管理员`)
    found.set(rows[0].id, rows[0])
  }
  for (const w of t.townships ?? []) {
    const town = await findTownship(db, w)
    if (!town) throw new AppError('not_found', `没有找到乡镇“${w}”`)
    for (const p of await db.select().from(people).where(and(eq(people.role, 'officer'), eq(people.townshipId, town.id)))) found.set(p.id, p)
  }
  if (t.sections?.length) {
    for (const p of await db.select().from(people).where(and(eq(people.role, 'officer'), arrayOverlaps(people.industries, t.sections)))) found.set(p.id, p)
  }
  return [...found.values()].sort((a, b) => a.id - b.id)
}

/** Writes the task and its assignees, sends each reachable one a direct message, audits it. */
export async function createTask(db: Db, sender: Sender, input: TaskInput, who: ApiWho, now: Date, remindBeforeHours: number) {
  if (!sender.account) throw new AppError('unavailable', '机器人还未登录，暂不能派发任务')
  if (input.deadline <= now) throw new AppError('usage', '期限已过，请重新设定')
  const assignees = await resolveAssignees(db, input.targets)
  if (!assignees.length) throw new AppError('not_found', '没有符合条件的监管人员')
  const account = sender.account
  // the newest identity each person bound on this channel
  const ids = await db
    .select({ personId: identities.personId, externalId: identities.externalId })
    .from(identities)
    .where(and(eq(identities.channel, sender.channel), inArray(identities.personId, assignees.map((p) => p.id))))
    .orderBy(asc(identities.boundAt), asc(identities.id))
  const dm = new Map(ids.map((i) => [i.personId!, i.externalId]))
  // due within the reminder window already: the assignment itself is that reminder
  const remindedBeforeAt = input.deadline.getTime() - now.getTime() <= remindBeforeHours * 3600_000 ? now : null
  return db.transaction(async (tx) => {
    const [task] = await tx
      .insert(tasks)
      .values({ text: input.text, deadline: input.deadline, targets: input.targets, channel: sender.channel, account, createdByName: who.name, createdAt: now })
      .returning()
    const rows = await tx
      .insert(taskAssignees)
      .values(
        assignees.map((p) => ({
          taskId: task.id,
          personId: p.id,
          personName: p.name,
          externalId: dm.get(p.id) ?? null,
          deliveredAt: dm.has(p.id) ? now : null,
          remindedBeforeAt,
        })),
      )
      .returning()
    const text = taskMessage(task)
    for (const a of rows) {
      if (a.externalId) await enqueue(tx, { channel: task.channel, account, chatId: a.externalId, isGroup: false, priority: 'normal', text }, now)
    }
    await recordAudit(
      tx,
      {
        actorKind: who.kind,
        actorId: who.id,
        actorName: who.name,
        action: 'task.create',
        targetType: 'task',
        targetId: task.code,
        detail: { text: truncate(input.text, 200), deadline: input.deadline.toISOString(), targets: input.targets, assignees: rows.map((a) => a.personName) },
        requestId: who.requestId,
      },
      now,
    )
    return {
      task,
      assignees: rows.map((a) => ({ name: a.personName, reachable: a.externalId !== null })),
    }
  })
}

export async function taskByCode(tx: Tx, code: string): Promise<TaskRow> {
  const [t] = await tx.select().from(tasks).where(eq(tasks.code, code.toUpperCase()))
  if (!t) throw new AppError('not_found', `没有找到督办任务 ${code.toUpperCase()}，请检查编号`)
  return t
}

async function assigneeOf(tx: Tx, task: TaskRow, personId: number | null): Promise<AssigneeRow> {
  const [a] =
    personId === null
      ? []
      : await tx
          .select()
          .from(taskAssignees)
          .where(and(eq(taskAssignees.taskId, task.id), eq(taskAssignees.personId, personId)))
          .for('update')
  if (!a) throw new AppError('forbidden', `${task.code} 不是派给您的任务`)
  return a
}

/** 收到 R7: the answer to give. */
export async function acknowledgeTaskByCode(tx: Tx, code: string, personId: number | null, now: Date): Promise<string> {
  const task = await taskByCode(tx, code)
  const a = await assigneeOf(tx, task, personId)
  if (a.status !== 'assigned') return `您已确认过督办任务 ${task.code}。`
  await tx.update(taskAssignees).set({ status: 'acknowledged', ackAt: now }).where(eq(taskAssignees.id, a.id))
  return ackText(task)
}

function ackText(task: TaskRow): string {
  return `已确认收到督办任务 ${task.code}，期限 ${formatDateTime(task.deadline)}。\n办完发：完成 ${task.code} 办理情况`
}

/** 收到 in a direct chat: the latest task this person has not acknowledged yet; null when there is none. */
export async function acknowledgeLatestTask(tx: Tx, personId: number | null, now: Date): Promise<string | null> {
  if (personId === null) return null
  const [r] = await tx
    .select({ a: taskAssignees, t: tasks })
    .from(taskAssignees)
    .innerJoin(tasks, eq(tasks.id, taskAssignees.taskId))
    .where(and(eq(taskAssignees.personId, personId), eq(taskAssignees.status, 'assigned'), isNotNull(taskAssignees.deliveredAt)))
    .orderBy(desc(taskAssignees.deliveredAt), desc(tasks.id))
    .limit(1)
  if (!r) return null
  await tx.update(taskAssignees).set({ status: 'acknowledged', ackAt: now }).where(eq(taskAssignees.id, r.a.id))
  return ackText(r.t)
}

/** 我的任务: this person's tasks not done yet, the soonest due first. */
export async function openTasksOf(tx: Tx, personId: number | null, limit: number) {
  if (personId === null) return []
  return tx
    .select({ code: tasks.code, text: tasks.text, deadline: tasks.deadline, status: taskAssignees.status })
    .from(taskAssignees)
    .innerJoin(tasks, eq(tasks.id, taskAssignees.taskId))
    .where(and(eq(taskAssignees.personId, personId), ne(taskAssignees.status, 'done')))
    .orderBy(asc(tasks.deadline), asc(tasks.id))
    .limit(limit)
}

/** 完成 R7 说明: marks this person's part done. */
export async function completeTask(tx: Tx, code: string, personId: number | null, note: string, now: Date) {
  const task = await taskByCode(tx, code)
  const a = await assigneeOf(tx, task, personId)
  if (a.status === 'done') throw new AppError('invalid_state', `您已报告过 ${task.code} 完成（${formatDateTime(a.doneAt!)}）`)
  await tx
    .update(taskAssignees)
    .set({ status: 'done', doneAt: now, doneNote: note, ackAt: a.ackAt ?? now })
    .where(eq(taskAssignees.id, a.id))
  return { task, assigneeId: a.id, late: task.deadline < now }
}

/** A photo or file after 完成; returns how many this assignee sent. */
export async function addTaskFile(tx: Tx, assigneeId: number, file: { sha256: string; mime: string }, sourceMessageId: string, now: Date): Promise<number> {
  await tx.insert(taskFiles).values({ assigneeId, sha256: file.sha256, mime: file.mime, sourceMessageId, at: now })
  const [r] = await tx.select({ n: sql<number>`count(*)` }).from(taskFiles).where(eq(taskFiles.assigneeId, assigneeId))
  return Number(r.n)
}

type AssigneeStatus = 'assigned' | 'acknowledged' | 'done' | 'overdue'

/** A task with each assignee's status (overdue when not done by the deadline), note and files. */
export async function taskReport(db: Tx, task: TaskRow, now: Date) {
  const as = await db.select().from(taskAssignees).where(eq(taskAssignees.taskId, task.id)).orderBy(asc(taskAssignees.id))
  const files = as.length
    ? await db.select().from(taskFiles).where(inArray(taskFiles.assigneeId, as.map((a) => a.id))).orderBy(asc(taskFiles.id))
    : []
  const overdue = task.deadline < now
  const assignees = as.map((a) => ({
    name: a.personName,
    personId: a.personId,
    reachable: a.externalId !== null,
    status: (a.status !== 'done' && overdue ? 'overdue' : a.status) as AssigneeStatus,
    acknowledged: a.status !== 'assigned',
    deliveredAt: a.deliveredAt,
    ackAt: a.ackAt,
    doneAt: a.doneAt,
    doneNote: a.doneNote,
    late: a.doneAt !== null && a.doneAt > task.deadline,
    files: files.filter((f) => f.assigneeId === a.id).map((f) => ({ mime: f.mime, at: f.at, url: `/api/attachments/${f.sha256}` })),
  }))
  const count = (s: AssigneeStatus) => assignees.filter((a) => a.status === s).length
  return {
    code: task.code,
    text: task.text,
    deadline: task.deadline,
    targets: task.targets,
    createdAt: task.createdAt,
    createdBy: task.createdByName,
    overdue: overdue && assignees.some((a) => a.status === 'overdue'),
    summary: { total: assignees.length, assigned: count('assigned'), acknowledged: count('acknowledged'), done: count('done'), overdue: count('overdue') },
    assignees,
  }
}

export async function listTasks(db: Tx, now: Date, limit: number, offset: number) {
  const ts = await db.select().from(tasks).orderBy(desc(tasks.id)).limit(limit).offset(offset)
  const out = []
  for (const t of ts) {
    const { assignees: _, ...r } = await taskReport(db, t, now)
    out.push(r)
  }
  return out
}

/**
 * Direct-message reminders to assignees not done: once when the deadline is `beforeHours` away, and once a
 * day (from 09:00) after it has passed. Each reminder is marked in the transaction that writes its message,
 * only while still unmarked, so a second run sends nothing. Returns how many reminders it wrote.
 */
export async function remindTasks(db: Db, now: Date, beforeHours: number): Promise<number> {
  const soon = new Date(now.getTime() + beforeHours * 3600_000)
  const today = formatDate(now)
  const open = and(ne(taskAssignees.status, 'done'), isNotNull(taskAssignees.externalId))
  let n = await deliverToNewlyBound(db, now, soon, today)
  const before = await db
    .select({ id: taskAssignees.id })
    .from(taskAssignees)
    .innerJoin(tasks, eq(tasks.id, taskAssignees.taskId))
    .where(and(open, isNull(taskAssignees.remindedBeforeAt), gt(tasks.deadline, now), lte(tasks.deadline, soon)))
  for (const { id } of before) {
    n += await remindOne(db, now, and(eq(taskAssignees.id, id), open, isNull(taskAssignees.remindedBeforeAt))!, { remindedBeforeAt: now }, (t) =>
      `【提醒】督办任务 ${t.code} 将于 ${formatDateTime(t.deadline)} 到期：\n${truncate(t.text, 40)}\n办完发：完成 ${t.code} 办理情况`,
    )
  }
  if (shanghaiParts(now).hour < OVERDUE_REMIND_HOUR) return n
  const notToday = or(isNull(taskAssignees.overdueRemindedOn), ne(taskAssignees.overdueRemindedOn, today))!
  const overdue = await db
    .select({ id: taskAssignees.id })
    .from(taskAssignees)
    .innerJoin(tasks, eq(tasks.id, taskAssignees.taskId))
    .where(and(open, notToday, lt(tasks.deadline, now)))
  for (const { id } of overdue) {
    n += await remindOne(db, now, and(eq(taskAssignees.id, id), open, notToday)!, { overdueRemindedOn: today }, (t) => {
      const days = Math.max(1, Math.ceil((now.getTime() - t.deadline.getTime()) / 86_400_000))
      return `【逾期】督办任务 ${t.code} 已超期 ${days} 天（期限 ${formatDateTime(t.deadline)}）：\n${truncate(t.text, 40)}\n请尽快办结，发：完成 ${t.code} 办理情况`
    })
  }
  return n
}

/**
 * Assignees who had bound no chat identity when the task was assigned get it once they have; the task
 * message then stands for a reminder already due.
 */
async function deliverToNewlyBound(db: Db, now: Date, soon: Date, today: string): Promise<number> {
  const waiting = await db
    .select({ id: taskAssignees.id, identity: identities.externalId, task: tasks })
    .from(taskAssignees)
    .innerJoin(tasks, eq(tasks.id, taskAssignees.taskId))
    .innerJoin(identities, and(eq(identities.personId, taskAssignees.personId), eq(identities.channel, tasks.channel)))
    .where(and(isNull(taskAssignees.externalId), ne(taskAssignees.status, 'done')))
    .orderBy(asc(taskAssignees.id), desc(identities.boundAt))
  let n = 0
  const seen = new Set<number>()
  for (const w of waiting) {
    if (seen.has(w.id)) continue
    seen.add(w.id)
    n += await db.transaction(async (tx) => {
      const [a] = await tx
        .update(taskAssignees)
        .set({
          externalId: w.identity,
          deliveredAt: now,
          remindedBeforeAt: w.task.deadline <= soon ? now : null,
          overdueRemindedOn: w.task.deadline < now ? today : null,
        })
        .where(and(eq(taskAssignees.id, w.id), isNull(taskAssignees.externalId)))
        .returning()
      if (!a) return 0
      await enqueue(tx, { channel: w.task.channel, account: w.task.account, chatId: w.identity, isGroup: false, priority: 'normal', text: taskMessage(w.task) }, now)
      return 1
    })
  }
  return n
}

async function remindOne(
  db: Db,
  now: Date,
  where: ReturnType<typeof and> & object,
  mark: Partial<AssigneeRow>,
  text: (t: TaskRow) => string,
): Promise<number> {
  return db.transaction(async (tx) => {
    const [a] = await tx.update(taskAssignees).set(mark).where(where).returning()
    if (!a) return 0
    const [t] = await tx.select().from(tasks).where(eq(tasks.id, a.taskId))
    await enqueue(tx, { channel: t.channel, account: t.account, chatId: a.externalId!, isGroup: false, priority: 'normal', text: text(t) }, now)
    return 1
  })
}
