/** Errors with a code and a short Chinese message a user can act on. */
export type ErrorCode =
  | 'usage'
  | 'not_found'
  | 'forbidden'
  | 'invalid_state'
  | 'needs_photo'
  | 'not_bound'
  | 'bad_code'
  | 'group_not_registered'
  | 'conflict'
  | 'unavailable'

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly userMessage: string,
  ) {
    super(`${code}: ${userMessage}`)
    this.name = 'AppError'
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError
