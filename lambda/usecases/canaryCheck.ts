/**
 * The canary's check, shared by the scheduled function (lambda/schedule/canary.ts) and `npm run canary`
 * (bin/canary.ts): through the public protocols only — Cognito's InitiateAuth and the HTTP API — it signs in, plays a
 * one-question episode with a short window (the canary is the only player: it registers, answers right, and must
 * end as the one winner), and checks the outcome and the question's statistics.
 *
 * The canary user is in the `canary` group, not `admin` (lambda/domain/canaryScope.ts): it may create only its own
 * question and game (fixed ids, created idempotently) and episodes `canary-<time>-<random>` of that game, one a run.
 */
import { CANARY_EPISODE_PREFIX, CANARY_GAME, CANARY_GAME_ID, CANARY_QUESTION, CANARY_QUESTION_ID } from '../domain/canaryScope.ts';

export interface CanaryTarget {
  /** The stack's ApiUrl (without /api/v1). */
  apiUrl: string;
  /** The Cognito endpoint for InitiateAuth: `https://cognito-idp.<region>.amazonaws.com`, or cognito-local's. */
  cognitoEndpoint: string;
  userPoolClientId: string;
}

export interface CanaryCredentials {
  username: string;
  password: string;
}

export interface CanaryOptions {
  /** Answer window of the canary's episode, seconds (default 5; the API allows 1–60). */
  answerWindowSeconds?: number;
  /** The whole check must finish within this (default 90 s). */
  timeoutMs?: number;
  /** How often the episode is polled (default 250 ms). */
  pollMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface CanaryStep {
  name: string;
  ms: number;
}

export interface CanaryResult {
  ok: boolean;
  episodeId?: string;
  /** The whole check, ms. */
  durationMs: number;
  /** From the close of the window to the episode's end (answers counted and statistics final), ms. */
  closeToEndMs?: number;
  steps: CanaryStep[];
  /** What failed (no secrets: never a token or a password). */
  error?: string;
}

class CanaryFailure extends Error {
  override name = 'CanaryFailure';
}

/** InitiateAuth (USER_PASSWORD_AUTH) over Cognito's JSON protocol: no SDK and no AWS credentials needed. */
export async function signInForToken(target: CanaryTarget, credentials: CanaryCredentials, fetchFn: typeof fetch = fetch): Promise<string> {
  const res = await fetchFn(`${target.cognitoEndpoint.replace(/\/+$/, '')}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
    body: JSON.stringify({
      ClientId: target.userPoolClientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: credentials.username, PASSWORD: credentials.password },
    }),
  });
  const body = (await res.json().catch(() => ({}))) as { AuthenticationResult?: { AccessToken?: string }; __type?: string; message?: string };
  const token = body.AuthenticationResult?.AccessToken;
  if (!res.ok || !token) throw new CanaryFailure(`sign-in failed: ${res.status} ${body.__type ?? ''} ${body.message ?? ''}`.trim());
  return token;
}

interface Episode {
  state: string;
  current_question_index: number;
  question_end_timestamp: number;
  server_time: number;
  participant_count: number;
  eliminated_count: number;
  remaining_count: number;
  current_question: { id: string } | null;
}

export async function runCanaryCheck(target: CanaryTarget, credentials: CanaryCredentials, options: CanaryOptions = {}): Promise<CanaryResult> {
  const fetchFn = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const pollMs = options.pollMs ?? 250;
  const window = options.answerWindowSeconds ?? 5;
  const started = now();
  const deadline = started + (options.timeoutMs ?? 90_000);
  const steps: CanaryStep[] = [];
  const base = `${target.apiUrl.replace(/\/+$/, '')}/api/v1`;
  let token = '';
  let episodeId: string | undefined;
  let closeToEndMs: number | undefined;

  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const t0 = now();
    const out = await run();
    steps.push({ name, ms: now() - t0 });
    return out;
  };
  const call = async (method: string, path: string, body?: unknown, expected: number[] = [200]) => {
    const res = await fetchFn(`${base}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!expected.includes(res.status)) throw new CanaryFailure(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : undefined) as unknown;
  };
  const until = async (what: string, ok: (e: Episode) => boolean): Promise<Episode> => {
    for (;;) {
      const e = (await call('GET', `/episode/${episodeId}`)) as Episode;
      if (ok(e)) return e;
      if (e.state === 'CANCELLED') throw new CanaryFailure(`the episode was cancelled while waiting for ${what}`);
      if (now() > deadline) throw new CanaryFailure(`timed out waiting for ${what} (state ${e.state}, question ${e.current_question_index})`);
      await sleep(pollMs);
    }
  };

  try {
    await step('health', () => call('GET', '/health'));
    token = await step('sign_in', () => signInForToken(target, credentials, fetchFn));
    await step('content', async () => {
      await call('POST', '/question', CANARY_QUESTION, [200, 201]);
      await call('POST', '/game', CANARY_GAME, [200, 201]);
    });
    episodeId = `${CANARY_EPISODE_PREFIX}${new Date(started).toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${Math.random().toString(36).slice(2, 8)}`;
    await step('create_episode', () =>
      call(
        'POST',
        '/episode',
        { id: episodeId, game_id: CANARY_GAME_ID, min_participant: 1, lead_seconds: 0, answer_window_seconds: window, reveal_seconds: 0 },
        [201],
      ),
    );
    await step('register', () => call('POST', '/participant', { episode_id: episodeId }, [201]));
    const open = await step('question_open', () =>
      until('the question to open', (e) => e.state === 'QUESTION_OPEN' || e.state === 'QUESTION_CLOSED' || e.state === 'QUESTION_RESULTS' || e.state === 'ENDED'),
    );
    if (open.state !== 'QUESTION_OPEN' || open.current_question?.id !== CANARY_QUESTION_ID) {
      throw new CanaryFailure(`the question never showed as open (state ${open.state}): the runner or the cache is too slow for a ${window} s window`);
    }
    await step('answer', () => call('POST', '/response', { episode_id: episodeId, question_id: CANARY_QUESTION_ID, answer: 0 }, [202]));
    const end = await step('episode_end', () => until('the episode to end', (e) => e.state === 'ENDED'));
    closeToEndMs = Math.max(0, end.server_time - open.question_end_timestamp);
    if (end.participant_count !== 1 || end.remaining_count !== 1 || end.eliminated_count !== 0) {
      throw new CanaryFailure(`wrong outcome: ${end.participant_count} registered, ${end.remaining_count} remaining, ${end.eliminated_count} eliminated (expected 1, 1, 0)`);
    }
    const stats = (await step('statistics', () => call('GET', `/episode/${episodeId}/question/0/statistics`))) as {
      correct_answer: string;
      advancing_count: number;
      answer_counts: { answer: string; count: number }[];
    };
    if (stats.correct_answer !== '0' || stats.advancing_count !== 1 || stats.answer_counts[0]?.count !== 1 || stats.answer_counts[1]?.count !== 0) {
      throw new CanaryFailure(`wrong statistics: ${JSON.stringify(stats)}`);
    }
    return { ok: true, episodeId, durationMs: now() - started, closeToEndMs, steps };
  } catch (err) {
    const message = err instanceof CanaryFailure ? err.message : `${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? String(err)}`;
    return { ok: false, ...(episodeId ? { episodeId } : {}), durationMs: now() - started, steps, error: message };
  }
}
