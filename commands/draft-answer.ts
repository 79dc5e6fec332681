import type { AwaitedImage, AwaitedReply } from '../src/chat/command.js'
import { normalize } from '../src/core/text.js'
import { closeDraft, openDraftById, otherOpenDraft } from '../src/services/plain-reports.js'
import { truncate } from '../src/core/text.js'
import { categoryLabel } from '../src/chat/format.js'
import { confirmDraft, correctDraftPlace, draftPhoto, DRAFT_SLOT, placeCorrection } from '../src/chat/steps/plain.js'

// 回复 1 上报，回复 2 不报 — and what owners answer instead (好的、是的、不报了、算了吧)
const YES = /^(?:1|1?(?:上报|报|确认|确认上报|要报|报吧|上报吧|报上去|帮我报|帮我上报))$/
const NO = /^(?:2|2?(?:不报|不报了|不用|不用了|不用报|不上报|不上报了|先不报|取消|算了|算了吧|不要|不要了|别报|别报了|报错了|发错了|说错了))$/
/** a yes as said in passing (好的, 嗯): only when told to the bot, never overheard in a group, where it answers others */
const CASUAL_YES = /^(?:好|好的|好滴|好吧|是|是的|对|对的|嗯|嗯嗯|行|可以|要|要的|ok|okay)$/
const clean = (t: string) =>
  normalize(t)
    .toLowerCase()
    .replace(/[。.,，!！~～\s]+/g, '')

/** `1` files the sender's open draft, `2` drops it: the short answer to `回复 1 上报，回复 2 不报`. */
export const draftAnswer: AwaitedReply = {
  name: 'draft_answer',
  slotKind: DRAFT_SLOT,
  matches: (text) => {
    const t = clean(text)
    return YES.test(t) || NO.test(t)
  },
  onText: answerDraft,
}

async function answerDraft(ctx: Parameters<AwaitedReply['onText']>[0], text: string, slot: Parameters<AwaitedReply['onText']>[2]): Promise<boolean> {
  const d = await openDraftById(ctx.tx, Number(slot?.data?.draftId))
  if (!d || d.text === null) return false
  await ctx.clearAwait()
  if (NO.test(clean(text))) {
    await closeDraft(ctx.tx, d.id, 'dropped', ctx.now)
    await ctx.reply('好的，不上报。')
  } else await confirmDraft(ctx, d)
  // two hazards told in a row: the earlier one is asked about next, not left to expire unanswered
  const next = await otherOpenDraft(ctx.tx, ctx.msg, d.id, ctx.now)
  if (next) {
    await ctx.awaitReply(DRAFT_SLOT, { draftId: next.id }, Math.max(1, Math.ceil((next.expiresAt.getTime() - ctx.now.getTime()) / 60_000)))
    await ctx.reply(`还有一条没回复：“${truncate(next.text ?? '', 20)}”（${categoryLabel(next.category)}）\n回复 1 上报，回复 2 不报`)
  }
  return true
}

/** 好的 / 是的 / 嗯 to a draft, told to the bot (a direct chat, an @-mention): the same as 1. */
export const draftCasualYes: AwaitedReply = {
  name: 'draft_answer',
  slotKind: DRAFT_SLOT,
  addressedOnly: true,
  matches: (text) => CASUAL_YES.test(clean(text)),
  onText: answerDraft,
}

/** 地点：前厅 / 不是后厨，是前厅吧台, told to the bot while a draft waits: the draft's place, shown again. */
export const draftPlace: AwaitedReply = {
  name: 'draft_place',
  slotKind: DRAFT_SLOT,
  addressedOnly: true,
  matches: (text) => placeCorrection(text) !== null,
  onText: (ctx, text, slot) => correctDraftPlace(ctx, Number(slot?.data?.draftId), placeCorrection(text)!),
}

/** A photo sent while a draft is open joins the draft. */
export const draftPhotos: AwaitedImage = {
  name: 'draft_photo',
  slotKind: DRAFT_SLOT,
  async onImage(ctx, attachment, slot) {
    await draftPhoto(ctx, Number(slot.data?.draftId), attachment.sha256)
  },
}
