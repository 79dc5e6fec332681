import { awaitedReplies } from '../../../commands/index.js'
import type { Limits } from '../limits.js'

/**
 * The recognise step for chatter (text not addressed to the bot): whether it may answer something the bot
 * awaits (收到, a checklist answer). A cheap test before any database work: everything else stays silent.
 */
export function mayAnswerAwaited(text: string, limits: Limits): boolean {
  return text.length <= limits.textChars && awaitedReplies.some((h) => !h.addressedOnly && h.matches(text))
}
