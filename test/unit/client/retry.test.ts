/** Retries: exponential backoff with full jitter on 429, 5xx and network errors, bounded; other statuses are final. */
import { describe, expect, it } from 'vitest';
import { TriviaClient } from '../../../client/client.ts';
import { ApiError, NetworkError } from '../../../client/errors.ts';
import { backoffMs, isRetryableStatus, retryAfterMs } from '../../../client/retry.ts';
import { connectionRefused, scriptedFetch, type Step } from './fakes.ts';

const HEALTH = { status: 'ok', version: '0.1.0', server_time: 1_700_000_000_000 };

function client(steps: Step[], opts: { attempts?: number; random?: number } = {}) {
  const { fetch, calls } = scriptedFetch(steps);
  const sleeps: number[] = [];
  const api = new TriviaClient({
    apiUrl: 'http://api.test/',
    fetch,
    retry: { attempts: opts.attempts ?? 5, baseMs: 100, capMs: 1000 },
    random: () => opts.random ?? 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { api, calls, sleeps };
}

describe('backoffMs (full jitter)', () => {
  it('is uniform in [0, min(cap, base·2^retry))', () => {
    const policy = { baseMs: 100, capMs: 1000 };
    expect([0, 1, 2, 3, 4, 5].map((r) => backoffMs(r, policy, () => 0.999999))).toEqual([99, 199, 399, 799, 999, 999]);
    expect([0, 1, 2, 3].map((r) => backoffMs(r, policy, () => 0))).toEqual([0, 0, 0, 0]);
    expect(backoffMs(3, policy, () => 0.5)).toBe(400);
  });

  it('spreads retries out: random draws give different waits', () => {
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const waits = Array.from({ length: 50 }, () => backoffMs(4, { baseMs: 100, capMs: 5000 }, random));
    expect(new Set(waits).size).toBeGreaterThan(40);
    expect(Math.max(...waits)).toBeLessThan(1600);
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(0);
  });

  it('reads Retry-After as seconds or a date', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
    expect([429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409, 413, 422, 501].some(isRetryableStatus)).toBe(false);
  });
});

describe('TriviaClient retries', () => {
  it('retries 503 and 500 with growing backoff, then returns the success', async () => {
    const { api, calls, sleeps } = client([{ status: 503 }, { status: 500, body: { error: { code: 'internal_error', message: 'x' } } }, { status: 200, body: HEALTH }]);
    await expect(api.health()).resolves.toEqual(HEALTH);
    expect(calls).toHaveLength(3);
    expect(calls[0].url).toBe('http://api.test/api/v1/health');
    expect(sleeps).toEqual([50, 100]); // random 0.5 × 100, × 200
  });

  it('retries 429 waiting at least Retry-After (capped)', async () => {
    const { api, sleeps } = client([{ status: 429, headers: { 'retry-after': '0.7' }, body: { error: { code: 'throttled', message: 'busy' } } }, { status: 200, body: HEALTH }]);
    await api.health();
    expect(sleeps).toEqual([700]);
  });

  it('retries network errors, then gives up with NetworkError after the bound', async () => {
    const { api, calls, sleeps } = client([{ error: connectionRefused() }], { attempts: 4 });
    const err = await api.health().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as Error).message).toMatch(/after 4 attempt\(s\): ECONNREFUSED/);
    expect(calls).toHaveLength(4);
    expect(sleeps).toEqual([50, 100, 200]);
  });

  it('recovers from a network error', async () => {
    const { api, calls } = client([{ error: connectionRefused() }, { status: 200, body: HEALTH }]);
    await expect(api.health()).resolves.toEqual(HEALTH);
    expect(calls).toHaveLength(2);
  });

  it('gives up on a 5xx after the bound and throws the last answer as ApiError', async () => {
    const { api, calls } = client([{ status: 502, body: { message: 'Bad Gateway' } }], { attempts: 3 });
    const err = await api.health().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 502, code: 'server_error' });
    expect(calls).toHaveLength(3);
  });

  it.each([400, 403, 404, 409, 422])('does not retry %i', async (status) => {
    const { api, calls, sleeps } = client([{ status, body: { error: { code: 'nope', message: 'no' } } }]);
    await expect(api.getGame('g1')).rejects.toMatchObject({ status, code: 'nope' });
    expect(calls).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('maps an unknown route (gateway 404) to route_not_found', async () => {
    const { api } = client([{ status: 404, body: { message: 'Not Found' } }]);
    await expect(api.errors()).rejects.toMatchObject({ status: 404, code: 'route_not_found' });
  });

  it('rejects a 2xx body that breaks the contract', async () => {
    const { api } = client([{ status: 200, body: { status: 'ok' } }]);
    await expect(api.health()).rejects.toThrow(/does not match the contract: version/);
  });
});
