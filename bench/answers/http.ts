/** How the answers bench drives an API: bounded concurrency with per-call latencies, JSON calls, polling until a condition holds. */
import { sleep } from '../measure.ts';

/** Runs `work` for every item with at most `limit` in flight; returns each call's latency in ms, sorted. */
export async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++];
        const t0 = performance.now();
        await work(item);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return latencies.sort((a, b) => a - b);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- responses of the API under measurement are read loosely
export async function call(url: string, token: string, method: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

export async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number, what: string, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await sleep(everyMs);
  }
}
