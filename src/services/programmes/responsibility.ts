import { eq, type SQL } from 'drizzle-orm'
import { schema, type Tx } from '../../../db/client.js'
import { AppError } from '../../core/errors.js'
import { formatDate } from '../../core/clock.js'
import { authorize, type Actor } from '../../core/permissions.js'
import {
  responsibilityDeadline,
  isResponsibilityLate,
  RESPONSIBILITY_LABELS,
  type ResponsibilityStatus,
} from '../../core/responsibility.js'
import { check } from '../hazards.js'
import { findBusiness, type BusinessRow } from '../directory.js'
import { recordAudit } from '../audit.js'

const { responsibilitySystems, businesses, jurisdictions } = schema

export async function responsibilityOf(tx: Tx, businessId: number) {
  const [r] = await tx.select().from(responsibilitySystems).where(eq(responsibilitySystems.businessId, businessId))
  return r ?? null
}

export function statusLine(b: BusinessRow, status: ResponsibilityStatus, now: Date): string {
  const deadline = responsibilityDeadline(b.aboveQuota)
  const late = isResponsibilityLate(b.aboveQuota, status, now)
  return `${b.name}：${RESPONSIBILITY_LABELS[status]}（${b.aboveQuota ? '限上单位' : '其他单位'}，期限 ${formatDate(deadline)}${late ? '，已逾期' : ''}）`
}

/** Stores the submitted document or photo: status revised, waiting for an officer. */
export async function submitResponsibility(
  tx: Tx,
  actor: Actor & { name: string },
  businessId: number,
  sha256: string,
  now: Date,
): Promise<void> {
  check(actor, 'responsibility.submit', { businessId, townshipId: null, industry: null })
  const before = await responsibilityOf(tx, businessId)
  if (before?.status === 'verified') throw new AppError('invalid_state', '本单位责任制已核验通过，无需再报')
  const values = { status: 'revised' as const, attachmentSha256: sha256, submittedAt: now, submittedByPersonId: actor.personId }
  await tx.insert(responsibilitySystems).values({ businessId, ...values }).onConflictDoUpdate({ target: responsibilitySystems.businessId, set: values })
  await recordAudit(
    tx,
    { actorKind: 'chat', actorId: actor.personId, actorName: actor.name, action: 'responsibility.submit', targetType: 'business', targetId: businessId, detail: { sha256, from: before?.status ?? 'not_started' } },
    now,
  )
}

/** An officer (or the API) confirms a revised responsibility system. */
export async function verifyResponsibility(
  tx: Tx,
  actor: Actor & { name: string },
  businessWord: string | number,
  now: Date,
  via: 'chat' | 'token' | 'person' = 'chat',
  note?: string,
): Promise<BusinessRow> {
  const b = typeof businessWord === 'number' ? (await tx.select().from(businesses).where(eq(businesses.id, businessWord)))[0] : await findBusiness(tx, businessWord)
  if (!b) throw new AppError('not_found', `没有找到单位“${businessWord}”`)
  const d = authorize(actor, 'responsibility.verify', { businessId: b.id, townshipId: b.townshipId, industry: b.industry })
  if (!d.ok) throw new AppError('forbidden', d.reason)
  const r = await responsibilityOf(tx, b.id)
  if (!r || r.status === 'not_started') throw new AppError('invalid_state', `${b.name} 还没有报送修订后的责任制，不能核验`)
  if (r.status === 'verified') throw new AppError('invalid_state', `${b.name} 的责任制已核验过`)
  await tx
    .update(responsibilitySystems)
    .set({ status: 'verified', verifiedAt: now, verifiedByName: actor.name, note: note ?? null })
    .where(eq(responsibilitySystems.businessId, b.id))
  await recordAudit(
    tx,
    { actorKind: via, actorId: actor.personId, actorName: actor.name, action: 'responsibility.verify', targetType: 'business', targetId: b.id, detail: { note: note ?? null } },
    now,
  )
  return b
}

/** Every business (of `scope`, a WHERE over businesses) with its responsibility status, class, deadline and township. */
export async function responsibilityTable(tx: Tx, now: Date, scope?: SQL) {
  const rows = await tx
    .select({ b: businesses, r: responsibilitySystems, township: jurisdictions.name })
    .from(businesses)
    .leftJoin(responsibilitySystems, eq(responsibilitySystems.businessId, businesses.id))
    .leftJoin(jurisdictions, eq(jurisdictions.id, businesses.townshipId))
    .where(scope)
    .orderBy(businesses.id)
  return rows.map(({ b, r, township }) => {
    const status = (r?.status ?? 'not_started') as ResponsibilityStatus
    return {
      businessId: b.id,
      name: b.name,
      township: township ?? null,
      townshipId: b.townshipId,
      industry: b.industry,
      aboveQuota: b.aboveQuota,
      status,
      submittedAt: r?.submittedAt ?? null,
      verifiedAt: r?.verifiedAt ?? null,
      attachmentSha256: r?.attachmentSha256 ?? null,
      deadline: formatDate(responsibilityDeadline(b.aboveQuota)),
      late: isResponsibilityLate(b.aboveQuota, status, now),
    }
  })
}

type Row = Awaited<ReturnType<typeof responsibilityTable>>[number]

function tally(list: Row[]) {
  const verified = list.filter((r) => r.status === 'verified').length
  const revised = list.filter((r) => r.status === 'revised').length
  return {
    total: list.length,
    notStarted: list.length - verified - revised,
    revised,
    verified,
    late: list.filter((r) => r.late).length,
    rate: list.length ? Math.round((verified / list.length) * 1000) / 1000 : 1,
  }
}

/** Coverage by class (above-quota / others) and by township. */
export async function responsibilityCoverage(tx: Tx, now: Date, scope?: SQL) {
  const table = await responsibilityTable(tx, now, scope)
  const townships = [...new Set(table.map((r) => r.township ?? '未分乡镇'))]
  return {
    byClass: {
      aboveQuota: { deadline: '2024-12-31', ...tally(table.filter((r) => r.aboveQuota)) },
      others: { deadline: '2025-12-31', ...tally(table.filter((r) => !r.aboveQuota)) },
    },
    byTownship: townships.map((t) => ({ township: t, ...tally(table.filter((r) => (r.township ?? '未分乡镇') === t)) })),
    late: table.filter((r) => r.late).map((r) => ({ businessId: r.businessId, name: r.name, township: r.township, status: r.status, deadline: r.deadline })),
  }
}
