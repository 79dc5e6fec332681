import type { InboundMessage } from '../../channels/types.js'
import { truncate } from '../../core/text.js'
import type { Priority } from '../../services/outbox.js'

export const BUSY_REPLY = '系统繁忙，请稍后重发'

/** The reply step's one shape: an answer to the sender in the chat it came from (in a group, @-mentioning them). */
export function replyItem(m: InboundMessage, text: string, also: string[] = [], priority: Priority = 'reply') {
  return {
    channel: m.channel,
    account: m.account,
    chatId: m.chatId,
    isGroup: m.isGroup,
    priority,
    text,
    mentionIds: m.isGroup ? [m.senderId, ...also.filter((x) => x !== m.senderId)] : [],
    causeMessageId: m.messageId,
  }
}

export function staleReply(maxAgeSeconds: number): string {
  return `这条消息发出已超过${Math.round(maxAgeSeconds / 60)}分钟，为免重复办理未处理。\n如仍需要，请重新发送。`
}

/** Addressed text that names no command and answers nothing awaited. */
export function unknownReply(body: string): string {
  return body ? `没看懂“${truncate(body, 12)}”。\n发 #帮助 看能用的命令，例如：\n#隐患 后厨燃气软管老化` : '您好！发 #帮助 看能用的命令。'
}
