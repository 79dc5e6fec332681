import type { AwaitedReply } from '../src/chat/command.js'
import { looksLikeChecklistAnswer } from '../src/core/checklist-answers.js'
import { answerSelfCheck } from '../src/services/programmes/selfchecks.js'
import { SELFCHECK_WINDOW_MINUTES } from './selfcheck.js'

/**
 * The business's answer to the self-check it opened (全部合格, 3、5不合格, 1是 2否, 行, 2号不行 别的都行, 电梯年检过期了其他都好 …),
 * without a command word. What cannot be read gets a short question back, never a guess.
 */
const selfcheckAnswer: AwaitedReply = {
  name: 'selfcheck_answer',
  slotKind: 'selfcheck',
  matches: looksLikeChecklistAnswer,
  async onText(ctx, text, slot) {
    const id = Number(slot?.data?.selfCheckId)
    if (!id) return false
    const r = await answerSelfCheck({ tx: ctx.tx, actor: ctx.actor, now: ctx.now, group: ctx.group, sourceMessageId: ctx.msg.messageId }, id, text)
    if (!r.done) {
      await ctx.awaitReply('selfcheck', { selfCheckId: id }, SELFCHECK_WINDOW_MINUTES)
      const answered = r.check.items.length - r.missing.length
      await ctx.reply(`已记下${answered}项，还差第${r.missing.join('、')}项，请接着回答，例如：${r.missing[0]}是`)
      return true
    }
    await ctx.clearAwait()
    const extra = r.extra ? [`另登记：${r.extra.code}（${r.extra.text}）`] : []
    if (!r.failed.length) {
      await ctx.reply([`${r.check.title}完成：${r.check.items.length}项全部合格。谢谢！`, ...extra].join('\n'))
      return true
    }
    await ctx.reply(
      [
        `${r.check.title}完成：${r.check.items.length}项中${r.failed.length}项不合格，已登记隐患：`,
        ...r.failed.map((f) => `${f.code}（第${f.itemNo}项）`),
        ...extra,
        `请尽快整改，整改后发：#整改 ${r.failed[0].code} 整改措施，并附照片`,
      ].join('\n'),
    )
    return true
  },
}

export default selfcheckAnswer
