import { desc, eq } from 'drizzle-orm'
import { schema, type Tx } from '../../db/client.js'
import type { AppConfig } from '../config.js'
import { AppError } from '../core/errors.js'
import type { Actor } from '../core/permissions.js'
import { storeAttachment, loadAttachment } from './attachments.js'
import { plansInForce } from './plans.js'
import { namedGroup, pushToGroups } from './pushes.js'
import { monthRange, monthlyAnnouncement, monthlyDocx } from './documents/monthly.js'

const { reports } = schema

export const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'

/** The bureau's own view (the whole city): documents for the leaders speak for all of it. */
export const BUREAU_READER: Actor = { role: 'admin', personId: null, identityId: null, businessIds: [], townshipId: null, industries: [] }

/** Where the console is reached: PUBLIC_URL, else this server on localhost. */
export const publicBase = (config: AppConfig): string => config.PUBLIC_URL ?? `http://localhost:${config.PORT}`

/**
 * Writes the monthly progress report for `month` from the records (the plans in force that month), keeps it for
 * download (one per month: a second run replaces it) and, with `announceTo`, posts its key figures to that group
 * through the outbox.
 */
export async function produceMonthlyReport(
  tx: Tx,
  opts: { month: string; now: Date; base: string; by: string; announceTo?: string; fallbackAccount?: string },
): Promise<{ report: typeof reports.$inferSelect; announced: boolean; text: string }> {
  const r = monthRange(opts.month)
  const plans = await plansInForce(tx, r.from, r.to)
  const issuer = plans[0]?.issuer ?? '市商务局'
  const doc = await monthlyDocx(tx, { month: opts.month, plans, actor: BUREAU_READER, now: opts.now, base: opts.base, issuer })
  const sha = await storeAttachment(tx, doc.docx, DOCX)
  const values = { title: doc.title, planKeys: plans.map((p) => p.key), fileSha256: sha, figures: { ...doc.summary }, createdBy: opts.by, createdAt: opts.now }
  const [report] = await tx
    .insert(reports)
    .values({ kind: 'monthly', period: opts.month, ...values })
    .onConflictDoUpdate({ target: [reports.kind, reports.period], set: values })
    .returning()
  const text = monthlyAnnouncement(doc.summary, opts.base)
  let announced = false
  if (opts.announceTo) {
    const group = await namedGroup(tx, opts.announceTo)
    if (group) announced = (await pushToGroups(tx, [group], text, 'normal', opts.now, { fallbackAccount: opts.fallbackAccount })).sent.length > 0
  }
  return { report, announced, text }
}

export async function listReports(tx: Tx) {
  return tx
    .select({ id: reports.id, kind: reports.kind, period: reports.period, title: reports.title, planKeys: reports.planKeys, figures: reports.figures, createdBy: reports.createdBy, createdAt: reports.createdAt })
    .from(reports)
    .orderBy(desc(reports.period), desc(reports.id))
}

export async function reportFile(tx: Tx, id: number): Promise<{ title: string; bytes: Buffer }> {
  const [r] = await tx.select().from(reports).where(eq(reports.id, id))
  if (!r) throw new AppError('not_found', `没有找到报告 ${id}`)
  const file = await loadAttachment(tx, r.fileSha256)
  if (!file) throw new AppError('not_found', `报告 ${id} 的文件不见了`)
  return { title: r.title, bytes: file.bytes }
}
