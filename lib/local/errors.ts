/** Start-up failures of the local stack: each carries one line that tells the operator what to do. */

export type LocalStackErrorCode = 'java_missing' | 'java_too_old' | 'port_in_use' | 'dynamodb_not_started' | 'startup_failed';

export class LocalStackError extends Error {
  readonly code: LocalStackErrorCode;
  constructor(code: LocalStackErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LocalStackError';
    this.code = code;
  }
}
