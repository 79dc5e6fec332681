import { eq } from 'drizzle-orm'
import { schema, type BulkWrite } from '../../../db/client.js'
import { defaultLexicon } from '../../../db/lexicon.js'
import type { AppConfig } from '../../config.js'
import { recognise, type Recognition } from '../../core/recogniser.js'
import type { DangerKind } from '../../core/urgent-guidance.js'
import { saysSomething, type ReportArgs } from '../../core/parse.js'
import { PUBLIC_REPORTER, UNIDENTIFIED_BUSINESS } from '../../core/domain.js'
import { normalize, truncate } from '../../core/text.js'
import { startsDirectChats } from '../../core/messages.js'
import { addDraftPhoto, describeDraft, openDraft, openDraftById, promptedLately, raiseUrgent, setDraftPlace, type PlainDraft } from '../../services/plain-reports.js'
import { categoryLabel } from '../format.js'
import type { ChatContext, CommandDef } from '../command.js'
import { refusalFor } from './authorise.js'
import { openSlot } from './slots.js'
import report, { fileReport } from '../../../commands/report.js'

const reportCommand = report as unknown as CommandDef<never>

/**
 * The plain-words step (issue 12): a hazard told in everyday words gets a draft to confirm (`回复 1 上报，回复 2
 * 不报`); one overheard in a group gets a one-line prompt, at most one per sender per chat per PLAIN_PROMPT_MINUTES;
 * an urgent danger gets safety guidance at once and the township's officer is told, whatever PLAIN_REPORTS says.
 */

export const DRAFT_SLOT = 'draft'

/** The recogniser over the trade's lexicon. */
export const recogniseWords = (text: string): Recognition => recognise(text, defaultLexicon())

/** Whether overheard group text may need the bot, before any database work: an urgent danger, or a confident hazard. */
export function overheard(text: string, config: AppConfig): Recognition | null {
  const r = recogniseWords(text)
  return r.urgent || (r.hazard && config.PLAIN_REPORTS === 'all') ? r : null
}

/** Whether recognised words describe a hazard: what the bare report words (`报隐患 …`, `举报 …` without `#`) need to be filed. */
export const namesHazard = (r: Recognition): boolean => r.hazard || !!r.urgent

/** namesHazard over the words' own recognition. */
export function describesHazard(text: string): boolean {
  return namesHazard(recogniseWords(text))
}

/** Words after a bare report word (`r` their recognition) that cannot be a hazard at all: a phone number, a notice, a question, an ad … */
export function plainlyNotHazard(text: string, r: Recognition): boolean {
  return /\d{5,}/.test(text) || r.chatter !== null || !saysSomething(text)
}

function businessOf(ctx: ChatContext): string {
  const bs = ctx.actor.businesses ?? []
  const b = bs.find((x) => ctx.group?.townshipId == null || x.townshipId === ctx.group.townshipId) ?? bs[0]
  return b?.name ?? (ctx.actor.role === 'public' ? `${UNIDENTIFIED_BUSINESS}（${PUBLIC_REPORTER}）` : UNIDENTIFIED_BUSINESS)
}

function townshipOf(ctx: ChatContext): number | null {
  return ctx.group?.townshipId ?? ctx.actor.businesses?.find((b) => b.townshipId)?.townshipId ?? ctx.actor.townshipId ?? null
}

/** The draft as the sender reads it: what was understood and how to answer. */
export function draftText(d: PlainDraft, business: string, minutes: number): string {
  return [
    `要上报这条隐患吗？`,
    `情况：${truncate(d.text ?? '', 40)}`,
    `类别：${categoryLabel(d.category)}${d.place ? `　地点：${d.place}` : ''}${d.major || d.urgent ? '　可能是重大隐患' : ''}`,
    `单位：${business}`,
    ...(d.photos.length ? [`照片：${d.photos.length} 张`] : []),
    `回复 1 上报，回复 2 不报（${minutes}分钟内；可先补发照片）`,
  ].join('\n')
}

async function guide(ctx: ChatContext, kind: DangerKind, text: string): Promise<boolean> {
  return raiseUrgent(ctx.tx, ctx.msg, kind, text, townshipOf(ctx), ctx.now, {
    bureauGroup: ctx.config.BUREAU_GROUP,
    robotsOn: ctx.config.WECOM_ROBOT_ENABLED,
    directChats: startsDirectChats(ctx.msg.channel, ctx.config.WECOM_BOT_MODE),
  })
}

/**
 * Text told to the bot (direct chat, @-mention) that names no command: the words for a photo waiting for them,
 * else a hazard described → urgent guidance and a draft. False when the words describe nothing (the caller answers).
 * `force`: a draft even when the recogniser is unsure (the sender said 报隐患 without `#`).
 */
export async function plainAddressed(ctx: ChatContext, text: string, opts: { force?: boolean; recognition?: Recognition } = {}): Promise<boolean> {
  const { config } = ctx
  const slot = await openSlot(ctx.tx, ctx.msg, ctx.now, true)
  const waiting = slot?.kind === DRAFT_SLOT ? await openDraftById(ctx.tx, Number(slot.data?.draftId)) : null
  const r = opts.recognition ?? recogniseWords(text)
  if (waiting && waiting.text === null && saysSomething(text)) {
    if (r.urgent) await guide(ctx, r.urgent, text)
    const d = await describeDraft(ctx.tx, waiting.id, text, r, ctx.now, config.PLAIN_DRAFT_MINUTES)
    await ctx.awaitReply(DRAFT_SLOT, { draftId: d.id }, config.PLAIN_DRAFT_MINUTES)
    await ctx.reply(draftText(d, businessOf(ctx), config.PLAIN_DRAFT_MINUTES))
    return true
  }
  if (!r.hazard && !r.urgent && !opts.force) return false
  if (r.urgent) await guide(ctx, r.urgent, text)
  if (config.PLAIN_REPORTS === 'off') {
    if (!r.urgent) return false
    await ctx.reply(`已通知监管人员。要登记隐患请发：#隐患 ${truncate(text, 20)}`)
    return true
  }
  const refusal = refusalFor(reportCommand, ctx.actor, ctx.group)
  if (refusal) {
    await ctx.reply(refusal)
    return true
  }
  // a second hazard while one waits: its own draft (the photos stay with the one they were sent for; the
  // earlier draft is asked about again once this one is answered)
  const d = await openDraft(ctx.tx, ctx.msg, r, text, 'addressed', ctx.now, config.PLAIN_DRAFT_MINUTES)
  await ctx.awaitReply(DRAFT_SLOT, { draftId: d.id }, config.PLAIN_DRAFT_MINUTES)
  await ctx.reply(draftText(d, businessOf(ctx), config.PLAIN_DRAFT_MINUTES))
  return true
}

/**
 * Group text not addressed to the bot that `overheard` let through: urgent guidance (always), then a one-line
 * prompt with a draft behind it when PLAIN_REPORTS is `all`, the group registered, and the sender not prompted here
 * lately. False when nothing was said (the caller stays silent).
 */
export async function plainOverheard(ctx: ChatContext, text: string, r: Recognition): Promise<boolean> {
  const { config } = ctx
  const guided = r.urgent ? await guide(ctx, r.urgent, text) : false
  if (!r.hazard || config.PLAIN_REPORTS !== 'all' || refusalFor(reportCommand, ctx.actor, ctx.group)) return guided
  if (await promptedLately(ctx.tx, ctx.msg, ctx.now, config.PLAIN_PROMPT_MINUTES)) return guided
  const d = await openDraft(ctx.tx, ctx.msg, r, text, 'prompt', ctx.now, config.PLAIN_DRAFT_MINUTES)
  await ctx.awaitReply(DRAFT_SLOT, { draftId: d.id }, config.PLAIN_DRAFT_MINUTES)
  await ctx.reply(`像是安全隐患（${categoryLabel(d.category)}），要上报吗？回复 1 上报，回复 2 不报`)
  return true
}

/** A photo in a direct chat with nothing open: kept in a draft that asks for one sentence about it. */
export async function plainPhoto(ctx: ChatContext, sha256: string): Promise<void> {
  const d = await openDraft(ctx.tx, ctx.msg, null, null, 'photo', ctx.now, ctx.config.PLAIN_DRAFT_MINUTES, [sha256])
  await ctx.awaitReply(DRAFT_SLOT, { draftId: d.id }, ctx.config.PLAIN_DRAFT_MINUTES)
  await ctx.reply('收到照片。请用一句话说说是什么问题、在哪，我帮您登记。')
}

/**
 * A place said after the draft (`地点：前厅`, `在二楼仓库`, `不是后厨，是前厅吧台`): the draft takes it and is shown
 * again. Null when the words name no place.
 */
const PLACE_END = /[楼层号室间厅库房门口边区台厨店棚场院道梯站罐处角]$/

export function placeCorrection(text: string): string | null {
  const t = normalize(text).replace(/[。.!！~～]+$/, '').trim()
  const named = /^(?:地点|位置|地方)\s*[:：是在]?\s*(.{1,20})$/.exec(t)?.[1]
  // without 地点: only words that end like a place (楼、层、厅、库、口 …): 在忙 and 在吗 are not places
  const said = named ?? (/^(?:是)?在\s*(.{1,20}?)(?:那儿|那里|那边|那)?$/.exec(t) ?? /^不是.{1,12}?[,，、\s]*(?:是|在)\s*(.{1,20}?)(?:那儿|那里|那边|那)?$/.exec(t))?.[1]
  if (!named && !(said && PLACE_END.test(said))) return null
  const place = said?.replace(/^(?:在|是)/, '').trim()
  // 在仓库门口堆了好多纸箱 is a second hazard, not a place
  if (!place || place.length > 12 || describesHazard(t)) return null
  return place
}

export async function correctDraftPlace(ctx: ChatContext, draftId: number, place: string): Promise<boolean> {
  const open = await openDraftById(ctx.tx, draftId)
  if (!open || open.text === null) return false
  const d = await setDraftPlace(ctx.tx, open.id, place)
  await ctx.awaitReply(DRAFT_SLOT, { draftId: d.id }, Math.max(1, Math.ceil((d.expiresAt.getTime() - ctx.now.getTime()) / 60_000)))
  await ctx.reply(draftText(d, businessOf(ctx), Math.max(1, Math.ceil((d.expiresAt.getTime() - ctx.now.getTime()) / 60_000))))
  return true
}

/** A photo sent while a draft is open joins it. */
export async function draftPhoto(ctx: ChatContext, draftId: number, sha256: string): Promise<void> {
  const d = await openDraftById(ctx.tx, draftId)
  if (!d) {
    await ctx.reply('这条草稿已结束，照片没有登记。要上报请发：#隐患 情况')
    return
  }
  const n = await addDraftPhoto(ctx.tx, d.id, sha256)
  await ctx.awaitReply(DRAFT_SLOT, { draftId: d.id }, Math.max(1, Math.ceil((d.expiresAt.getTime() - ctx.now.getTime()) / 60_000)))
  await ctx.reply(d.text === null ? `已收到照片 ${n} 张。请用一句话说说是什么问题。` : `已收到照片 ${n} 张，回复 1 上报，回复 2 不报。`)
}

const attachMany: BulkWrite<{ hazardId: number; sha256: string; sourceMessageId: string; createdAt: Date }> = (tx, rows) =>
  tx.insert(schema.hazardAttachments).values(rows.map((r) => ({ ...r, stage: 'report' as const })))

const fileDrafts: BulkWrite<{ id: number; hazardId: number; now: Date }> = async (tx, rows) => {
  for (const r of rows) await tx.update(schema.plainDrafts).set({ status: 'filed', closedAt: r.now, hazardId: r.hazardId }).where(eq(schema.plainDrafts.id, r.id))
}

/** `1`: the draft is filed as `#隐患` would file it (a confirmed urgent one as 重大; a 重大 hint stays a hint), with its photos. */
export async function confirmDraft(ctx: ChatContext, d: PlainDraft): Promise<void> {
  const refusal = refusalFor(reportCommand, ctx.actor, ctx.group)
  if (refusal) {
    await ctx.reply(refusal)
    return
  }
  const args: ReportArgs = { description: d.text!, place: d.place, category: d.category as ReportArgs['category'], categoryGiven: false, major: !!d.urgent }
  const { hazard } = await fileReport(ctx, args, { photos: d.photos.length })
  for (const sha256 of d.photos) ctx.later(attachMany, { hazardId: hazard.id, sha256, sourceMessageId: ctx.msg.messageId, createdAt: ctx.now })
  ctx.later(fileDrafts, { id: d.id, hazardId: hazard.id, now: ctx.now })
}
