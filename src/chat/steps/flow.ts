/** What one transaction learned that only counts once it commits. */
export interface Unit {
  directoryChanged: boolean
  /** cache fills: a row read or created in a transaction that rolls back must not be remembered */
  afterCommit: (() => void)[]
  /** the command the message named, for metrics ('photo' for a photo, 'unknown' when none matched) */
  command?: string
}
export const newUnit = (): Unit => ({ directoryChanged: false, afterCommit: [] })

/** A batch met something other than a plain handled command: run its messages one by one. */
export class Fallback extends Error {}

/** The message id was claimed before: undo everything this delivery did. */
export class Duplicate extends Error {}

/** Chatter that looked like an awaited reply but answered nothing open: undo the claim, stay silent. */
export class NotAwaited extends Error {}

/** A command refused with a reason: its writes are undone, the message is claimed and answered. */
export class Refusal extends Error {
  constructor(
    readonly reply: string,
    readonly outcome: 'usage' | 'refused',
  ) {
    super(reply)
  }
}
