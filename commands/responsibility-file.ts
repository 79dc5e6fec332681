import type { AwaitedImage } from '../src/chat/command.js'
import { isAppError } from '../src/core/errors.js'
import { submitResponsibility } from '../src/services/programmes/responsibility.js'

/** The document or photo after 责任制 已修订. */
const responsibilityFile: AwaitedImage = {
  name: 'responsibility_file',
  slotKind: 'responsibility',
  async onImage(ctx, attachment, slot) {
    const businessId = Number(slot.data?.businessId)
    await ctx.clearAwait()
    try {
      await submitResponsibility(ctx.tx, ctx.actor, businessId, attachment.sha256, ctx.now)
    } catch (e) {
      // a photo has no command to answer a refusal for it: say it here (nothing was written before the check)
      if (!isAppError(e)) throw e
      await ctx.reply(e.userMessage)
      return
    }
    await ctx.reply('已收到修订后的全员安全生产责任制，等待监管人员核验。')
  },
}

export default responsibilityFile
