import { eq } from 'drizzle-orm'
import { schema, type Tx } from '../../../db/client.js'
import type { InboundMessage, InboundImage } from '../../channels/types.js'
import { isAppError } from '../../core/errors.js'
import { enqueue } from '../../services/outbox.js'
import { storeAttachment } from '../../services/attachments.js'
import { attachPhoto } from '../../services/hazards.js'
import { matchCommand, awaitedReplies, awaitedImages } from '../../../commands/index.js'
import { usageText, type ChatContext } from '../command.js'
import { checkPhotoRoom, type Exceeded } from '../limits.js'
import { refusalFor } from './authorise.js'
import type { Outcome } from './claim.js'
import { chatContext, type StepEnv } from './context.js'
import { Refusal, type Unit } from './flow.js'
import { replyItem, unknownReply } from './reply.js'
import { countSlotPhoto, openSlot } from './slots.js'
import { Writes } from './write.js'
import { CHECKLIST_USAGE } from '../../core/checklist-answers.js'
import { namesHazard, plainAddressed, plainlyNotHazard, plainPhoto, recogniseWords } from './plain.js'
import { INTENT_REPLIES, intentCommand, plainIntent } from '../../core/plain-intents.js'

/** An AppError from a handler becomes a refusal: the transaction rolls back and the reason is answered. */
function asRefusal(e: unknown, usage?: string): never {
  if (!isAppError(e)) throw e
  const isUsage = e.code === 'usage'
  throw new Refusal(isUsage && usage ? `${e.userMessage}\n${usage}` : e.userMessage, isUsage ? 'usage' : 'refused')
}

/** Tries the awaited-reply handlers whose text test passed; true when one took the text. */
export async function tryAwaited(tx: Tx, ctx: ChatContext, text: string, now: Date, unit: Unit, writes: Writes): Promise<boolean> {
  // overheard group chatter (no @) is answered only by the replies that take it
  const addressed = !ctx.msg.isGroup || ctx.msg.mentionsBot
  const candidates = awaitedReplies.filter((h) => (addressed || !h.addressedOnly) && h.matches(text))
  if (!candidates.length) return false
  const slot = candidates.some((h) => h.slotKind) ? await openSlot(tx, ctx.msg, now, true) : null
  for (const h of candidates) {
    if (h.slotKind && slot?.kind !== h.slotKind) continue
    let took: boolean
    try {
      took = await h.onText(ctx, text, h.slotKind ? slot : null)
    } catch (e) {
      asRefusal(e)
    }
    if (took) {
      unit.command = h.name
      await writes.flush()
      return true
    }
  }
  return false
}

/**
 * The dispatch step for text addressed to the bot: the command it names (authorised, parsed, run), else
 * an awaited reply it answers, else a hazard in plain words (a draft to confirm), else the usage hint. Refusals by the command itself are thrown as `Refusal`.
 */
export async function dispatchText(env: StepEnv, tx: Tx, m: InboundMessage, body: string, now: Date, unit: Unit, writes: Writes, bare = false): Promise<Outcome> {
  const { ctx, state, actor, group } = await chatContext(env, tx, m, now, unit, writes)
  let matched = matchCommand(body)
  unit.command = matched?.command.name ?? 'unknown'
  // an awaited answer first when no command was named, or a bare short command word (上报, 确认 to a draft)
  if ((!matched || (bare && body.length <= 6)) && body && (await tryAwaited(tx, ctx, body, now, unit, writes))) {
    if (state.changed) unit.directoryChanged = true
    return 'handled'
  }
  if (!matched && body && (await plainAddressed(ctx, body))) {
    unit.command = 'plain'
    return 'handled'
  }
  if (!matched) {
    // told to the bot while a self-check waits for its answers: a short question, not the command list
    const waiting = body ? await openSlot(tx, m, now, false) : null
    // what owners say besides hazards: hello, thanks, how to report, how are my reports, it is fixed
    const intent = waiting?.kind === 'selfcheck' ? null : plainIntent(body)
    const runs = intent ? intentCommand(intent, body) : null
    if (intent && runs) matched = matchCommand(runs)
    else {
      await ctx.reply(waiting?.kind === 'selfcheck' ? `没看懂这个回答，请写哪几项不合格。\n${CHECKLIST_USAGE}` : intent && intent !== 'mine' && intent !== 'query' ? INTENT_REPLIES[intent] : unknownReply(body))
      return intent ? 'handled' : 'usage'
    }
    if (!matched) return 'usage'
    unit.command = matched.command.name
  }
  const { command, rest } = matched
  // a report word without `#` files words that describe a hazard; unsure words get a draft; 举报电话12345 neither
  const words = bare && command.name === 'report' ? recogniseWords(rest) : null
  if (words && !namesHazard(words)) {
    if (plainlyNotHazard(rest, words)) {
      await ctx.reply(`要上报隐患，请说清在哪、什么问题，例如：\n${command.examples[0]}`)
      return 'usage'
    }
    await plainAddressed(ctx, rest, { force: true, recognition: words })
    unit.command = 'plain'
    return 'handled'
  }
  const refusal = refusalFor(command, actor, group)
  if (refusal) {
    await ctx.reply(refusal)
    return 'refused'
  }
  const parsed = command.parse(rest)
  if (!parsed.ok) {
    await ctx.reply(`${parsed.error}。\n${usageText(command)}`)
    return 'usage'
  }
  try {
    await command.run(ctx, parsed.value)
  } catch (e) {
    asRefusal(e, usageText(command))
  }
  if (!state.wrote) env.logger.warn({ msgId: m.messageId, command: command.name }, 'command answered nothing')
  if (state.changed) unit.directoryChanged = true
  return 'handled'
}

/** Answers what a limit refused; counted once the transaction commits. */
export async function refuseOver(env: StepEnv, tx: Tx, m: InboundMessage, over: Exceeded, now: Date, unit: Unit): Promise<Outcome> {
  await enqueue(tx, replyItem(m, over.reply), now)
  unit.afterCommit.push(() => env.onLimit?.(over.kind))
  return 'refused'
}

/** The dispatch step for a photo or file: the slot open for its sender takes it (a hazard's photos, task files …). */
export async function dispatchImage(env: StepEnv, tx: Tx, m: InboundMessage, image: InboundImage, now: Date, unit: Unit): Promise<Outcome> {
  const slot = await openSlot(tx, m, now, true)
  if (!slot) {
    // a photo in a direct chat with nothing open: kept, and one sentence about it asked for
    if (m.isGroup || env.config.PLAIN_REPORTS === 'off') return 'ignored'
    const writes = new Writes(tx, env.onCodeWait)
    const { ctx } = await chatContext(env, tx, m, now, unit, writes)
    await plainPhoto(ctx, await storeAttachment(tx, image.bytes, image.mime))
    await writes.flush()
    return 'photo'
  }
  const other = awaitedImages.find((h) => h.slotKind === slot.kind)
  if (other) {
    const writes = new Writes(tx, env.onCodeWait)
    const { ctx } = await chatContext(env, tx, m, now, unit, writes)
    const sha256 = await storeAttachment(tx, image.bytes, image.mime)
    await other.onImage(ctx, { sha256, mime: image.mime }, slot)
    await writes.flush()
    return 'photo'
  }
  if (slot.kind !== 'photos' || slot.hazardId === null) return 'ignored'
  const { actor } = await env.identify.who(tx, m, now, unit)
  const stage = slot.stage === 'rectification' ? 'rectification' : 'report'
  const [h] = await tx.select({ code: schema.hazards.code }).from(schema.hazards).where(eq(schema.hazards.id, slot.hazardId))
  const over = await checkPhotoRoom(tx, slot.hazardId, stage, h.code, image.bytes.length, env.limits)
  if (over) return refuseOver(env, tx, m, over, now, unit)
  const sha = await storeAttachment(tx, image.bytes, image.mime)
  const n = await attachPhoto({ tx, actor, now, sourceMessageId: m.messageId }, slot.hazardId, stage, sha)
  await countSlotPhoto(tx, m)
  const text = stage === 'rectification' ? `${h.code} 已收到整改照片 ${n} 张，等待验收。` : `${h.code} 已收到照片 ${n} 张。`
  await enqueue(tx, replyItem(m, text), now)
  return 'photo'
}
