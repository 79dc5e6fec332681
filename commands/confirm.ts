import { defineCommand } from '../src/chat/command.js'
import { normalize } from '../src/core/text.js'
import { acknowledgeByCode, NOTICE_CODE } from '../src/services/notices.js'
import { acknowledger } from './ack-reply.js'

export default defineCommand({
  name: 'confirm',
  words: ['确认', '确认收到'],
  action: 'notice.ack',
  summary: '确认收到通知',
  usage: '确认 <通知编号>',
  examples: ['#确认 N12'],
  parse(rest) {
    const code = normalize(rest).replace(/[!.。~]+$/, '')
    if (!code) return { ok: false, error: '请写通知编号' }
    if (!NOTICE_CODE.test(code)) return { ok: false, error: `“${code}”不是通知编号（N开头）` }
    return { ok: true, value: { code: code.toUpperCase() } }
  },
  async run(ctx, { code }) {
    await ctx.reply(await acknowledgeByCode(ctx.tx, code, acknowledger(ctx), ctx.now))
  },
})
