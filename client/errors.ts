/** Errors of the typed client: the API's error shape, transport failures, and responses that break the contract. */

/** A non-2xx answer of the API. `code` is the contract's snake_case code (or one derived from a gateway's own body). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The request never got an HTTP answer (connection refused, reset, DNS, timeout), after the retries. */
export class NetworkError extends Error {
  constructor(
    message: string,
    readonly url: string,
    readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'NetworkError';
  }
}

/** A 2xx body that does not match the contract's schema (lambda/domain/contract.ts). */
export class ContractError extends Error {
  constructor(
    message: string,
    readonly issues: unknown,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'ContractError';
  }
}

/** Sign-in or token refresh failed (wrong password, unknown user, expired refresh token, unsupported flow). */
export class AuthError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

/** The TOTP code of a SOFTWARE_TOKEN_MFA challenge was refused (wrong, or from another step), or none could be had. */
export class TotpError extends AuthError {
  constructor(message: string, code: 'totp_code_mismatch' | 'totp_required', cause?: unknown) {
    super(message, code, cause);
    this.name = 'TotpError';
  }
}

export const isApiError = (err: unknown, code?: string): err is ApiError => err instanceof ApiError && (code === undefined || err.code === code);

/** The contract's error body, or a gateway's `{message}` turned into a code (`Not Found` → `route_not_found`). */
export function toApiError(status: number, body: unknown, method: string, path: string): ApiError {
  const e = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (e && typeof e.code === 'string') {
    return new ApiError(status, e.code, typeof e.message === 'string' ? e.message : e.code, e.details, body);
  }
  const gatewayMessage = typeof (body as { message?: unknown })?.message === 'string' ? (body as { message: string }).message : undefined;
  const code =
    status === 401 ? 'unauthorized' : status === 404 ? 'route_not_found' : status === 429 ? 'throttled' : status >= 500 ? 'server_error' : `http_${status}`;
  return new ApiError(status, code, `${method} ${path}: ${status}${gatewayMessage ? ` ${gatewayMessage}` : ''}`, undefined, body);
}
