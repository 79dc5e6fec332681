import { and, eq, gte, inArray, desc, type SQL } from 'drizzle-orm'
import { schema, type Tx } from '../../../db/client.js'
import { AppError } from '../../core/errors.js'
import { endOfShanghaiDay, shanghaiParts } from '../../core/clock.js'
import { readChecklistAnswer, CHECKLIST_USAGE } from '../../core/checklist-answers.js'
import { categoryOf, namesSomething } from '../../core/recogniser.js'
import { defaultLexicon, itemWords } from '../../../db/lexicon.js'
import { checklistByWord, checklistForIndustry, checklists, type Checklist } from '../../../db/checklists/index.js'
import { reportHazard } from '../hazards.js'
import { check } from '../hazards.js'
import type { ChatActor, GroupRow } from '../directory.js'

const { selfChecks, selfCheckFindings, businesses } = schema
export type SelfCheckRow = typeof selfChecks.$inferSelect

export function checklistChoices(): string {
  return checklists.map((c) => c.words[0]).join('、')
}

/** The business a member acts for here: the one in the group's township, else the first. */
export async function memberBusiness(tx: Tx, actor: ChatActor, group: GroupRow | null) {
  if (!actor.businessIds.length) throw new AppError('forbidden', '您还没有绑定单位，请先发：#绑定 绑定码')
  const rows = await tx.select().from(businesses).where(inArray(businesses.id, actor.businessIds))
  return rows.find((r) => group?.townshipId == null || r.townshipId === group.townshipId) ?? rows[0]
}

export function pickChecklist(word: string, industry: string): Checklist {
  const c = word ? checklistByWord(word) : checklistForIndustry(industry)
  if (!c) {
    throw new AppError('usage', word ? `没有“${word}”自查表，可选：${checklistChoices()}` : `请写明自查内容，可选：${checklistChoices()}`)
  }
  return c
}

export function checklistText(c: Checklist, businessName: string): string {
  return [
    `【${c.title}】${businessName}`,
    ...c.items.map((it, i) => `${i + 1}. ${it.text}`),
    '',
    `逐项对照，直接回复即可（不用加#）。\n${CHECKLIST_USAGE}`,
  ].join('\n')
}

/** Opens a self-check for the member's business; any open one of theirs is replaced. */
export async function startSelfCheck(tx: Tx, actor: ChatActor, group: GroupRow | null, word: string, now: Date) {
  check(actor, 'selfcheck.run')
  const business = await memberBusiness(tx, actor, group)
  const list = pickChecklist(word, business.industry)
  await tx
    .update(selfChecks)
    .set({ status: 'abandoned' })
    .where(and(eq(selfChecks.businessId, business.id), eq(selfChecks.status, 'open')))
  const [row] = await tx
    .insert(selfChecks)
    .values({ businessId: business.id, personId: actor.personId, checklistKey: list.key, title: list.title, items: list.items.map((i) => i.text), startedAt: now })
    .returning()
  return { check: row, checklist: list, business }
}

export type AnswerResult =
  | { done: false; check: SelfCheckRow; missing: number[] }
  | { done: true; check: SelfCheckRow; failed: { itemNo: number; text: string; code: string }[]; businessName: string; extra: { text: string; code: string } | null }

/** Applies an answer to an open self-check; a complete one files every failed item as a hazard linked to it. */
export async function answerSelfCheck(
  c: { tx: Tx; actor: ChatActor; now: Date; group: GroupRow | null; sourceMessageId?: string },
  selfCheckId: number,
  text: string,
): Promise<AnswerResult> {
  const [sc] = await c.tx.select().from(selfChecks).where(eq(selfChecks.id, selfCheckId)).for('update')
  if (!sc || sc.status !== 'open') throw new AppError('invalid_state', '这次自查已结束。重新开始请发：#自查 燃气')
  const previous = Object.fromEntries(Object.entries(sc.answers).map(([k, v]) => [Number(k), v]))
  const list = checklistByWord(sc.checklistKey)
  const lex = defaultLexicon()
  const r = readChecklistAnswer(text, sc.items.length, { itemWords: itemWords(sc.checklistKey, sc.items.map((t) => ({ text: t }))), namesThing: (s) => namesSomething(s, lex) }, previous)
  if (!r.ok) throw new AppError('usage', r.error)
  if (!r.complete) {
    const [row] = await c.tx.update(selfChecks).set({ answers: r.answers }).where(eq(selfChecks.id, sc.id)).returning()
    return { done: false, check: row, missing: r.missing }
  }
  const [business] = await c.tx.select().from(businesses).where(eq(businesses.id, sc.businessId))
  const failed: { itemNo: number; text: string; code: string }[] = []
  for (const itemNo of r.failed) {
    const itemText = sc.items[itemNo - 1]
    const category = list?.items.find((i) => i.text === itemText)?.category ?? 'other'
    const { hazard } = await reportHazard(
      { tx: c.tx, actor: { ...c.actor, businessIds: [sc.businessId], businesses: [business] }, now: c.now, sourceMessageId: c.sourceMessageId },
      { description: `自查不合格（${sc.title}第${itemNo}项）：${itemText}`, place: null, category, categoryGiven: true, major: false },
      { group: c.group },
    )
    await c.tx.insert(selfCheckFindings).values({ selfCheckId: sc.id, itemNo, hazardId: hazard.id })
    failed.push({ itemNo, text: itemText, code: hazard.code })
  }
  // a problem the answer named that no item covers: filed from its words
  let extra: { text: string; code: string } | null = null
  if (r.extra) {
    const { hazard } = await reportHazard(
      { tx: c.tx, actor: { ...c.actor, businessIds: [sc.businessId], businesses: [business] }, now: c.now, sourceMessageId: c.sourceMessageId },
      { description: `自查时发现：${r.extra}`, place: null, category: categoryOf(r.extra, lex), categoryGiven: false, major: false },
      { group: c.group },
    )
    extra = { text: r.extra, code: hazard.code }
  }
  const [row] = await c.tx
    .update(selfChecks)
    .set({ answers: r.answers, status: 'done', completedAt: c.now })
    .where(eq(selfChecks.id, sc.id))
    .returning()
  return { done: true, check: row, failed, businessName: business.name, extra }
}

/** The first instant of the Shanghai month `now` falls in. */
export function monthStart(now: Date): Date {
  const p = shanghaiParts(now)
  return new Date(endOfShanghaiDay(p.year, p.month, 0).getTime() + 1000)
}

/** Businesses (of `scope`, a WHERE over businesses) that have not finished a self-check since the start of this month. */
export async function businessesWithoutSelfCheck(tx: Tx, now: Date, scope?: SQL) {
  const since = monthStart(now)
  const done = await tx
    .selectDistinct({ id: selfChecks.businessId })
    .from(selfChecks)
    .where(and(eq(selfChecks.status, 'done'), gte(selfChecks.completedAt, since)))
  const doneIds = new Set(done.map((d) => d.id))
  const all = await tx.select().from(businesses).where(scope).orderBy(businesses.id)
  return all.filter((b) => !doneIds.has(b.id))
}

/** The latest self-checks (of one business; of the businesses `scope`, a WHERE over businesses, keeps) with their findings. */
export async function recentSelfChecks(tx: Tx, businessId?: number, limit = 50, scope?: SQL) {
  const rows = (
    await tx
      .select({ c: selfChecks })
      .from(selfChecks)
      .innerJoin(businesses, eq(businesses.id, selfChecks.businessId))
      .where(and(businessId ? eq(selfChecks.businessId, businessId) : undefined, scope))
      .orderBy(desc(selfChecks.id))
      .limit(limit)
  ).map((r) => r.c)
  const findings = rows.length
    ? await tx
        .select({ selfCheckId: selfCheckFindings.selfCheckId, itemNo: selfCheckFindings.itemNo, code: schema.hazards.code, status: schema.hazards.status })
        .from(selfCheckFindings)
        .innerJoin(schema.hazards, eq(schema.hazards.id, selfCheckFindings.hazardId))
        .where(inArray(selfCheckFindings.selfCheckId, rows.map((r) => r.id)))
    : []
  return rows.map((r) => ({ ...r, findings: findings.filter((f) => f.selfCheckId === r.id) }))
}
