/**
 * Pure parts of operations: redaction (logs and error records), the errors table's keys, the sampler, and the
 * canary's check against a fake API.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REDACTED, logReplacer, redact, redactPayload, redactText } from '../../lambda/shared/redact.ts';
import { ERROR_SHARDS, createSampler, daysOf, errorKeys, parseInstant, sortKeyRange } from '../../lambda/domain/operations.ts';
import { runCanaryCheck, type CanaryTarget } from '../../lambda/usecases/canaryCheck.ts';

describe('redaction', () => {
  it('masks tokens, passwords and answers at any depth, whatever their case', () => {
    expect(
      redact({
        Authorization: 'Bearer x',
        body: { answer: 2, options: ['a', 'b'], nested: [{ current_answer: 1, correct_answer: '1', refresh_token: 'r' }] },
        password: 'p',
        idToken: 't',
        question: 'kept',
      }),
    ).toEqual({
      Authorization: REDACTED,
      body: { answer: REDACTED, options: ['a', 'b'], nested: [{ current_answer: REDACTED, correct_answer: REDACTED, refresh_token: REDACTED }] },
      password: REDACTED,
      idToken: REDACTED,
      question: 'kept',
    });
  });

  it('masks secret fields and JWTs in text that is not JSON', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl';
    expect(redactText(`{"answer": 3, "episode_id": "e1", "token": "${jwt}", "password": "unterminated`)).toBe(
      `{"answer":"${REDACTED}", "episode_id": "e1", "token":"${REDACTED}", "password":"${REDACTED}"`,
    );
    expect(redactText(`authorization: Bearer ${jwt}`)).toBe(`authorization: Bearer ${REDACTED}`);
    expect(redactText(`a ${jwt} b`)).toBe(`a ${REDACTED} b`);
  });

  it('keeps payloads short: redacted first, then cut', () => {
    const long = JSON.stringify({ question: 'x'.repeat(5000), answer: 1 });
    const out = redactPayload(long, 100)!;
    expect(out).toHaveLength(100);
    expect(out.endsWith('…')).toBe(true);
    expect(redactPayload(JSON.stringify({ answer: 1, question: 'q' }))).toBe('{"answer":"[redacted]","question":"q"}');
    expect(redactPayload(undefined)).toBeUndefined();
    expect(redactPayload('')).toBeUndefined();
  });

  it('redacts secret keys in every log line (the logger’s JSON replacer)', () => {
    const line = JSON.stringify({ message: 'm', episode: { current_answer: 2, id: 'e' }, headers: { authorization: 'Bearer t' } }, logReplacer);
    expect(JSON.parse(line)).toEqual({ message: 'm', episode: { current_answer: REDACTED, id: 'e' }, headers: { authorization: REDACTED } });
  });

  it('is what the shared logger does', async () => {
    vi.resetModules();
    vi.stubEnv('POWERTOOLS_DEV', 'true');
    vi.stubEnv('LOG_LEVEL', 'INFO');
    const lines: string[] = [];
    vi.spyOn(console, 'info').mockImplementation((l: string) => void lines.push(l));
    const { logger } = await import('../../lambda/shared/powertools.ts');
    logger.info('an episode', { episode: { id: 'e1', current_answer: 1 }, authorization: 'Bearer abc' });
    const logged = JSON.parse(lines.join('\n')) as Record<string, unknown>;
    expect(logged).toMatchObject({ episode: { id: 'e1', current_answer: REDACTED }, authorization: REDACTED });
    expect(lines.join('\n')).not.toContain('abc');
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });
});

describe('errors table keys', () => {
  const at = Date.UTC(2024, 0, 31, 23, 59, 59, 999);

  it('partitions by reason, day and shard; sorts by zero-padded time then id', () => {
    expect(errorKeys({ reason: 'duplicate_answer', at, id: 'abc', shard: 7, episodeId: 'ep1' })).toEqual({
      pk: 'duplicate_answer#2024-01-31#7',
      sk: `${String(at).padStart(15, '0')}#abc`,
      time_key: '2024-01-31#7',
      episode_key: 'ep1#7',
    });
    expect(errorKeys({ reason: 'invalid_body', at, id: 'x', shard: 0 })).not.toHaveProperty('episode_key');
    expect(ERROR_SHARDS).toBe(16);
  });

  it('lists the UTC days of a range, newest first, and its sort-key bounds', () => {
    expect(daysOf(Date.UTC(2024, 1, 27, 12), Date.UTC(2024, 2, 1, 1))).toEqual(['2024-03-01', '2024-02-29', '2024-02-28', '2024-02-27']);
    expect(daysOf(at, at)).toEqual(['2024-01-31']);
    const { lo, hi } = sortKeyRange(1000, 2000);
    expect(errorKeys({ reason: 'r', at: 1000, id: 'a', shard: 0 }).sk > lo).toBe(true);
    expect(errorKeys({ reason: 'r', at: 2000, id: 'zzz', shard: 0 }).sk < hi).toBe(true);
    expect(errorKeys({ reason: 'r', at: 2001, id: 'a', shard: 0 }).sk > hi).toBe(true);
  });

  it('reads instants as epoch ms or ISO 8601', () => {
    expect(parseInstant('1700000000000')).toBe(1_700_000_000_000);
    expect(parseInstant('2023-11-14T22:13:20Z')).toBe(1_700_000_000_000);
    expect(parseInstant('2023-11-14')).toBe(Date.UTC(2023, 10, 14));
  });
});

describe('sampler', () => {
  it('passes a burst, then refills at its rate, per key, counting what it skipped', () => {
    let t = 0;
    const sample = createSampler({ burst: 2, perSecond: 0.5, now: () => t });
    expect([sample('a'), sample('a'), sample('a'), sample('b')]).toEqual([1, 1, 0, 1]);
    t = 1000;
    expect(sample('a')).toBe(0); // half a token
    t = 2000;
    expect(sample('a')).toBe(3); // itself and the 2 skipped
    expect(sample('a')).toBe(0);
  });
});

describe('canary check (against a fake API)', () => {
  const target: CanaryTarget = { apiUrl: 'https://api.example.com', cognitoEndpoint: 'https://cognito-idp.eu-west-1.amazonaws.com', userPoolClientId: 'client' };
  afterEach(() => vi.restoreAllMocks());

  /** A show that plays out as it should, unless `statistics` is given. */
  function fakeStack(opts: { statistics?: unknown; signIn?: number } = {}) {
    let polls = 0;
    const calls: string[] = [];
    const fake = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const u = String(url);
      const method = init?.method ?? 'GET';
      calls.push(`${method} ${u.replace('https://api.example.com/api/v1', '')}`);
      const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });
      if (u.startsWith(target.cognitoEndpoint)) {
        expect(JSON.parse(String(init?.body))).toMatchObject({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'client' });
        return opts.signIn ? json(opts.signIn, { __type: 'NotAuthorizedException', message: 'Incorrect username or password.' }) : json(200, { AuthenticationResult: { AccessToken: 'tok' } });
      }
      expect(u.endsWith('/health') || (init?.headers as Record<string, string>).authorization === 'Bearer tok').toBe(true);
      if (u.endsWith('/health')) return json(200, { status: 'ok', version: '1' });
      if (method === 'POST' && u.endsWith('/episode')) return json(201, {});
      if (method === 'POST' && (u.endsWith('/question') || u.endsWith('/game'))) return json(200, {});
      if (method === 'POST' && u.endsWith('/participant')) return json(201, {});
      if (method === 'POST' && u.endsWith('/response')) return json(202, { status: 'accepted' });
      if (u.includes('/statistics')) {
        return json(200, opts.statistics ?? { correct_answer: '0', advancing_count: 1, answer_counts: [{ answer: '0', count: 1 }, { answer: '1', count: 0 }] });
      }
      polls++;
      const base = { participant_count: 1, eliminated_count: 0, remaining_count: 1, question_end_timestamp: 5000, server_time: 5600, current_question: { id: 'canary-question' } };
      return json(200, { ...base, state: polls < 2 ? 'STARTED' : polls < 3 ? 'QUESTION_OPEN' : 'ENDED', current_question_index: polls < 2 ? -1 : 0 });
    };
    return { fetch: fake as typeof fetch, calls };
  }

  it('passes when the show plays out, and goes through the public API only', async () => {
    const { fetch, calls } = fakeStack();
    const result = await runCanaryCheck(target, { username: 'canary@example.com', password: 'pw' }, { fetch, sleep: async () => undefined });
    expect(result).toMatchObject({ ok: true, closeToEndMs: 600, episodeId: expect.stringMatching(/^canary-\d{8}T\d{6}-[a-z0-9]+$/) });
    expect(calls.filter((c) => !/^GET \/episode\/[^/]+$/.test(c))).toEqual([
      'GET /health',
      'POST https://cognito-idp.eu-west-1.amazonaws.com/',
      'POST /question',
      'POST /game',
      'POST /episode',
      'POST /participant',
      'POST /response',
      `GET /episode/${result.episodeId}/question/0/statistics`,
    ]);
  });

  it('fails on wrong statistics, saying what it saw', async () => {
    const { fetch } = fakeStack({ statistics: { correct_answer: '0', advancing_count: 0, answer_counts: [{ count: 0 }, { count: 0 }] } });
    const result = await runCanaryCheck(target, { username: 'c', password: 'pw' }, { fetch, sleep: async () => undefined });
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/^wrong statistics: /);
  });

  it('fails on a refused sign-in without repeating the password', async () => {
    const { fetch } = fakeStack({ signIn: 400 });
    const result = await runCanaryCheck(target, { username: 'c', password: 'secret-pw' }, { fetch, sleep: async () => undefined });
    expect(result).toMatchObject({ ok: false, error: 'sign-in failed: 400 NotAuthorizedException Incorrect username or password.' });
    expect(JSON.stringify(result)).not.toContain('secret-pw');
  });
});
