/**
 * Typed domain errors. Each kind maps to exactly one HTTP status in lambda/shared/http.ts;
 * the domain never speaks HTTP itself.
 */
export type ErrorKind =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unprocessable'
  | 'throttled'
  | 'not_implemented';

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const badRequest = (code: string, message: string, details?: unknown) =>
  new DomainError('bad_request', code, message, details);
export const forbidden = (code: string, message: string) => new DomainError('forbidden', code, message);
export const notFound = (what: string, id: string) => new DomainError('not_found', `${what}_not_found`, `${what} ${id} does not exist`);
export const conflict = (code: string, message: string, details?: unknown) =>
  new DomainError('conflict', code, message, details);
export const unprocessable = (code: string, message: string, details?: unknown) =>
  new DomainError('unprocessable', code, message, details);
/** 429: the caller sent too much; `retry-after` (seconds) is also a header. */
export const throttled = (code: string, message: string, retryAfterSeconds: number) =>
  new DomainError('throttled', code, message, { retry_after_seconds: retryAfterSeconds });
/** A token of an erased player (DELETE /api/v1/user/me) that has not expired yet: the profile never comes back. */
export const accountErased = () => new DomainError('forbidden', 'account_erased', 'this account was erased');

/**
 * An answer reached the answers consumer after its question's statistics were final (or sealed): storing it would make
 * them wrong. Not a DomainError: no client sees it; the message goes to the dead-letter queue for an operator.
 */
export class AnswerTooLateError extends Error {
  readonly name = 'AnswerTooLateError';
}
