import { pgTable, serial, integer, text, timestamp, date, index } from 'drizzle-orm/pg-core'
import { createdAt } from './columns.js'
import { businesses, jurisdictions } from './directory.js'

/**
 * Plan item 3 (将安全生产要求融入产业政策): a policy measure of the commerce bureau — 餐饮业高质量发展,
 * 老字号示范创建, 县域商业体系建设 … — given to (or refused for) a business, with the safety requirement written
 * into it. A business on the exclusion list (不再给予政策支持) is refused by the service, never recorded as supported.
 */
export const policySupports = pgTable(
  'policy_supports',
  {
    id: serial('id').primaryKey(),
    programme: text('programme', { enum: ['catering_quality', 'time_honoured_brand', 'county_commerce', 'demonstration', 'other'] }).notNull(),
    /** e.g. 2025年凌源市老字号示范创建 */
    title: text('title').notNull(),
    businessId: integer('business_id')
      .notNull()
      .references(() => businesses.id),
    /** the safety requirement the measure set (as worded in its document) */
    safetyRequirement: text('safety_requirement').notNull(),
    /** its document number, when there is one */
    document: text('document'),
    decidedOn: date('decided_on').notNull(),
    outcome: text('outcome', { enum: ['supported', 'refused'] }).notNull(),
    /** why refused: the safety requirement not met, or the exclusion entry */
    reason: text('reason'),
    recordedBy: text('recorded_by').notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('policy_supports_business_idx').on(t.businessId)],
)

/**
 * Plan item 12 (安全生产宣传): a publicity activity — 安全生产月, 安全宣传“五进”, media, slogans, banners and big
 * screens in commercial streets (商业街区), warning education — held in a township (or city-wide) by the bureau,
 * an association or a business.
 */
export const publicityActivities = pgTable(
  'publicity_activities',
  {
    id: serial('id').primaryKey(),
    kind: text('kind', { enum: ['safety_month', 'five_into', 'media', 'street_display', 'warning_education', 'other'] }).notNull(),
    title: text('title').notNull(),
    heldOn: date('held_on').notNull(),
    /** null: city-wide */
    townshipId: integer('township_id').references(() => jurisdictions.id),
    /** the business that held or hosted it, when one did */
    businessId: integer('business_id').references(() => businesses.id),
    /** 市商务局, an association's name, a business … as typed */
    organiser: text('organiser').notNull(),
    place: text('place'),
    /** 五进: 企业, 农村, 社区, 学校, 家庭; street displays: 大屏, 标语, 横幅, 挂图 */
    forms: text('forms').array().notNull().default([]),
    /** people reached (participants, audience), when counted */
    reach: integer('reach'),
    note: text('note'),
    recordedBy: text('recorded_by').notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('publicity_activities_held_idx').on(t.heldOn)],
)
