/**
 * What a channel's send() may throw to tell the outbox sender more than "failed":
 * - `permanent`: sending again will not help (an invalid webhook key, a refused message): dead letter at once;
 * - `retryAfterMs`: when to try again (a rate limit names its own wait) instead of the usual backoff;
 * - `deferred`: not a failure at all (pacing between the parts of a split message): try again later
 *   without counting an attempt.
 */
export class SendError extends Error {
  readonly permanent: boolean
  readonly retryAfterMs?: number
  readonly deferred: boolean
  constructor(message: string, opts: { permanent?: boolean; retryAfterMs?: number; deferred?: boolean } = {}) {
    super(message)
    this.name = 'SendError'
    this.permanent = opts.permanent ?? false
    this.retryAfterMs = opts.retryAfterMs
    this.deferred = opts.deferred ?? false
  }
}
