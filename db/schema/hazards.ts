import { pgTable, serial, integer, text, timestamp, jsonb, primaryKey, index, bigserial, bigint, boolean } from 'drizzle-orm/pg-core'
import { sql } from 'drizzle-orm'
import { createdAt, bytea } from './columns.js'
import { businesses, groups, jurisdictions } from './directory.js'

import type { RichMessage } from '../../src/core/messages.js'

export type { RichMessage }

export const hazards = pgTable(
  'hazards',
  {
    id: serial('id').primaryKey(),
    /**
     * The short code people type: Y + a number without holes, taken from the `hazard_code` counter in the
     * transaction that writes the hazard (the default does it; the router's batches take a block at commit).
     */
    code: text('code')
      .notNull()
      .unique()
      .default(sql`next_hazard_code()`),
    businessId: integer('business_id').references(() => businesses.id),
    townshipId: integer('township_id').references(() => jurisdictions.id),
    industry: text('industry'),
    groupId: integer('group_id').references(() => groups.id),
    reporterPersonId: integer('reporter_person_id'),
    reporterIdentityId: integer('reporter_identity_id'),
    reporterName: text('reporter_name').notNull(),
    /** 'member' | 'officer' | 'public' (群众举报) … */
    reporterKind: text('reporter_kind').notNull(),
    description: text('description').notNull(),
    place: text('place'),
    category: text('category').notNull(),
    grade: text('grade', { enum: ['general', 'major'] }).notNull(),
    status: text('status', { enum: ['reported', 'rectifying', 'awaiting_verification', 'transferred', 'closed', 'voided'] }).notNull(),
    listedSupervision: text('listed_supervision'),
    deadline: timestamp('deadline', { withTimezone: true }),
    responsiblePersonId: integer('responsible_person_id'),
    responsibleName: text('responsible_name'),
    measures: text('measures'),
    transferDepartment: text('transfer_department'),
    transferResult: text('transfer_result'),
    campaign: text('campaign'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** 作废: kept in the ledger with its reason, left out of statistics, targets and reminders */
    voidedAt: timestamp('voided_at', { withTimezone: true }),
    voidReason: text('void_reason'),
  },
  (t) => [
    index('hazards_status_idx').on(t.status),
    index('hazards_business_idx').on(t.businessId),
    index('hazards_township_idx').on(t.townshipId),
    // the ledger sorted by deadline (either way): read in order and stop at the page, the filters checked on the way
    index('hazards_deadline_sort_idx').on(sql`coalesce(deadline, 'infinity'::timestamptz)`, t.id),
  ],
)

/**
 * Number series without holes (hazard codes): a row per series, advanced in the transaction that uses the
 * numbers, so a rollback or a crash gives them back. Concurrent writers wait on the row until commit.
 */
export const counters = pgTable('counters', {
  name: text('name').primaryKey(),
  value: bigint('value', { mode: 'number' }).notNull(),
})

/** The audit trail: every state change, who, when, from what, to what. */
export const hazardEvents = pgTable(
  'hazard_events',
  {
    id: serial('id').primaryKey(),
    hazardId: integer('hazard_id').notNull().references(() => hazards.id),
    action: text('action').notNull(),
    actorPersonId: integer('actor_person_id'),
    actorIdentityId: integer('actor_identity_id'),
    actorName: text('actor_name').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    note: text('note'),
    data: jsonb('data').$type<Record<string, unknown>>(),
    sourceMessageId: text('source_message_id'),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [index('hazard_events_hazard_idx').on(t.hazardId)],
)

/** Content-addressed files (sha256), kept in the database so instances share them. */
export const attachments = pgTable('attachments', {
  sha256: text('sha256').primaryKey(),
  mime: text('mime').notNull(),
  size: integer('size').notNull(),
  /** null: the bytes are in the file store beside the embedded database (db/files.ts) */
  bytes: bytea('bytes'),
  createdAt: createdAt(),
})

export const hazardAttachments = pgTable(
  'hazard_attachments',
  {
    id: serial('id').primaryKey(),
    hazardId: integer('hazard_id').notNull().references(() => hazards.id),
    eventId: integer('event_id').references(() => hazardEvents.id),
    sha256: text('sha256').notNull().references(() => attachments.sha256),
    /** 'report' (before) | 'rectification' (after) */
    stage: text('stage', { enum: ['report', 'rectification'] }).notNull(),
    sourceMessageId: text('source_message_id'),
    createdAt: createdAt(),
  },
  (t) => [index('hazard_attachments_hazard_idx').on(t.hazardId)],
)

/** Exactly once per inbound message: the channel's message id, claimed in the handling transaction. */
export const inboundMessages = pgTable(
  'inbound_messages',
  {
    channel: text('channel').notNull(),
    messageId: text('message_id').notNull(),
    chatId: text('chat_id').notNull(),
    senderId: text('sender_id').notNull(),
    outcome: text('outcome').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.messageId] })],
)

/**
 * What the bot waits for from one sender in one chat, until it expires: photos after 隐患/整改 (kind 'photos'),
 * or a kind an awaited-reply handler declares (checklist answers, files for a task, …).
 */
export const awaiting = pgTable(
  'awaiting',
  {
    channel: text('channel').notNull(),
    chatId: text('chat_id').notNull(),
    senderId: text('sender_id').notNull(),
    kind: text('kind').notNull(),
    hazardId: integer('hazard_id'),
    stage: text('stage'),
    count: integer('count').notNull().default(0),
    /** what an awaited reply needs besides a hazard (a checklist id, a task id, …) */
    data: jsonb('data').$type<Record<string, unknown>>(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.chatId, t.senderId] })],
)

/** Every outbound message, written in the same transaction as its cause; drained by the sender. */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    channel: text('channel').notNull(),
    account: text('account').notNull(),
    chatId: text('chat_id').notNull(),
    isGroup: boolean('is_group').notNull().default(true),
    /** 0 reply, 1 urgent, 2 normal */
    priority: integer('priority').notNull(),
    /** the plain text; with `rich`, the fallback for channels that cannot show the rich form */
    text: text('text'),
    imageSha256: text('image_sha256'),
    /** a rich form (markdown, news articles) for channels that can show it (WeCom robots and the bot) */
    rich: jsonb('rich').$type<RichMessage>(),
    mentionIds: text('mention_ids').array().notNull().default([]),
    status: text('status', { enum: ['pending', 'sending', 'sent', 'dead'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    claimedBy: text('claimed_by'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    lastError: text('last_error'),
    causeMessageId: text('cause_message_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('outbox_due_idx').on(t.account, t.status, t.priority, t.nextAttemptAt)],
)

/** Contacts and groups the simulator created, so the simulator page survives a restart. */
export const simEntities = pgTable('sim_entities', {
  id: text('id').primaryKey(),
  kind: text('kind', { enum: ['contact', 'room'] }).notNull(),
  name: text('name').notNull(),
  memberIds: text('member_ids').array().notNull().default([]),
  createdAt: createdAt(),
})
