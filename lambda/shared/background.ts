/**
 * Writes that must not hold up a response: a refusal's error record and its `response.rejected` event.
 *
 * In Lambda the response leaves only when the handler returns, so "off the hot path" cannot mean "after the response,
 * in the same invocation". It means: started now, never awaited by the request. A write still in flight when the
 * handler returns goes on as soon as the execution environment runs again (its next invocation, typically milliseconds
 * later during a show); the SDK retries a connection that the freeze broke (with the request timeouts of
 * lambda/shared/requestTimeouts.ts). None is lost while the environment is alive; one in flight when Lambda retires an
 * idle environment is lost (a sampled diagnostic record, not game state). Pending writes are bounded, so a stalled
 * table cannot grow the queue without limit: at the bound, the request that adds one more waits for room (back-pressure:
 * that refusal is slower, none is dropped). In Lambda an environment serves one request at a time, so the bound is met
 * only when the table stalls; the local stack runs many invocations in one thread and meets it under a burst.
 */
import { logger } from './powertools.ts';

const MAX_PENDING = 1000;
const pending = new Set<Promise<void>>();
/** Callers held at the bound, first come first served; each finished write lets one in. */
const waiting: (() => void)[] = [];

/**
 * Starts `write` without waiting for it; a failure is logged, never thrown. Resolves at once while fewer than
 * `maxPending` writes are pending, else once a write has finished and this one has started.
 */
export async function inBackground(what: string, write: () => Promise<unknown>, maxPending = MAX_PENDING): Promise<void> {
  while (pending.size >= maxPending) await new Promise<void>((admit) => waiting.push(admit));
  const running: Promise<void> = Promise.resolve()
    .then(write)
    .then(
      () => undefined,
      (err: unknown) => logger.warn(`${what} failed`, { error: err as Error }),
    )
    .finally(() => {
      pending.delete(running);
      waiting.shift()?.();
    });
  pending.add(running);
}

/** How many writes are pending (tests). */
export const pendingBackgroundWrites = () => pending.size;

/** Resolves once every write started so far has finished (tests, and a process about to exit). */
export async function backgroundSettled(): Promise<void> {
  while (pending.size > 0) await Promise.allSettled([...pending]);
}
