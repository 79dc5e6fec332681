import { pgTable, serial, integer, text, boolean, timestamp, date, jsonb, primaryKey, index, uniqueIndex } from 'drizzle-orm/pg-core'
import { sql } from 'drizzle-orm'
import { createdAt } from './columns.js'
import { businesses, people } from './directory.js'
import { hazards, attachments } from './hazards.js'

/** One run of a self-check (自查自改) by a business against a checklist. */
export const selfChecks = pgTable(
  'self_checks',
  {
    id: serial('id').primaryKey(),
    businessId: integer('business_id').notNull().references(() => businesses.id),
    personId: integer('person_id').references(() => people.id),
    checklistKey: text('checklist_key').notNull(),
    title: text('title').notNull(),
    /** the item texts as asked, so later edits of the checklist do not rewrite history */
    items: jsonb('items').$type<string[]>().notNull(),
    /** item number (1-based) → true passed, false failed */
    answers: jsonb('answers').$type<Record<string, boolean>>().notNull().default({}),
    /** 'abandoned': a newer self-check of the same business was started before this one was answered */
    status: text('status', { enum: ['open', 'done', 'abandoned'] }).notNull().default('open'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [index('self_checks_business_idx').on(t.businessId, t.startedAt)],
)

/** A failed self-check item and the hazard it became. */
export const selfCheckFindings = pgTable(
  'self_check_findings',
  {
    selfCheckId: integer('self_check_id').notNull().references(() => selfChecks.id),
    itemNo: integer('item_no').notNull(),
    hazardId: integer('hazard_id').notNull().references(() => hazards.id),
  },
  (t) => [primaryKey({ columns: [t.selfCheckId, t.itemNo] })],
)

/** A training session (培训); `code` is what people type to sign up. */
export const trainings = pgTable('trainings', {
  id: serial('id').primaryKey(),
  code: text('code')
    .notNull()
    .unique()
    .generatedAlwaysAs(sql`'P' || id`),
  topic: text('topic').notNull(),
  startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
  endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
  place: text('place'),
  link: text('link'),
  /** 'officials' (乡镇街安全管理人员), 'principals' (企业主要负责人) or 'all' */
  audience: text('audience', { enum: ['officials', 'principals', 'all'] }).notNull(),
  targetIndustries: text('target_industries').array().notNull().default([]),
  targetTownshipIds: integer('target_township_ids').array().notNull().default([]),
  /** the plan's yearly focus it serves, e.g. 'catering_gas' */
  focus: text('focus'),
  checkinCode: text('checkin_code').notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: createdAt(),
})

export const trainingSignups = pgTable(
  'training_signups',
  {
    trainingId: integer('training_id').notNull().references(() => trainings.id),
    personId: integer('person_id').notNull().references(() => people.id),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.trainingId, t.personId] })],
)

export const trainingAttendance = pgTable(
  'training_attendance',
  {
    trainingId: integer('training_id').notNull().references(() => trainings.id),
    personId: integer('person_id').notNull().references(() => people.id),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.trainingId, t.personId] })],
)

/** A business's full-staff responsibility system (全员安全生产责任制): one row once anything happened. */
export const responsibilitySystems = pgTable('responsibility_systems', {
  businessId: integer('business_id')
    .primaryKey()
    .references(() => businesses.id),
  status: text('status', { enum: ['not_started', 'revised', 'verified'] }).notNull(),
  attachmentSha256: text('attachment_sha256').references(() => attachments.sha256),
  submittedAt: timestamp('submitted_at', { withTimezone: true }),
  submittedByPersonId: integer('submitted_by_person_id'),
  verifiedAt: timestamp('verified_at', { withTimezone: true }),
  verifiedByName: text('verified_by_name'),
  note: text('note'),
})

/** A milestone of a plan target reached, with its evidence (never a typed-in status). */
export const planMilestones = pgTable(
  'plan_milestones',
  {
    id: serial('id').primaryKey(),
    /** 'joint_mechanism' | 'four_into' */
    targetKey: text('target_key').notNull(),
    /** the stage's year: 2024 set up / review, 2025 routine / improve, 2026 pattern / effect */
    year: integer('year').notNull(),
    achievedOn: date('achieved_on').notNull(),
    title: text('title').notNull(),
    evidenceSha256: text('evidence_sha256')
      .notNull()
      .references(() => attachments.sha256),
    evidenceName: text('evidence_name'),
    recordedBy: text('recorded_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('plan_milestones_stage_uq').on(t.targetKey, t.year)],
)

/** A special inspection (专项检查) by the bureau, alone or joint with enforcement departments. */
export const specialInspections = pgTable('special_inspections', {
  id: serial('id').primaryKey(),
  plannedOn: date('planned_on').notNull(),
  doneOn: date('done_on'),
  theme: text('theme').notNull(),
  departments: text('departments').array().notNull().default([]),
  businessIds: integer('business_ids').array().notNull().default([]),
  hazardIds: integer('hazard_ids').array().notNull().default([]),
  note: text('note'),
  createdBy: text('created_by').notNull(),
  createdAt: createdAt(),
})

/** An exhibition's approval or filing (展览活动审批/备案). */
export const exhibitionFilings = pgTable('exhibition_filings', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  organiser: text('organiser').notNull(),
  venue: text('venue'),
  startsOn: date('starts_on').notNull(),
  endsOn: date('ends_on').notNull(),
  /** a large public event (大型群众性活动): needs the police safety permit */
  largePublicEvent: boolean('large_public_event').notNull().default(false),
  safetyPlanSha256: text('safety_plan_sha256').references(() => attachments.sha256),
  emergencyPlanSha256: text('emergency_plan_sha256').references(() => attachments.sha256),
  policePermitSha256: text('police_permit_sha256').references(() => attachments.sha256),
  decision: text('decision', { enum: ['approved', 'rejected'] }),
  decisionNote: text('decision_note'),
  decidedBy: text('decided_by'),
  decidedAt: timestamp('decided_at', { withTimezone: true }),
  createdAt: createdAt(),
})

/** 不再给予政策支持: businesses punished for a larger accident or refusing rectification with serious effect. */
export const policyExclusions = pgTable('policy_exclusions', {
  id: serial('id').primaryKey(),
  businessId: integer('business_id')
    .notNull()
    .references(() => businesses.id),
  reason: text('reason', { enum: ['larger_accident', 'refused_rectification'] }).notNull(),
  detail: text('detail').notNull(),
  /** the punishing department and its decision number */
  source: text('source').notNull(),
  decidedOn: date('decided_on').notNull(),
  liftedOn: date('lifted_on'),
  recordedBy: text('recorded_by').notNull(),
  createdAt: createdAt(),
})

/** A restaurant's fuel and its 瓶改管/气改电 conversion. */
export const gasConversions = pgTable('gas_conversions', {
  businessId: integer('business_id')
    .primaryKey()
    .references(() => businesses.id),
  fuel: text('fuel', { enum: ['bottled_lpg', 'piped_gas', 'electric', 'alcohol_fuel', 'other'] }).notNull(),
  plan: text('plan', { enum: ['bottle_to_pipe', 'gas_to_electric', 'none'] }).notNull().default('none'),
  status: text('status', { enum: ['not_started', 'in_progress', 'converted'] }).notNull().default('not_started'),
  convertedOn: date('converted_on'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
})

/** A published commendation (通报表扬). */
export const commendations = pgTable('commendations', {
  id: serial('id').primaryKey(),
  title: text('title').notNull(),
  businessIds: integer('business_ids').array().notNull(),
  text: text('text').notNull(),
  publishedBy: text('published_by').notNull(),
  publishedAt: timestamp('published_at', { withTimezone: true }).notNull(),
})
