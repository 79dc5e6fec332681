import type { AwaitedImage, AwaitedReply } from '../src/chat/command.js'
import { normalize } from '../src/core/text.js'
import { closeDraft, openDraftById } from '../src/services/plain-reports.js'
import { confirmDraft, draftPhoto, DRAFT_SLOT } from '../src/chat/steps/plain.js'

const YES = /^(?:1|上报|报|确认|确认上报|要报|报吧|上报吧)$/
const NO = /^(?:2|不报|不用|不用报|不上报|取消|算了|不要)$/
const clean = (t: string) => normalize(t).replace(/[。.!！~～\s]+/g, '')

/** `1` files the sender's open draft, `2` drops it: the short answer to `回复 1 上报，回复 2 不报`. */
export const draftAnswer: AwaitedReply = {
  name: 'draft_answer',
  slotKind: DRAFT_SLOT,
  matches: (text) => {
    const t = clean(text)
    return YES.test(t) || NO.test(t)
  },
  async onText(ctx, text, slot) {
    const d = await openDraftById(ctx.tx, Number(slot?.data?.draftId))
    if (!d || d.text === null) return false
    await ctx.clearAwait()
    if (NO.test(clean(text))) {
      await closeDraft(ctx.tx, d.id, 'dropped', ctx.now)
      await ctx.reply('好的，不上报。')
      return true
    }
    await confirmDraft(ctx, d)
    return true
  },
}

/** A photo sent while a draft is open joins the draft. */
export const draftPhotos: AwaitedImage = {
  name: 'draft_photo',
  slotKind: DRAFT_SLOT,
  async onImage(ctx, attachment, slot) {
    await draftPhoto(ctx, Number(slot.data?.draftId), attachment.sha256)
  },
}
