import { pgTable, serial, integer, text, boolean, timestamp, primaryKey, uniqueIndex, index } from 'drizzle-orm/pg-core'
import { createdAt, demo } from './columns.js'

/** City → townships (乡镇街). */
export const jurisdictions = pgTable('jurisdictions', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  kind: text('kind', { enum: ['city', 'township'] }).notNull(),
  parentId: integer('parent_id'),
  demo: demo(),
  createdAt: createdAt(),
})

export const businesses = pgTable(
  'businesses',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    creditCode: text('credit_code').unique(),
    industry: text('industry').notNull(),
    townshipId: integer('township_id').references(() => jurisdictions.id),
    address: text('address'),
    aboveQuota: boolean('above_quota').notNull().default(false),
    demo: demo(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('businesses_name_uq').on(t.name)],
)

/** Officers, leaders, admins, association staff and business members. */
export const people = pgTable('people', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  phone: text('phone'),
  role: text('role', { enum: ['member', 'officer', 'leader', 'admin', 'association', 'viewer'] }).notNull(),
  /** officer/association scope: null = whole city */
  townshipId: integer('township_id').references(() => jurisdictions.id),
  /** officer/association scope: empty = every industry */
  industries: text('industries').array().notNull().default([]),
  demo: demo(),
  createdAt: createdAt(),
})

export const memberships = pgTable(
  'memberships',
  {
    personId: integer('person_id').notNull().references(() => people.id),
    businessId: integer('business_id').notNull().references(() => businesses.id),
    role: text('role', { enum: ['principal', 'staff'] }).notNull().default('principal'),
  },
  (t) => [primaryKey({ columns: [t.personId, t.businessId] })],
)

/** A chat identity (channel + external user id) maps to at most one person. */
export const identities = pgTable(
  'identities',
  {
    id: serial('id').primaryKey(),
    channel: text('channel').notNull(),
    externalId: text('external_id').notNull(),
    displayName: text('display_name').notNull(),
    personId: integer('person_id').references(() => people.id),
    boundAt: timestamp('bound_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('identities_channel_external_uq').on(t.channel, t.externalId), index('identities_person_idx').on(t.personId)],
)

export const bindCodes = pgTable('bind_codes', {
  code: text('code').primaryKey(),
  personId: integer('person_id').notNull().references(() => people.id),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  usedByIdentityId: integer('used_by_identity_id'),
  createdAt: createdAt(),
})

/** A chat group the bot sits in, with its scope (one township or the whole city, and industries). */
export const groups = pgTable(
  'groups',
  {
    id: serial('id').primaryKey(),
    channel: text('channel').notNull(),
    externalId: text('external_id').notNull(),
    name: text('name').notNull(),
    registered: boolean('registered').notNull().default(false),
    /** null with registered = the whole city */
    townshipId: integer('township_id').references(() => jurisdictions.id),
    industries: text('industries').array().notNull().default([]),
    /** push-only endpoint (WeCom group robot), optional */
    webhookKey: text('webhook_key'),
    registeredByPersonId: integer('registered_by_person_id'),
    registeredAt: timestamp('registered_at', { withTimezone: true }),
    demo: demo(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('groups_channel_external_uq').on(t.channel, t.externalId)],
)
