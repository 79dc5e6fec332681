import { pgTable, serial, integer, text, timestamp, bigserial, doublePrecision, uniqueIndex, index } from 'drizzle-orm/pg-core'
import { sql } from 'drizzle-orm'
import { createdAt } from './columns.js'
import { businesses, groups } from './directory.js'
import { hazards } from './hazards.js'

/** The device register: a vendor's device id mapped to a business, with its kind and where it hangs. */
export const devices = pgTable(
  'devices',
  {
    id: serial('id').primaryKey(),
    vendor: text('vendor').notNull(),
    vendorDeviceId: text('vendor_device_id').notNull(),
    businessId: integer('business_id')
      .notNull()
      .references(() => businesses.id),
    /** a key of DEVICE_KINDS (src/core/sensors.ts) */
    kind: text('kind').notNull(),
    location: text('location'),
    /** the chat its alarms go to; null: the business's group found from the directory */
    groupId: integer('group_id').references(() => groups.id),
    /** written in batches from heartbeats and events (not per message) */
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    /** set when found silent for DEVICE_OFFLINE_MINUTES, cleared when heard again */
    offlineSince: timestamp('offline_since', { withTimezone: true }),
    /** the 设备离线 hazard filed for this silence */
    offlineHazardId: integer('offline_hazard_id').references(() => hazards.id),
    removedAt: timestamp('removed_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('devices_vendor_device_uq').on(t.vendor, t.vendorDeviceId), index('devices_business_idx').on(t.businessId)],
)

/**
 * Alarms: one open per device (partial unique index); repeats and flapping add readings to it. `A` + id is
 * the code people answer with.
 */
export const alarms = pgTable(
  'alarms',
  {
    id: serial('id').primaryKey(),
    deviceId: integer('device_id')
      .notNull()
      .references(() => devices.id),
    businessId: integer('business_id')
      .notNull()
      .references(() => businesses.id),
    status: text('status', { enum: ['open', 'closed'] }).notNull().default('open'),
    /** the chat its messages go to (the device's, else the business's group); null: none found */
    groupId: integer('group_id').references(() => groups.id),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    /** the first alarm's reading and the latest one */
    reading: doublePrecision('reading'),
    unit: text('unit'),
    lastReading: doublePrecision('last_reading'),
    lastEventAt: timestamp('last_event_at', { withTimezone: true }).notNull(),
    readings: integer('readings').notNull().default(1),
    /** the owner's answer: 收到 (received), 已处理 (handled), 误报 (false_alarm) */
    answer: text('answer', { enum: ['received', 'handled', 'false_alarm'] }),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    answeredBy: text('answered_by'),
    /** the group message that announced it (null: waiting for the chat's minute) */
    announcedAt: timestamp('announced_at', { withTimezone: true }),
    /** escalation steps done and when the next is due (null: none pending) */
    escalations: integer('escalations').notNull().default(0),
    nextEscalationAt: timestamp('next_escalation_at', { withTimezone: true }),
    hazardId: integer('hazard_id').references(() => hazards.id),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    closeReason: text('close_reason', { enum: ['cleared', 'false_alarm'] }),
  },
  (t) => [
    uniqueIndex('alarms_one_open_per_device').on(t.deviceId).where(sql`status = 'open'`),
    index('alarms_business_idx').on(t.businessId),
    index('alarms_escalation_idx').on(t.nextEscalationAt).where(sql`next_escalation_at is not null`),
    index('alarms_unannounced_idx').on(t.id).where(sql`announced_at is null`),
  ],
)

/** Every alarm, clear and fault a device sent, once per (device, vendor event id): redeliveries change nothing. */
export const sensorEvents = pgTable(
  'sensor_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    deviceId: integer('device_id')
      .notNull()
      .references(() => devices.id),
    eventId: text('event_id').notNull(),
    event: text('event', { enum: ['alarm', 'clear', 'fault'] }).notNull(),
    reading: doublePrecision('reading'),
    unit: text('unit'),
    deviceTime: timestamp('device_time', { withTimezone: true }),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    alarmId: integer('alarm_id').references(() => alarms.id),
  },
  (t) => [uniqueIndex('sensor_events_device_event_uq').on(t.deviceId, t.eventId), index('sensor_events_alarm_idx').on(t.alarmId)],
)

/** When a chat last got an alarm message: alarms within ALARM_BATCH_SECONDS of it wait and go as one. */
export const alarmChats = pgTable('alarm_chats', {
  groupId: integer('group_id')
    .primaryKey()
    .references(() => groups.id),
  lastSentAt: timestamp('last_sent_at', { withTimezone: true }).notNull(),
})
