/**
 * Bad input gets the contract's 4xx and changes nothing stored: every case below is sent through the real HTTP
 * API, and the tables are read back directly before and after.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, generateKeyPair } from 'jose';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { admin, player, waitForEpisode, questionOpen, type Player } from './support/game.ts';
import { api, dynamoDocumentClient, stack } from './support/index.ts';

const rawRequest = (method: string, path: string, body: string, token?: string) => api(token).request(method, path, body);

/** A JSON body as bytes: fetch sets no Content-Type for those (a string body would be text/plain). */
async function withoutContentType(token: string, path: string, body: unknown) {
  const res = await fetch(`${stack().apiUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: new TextEncoder().encode(JSON.stringify(body)) });
  return { status: res.status, body: (await res.json()) as unknown };
}

const RUN = `bad-${Date.now().toString(36)}`;
const TABLES = ['questions', 'games', 'episodes', 'participants', 'responses'] as const;

async function snapshot() {
  const db = dynamoDocumentClient();
  const { tableNames } = stack();
  const out: Record<string, string[]> = {};
  for (const t of TABLES) {
    const items: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.send(new ScanCommand({ TableName: tableNames[t], ExclusiveStartKey: start }));
      // Not `published_seq`: the live channel's publishers mark what they published after each commit, at their own pace.
      items.push(...(page.Items ?? []).map((i) => JSON.stringify(i, Object.keys(i).filter((k) => k !== 'published_seq').sort())));
      start = page.LastEvaluatedKey;
    } while (start);
    out[t] = items.sort();
  }
  return out;
}

describe('bad input', () => {
  let producer: Player;
  let alice: Player;
  let bob: Player;
  const episodeId = `${RUN}-episode`;
  const questionId = `${RUN}-q`;

  beforeAll(async () => {
    producer = await admin();
    alice = await player(`${RUN}-alice@example.com`, {});
    bob = await player(`${RUN}-bob@example.com`, {});
    expect((await producer.call('POST', '/api/v1/question', { id: questionId, question: 'Two plus two?', options: ['3', '4'], answer: 1 })).status).toBe(201);
    expect((await producer.call('POST', '/api/v1/game', { id: `${RUN}-game`, qset: [questionId] })).status).toBe(201);
    expect(
      (await producer.call('POST', '/api/v1/episode', { id: episodeId, game_id: `${RUN}-game`, min_participant: 2, answer_window_seconds: 30, lead_seconds: 0 })).status,
    ).toBe(201);
    expect((await alice.call('POST', '/api/v1/participant', { episode_id: episodeId })).status).toBe(201);
    expect((await bob.call('POST', '/api/v1/participant', { episode_id: episodeId })).status).toBe(201);
    await waitForEpisode(producer, episodeId, questionOpen(0), 'question open');
  });

  it('answers each bad request with the contract error and stores nothing', async () => {
    const before = await snapshot();
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ token_use: 'access', client_id: stack().outputs.UserPoolClientId, 'cognito:groups': ['admin'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'forged' })
      .setSubject(alice.sub)
      .setIssuer(`${stack().outputs.CognitoEndpoint}/${stack().outputs.UserPoolId}`)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
    const [header, payload, signature] = alice.token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const tampered = [header, Buffer.from(JSON.stringify({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 })).toString('base64url'), signature].join('.');
    const answer = { episode_id: episodeId, question_id: questionId, answer: 1 };

    const cases: { name: string; send: () => Promise<{ status: number; body: unknown }>; status: number; code?: string }[] = [
      { name: 'malformed JSON', send: () => rawRequest('POST', '/api/v1/response', '{"episode_id": ', alice.token), status: 400, code: 'malformed_json' },
      { name: 'wrong types', send: () => alice.call('POST', '/api/v1/response', { ...answer, answer: [1] }), status: 400, code: 'invalid_body' },
      { name: 'unknown field', send: () => producer.call('POST', '/api/v1/question', { question: 'x?', options: ['a', 'b'], answer: 0, extra: 1 }), status: 400, code: 'invalid_body' },
      { name: 'too few options', send: () => producer.call('POST', '/api/v1/question', { question: 'x?', options: ['a'], answer: 0 }), status: 400, code: 'invalid_body' },
      { name: 'answer index out of range (question)', send: () => producer.call('POST', '/api/v1/question', { question: 'x?', options: ['a', 'b'], answer: '3' }), status: 422, code: 'answer_out_of_range' },
      { name: 'answer index out of range (response)', send: () => alice.call('POST', '/api/v1/response', { ...answer, answer: 5 }), status: 422, code: 'answer_out_of_range' },
      { name: 'unknown episode (read)', send: () => alice.call('GET', `/api/v1/episode/${RUN}-nope`), status: 404, code: 'episode_not_found' },
      { name: 'unknown episode (answer)', send: () => alice.call('POST', '/api/v1/response', { ...answer, episode_id: `${RUN}-nope` }), status: 404, code: 'episode_not_found' },
      { name: 'unknown episode (register)', send: () => alice.call('POST', '/api/v1/participant', { episode_id: `${RUN}-nope` }), status: 404, code: 'episode_not_found' },
      { name: 'game with unknown questions', send: () => producer.call('POST', '/api/v1/game', { qset: [`${RUN}-missing`] }), status: 422, code: 'unknown_questions' },
      { name: 'episode of unknown game', send: () => producer.call('POST', '/api/v1/episode', { game_id: `${RUN}-missing` }), status: 422, code: 'unknown_game' },
      { name: 'someone else\'s user_id (answer)', send: () => alice.call('POST', '/api/v1/response', { ...answer, user_id: bob.sub }), status: 403, code: 'user_mismatch' },
      { name: 'someone else\'s user_id (register)', send: () => alice.call('POST', '/api/v1/participant', { episode_id: episodeId, user_id: bob.sub }), status: 403, code: 'user_mismatch' },
      { name: 'player on an admin route', send: () => alice.call('POST', '/api/v1/question', { question: 'x?', options: ['a', 'b'], answer: 0 }), status: 403, code: 'admin_only' },
      { name: 'player reads a question with its answer', send: () => alice.call('GET', `/api/v1/question/${questionId}`), status: 403, code: 'admin_only' },
      { name: 'player reads the admin report', send: () => alice.call('GET', `/api/v1/report/episode/${episodeId}`), status: 403, code: 'admin_only' },
      { name: 'missing token', send: () => rawRequest('POST', '/api/v1/response', JSON.stringify(answer)), status: 401 },
      { name: 'expired token', send: () => rawRequest('POST', '/api/v1/response', JSON.stringify(answer), tampered), status: 401 },
      { name: 'forged token', send: () => rawRequest('POST', '/api/v1/question', JSON.stringify({ question: 'x?', options: ['a', 'b'], answer: 0 }), forged), status: 401 },
      { name: 'oversized body', send: () => alice.call('POST', '/api/v1/response', { ...answer, padding: 'x'.repeat(20_000) }), status: 413, code: 'body_too_large' },
      { name: 'answer to a question that is not open', send: () => alice.call('POST', '/api/v1/response', { ...answer, question_id: `${RUN}-other` }), status: 409, code: 'question_not_open' },
      { name: 'registration after the first question opened', send: () => player(`${RUN}-carol@example.com`, {}).then((c) => c.call('POST', '/api/v1/participant', { episode_id: episodeId })), status: 409, code: 'registration_closed' },
    ];
    for (const c of cases) {
      const res = await c.send();
      expect({ case: c.name, status: res.status }).toEqual({ case: c.name, status: c.status });
      if (c.status === 401) expect(res.body).toEqual({ message: 'Unauthorized' });
      else expect(res.body, c.name).toMatchObject({ error: { code: c.code, message: expect.any(String) } });
    }
    expect(await snapshot()).toEqual(before);
  });

  it('refuses an answer from a player who is not registered, without storing it', async () => {
    const stranger = await player(`${RUN}-stranger@example.com`, {});
    const res = await stranger.call('POST', '/api/v1/response', { episode_id: episodeId, question_id: questionId, answer: 1 });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: { code: 'not_registered' } });
  });

  // Last: the runner may close the question meanwhile, which none of these cases needs (issue 17).
  it('refuses the edges a hostile client trips on, and stores nothing', async () => {
    /** The running show's episode moves on its own (the runner): everything else must stay as it was. */
    const stored = async () => {
      const all = await snapshot();
      return { ...all, episodes: all.episodes.filter((item) => (JSON.parse(item) as { id: string }).id !== episodeId) };
    };
    const before = await stored();
    const newQuestion = { question: 'Three plus three?', options: ['5', '6'], answer: 1 };
    const cases: { name: string; send: () => Promise<{ status: number; body: unknown }>; status: number; code: string }[] = [
      { name: 'body sent as text/plain', send: () => api(producer.token).request('POST', '/api/v1/question', JSON.stringify(newQuestion), { 'content-type': 'text/plain' }), status: 415, code: 'unsupported_media_type' },
      { name: 'body without a Content-Type', send: () => withoutContentType(producer.token, '/api/v1/question', newQuestion), status: 415, code: 'unsupported_media_type' },
      { name: 'unknown query parameter', send: () => producer.call('GET', '/api/v1/question?cursor=abc'), status: 400, code: 'invalid_query' },
      { name: 'query parameter on a route that takes none', send: () => alice.call('GET', `/api/v1/episode/${episodeId}?verbose=1`), status: 400, code: 'invalid_query' },
      { name: 'forged cursor', send: () => producer.call('GET', `/api/v1/question?limit=2&next=${Buffer.from('{"id":""}').toString('base64url')}`), status: 400, code: 'invalid_cursor' },
      { name: 'cursor with a 1,500-character id', send: () => producer.call('GET', `/api/v1/question?next=${Buffer.from(JSON.stringify({ id: 'x'.repeat(1500) })).toString('base64url')}`), status: 400, code: 'invalid_cursor' },
      { name: 'question id ".."', send: () => producer.call('POST', '/api/v1/question', { ...newQuestion, id: '..' }), status: 400, code: 'invalid_body' },
      { name: 'duplicate options', send: () => producer.call('POST', '/api/v1/question', { ...newQuestion, options: ['a', 'a'] }), status: 400, code: 'invalid_body' },
      { name: 'an option of zero-width spaces', send: () => producer.call('POST', '/api/v1/question', { ...newQuestion, options: ['a', '\u200b'] }), status: 400, code: 'invalid_body' },
      { name: 'a NUL in the question', send: () => producer.call('POST', '/api/v1/question', { ...newQuestion, question: 'x\u0000?' }), status: 400, code: 'invalid_body' },
      { name: 'a right-to-left override in a nickname', send: () => alice.call('PUT', '/api/v1/user/me', { nickname: 'bob\u202E' }), status: 400, code: 'invalid_body' },
      { name: 'a hex path index', send: () => alice.call('GET', `/api/v1/episode/${episodeId}/question/0x0/statistics`), status: 400, code: 'invalid_path' },
      { name: 'an exponent path index', send: () => alice.call('GET', `/api/v1/episode/${episodeId}/question/1e0/statistics`), status: 400, code: 'invalid_path' },
      { name: 'an out-of-range path index', send: () => alice.call('GET', `/api/v1/episode/${episodeId}/question/99999999999999999999/statistics`), status: 400, code: 'invalid_path' },
      { name: 'start_at in 1970', send: () => producer.call('POST', '/api/v1/episode', { game_id: `${RUN}-game`, start_at: 0 }), status: 422, code: 'start_at_in_past' },
      { name: 'fractional answer window', send: () => producer.call('POST', '/api/v1/episode', { game_id: `${RUN}-game`, answer_window_seconds: 2.5 }), status: 400, code: 'invalid_body' },
      { name: 'episode id with a dot', send: () => producer.call('POST', '/api/v1/episode', { id: `${RUN}.dot`, game_id: `${RUN}-game` }), status: 422, code: 'invalid_episode_id' },
    ];
    for (const c of cases) {
      const res = await c.send();
      expect({ case: c.name, status: res.status }).toEqual({ case: c.name, status: c.status });
      expect(res.body, c.name).toMatchObject({ error: { code: c.code, message: expect.any(String) } });
    }
    expect(await stored()).toEqual(before);
  });
});
