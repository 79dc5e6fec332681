import type { AwaitedImage } from '../src/chat/command.js'
import { addDrillPhoto } from '../src/services/registers/drills.js'

/** Photos of a drill after #演练. */
const drillPhoto: AwaitedImage = {
  name: 'drill_photo',
  slotKind: 'drill',
  async onImage(ctx, attachment, slot) {
    const n = await addDrillPhoto(ctx.tx, Number(slot.data?.drillId), attachment.sha256)
    await ctx.reply(`已收到演练照片（共${n}张）。`)
  },
}

export default drillPhoto
