import { pgTable, serial, integer, text, boolean, timestamp, date, primaryKey, index, uniqueIndex, jsonb } from 'drizzle-orm/pg-core'
import { createdAt } from './columns.js'
import { businesses, jurisdictions, people } from './directory.js'
import { attachments } from './hazards.js'
import { policyExclusions, specialInspections } from './programmes.js'

/**
 * The plan's registers (issue 16): campaigns, accidents, licences, drills, zones, association issues and the
 * regulation promotion series. Each row is what the bureau (or a business, in chat) recorded; figures come
 * from them, never from typed-in totals.
 */

/** A special campaign (专项行动). Hazards carry its `name` in `hazards.campaign`. */
export const campaigns = pgTable('campaigns', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  /** what people type after 专项: (燃气, 冬春防火 …) */
  shortName: text('short_name').notNull().unique(),
  startsOn: date('starts_on').notNull(),
  endsOn: date('ends_on').notNull(),
  /** industries (src/core/domain.ts keys); empty: every industry */
  industries: text('industries').array().notNull().default([]),
  /** hazard categories it concerns; empty: every category */
  categories: text('categories').array().notNull().default([]),
  createdBy: text('created_by').notNull(),
  createdAt: createdAt(),
})

/** A special inspection made for a campaign: the hazards it records are tagged with the campaign. */
export const campaignInspections = pgTable('campaign_inspections', {
  inspectionId: integer('inspection_id')
    .primaryKey()
    .references(() => specialInspections.id),
  campaignId: integer('campaign_id')
    .notNull()
    .references(() => campaigns.id),
})

/** A work-safety accident (安全生产事故) as the bureau learned it from the investigating department. */
export const accidents = pgTable(
  'accidents',
  {
    id: serial('id').primaryKey(),
    businessId: integer('business_id')
      .notNull()
      .references(() => businesses.id),
    occurredOn: date('occurred_on').notNull(),
    /** 一般 / 较大 / 重大 / 特别重大 */
    level: text('level', { enum: ['general', 'larger', 'major', 'especially_major'] }).notNull(),
    description: text('description').notNull(),
    /** the department that investigated or punished, and its document number */
    sourceDepartment: text('source_department').notNull(),
    sourceDocument: text('source_document').notNull(),
    /** the business refused to rectify, with serious effect, as recorded by that department */
    refusedRectification: boolean('refused_rectification').notNull().default(false),
    /** the exclusion entry this record put in force automatically (null when none, or lifted) */
    exclusionId: integer('exclusion_id').references(() => policyExclusions.id),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    recordedBy: text('recorded_by').notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('accidents_business_idx').on(t.businessId)],
)

/** A licence that carries safety requirements: 成品油零售经营批准证书, 报废机动车回收拆解企业资质认定. */
export const licences = pgTable(
  'licences',
  {
    id: serial('id').primaryKey(),
    kind: text('kind', { enum: ['refined_oil_retail', 'scrap_vehicle_recycling'] }).notNull(),
    number: text('number').notNull(),
    businessId: integer('business_id')
      .notNull()
      .references(() => businesses.id),
    holder: text('holder').notNull(),
    scope: text('scope'),
    validUntil: date('valid_until').notNull(),
    /** revoked or cancelled: no longer reminded, shown as such */
    revokedOn: date('revoked_on'),
    recordedBy: text('recorded_by').notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('licences_kind_number_uq').on(t.kind, t.number), index('licences_business_idx').on(t.businessId)],
)

/** An emergency drill (应急演练) a business held, recorded in chat or on the console. */
export const drills = pgTable(
  'drills',
  {
    id: serial('id').primaryKey(),
    businessId: integer('business_id')
      .notNull()
      .references(() => businesses.id),
    /** 疏散演练, 灭火演练, 燃气泄漏处置演练 … as typed */
    kind: text('kind').notNull(),
    heldOn: date('held_on').notNull(),
    participants: integer('participants'),
    note: text('note'),
    recordedBy: text('recorded_by').notNull(),
    personId: integer('person_id').references(() => people.id),
    sourceMessageId: text('source_message_id'),
    createdAt: createdAt(),
  },
  (t) => [index('drills_business_idx').on(t.businessId, t.heldOn)],
)

export const drillPhotos = pgTable(
  'drill_photos',
  {
    drillId: integer('drill_id')
      .notNull()
      .references(() => drills.id),
    sha256: text('sha256')
      .notNull()
      .references(() => attachments.sha256),
  },
  (t) => [primaryKey({ columns: [t.drillId, t.sha256] })],
)

/** An economic development zone, foreign-trade base or e-commerce demonstration base, with its member businesses. */
export const zones = pgTable('zones', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  kind: text('kind', { enum: ['development_zone', 'foreign_trade_base', 'ecommerce_base', 'other'] }).notNull(),
  townshipId: integer('township_id').references(() => jurisdictions.id),
  note: text('note'),
  createdBy: text('created_by').notNull(),
  createdAt: createdAt(),
})

export const zoneMembers = pgTable(
  'zone_members',
  {
    zoneId: integer('zone_id')
      .notNull()
      .references(() => zones.id),
    businessId: integer('business_id')
      .notNull()
      .references(() => businesses.id),
  },
  (t) => [primaryKey({ columns: [t.zoneId, t.businessId] }), index('zone_members_business_idx').on(t.businessId)],
)

/**
 * What an industry association issues (自律倡议, 风险提醒 through notices; 公益培训 through trainings). With the
 * bureau's approval required it waits as 'pending' until a bureau user approves it.
 */
export const associationIssues = pgTable('association_issues', {
  id: serial('id').primaryKey(),
  kind: text('kind', { enum: ['initiative', 'risk_reminder', 'training'] }).notNull(),
  title: text('title').notNull(),
  body: text('body').notNull(),
  industries: text('industries').array().notNull().default([]),
  /** a training's times and place */
  startsAt: timestamp('starts_at', { withTimezone: true }),
  endsAt: timestamp('ends_at', { withTimezone: true }),
  place: text('place'),
  status: text('status', { enum: ['pending', 'issued', 'rejected'] }).notNull(),
  noticeId: integer('notice_id'),
  trainingId: integer('training_id'),
  issuedByPersonId: integer('issued_by_person_id'),
  issuedByName: text('issued_by_name').notNull(),
  decidedBy: text('decided_by'),
  decisionNote: text('decision_note'),
  createdAt: createdAt(),
  decidedAt: timestamp('decided_at', { withTimezone: true }),
})

/**
 * The regulations and standards promotion series (《餐饮业经营管理办法》…): shipped as drafts 待核, pushed only
 * once a bureau user confirmed (or edited) the text.
 */
export const regulationItems = pgTable('regulation_items', {
  id: serial('id').primaryKey(),
  key: text('key').notNull().unique(),
  regulation: text('regulation').notNull(),
  title: text('title').notNull(),
  body: text('body').notNull(),
  industries: text('industries').array().notNull().default([]),
  status: text('status', { enum: ['draft', 'confirmed', 'retired'] }).notNull().default('draft'),
  confirmedBy: text('confirmed_by'),
  confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
  /** the order the series is pushed in */
  seq: integer('seq').notNull(),
  lastSentAt: timestamp('last_sent_at', { withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
})

/** A licence's expiry reminder sent (60, 30 or 7 days before): once each, whatever restarts or missed days. */
export const licenceReminders = pgTable(
  'licence_reminders',
  {
    licenceId: integer('licence_id')
      .notNull()
      .references(() => licences.id),
    /** days before expiry: 60, 30, 7; 0 = lapsed */
    threshold: integer('threshold').notNull(),
    validUntil: date('valid_until').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.licenceId, t.threshold, t.validUntil] })],
)

/** A drill reminder sent to a business for a year (those with no drill recorded yet). */
export const drillReminders = pgTable(
  'drill_reminders',
  {
    businessId: integer('business_id')
      .notNull()
      .references(() => businesses.id),
    /** 'YYYY-Hn' the half-year it reminded for */
    period: text('period').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.businessId, t.period] })],
)

/** Settings of the registers the bureau changes at run time, e.g. 'association_approval' → true. */
export const registerSettings = pgTable('register_settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').$type<unknown>().notNull(),
  updatedBy: text('updated_by').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
})
