import { and, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm'
import { schema, type Tx } from '../../../db/client.js'
import { AppError } from '../../core/errors.js'
import { formatDate } from '../../core/clock.js'
import type { Actor } from '../../core/permissions.js'
import { LICENCE_KINDS, LICENCE_STATE_LABELS, daysLeft, dueReminder, licenceState, type LicenceKind } from '../../core/licences.js'
import { checkBusinesses } from '../scope.js'
import { coveredBy, directTarget, pushToGroups, targetGroups } from '../pushes.js'
import { enqueue } from '../outbox.js'

const { licences, licenceReminders, businesses, people } = schema
export type LicenceRow = typeof licences.$inferSelect

export interface LicenceInput {
  kind: LicenceKind
  number: string
  businessId: number
  holder: string
  scope?: string | null
  validUntil: string
  revokedOn?: string | null
}

/** The licence kind a business of an industry holds; others may not hold it. */
const KIND_INDUSTRY: Record<LicenceKind, string> = { refined_oil_retail: 'refined_oil', scrap_vehicle_recycling: 'scrap_vehicle' }

async function checked(tx: Tx, actor: Actor, input: LicenceInput) {
  const [b] = await checkBusinesses(tx, actor, 'programme.manage', [input.businessId])
  if (b.industry !== KIND_INDUSTRY[input.kind]) throw new AppError('usage', `${LICENCE_KINDS[input.kind]}只登记${input.kind === 'refined_oil_retail' ? '成品油' : '报废机动车'}行业的单位，“${b.name}”不是`)
  return b
}

export async function createLicence(tx: Tx, input: LicenceInput, actor: Actor & { name: string }, now: Date): Promise<LicenceRow> {
  await checked(tx, actor, input)
  const [dup] = await tx.select().from(licences).where(and(eq(licences.kind, input.kind), eq(licences.number, input.number.trim())))
  if (dup) throw new AppError('conflict', `已登记过${LICENCE_KINDS[input.kind]} ${dup.number}`)
  const [row] = await tx
    .insert(licences)
    .values({ ...input, number: input.number.trim(), scope: input.scope ?? null, revokedOn: input.revokedOn ?? null, recordedBy: actor.name, createdAt: now, updatedAt: now })
    .returning()
  return row
}

/** Corrects or renews (a later valid-until date) or revokes a licence; a renewal starts its reminders afresh. */
export async function updateLicence(tx: Tx, id: number, input: LicenceInput, actor: Actor & { name: string }, now: Date): Promise<{ before: LicenceRow; after: LicenceRow }> {
  const [before] = await tx.select().from(licences).where(eq(licences.id, id))
  if (!before) throw new AppError('not_found', `没有找到许可记录 ${id}`)
  await checkBusinesses(tx, actor, 'programme.manage', [before.businessId])
  await checked(tx, actor, input)
  const [dup] = await tx.select().from(licences).where(and(eq(licences.kind, input.kind), eq(licences.number, input.number.trim())))
  if (dup && dup.id !== id) throw new AppError('conflict', `已登记过${LICENCE_KINDS[input.kind]} ${dup.number}`)
  const [after] = await tx
    .update(licences)
    .set({ ...input, number: input.number.trim(), scope: input.scope ?? null, revokedOn: input.revokedOn ?? null, updatedAt: now })
    .where(eq(licences.id, id))
    .returning()
  return { before, after }
}

export interface LicenceView extends LicenceRow {
  kindLabel: string
  businessName: string
  townshipId: number | null
  industry: string
  state: string
  stateLabel: string
  daysLeft: number
}

export async function listLicences(tx: Tx, today: string, scope?: SQL, filter: { businessId?: number; state?: string } = {}): Promise<LicenceView[]> {
  const rows = await tx
    .select({ l: licences, name: businesses.name, townshipId: businesses.townshipId, industry: businesses.industry })
    .from(licences)
    .innerJoin(businesses, eq(businesses.id, licences.businessId))
    .where(and(scope, filter.businessId ? eq(licences.businessId, filter.businessId) : undefined))
    .orderBy(licences.validUntil, licences.id)
  return rows
    .map(({ l, name, townshipId, industry }) => {
      const state = licenceState(l, today)
      return { ...l, kindLabel: LICENCE_KINDS[l.kind], businessName: name, townshipId, industry, state, stateLabel: LICENCE_STATE_LABELS[state], daysLeft: daysLeft(l.validUntil, today) }
    })
    .filter((l) => !filter.state || l.state === filter.state)
}

/**
 * The SQL test "this business holds a lapsed licence on `today`": a licence past its date, not revoked, with no
 * valid licence of the same kind beside it (a renewal recorded as a new number clears the flag).
 */
export function lapsedLicenceSql(businessId: SQL, today: string): SQL {
  return sql`exists (select 1 from licences l where l.business_id = ${businessId} and l.revoked_on is null and l.valid_until < ${today}::date
    and not exists (select 1 from licences l2 where l2.business_id = l.business_id and l2.kind = l.kind and l2.revoked_on is null and l2.valid_until >= ${today}::date))`
}

const reminderText = (l: LicenceView, due: number) =>
  due === 0
    ? `【许可证已过期】${l.businessName}的${l.kindLabel}（${l.number}）已于${l.validUntil}到期。请立即办理延续，过期期间不得从事相关经营。`
    : `【许可证到期提醒】${l.businessName}的${l.kindLabel}（${l.number}）将于${l.validUntil}到期，还有${l.daysLeft}天。请提前办理延续手续。`

/**
 * Sends the expiry reminders due on `now`'s day: each licence's tightest threshold reached (60/30/7 days, then
 * lapsed), once per licence, threshold and validity date. To the groups that cover the business and, directly,
 * to the officers of its township. Returns the reminders sent.
 */
export async function remindLicences(tx: Tx, now: Date): Promise<{ licenceId: number; threshold: number }[]> {
  const today = formatDate(now)
  const live = (await listLicences(tx, today, isNull(licences.revokedOn))).filter((l) => l.state === 'expiring' || l.state === 'lapsed')
  if (!live.length) return []
  const sent = await tx.select().from(licenceReminders).where(inArray(licenceReminders.licenceId, live.map((l) => l.id)))
  const out: { licenceId: number; threshold: number }[] = []
  const groups = await targetGroups(tx)
  for (const l of live) {
    const mine = sent.filter((s) => s.licenceId === l.id && s.validUntil === l.validUntil).map((s) => s.threshold)
    const due = dueReminder(l.validUntil, today, mine)
    if (due === null) continue
    const claimed = await tx.insert(licenceReminders).values({ licenceId: l.id, threshold: due, validUntil: l.validUntil, sentAt: now }).onConflictDoNothing().returning()
    if (!claimed.length) continue
    const text = reminderText(l, due)
    const covering = groups.filter((g) => coveredBy(g, [{ townshipId: l.townshipId, industry: l.industry }]).length > 0)
    const pushed = await pushToGroups(tx, covering, text, 'normal', now)
    const via = pushed.sent[0] ?? null
    const officers = await tx
      .select({ id: people.id })
      .from(people)
      .where(
        and(
          eq(people.role, 'officer'),
          l.townshipId === null ? undefined : or(isNull(people.townshipId), eq(people.townshipId, l.townshipId)),
          sql`(cardinality(${people.industries}) = 0 or ${l.industry} = any(${people.industries}))`,
        ),
      )
    for (const o of officers) {
      const to = await directTarget(tx, o.id, via ? { channel: via.channel, account: via.account } : undefined)
      if (to) await enqueue(tx, { ...to, priority: 'normal', text }, now)
    }
    out.push({ licenceId: l.id, threshold: due })
  }
  return out
}
