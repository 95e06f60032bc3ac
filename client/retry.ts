/** Bounded retries with exponential backoff and full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"). */

export interface RetryPolicy {
  /** Attempts in all, the first included (default 5). */
  attempts: number;
  /** The first backoff's ceiling, ms (default 100). */
  baseMs: number;
  /** No backoff is longer than this, ms (default 5000). */
  capMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseMs: 100, capMs: 5000 };

/** Full jitter: a uniformly random wait in [0, min(cap, base · 2^retry)), `retry` counting from 0. */
export function backoffMs(retry: number, policy: Pick<RetryPolicy, 'baseMs' | 'capMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/** Statuses worth another try: throttling and the server's (or a gateway's) transient failures. */
export const isRetryableStatus = (status: number) => status === 429 || status === 500 || status === 502 || status === 503 || status === 504;

/** `Retry-After` in ms (seconds or an HTTP date), or undefined. */
export function retryAfterMs(header: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
