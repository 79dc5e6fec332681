import { pgTable, serial, integer, text, boolean, timestamp, jsonb, uniqueIndex, index, bigserial } from 'drizzle-orm/pg-core'
import { sql } from 'drizzle-orm'
import { createdAt } from './columns.js'
import { groups, identities, people } from './directory.js'
import { attachments } from './hazards.js'

/** A member of a group chat as the channel listed them: who is expected to acknowledge. */
export interface ChatMember {
  id: string
  name: string
}

/** What a notice was addressed to, as the bureau wrote it (the groups it resolved to are its deliveries). */
export interface NoticeTargets {
  all?: boolean
  townships?: string[]
  industries?: string[]
  groups?: string[]
}

/** A one-off notice from the bureau to groups (通知), sent now or at `sendAt`, optionally to be acknowledged. */
export const notices = pgTable('notices', {
  id: serial('id').primaryKey(),
  /** the short code people type: N + id */
  code: text('code')
    .notNull()
    .unique()
    .generatedAlwaysAs(sql`'N' || id`),
  text: text('text').notNull(),
  imageSha256: text('image_sha256').references(() => attachments.sha256),
  priority: text('priority', { enum: ['normal', 'urgent'] }).notNull().default('normal'),
  requiresAck: boolean('requires_ack').notNull().default(false),
  targets: jsonb('targets').$type<NoticeTargets>().notNull(),
  sendAt: timestamp('send_at', { withTimezone: true }).notNull(),
  /** the channel account that sends it */
  channel: text('channel').notNull(),
  account: text('account').notNull(),
  createdByName: text('created_by_name').notNull(),
  createdAt: createdAt(),
})

/**
 * One notice to one group: created with the notice, delivered once (`deliveredAt` set in the transaction that
 * writes its outbox row, only while still null), reminded once.
 */
export const noticeDeliveries = pgTable(
  'notice_deliveries',
  {
    id: serial('id').primaryKey(),
    noticeId: integer('notice_id')
      .notNull()
      .references(() => notices.id),
    groupId: integer('group_id')
      .notNull()
      .references(() => groups.id),
    chatId: text('chat_id').notNull(),
    chatName: text('chat_name').notNull(),
    /** the group's members (bot excluded) when the notice was created: who should acknowledge */
    expected: jsonb('expected').$type<ChatMember[]>().notNull().default([]),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    remindedAt: timestamp('reminded_at', { withTimezone: true }),
    /** how many were @-mentioned by the reminder */
    remindedCount: integer('reminded_count'),
  },
  (t) => [uniqueIndex('notice_deliveries_notice_group_uq').on(t.noticeId, t.groupId), index('notice_deliveries_due_idx').on(t.deliveredAt)],
)

/** Who acknowledged a notice (收到 / 确认 N12): once per chat identity. */
export const noticeAcks = pgTable(
  'notice_acks',
  {
    id: serial('id').primaryKey(),
    noticeId: integer('notice_id')
      .notNull()
      .references(() => notices.id),
    channel: text('channel').notNull(),
    externalId: text('external_id').notNull(),
    identityId: integer('identity_id').references(() => identities.id),
    personId: integer('person_id').references(() => people.id),
    /** the person's name when bound, else the chat name */
    name: text('name').notNull(),
    /** where it was said: the group's name, or the sender's name in a direct chat */
    chatName: text('chat_name').notNull(),
    groupId: integer('group_id').references(() => groups.id),
    sourceMessageId: text('source_message_id'),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('notice_acks_notice_identity_uq').on(t.noticeId, t.channel, t.externalId)],
)

/** What a task was assigned to, as the bureau wrote it. */
export interface TaskTargets {
  officers?: string[]
  townships?: string[]
  sections?: string[]
}

/** An officers' task (督办任务) with a deadline, sent to each assignee by direct message. */
export const tasks = pgTable('tasks', {
  id: serial('id').primaryKey(),
  /** the short code people type: R + id */
  code: text('code')
    .notNull()
    .unique()
    .generatedAlwaysAs(sql`'R' || id`),
  text: text('text').notNull(),
  deadline: timestamp('deadline', { withTimezone: true }).notNull(),
  targets: jsonb('targets').$type<TaskTargets>().notNull(),
  channel: text('channel').notNull(),
  account: text('account').notNull(),
  createdByName: text('created_by_name').notNull(),
  createdAt: createdAt(),
})

export const taskAssignees = pgTable(
  'task_assignees',
  {
    id: serial('id').primaryKey(),
    taskId: integer('task_id')
      .notNull()
      .references(() => tasks.id),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    personName: text('person_name').notNull(),
    /** the chat identity the task went to; null when the person has bound none (not reachable) */
    externalId: text('external_id'),
    status: text('status', { enum: ['assigned', 'acknowledged', 'done'] }).notNull().default('assigned'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    ackAt: timestamp('ack_at', { withTimezone: true }),
    doneAt: timestamp('done_at', { withTimezone: true }),
    doneNote: text('done_note'),
    remindedBeforeAt: timestamp('reminded_before_at', { withTimezone: true }),
    /** the Shanghai day (YYYY-MM-DD) of the last overdue reminder: at most one a day */
    overdueRemindedOn: text('overdue_reminded_on'),
  },
  (t) => [uniqueIndex('task_assignees_task_person_uq').on(t.taskId, t.personId), index('task_assignees_person_idx').on(t.personId)],
)

/** Photos and files an assignee sent after 完成. */
export const taskFiles = pgTable(
  'task_files',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    assigneeId: integer('assignee_id')
      .notNull()
      .references(() => taskAssignees.id),
    sha256: text('sha256')
      .notNull()
      .references(() => attachments.sha256),
    mime: text('mime').notNull(),
    sourceMessageId: text('source_message_id'),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [index('task_files_assignee_idx').on(t.assigneeId)],
)
