import type { AwaitedReply } from '../src/chat/command.js'
import { parseAlarmAnswer } from '../src/core/sensors.js'
import { answerAlarm } from '../src/services/sensors/alarms.js'

/**
 * 已处理 A12 / 误报 A12 / 收到 A12 to a device alarm, without a command word; the code may be left out when
 * the sender's business has one alarm open. Nothing open and no code: not an answer (chatter stays silent).
 */
const alarmAnswer: AwaitedReply = {
  name: 'alarm-answer',
  matches: (text) => parseAlarmAnswer(text) !== null,
  async onText(ctx, text) {
    const a = parseAlarmAnswer(text)!
    const answer = await answerAlarm(ctx.tx, ctx.actor, a.answer, a.alarmId, ctx.now)
    if (answer === null) return false
    await ctx.reply(answer)
    return true
  },
}

export default alarmAnswer
