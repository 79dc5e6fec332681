import { randomInt } from 'node:crypto'
import { and, desc, eq, gte, lte, inArray, isNotNull, sql, type SQL } from 'drizzle-orm'
import { schema, type Tx } from '../../../db/client.js'
import { AppError } from '../../core/errors.js'
import { formatDateTime, endOfShanghaiDay } from '../../core/clock.js'
import { INDUSTRIES, industryLabel, type Industry } from '../../core/domain.js'
import type { ChatActor } from '../directory.js'
import type { Actor } from '../../core/permissions.js'
import { businessReach, reachWhere, reaches } from '../scope.js'
import { check } from '../hazards.js'
import { pushToGroups, targetGroups } from '../pushes.js'

const { trainings, trainingSignups, trainingAttendance, people, memberships, businesses, jurisdictions } = schema
export type TrainingRow = typeof trainings.$inferSelect

/** Check-in opens this long before the start and closes this long after the end. */
export const CHECKIN_MARGIN_MINUTES = 30

export interface NewTraining {
  topic: string
  startsAt: Date
  endsAt: Date
  place?: string
  link?: string
  audience: 'officials' | 'principals' | 'all'
  targetIndustries: string[]
  targetTownshipIds: number[]
  focus?: string
  createdBy: string
}

const AUDIENCE: Record<NewTraining['audience'], string> = { officials: '乡镇街安全管理人员', principals: '企业主要负责人', all: '乡镇街安全管理人员和企业负责人' }

export function trainingNotice(t: TrainingRow): string {
  return [
    `【安全培训通知】${t.topic}`,
    `时间：${formatDateTime(t.startsAt)} 至 ${formatDateTime(t.endsAt).slice(11)}`,
    t.place ? `地点：${t.place}` : null,
    t.link ? `线上：${t.link}` : null,
    `对象：${AUDIENCE[t.audience]}${t.targetIndustries.length ? `（${t.targetIndustries.map(industryLabel).join('、')}）` : ''}`,
    `报名请发：#报名 ${t.code}`,
    `培训现场发：#签到 ${t.code} 签到码（签到码由老师现场公布）`,
  ]
    .filter(Boolean)
    .join('\n')
}

/** Creates a training and sends its notice to the target groups (normal priority). */
export async function createTraining(tx: Tx, t: NewTraining, now: Date, fallbackAccount?: string) {
  if (t.endsAt.getTime() <= t.startsAt.getTime()) throw new AppError('usage', '结束时间要晚于开始时间')
  if (!t.place && !t.link) throw new AppError('usage', '请填写培训地点或线上链接')
  const bad = t.targetIndustries.filter((i) => !(i in INDUSTRIES))
  if (bad.length) throw new AppError('usage', `没有这个行业：${bad.join('、')}`)
  const [row] = await tx
    .insert(trainings)
    .values({
      topic: t.topic,
      startsAt: t.startsAt,
      endsAt: t.endsAt,
      place: t.place ?? null,
      link: t.link ?? null,
      audience: t.audience,
      targetIndustries: t.targetIndustries,
      targetTownshipIds: t.targetTownshipIds,
      focus: t.focus ?? null,
      checkinCode: String(randomInt(1000, 10000)),
      createdBy: t.createdBy,
    })
    .returning()
  const groups = await targetGroups(tx, { townshipIds: t.targetTownshipIds, industries: t.targetIndustries })
  const { sent } = await pushToGroups(tx, groups, trainingNotice(row), 'normal', now, { fallbackAccount })
  return { training: row, notifiedGroups: sent.map((g) => g.name) }
}

export async function trainingByCode(tx: Tx, code: string): Promise<TrainingRow> {
  const [t] = await tx.select().from(trainings).where(eq(trainings.code, code.toUpperCase()))
  if (!t) throw new AppError('not_found', `没有找到培训 ${code}，请检查编号`)
  return t
}

function needPerson(actor: ChatActor): number {
  check(actor, 'training.join')
  if (actor.personId === null) throw new AppError('not_bound', '请先绑定身份再报名培训：#绑定 绑定码')
  return actor.personId
}

export async function signUp(tx: Tx, actor: ChatActor, code: string, now: Date) {
  const personId = needPerson(actor)
  const t = await trainingByCode(tx, code)
  if (now.getTime() > t.endsAt.getTime()) throw new AppError('invalid_state', `培训 ${t.code} 已结束，不能报名`)
  const r = await tx.insert(trainingSignups).values({ trainingId: t.id, personId, at: now }).onConflictDoNothing().returning()
  return { training: t, again: r.length === 0 }
}

/** Records attendance with the code the trainer shows, during the session (with a margin). */
export async function checkIn(tx: Tx, actor: ChatActor, code: string | null, checkinCode: string, now: Date) {
  const personId = needPerson(actor)
  const margin = CHECKIN_MARGIN_MINUTES * 60_000
  let t: TrainingRow
  if (code) {
    t = await trainingByCode(tx, code)
    if (t.checkinCode !== checkinCode) throw new AppError('bad_code', '签到码不对，请看老师公布的签到码')
  } else {
    const open = await tx
      .select()
      .from(trainings)
      .where(and(eq(trainings.checkinCode, checkinCode), lte(trainings.startsAt, new Date(now.getTime() + margin)), gte(trainings.endsAt, new Date(now.getTime() - margin))))
    if (!open.length) throw new AppError('bad_code', '签到码不对，或现在不在培训时间内')
    if (open.length > 1) throw new AppError('usage', `同时有多场培训，请写上编号：#签到 ${open[0].code} ${checkinCode}`)
    t = open[0]
  }
  if (now.getTime() < t.startsAt.getTime() - margin || now.getTime() > t.endsAt.getTime() + margin) {
    throw new AppError('invalid_state', `签到时间为 ${formatDateTime(new Date(t.startsAt.getTime() - margin))} 至 ${formatDateTime(new Date(t.endsAt.getTime() + margin))}`)
  }
  const r = await tx.insert(trainingAttendance).values({ trainingId: t.id, personId, at: now }).onConflictDoNothing().returning()
  await tx.insert(trainingSignups).values({ trainingId: t.id, personId, at: now }).onConflictDoNothing()
  return { training: t, again: r.length === 0 }
}

function yearRange(year: number): [Date, Date] {
  return [new Date(endOfShanghaiDay(year - 1, 12, 31).getTime() + 1000), endOfShanghaiDay(year, 12, 31)]
}

/** People who attended a training of the year (optionally up to `at`). */
async function attendedIn(tx: Tx, year: number, at?: Date): Promise<Set<number>> {
  const [from, to] = yearRange(year)
  const until = at && at.getTime() < to.getTime() ? at : to
  const rows = await tx
    .selectDistinct({ personId: trainingAttendance.personId })
    .from(trainingAttendance)
    .innerJoin(trainings, eq(trainings.id, trainingAttendance.trainingId))
    .where(and(gte(trainings.startsAt, from), lte(trainings.startsAt, to), lte(trainingAttendance.at, until)))
  return new Set(rows.map((r) => r.personId))
}

/** Township safety officials: officers who belong to a township (the roster the bureau keeps in people); `scope`: a WHERE over people. */
export async function officialsRoster(tx: Tx, scope?: SQL) {
  return tx
    .select({ id: people.id, name: people.name, township: jurisdictions.name })
    .from(people)
    .innerJoin(jurisdictions, eq(jurisdictions.id, people.townshipId))
    .where(and(eq(people.role, 'officer'), isNotNull(people.townshipId), scope))
    .orderBy(people.id)
}

/** Business principals (membership role principal), optionally of some industries; `scope`: a WHERE over businesses. */
export async function principalsRoster(tx: Tx, industries?: string[], scope?: SQL) {
  const where = [eq(memberships.role, 'principal'), eq(people.role, 'member'), scope]
  if (industries?.length) where.push(inArray(businesses.industry, industries))
  return tx
    .select({ id: people.id, name: people.name, business: businesses.name, industry: businesses.industry })
    .from(memberships)
    .innerJoin(people, eq(people.id, memberships.personId))
    .innerJoin(businesses, eq(businesses.id, memberships.businessId))
    .where(and(...where))
    .orderBy(people.id)
}

function rate(done: number, total: number): number {
  return total === 0 ? 1 : Math.round((done / total) * 1000) / 1000
}

/**
 * Training coverage of a year: township officials and business principals (all, and of the year's focus, which
 * the plan in force sets: src/core/plan.ts trainingFocusOf); with an actor, the people of the actor's reach only.
 */
export async function trainingCoverage(tx: Tx, year: number, at?: Date, actor?: Actor, focus?: { label: string; industries: Industry[] } | null) {
  const attended = await attendedIn(tx, year, at)
  const officials = await officialsRoster(tx, actor && reachWhere(actor, 'programme.read', people.townshipId))
  const principals = await principalsRoster(tx, undefined, actor && businessReach(actor, 'programme.read'))
  const focusPrincipals = focus ? principals.filter((p) => (focus.industries as string[]).includes(p.industry)) : []
  const part = <T extends { id: number }>(list: T[]) => {
    const missing = list.filter((p) => !attended.has(p.id))
    return { total: list.length, trained: list.length - missing.length, rate: rate(list.length - missing.length, list.length), missing }
  }
  const [{ n }] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(trainings)
    .where(and(gte(trainings.startsAt, yearRange(year)[0]), lte(trainings.startsAt, yearRange(year)[1])))
  return {
    year,
    trainings: Number(n),
    focus: focus ? { label: focus.label, industries: focus.industries, principals: part(focusPrincipals) } : null,
    officials: part(officials),
    principals: part(principals),
  }
}

/** Trainings the actor reaches: those for the whole city, and those for a township of the actor's. */
export async function listTrainings(tx: Tx, actor: Actor) {
  const rows = await tx.select().from(trainings).orderBy(desc(trainings.startsAt))
  return rows.filter(
    (t) => !t.targetTownshipIds.length || t.targetTownshipIds.some((townshipId) => reaches(actor, 'programme.read', { townshipId })),
  )
}

/**
 * Who signed up for a training and who attended, within the actor's reach (a person counts where they work:
 * their own township, else their business's).
 */
export async function trainingRoster(tx: Tx, code: string, actor: Actor) {
  const t = await trainingByCode(tx, code)
  if (t.targetTownshipIds.length && !t.targetTownshipIds.some((townshipId) => reaches(actor, 'programme.read', { townshipId }))) {
    throw new AppError('forbidden', `培训 ${t.code} 不在您负责的范围内`)
  }
  const signed = await tx
    .select({ personId: trainingSignups.personId, at: trainingSignups.at, name: people.name, role: people.role, townshipId: people.townshipId })
    .from(trainingSignups)
    .innerJoin(people, eq(people.id, trainingSignups.personId))
    .where(eq(trainingSignups.trainingId, t.id))
    .orderBy(trainingSignups.at)
  const attended = new Map(
    (await tx.select({ personId: trainingAttendance.personId, at: trainingAttendance.at }).from(trainingAttendance).where(eq(trainingAttendance.trainingId, t.id))).map((a) => [a.personId, a.at]),
  )
  const work = signed.length
    ? await tx
        .select({ personId: memberships.personId, townshipId: businesses.townshipId, business: businesses.name })
        .from(memberships)
        .innerJoin(businesses, eq(businesses.id, memberships.businessId))
        .where(inArray(memberships.personId, signed.map((s) => s.personId)))
    : []
  const people_ = signed
    .map((s) => {
      const w = work.find((x) => x.personId === s.personId)
      return { name: s.name, role: s.role, business: w?.business ?? null, townshipId: s.townshipId ?? w?.townshipId ?? null, signedUpAt: s.at, attendedAt: attended.get(s.personId) ?? null }
    })
    .filter((p) => reaches(actor, 'programme.read', { townshipId: p.townshipId }))
  return { training: t, people: people_, signedUp: people_.length, attended: people_.filter((p) => p.attendedAt).length }
}
