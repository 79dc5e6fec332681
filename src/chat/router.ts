import type { Logger } from 'pino'
import type { Db, Tx } from '../../db/client.js'
import type { AppConfig } from '../config.js'
import type { Clock } from '../core/clock.js'
import { AppError, isAppError } from '../core/errors.js'
import type { InboundMessage, InboundImage } from '../channels/types.js'
import { enqueue } from '../services/outbox.js'
import { HazardIdPool } from '../services/hazards.js'
import { matchCommand } from '../../commands/index.js'
import { limitsOf, checkText, checkImageSize, type Exceeded, type LimitKind } from './limits.js'
import { classify, route } from './steps/address.js'
import { claim, isStale, setOutcome, type Outcome } from './steps/claim.js'
import type { StepEnv } from './steps/context.js'
import { chatContext } from './steps/context.js'
import { dispatchImage, dispatchText, refuseOver, tryAwaited } from './steps/dispatch.js'
import { Duplicate, Fallback, NotAwaited, Refusal, newUnit, type Unit } from './steps/flow.js'
import { Identify } from './steps/identify.js'
import { mayAnswerAwaited } from './steps/recognise.js'
import { overheard, plainOverheard } from './steps/plain.js'
import type { Recognition } from '../core/recogniser.js'
import { BUSY_REPLY, replyItem, staleReply } from './steps/reply.js'
import { hasOpenSlot } from './steps/slots.js'
import { Writes } from './steps/write.js'

export { BUSY_REPLY, classify, type Outcome }

export interface RouterDeps {
  db: Db
  config: AppConfig
  clock: Clock
  logger: Logger
  /** called after a transaction that wrote outbox rows has committed */
  onOutbox: () => void
  /** direct send, bypassing the outbox: only for when the database cannot be reached */
  sendDirect: (m: InboundMessage, text: string) => Promise<void>
  /** every message for the bot, once handled: which command and how it ended */
  onOutcome?: (command: string, outcome: Outcome) => void
  /** a message past a limit (text length, photo size or count, storage) was refused, once committed */
  onLimit?: (kind: LimitKind) => void
  /** how long a block of hazard codes took to take (another instance's transaction may hold the counter) */
  onCodeWait?: (ms: number) => void
}

/**
 * A message's way through the bot, in steps (src/chat/steps/): address (is it for the bot, and as what),
 * recognise (may chatter answer something awaited), plain (a hazard in everyday words), claim (exactly once), identify (who, where), authorise,
 * dispatch (the command or awaited handler), write (batched writes, flushed before commit) and reply (through
 * the outbox). This file only decides which transaction runs which steps: one message, a burst of plain
 * commands together (group commit), or a refusal answered after a rollback.
 */
export function createRouter(deps: RouterDeps) {
  const { db, config, clock, logger } = deps
  /** the code counter's waits, for the bench and the metrics: how many blocks, the longest and the total wait */
  const codeWaits = { n: 0, maxMs: 0, totalMs: 0 }
  const onCodeWait = (ms: number) => {
    codeWaits.n++
    codeWaits.totalMs += ms
    codeWaits.maxMs = Math.max(codeWaits.maxMs, ms)
    deps.onCodeWait?.(ms)
  }
  const env: StepEnv = { config, logger, limits: limitsOf(config), identify: new Identify(), hazardIds: new HazardIdPool(), onLimit: deps.onLimit, onCodeWait }

  function committed(unit: Unit) {
    for (const f of unit.afterCommit) f()
    if (unit.directoryChanged) env.identify.changed()
  }

  /** Handles one inbound message exactly once; never throws. */
  async function handle(m: InboundMessage): Promise<Outcome> {
    const unit = newUnit()
    if (m.kind === 'image') unit.command = 'photo'
    const r = route(m, config.BOT_NAME)
    const o = await handleOnce(m, r, unit)
    // stale and failed messages never reached the command table
    if (o !== 'ignored') deps.onOutcome?.(unit.command ?? (r.to === 'command' ? matchCommand(r.body)?.command.name : undefined) ?? 'unknown', o)
    return o
  }

  async function handleOnce(m: InboundMessage, r: ReturnType<typeof route>, unit: Unit): Promise<Outcome> {
    const now = clock.now()
    const log = logger.child({ msgId: m.messageId })
    try {
      let image: InboundImage | null = null
      let over: Exceeded | null = null
      if (r.to === 'none') return 'ignored'
      if (r.to === 'chatter') {
        const plain = m.isGroup && r.text.length <= env.limits.textChars ? overheard(r.text, config) : null
        return plain || mayAnswerAwaited(r.text, env.limits) ? await handleAwaitedChatter(m, r.text, now, unit, plain) : 'ignored'
      }
      if (r.to === 'image') {
        const directPlain = !m.isGroup && config.PLAIN_REPORTS !== 'off'
        if (!directPlain && !(await hasOpenSlot(db, m, now))) return 'ignored'
        image = await m.loadImage!()
        over = checkImageSize(image.bytes.length, env.limits)
      } else over = checkText(m.text, env.limits)
      const stale = isStale(m, now, config.MESSAGE_MAX_AGE_SECONDS)
      const outcome = await db
        .transaction(async (tx): Promise<Outcome> => {
          if (stale || over || image) return handleAlone(tx, m, now, unit, { stale, over, image })
          // the claim goes out with the command's first statements; a duplicate is rolled back whole
          const writes = new Writes(tx, onCodeWait)
          const claimed = writes.claim(m, 'handled', now)
          const o = await dispatchText(env, tx, m, r.to === 'command' ? r.body : '', now, unit, writes, r.to === 'command' && r.bare)
          await writes.flush()
          if (!(await claimed)) throw new Duplicate()
          if (o !== 'handled') await setOutcome(tx, m, o)
          return o
        })
        .then((o) => {
          committed(unit)
          return o
        })
        .catch(async (e) => {
          if (e instanceof Duplicate) return 'duplicate' as const
          if (!(e instanceof Refusal)) throw e
          return answerRefusal(m, e, now)
        })
      if (outcome !== 'duplicate' && outcome !== 'ignored') deps.onOutbox()
      log.debug({ outcome }, 'inbound handled')
      return outcome
    } catch (e) {
      log.error({ err: e }, 'inbound failed')
      if (r.to === 'command') {
        try {
          await deps.sendDirect(m, isAppError(e) ? e.userMessage : BUSY_REPLY)
        } catch (e2) {
          log.error({ err: e2 }, 'direct reply failed')
        }
      }
      return 'busy'
    }
  }

  /** A stale message, one past a limit, or a photo: claimed first, then answered or taken. */
  async function handleAlone(
    tx: Tx,
    m: InboundMessage,
    now: Date,
    unit: Unit,
    x: { stale: boolean; over: Exceeded | null; image: InboundImage | null },
  ): Promise<Outcome> {
    if (!(await claim(tx, m, 'handled', now))) return 'duplicate'
    let o: Outcome
    if (x.stale) {
      await enqueue(tx, replyItem(m, staleReply(config.MESSAGE_MAX_AGE_SECONDS)), now)
      o = 'stale'
    } else if (x.over) o = await refuseOver(env, tx, m, x.over, now, unit)
    else if (x.image) o = await dispatchImage(env, tx, m, x.image, now, unit)
    else o = 'ignored'
    if (o !== 'handled') await setOutcome(tx, m, o)
    return o
  }

  /** A refused message: its writes were rolled back; claim it and answer the reason in a fresh transaction. */
  function answerRefusal(m: InboundMessage, e: Refusal, now: Date): Promise<Outcome> {
    return db.transaction(async (tx): Promise<Outcome> => {
      if (!(await claim(tx, m, e.outcome, now))) return 'duplicate'
      await enqueue(tx, replyItem(m, e.reply), now)
      return e.outcome
    })
  }

  /**
   * Chatter that may answer what the bot awaits (收到, a checklist answer), or that the recogniser heard as a
   * hazard (`plain`): acted on only when it does.
   */
  async function handleAwaitedChatter(m: InboundMessage, text: string, now: Date, unit: Unit, plain: Recognition | null): Promise<Outcome> {
    if (isStale(m, now, config.MESSAGE_MAX_AGE_SECONDS)) return 'ignored'
    try {
      await db.transaction(async (tx) => {
        const writes = new Writes(tx, onCodeWait)
        const claimed = writes.claim(m, 'handled', now)
        const { ctx, state } = await chatContext(env, tx, m, now, unit, writes)
        const awaited = mayAnswerAwaited(text, env.limits) && (await tryAwaited(tx, ctx, text, now, unit, writes))
        if (!awaited && !(plain && (await plainOverheard(ctx, text, plain)))) throw new NotAwaited()
        if (!awaited) unit.command = 'plain'
        await writes.flush()
        if (!(await claimed)) throw new Duplicate()
        if (state.changed) unit.directoryChanged = true
      })
    } catch (e) {
      if (e instanceof NotAwaited) return 'ignored'
      if (e instanceof Duplicate) return 'duplicate'
      if (!(e instanceof Refusal)) throw e
      const o = await answerRefusal(m, e, now)
      if (o !== 'duplicate') deps.onOutbox()
      return o
    }
    committed(unit)
    deps.onOutbox()
    return 'handled'
  }

  /** A plain text command for the bot, recent enough to act on: may share a transaction with others. */
  function batchable(m: InboundMessage, now: Date, r = route(m, config.BOT_NAME)): boolean {
    return r.to === 'command' && !isStale(m, now, config.MESSAGE_MAX_AGE_SECONDS) && !checkText(m.text, env.limits)
  }

  /**
   * Several messages in one transaction (group commit): under a burst the commit, its disk sync and the
   * round trips are shared. Only the plain path is batched: a refusal, a usage answer, a duplicate, a
   * directory change or any error rolls the batch back and every message runs again on its own.
   */
  async function handleBatch(ms: InboundMessage[]): Promise<Outcome[]> {
    const now = clock.now()
    const routes = ms.map((m) => route(m, config.BOT_NAME))
    const oneByOne = async () => {
      const out: Outcome[] = []
      for (const m of ms) out.push(await handle(m))
      return out
    }
    if (ms.length < 2 || !ms.every((m, i) => batchable(m, now, routes[i]))) return oneByOne()
    const units = ms.map(() => newUnit())
    try {
      await db.transaction(async (tx) => {
        const writes = new Writes(tx, onCodeWait)
        const claims: Promise<boolean>[] = []
        for (let i = 0; i < ms.length; i++) {
          claims.push(writes.claim(ms[i], 'handled', now))
          const r = routes[i]
          const o = await dispatchText(env, tx, ms[i], r.to === 'command' ? r.body : '', now, units[i], writes, r.to === 'command' && r.bare)
          if (o !== 'handled' || units[i].directoryChanged) throw new Fallback()
        }
        await writes.flush()
        if (!(await Promise.all(claims)).every(Boolean)) throw new Fallback()
      })
    } catch (e) {
      if (!(e instanceof Fallback || e instanceof Refusal || e instanceof Duplicate)) logger.warn({ err: e, msgIds: ms.map((m) => m.messageId) }, 'batch failed; handling one by one')
      return oneByOne()
    }
    units.forEach(committed)
    deps.onOutbox()
    for (const u of units) deps.onOutcome?.(u.command ?? 'unknown', 'handled')
    return ms.map(() => 'handled')
  }

  return { handle, handleBatch, batchable: (m: InboundMessage) => batchable(m, clock.now()), directoryChanged: () => env.identify.changed(), codeWaits }
}

export type Router = ReturnType<typeof createRouter>
export { AppError }
