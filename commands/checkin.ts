import { defineCommand } from '../src/chat/command.js'
import { normalize } from '../src/core/text.js'
import { checkIn } from '../src/services/programmes/trainings.js'

export default defineCommand<{ code: string | null; checkinCode: string }>({
  name: 'training_checkin',
  words: ['签到', '培训签到'],
  action: 'training.join',
  summary: '培训现场签到（签到码由老师公布）',
  usage: '签到 [培训编号] <签到码>',
  examples: ['#签到 P3 4821', '#签到 4821'],
  parse: (rest) => {
    const m = /^(?:(p\s*\d+)\s*)?(\d{4})$/i.exec(normalize(rest))
    if (!m) return { ok: false, error: '请写老师公布的4位签到码' }
    return { ok: true, value: { code: m[1] ? m[1].replace(/\s/g, '').toUpperCase() : null, checkinCode: m[2] } }
  },
  async run(ctx, { code, checkinCode }) {
    const { training: t, again } = await checkIn(ctx.tx, ctx.actor, code, checkinCode, ctx.now)
    await ctx.reply(again ? `您已签到过：${t.topic}（${t.code}）` : `签到成功：${t.topic}（${t.code}）\n${ctx.actor.name}，欢迎参加培训！`)
  },
})
