import type { AwaitedReply, ChatContext } from '../src/chat/command.js'
import { acknowledgeByCode, openNoticeFor, recordAck, type Acknowledger } from '../src/services/notices.js'
import { acknowledgeLatestTask, acknowledgeTaskByCode } from '../src/services/tasks.js'

/** 收到 / 已收到 / 收到了, optionally with a notice (N12) or task (R7) code. */
const ACK = /^(?:已收到|收到了|收到)[!.。~]*(?:\s*([NnRr]\d{1,9}))?[!.。~]*$/

export function acknowledger(ctx: ChatContext): Acknowledger {
  return {
    channel: ctx.msg.channel,
    externalId: ctx.msg.senderId,
    identityId: ctx.identity.id,
    personId: ctx.actor.personId,
    name: ctx.actor.name,
    chatName: ctx.msg.chatName,
    groupId: ctx.group?.id ?? null,
    sourceMessageId: ctx.msg.messageId,
  }
}

/**
 * 收到 without a command word. In a group it acknowledges the latest notice there (of the last ACK_OPEN_DAYS)
 * that asks for it and the sender has not acknowledged; in a direct chat, the latest task sent to the sender.
 * In a group with nothing open it is not taken (chatter stays silent); in a direct chat it gets an answer.
 */
const ackReply: AwaitedReply = {
  name: 'ack',
  matches: (text) => ACK.test(text),
  async onText(ctx, text) {
    const code = ACK.exec(text)![1]
    if (code && /^[Nn]/.test(code)) {
      await ctx.reply(await acknowledgeByCode(ctx.tx, code, acknowledger(ctx), ctx.now))
      return true
    }
    if (code) {
      await ctx.reply(await acknowledgeTaskByCode(ctx.tx, code, ctx.actor.personId, ctx.now))
      return true
    }
    if (ctx.group) {
      const since = new Date(ctx.now.getTime() - ctx.config.ACK_OPEN_DAYS * 86_400_000)
      const notice = await openNoticeFor(ctx.tx, ctx.group.id, ctx.msg.channel, ctx.msg.senderId, since)
      if (notice && (await recordAck(ctx.tx, notice.id, acknowledger(ctx), ctx.now))) {
        await ctx.reply(`已确认收到通知 ${notice.code}。`)
        return true
      }
    } else {
      const answer = await acknowledgeLatestTask(ctx.tx, ctx.actor.personId, ctx.now)
      if (answer) {
        await ctx.reply(answer)
        return true
      }
    }
    // in a group, nothing open: chatter stays silent, and an addressed 收到 falls through to the other handlers
    if (ctx.group) return false
    await ctx.reply('目前没有需要您确认的督办任务。\n确认通知请发：确认 通知编号，例如：确认 N12')
    return true
  },
}

export default ackReply
