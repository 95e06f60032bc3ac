/**
 * Helpers for end-to-end games against the local stack: signed-in API clients and waiting on the runner.
 * Everything goes through the public protocols: Cognito's InitiateAuth, the HTTP API, DynamoDB for read-back checks.
 */
import { expect } from 'vitest';
import { signIn, createUser, api, type ApiResponse } from './index.ts';
import { validateResponse } from './openapi.ts';

export const PASSWORD = 'Passw0rd!';

export interface Player {
  email: string;
  sub: string;
  token: string;
  call: (method: string, path: string, body?: unknown) => Promise<ApiResponse>;
}

const tokens = new Map<string, { token: string; sub: string }>();

/** Signs in (creating the user first if `create` is given) and caches the token for this test file. */
export async function player(email: string, create?: { sub?: string; admin?: boolean }): Promise<Player> {
  let entry = tokens.get(email);
  if (!entry) {
    if (create) await createUser({ email, password: PASSWORD, ...create });
    const t = await signIn(email, PASSWORD);
    const sub = JSON.parse(Buffer.from(t.accessToken.split('.')[1], 'base64url').toString()).sub as string;
    entry = { token: t.accessToken, sub };
    tokens.set(email, entry);
  }
  const { token, sub } = entry;
  const client = api(token);
  // Every response these tests see must match the committed OpenAPI document (docs/openapi.json).
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await client.request(method, path, body);
    validateResponse(method, path.split('?')[0], res.status, res.body);
    return res;
  };
  return { email, sub, token, call };
}

export const admin = () => player('admin@example.com');

export async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
}

export interface EpisodeBody {
  state: string;
  current_question_index: number;
  question_start_timestamp: number;
  question_end_timestamp: number;
  server_time: number;
  participant_count: number;
  eliminated_count: number;
  remaining_count: number;
  current_question: { id: string; question: string; options: string[]; answer?: string } | null;
  [k: string]: unknown;
}

export async function episode(as: Player, id: string): Promise<EpisodeBody> {
  const res = await as.call('GET', `/api/v1/episode/${id}`);
  expect(res.status).toBe(200);
  return res.body as EpisodeBody;
}

/** Creates an episode (for every one of `players`, so that it starts once they are in) and registers each of them. */
export async function createShow(producer: Player, body: { id: string; game_id: string; [field: string]: unknown }, players: Player[]): Promise<void> {
  expect((await producer.call('POST', '/api/v1/episode', { min_participant: players.length, ...body })).status).toBe(201);
  for (const p of players) expect((await p.call('POST', '/api/v1/participant', { episode_id: body.id })).status).toBe(201);
}

export const waitForEpisode = (as: Player, id: string, ok: (e: EpisodeBody) => boolean, what: string, timeoutMs?: number) =>
  eventually(() => episode(as, id), ok, `episode ${id}: ${what}`, timeoutMs);

export const questionOpen = (i: number) => (e: EpisodeBody) =>
  (e.state === 'QUESTION_OPEN' && e.current_question_index === i) || e.current_question_index > i || e.state === 'ENDED';

export const sleepUntilServerTime = async (e: EpisodeBody, serverTime: number) => {
  const offset = e.server_time - Date.now();
  const wait = serverTime - (Date.now() + offset);
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
};
