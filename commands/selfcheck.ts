import { defineCommand } from '../src/chat/command.js'
import { normalize } from '../src/core/text.js'
import { startSelfCheck, checklistText, checklistChoices } from '../src/services/programmes/selfchecks.js'
import { checklistByWord } from '../db/checklists/index.js'

/** How long the bot waits for the answers to a self-check. */
export const SELFCHECK_WINDOW_MINUTES = 120

export default defineCommand<{ word: string }>({
  name: 'selfcheck',
  words: ['自查', '自查自改', '开始自查'],
  action: 'selfcheck.run',
  summary: '按清单自查，不合格项自动登记为隐患',
  usage: `自查 [内容]（${checklistChoices()}）`,
  examples: ['#自查 燃气', '#自查 消防', '#自查 用电'],
  parse: (rest) => {
    const word = normalize(rest).replace(/(?:安全)?(?:自查|检查)?$/, '').trim()
    if (word && !checklistByWord(word)) return { ok: false, error: `没有“${word.length > 12 ? word.slice(0, 12) + '…' : word}”自查表，可选：${checklistChoices()}` }
    return { ok: true, value: { word } }
  },
  async run(ctx, { word }) {
    const { check, checklist, business } = await startSelfCheck(ctx.tx, ctx.actor, ctx.group, word, ctx.now)
    await ctx.awaitReply('selfcheck', { selfCheckId: check.id }, SELFCHECK_WINDOW_MINUTES)
    await ctx.reply(checklistText(checklist, business.name))
  },
})
