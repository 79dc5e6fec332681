import { desc, eq } from 'drizzle-orm'
import { schema, type Db, type Tx } from '../../../db/client.js'
import { AppError } from '../../core/errors.js'
import { INDUSTRIES, industryLabel } from '../../core/domain.js'
import { authorize, type Actor } from '../../core/permissions.js'
import { createNotice, type ApiWho, type Sender } from '../notices.js'
import { createTraining } from '../programmes/trainings.js'
import { recordAudit } from '../audit.js'

const { associationIssues, registerSettings } = schema
export type IssueRow = typeof associationIssues.$inferSelect
export type IssueKind = IssueRow['kind']

export const ISSUE_KINDS: Record<IssueKind, string> = { initiative: '自律倡议', risk_reminder: '风险提醒', training: '公益培训' }

export interface IssueInput {
  kind: IssueKind
  title: string
  body: string
  industries: string[]
  startsAt?: Date
  endsAt?: Date
  place?: string
  link?: string
}

const APPROVAL = 'association_approval'

export async function approvalRequired(tx: Tx): Promise<boolean> {
  const [r] = await tx.select().from(registerSettings).where(eq(registerSettings.key, APPROVAL))
  return r?.value === true
}

export async function setApprovalRequired(tx: Tx, on: boolean, by: string, now: Date): Promise<void> {
  await tx
    .insert(registerSettings)
    .values({ key: APPROVAL, value: on, updatedBy: by, updatedAt: now })
    .onConflictDoUpdate({ target: registerSettings.key, set: { value: on, updatedBy: by, updatedAt: now } })
}

/** The industries an association speaks to: those it names, within its own (an association of every industry names them). */
function industriesFor(actor: Actor, asked: string[]): string[] {
  const bad = asked.filter((i) => !(i in INDUSTRIES))
  if (bad.length) throw new AppError('usage', `没有这个行业：${bad.join('、')}`)
  const own = actor.industries
  const list = asked.length ? asked : own
  if (!list.length) throw new AppError('usage', '请选择发给哪些行业（industries）')
  const outside = own.length ? list.filter((i) => !own.includes(i)) : []
  if (outside.length) throw new AppError('forbidden', `协会只能发给本行业：${outside.map(industryLabel).join('、')}不在范围内`)
  return list
}

export function issueText(i: Pick<IssueRow, 'kind' | 'title' | 'body' | 'issuedByName'>): string {
  return `【${ISSUE_KINDS[i.kind]}】${i.title}\n${i.body}\n——${i.issuedByName}`
}

interface Deps {
  db: Db
  sender: Sender
  who: ApiWho
  now: Date
}

/** Sends an issue out: 倡议 and 风险提醒 as notices asking for 收到; 公益培训 as a training (sign-up and check-in). */
async function send(d: Deps, row: IssueRow): Promise<IssueRow> {
  if (row.kind === 'training') {
    return d.db.transaction(async (tx) => {
      const r = await createTraining(
        tx,
        {
          topic: `${row.title}（${row.issuedByName}公益培训）`,
          startsAt: row.startsAt!,
          endsAt: row.endsAt!,
          place: row.place ?? undefined,
          audience: 'principals',
          targetIndustries: row.industries,
          targetTownshipIds: [],
          createdBy: row.issuedByName,
        },
        d.now,
        d.sender.account,
      )
      const [done] = await tx.update(associationIssues).set({ status: 'issued', trainingId: r.training.id }).where(eq(associationIssues.id, row.id)).returning()
      return done
    })
  }
  const r = await createNotice(d.db, d.sender, { text: issueText(row), targets: { industries: row.industries }, requiresAck: true, priority: 'normal' }, d.who, d.now)
  const [done] = await d.db.update(associationIssues).set({ status: 'issued', noticeId: r.notice.id }).where(eq(associationIssues.id, row.id)).returning()
  return done
}

/**
 * An association issues 自律倡议, 风险提醒 or 公益培训 to the groups of its industries; when the bureau requires
 * approval it waits as pending. Audited.
 */
export async function issue(d: Deps, actor: Actor & { name: string }, input: IssueInput): Promise<IssueRow> {
  const a = authorize(actor, 'association.issue')
  if (!a.ok) throw new AppError('forbidden', a.reason)
  const industries = industriesFor(actor, input.industries)
  if (input.kind === 'training') {
    if (!input.startsAt || !input.endsAt) throw new AppError('usage', '公益培训请填写开始和结束时间（startsAt、endsAt）')
    if (input.endsAt <= input.startsAt) throw new AppError('usage', '结束时间要晚于开始时间')
    if (!input.place && !input.link) throw new AppError('usage', '请填写培训地点或线上链接')
  }
  const pending = await approvalRequired(d.db)
  const row = await d.db.transaction(async (tx) => {
    const [r] = await tx
      .insert(associationIssues)
      .values({
        kind: input.kind,
        title: input.title,
        body: input.body,
        industries,
        startsAt: input.startsAt ?? null,
        endsAt: input.endsAt ?? null,
        place: input.place ?? input.link ?? null,
        // sent below when no approval is needed; 'issued' only once it went out
        status: 'pending',
        issuedByPersonId: actor.personId,
        issuedByName: actor.name,
        createdAt: d.now,
      })
      .returning()
    await recordAudit(tx, { actorKind: d.who.kind, actorId: d.who.id, actorName: d.who.name, action: 'association.issue', targetType: 'association_issue', targetId: r.id, detail: { kind: r.kind, title: r.title, industries, pending }, requestId: d.who.requestId }, d.now)
    return r
  })
  if (pending) return row
  try {
    return await send(d, row)
  } catch (e) {
    await d.db.update(associationIssues).set({ status: 'rejected', decisionNote: `未能发出：${e instanceof AppError ? e.userMessage : '发送失败'}`, decidedAt: d.now }).where(eq(associationIssues.id, row.id))
    throw e
  }
}

/** The bureau approves (it goes out now) or rejects a pending issue. */
export async function decide(d: Deps, actor: Actor & { name: string }, id: number, decision: 'approve' | 'reject', note?: string): Promise<IssueRow> {
  const a = authorize(actor, 'association.approve')
  if (!a.ok) throw new AppError('forbidden', a.reason)
  const [row] = await d.db.select().from(associationIssues).where(eq(associationIssues.id, id))
  if (!row) throw new AppError('not_found', `没有找到协会发布 ${id}`)
  if (row.status !== 'pending') throw new AppError('invalid_state', `这条已${row.status === 'issued' ? '发出' : '退回'}，不能再审核`)
  const [decided] = await d.db.transaction(async (tx) => {
    await recordAudit(tx, { actorKind: d.who.kind, actorId: d.who.id, actorName: d.who.name, action: `association.${decision}`, targetType: 'association_issue', targetId: id, detail: { note }, requestId: d.who.requestId }, d.now)
    return tx
      .update(associationIssues)
      .set({ status: decision === 'reject' ? 'rejected' : 'pending', decidedBy: actor.name, decisionNote: note ?? null, decidedAt: d.now })
      .where(eq(associationIssues.id, id))
      .returning()
  })
  return decision === 'approve' ? send(d, decided) : decided
}

/** An association sees its own issues; the bureau sees all. */
export async function listIssues(tx: Tx, actor: Actor) {
  const all = authorize(actor, 'association.approve').ok || authorize(actor, 'programme.read').ok
  const rows = await tx
    .select()
    .from(associationIssues)
    .where(all ? undefined : eq(associationIssues.issuedByPersonId, actor.personId ?? -1))
    .orderBy(desc(associationIssues.id))
  return rows.map((r) => ({ ...r, kindLabel: ISSUE_KINDS[r.kind], industryLabels: r.industries.map(industryLabel) }))
}
