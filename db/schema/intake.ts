import { pgTable, serial, integer, text, boolean, timestamp, index } from 'drizzle-orm/pg-core'
import { createdAt } from './columns.js'
import { hazards } from './hazards.js'

/**
 * A hazard described in plain words, waiting for its sender's `1` (上报) or `2` (不报): what the recogniser
 * understood, the photos sent meanwhile, and how it ended. An open draft past its time is closed as expired
 * and its sender told it was not filed (schedules/draft-expiry.ts).
 */
export const plainDrafts = pgTable(
  'plain_drafts',
  {
    id: serial('id').primaryKey(),
    channel: text('channel').notNull(),
    account: text('account').notNull(),
    chatId: text('chat_id').notNull(),
    isGroup: boolean('is_group').notNull(),
    senderId: text('sender_id').notNull(),
    senderName: text('sender_name').notNull(),
    /** the words as said (null while a direct-chat photo waits for its sentence) */
    text: text('text'),
    category: text('category').notNull().default('other'),
    place: text('place'),
    major: boolean('major').notNull().default(false),
    /** the urgent danger it describes (gas, fire, electric, spill, lift, collapse) */
    urgent: text('urgent'),
    /** 'addressed' (told to the bot) | 'prompt' (overheard in a group) | 'photo' (a photo came first) */
    origin: text('origin', { enum: ['addressed', 'prompt', 'photo'] }).notNull(),
    photos: text('photos').array().notNull().default([]),
    status: text('status', { enum: ['open', 'filed', 'dropped', 'expired'] }).notNull().default('open'),
    hazardId: integer('hazard_id').references(() => hazards.id),
    sourceMessageId: text('source_message_id').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [index('plain_drafts_open_idx').on(t.status, t.expiresAt), index('plain_drafts_sender_idx').on(t.channel, t.chatId, t.senderId, t.createdAt)],
)

/** An urgent danger heard in a chat: the guidance sent there and whom the officer notice went to. */
export const urgentAlerts = pgTable(
  'urgent_alerts',
  {
    id: serial('id').primaryKey(),
    channel: text('channel').notNull(),
    chatId: text('chat_id').notNull(),
    chatName: text('chat_name'),
    kind: text('kind').notNull(),
    senderName: text('sender_name').notNull(),
    text: text('text').notNull(),
    townshipId: integer('township_id'),
    /** who was told: officers' names, or the bureau group's name; null when nobody could be reached */
    notified: text('notified'),
    sourceMessageId: text('source_message_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('urgent_alerts_chat_idx').on(t.channel, t.chatId, t.kind, t.createdAt)],
)
