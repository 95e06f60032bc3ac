/**
 * Writes that must not hold up a response: a refusal's error record and its `response.rejected` event.
 *
 * In Lambda the response leaves only when the handler returns, so "off the hot path" cannot mean "after the response,
 * in the same invocation". It means: started now, never awaited by the request. A write still in flight when the
 * handler returns goes on as soon as the execution environment runs again (its next invocation, typically milliseconds
 * later during a show); the SDK retries a connection that the freeze broke (with the request timeouts of
 * lambda/shared/requestTimeouts.ts). None is lost while the environment is alive; one in flight when Lambda retires an
 * idle environment is lost (a sampled diagnostic record, not game state). Pending writes are bounded, so a stalled
 * table cannot grow the queue without limit: past the bound, new ones are dropped and counted in the logs.
 */
import { logger } from './powertools.ts';

const MAX_PENDING = 1000;
const pending = new Set<Promise<void>>();
let dropped = 0;

/** Starts `write` without waiting for it; a failure is logged, never thrown. */
export function inBackground(what: string, write: () => Promise<unknown>): void {
  if (pending.size >= MAX_PENDING) {
    dropped += 1;
    if (dropped === 1 || dropped % 100 === 0) logger.warn('background writes dropped: too many pending', { what, dropped, pending: pending.size });
    return;
  }
  const running: Promise<void> = Promise.resolve()
    .then(write)
    .then(
      () => undefined,
      (err: unknown) => logger.warn(`${what} failed`, { error: err as Error }),
    )
    .finally(() => pending.delete(running));
  pending.add(running);
}

/** Resolves once every write started so far has finished (tests, and a process about to exit). */
export async function backgroundSettled(): Promise<void> {
  while (pending.size > 0) await Promise.allSettled([...pending]);
}
