import { defineCommand } from '../src/chat/command.js'
import { normalize } from '../src/core/text.js'
import { formatDateTime } from '../src/core/clock.js'
import { signUp } from '../src/services/programmes/trainings.js'

export default defineCommand<{ code: string }>({
  name: 'training_signup',
  words: ['报名', '培训报名'],
  action: 'training.join',
  summary: '报名参加安全培训',
  usage: '报名 <培训编号>',
  examples: ['#报名 P3'],
  parse: (rest) => {
    const m = /^p\s*(\d+)$/i.exec(normalize(rest))
    return m ? { ok: true, value: { code: `P${m[1]}` } } : { ok: false, error: '请写培训编号（培训通知里的 P 开头编号）' }
  },
  async run(ctx, { code }) {
    const { training: t, again } = await signUp(ctx.tx, ctx.actor, code, ctx.now)
    await ctx.reply(
      [
        `${again ? '您已报过名' : '报名成功'}：${t.topic}（${t.code}）`,
        `时间：${formatDateTime(t.startsAt)}`,
        t.place ? `地点：${t.place}` : `线上：${t.link}`,
        `到场后发：#签到 ${t.code} 签到码`,
      ].join('\n'),
    )
  },
})
