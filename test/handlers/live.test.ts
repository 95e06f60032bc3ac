/**
 * The live channel's handlers: the public snapshot (lambda/http/getLiveSnapshot.ts), a player's standing
 * (lambda/http/getMyStanding.ts) and the stream relay (lambda/stream/relayLiveEvents.ts), against mocked clients.
 * Handlers (lambda/): http/getLiveSnapshot, http/getMyStanding, stream/relayLiveEvents.
 */
import { describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBBatchResponse } from 'aws-lambda';
import { responseKey } from '../../lambda/store/responses.ts';
import type { Episode } from '../../lambda/domain/schemas.ts';
import {
  NOW,
  OTHER_PLAYER,
  PLAYER,
  TABLES,
  episode,
  episodesTableFake,
  expectError,
  httpEvent,
  isolateEachTest,
  lambdaContext,
  liveChannel,
  openEpisode,
  parse,
  streamEvent,
  streamRecord,
} from './support.ts';
import { loadHandlers, clearEpisodeCache } from './loadHandlers.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const ctx = lambdaContext();

const { getLiveSnapshot, getMyStanding, relayLiveEvents } = loadHandlers(['getLiveSnapshot', 'getMyStanding', 'relayLiveEvents']);

isolateEachTest({ mocks: [ddb], clearEpisodeCache });

const episodeIs = (e: Episode) => ddb.on(GetCommand, { TableName: TABLES.episodes, Key: { id: e.id } }).resolves({ Item: { ...e, live: 'live' } });
const snapshot = (claims: typeof PLAYER | null, query?: Record<string, string>) =>
  getLiveSnapshot(httpEvent('GET', '/api/v1/live/{id}', '/api/v1/live/ep1', { claims, pathParameters: { id: 'ep1' }, ...(query ? { query } : {}) }), ctx).then(parse);
const standing = (claims = PLAYER, query?: Record<string, string>) =>
  getMyStanding(httpEvent('GET', '/api/v1/episode/{id}/me', '/api/v1/episode/ep1/me', { claims, pathParameters: { id: 'ep1' }, ...(query ? { query } : {}) }), ctx).then(parse);

describe('GET /api/v1/live/{id}', () => {
  it('answers anyone, with or without a token, the same bytes, publicly cacheable for a second', async () => {
    episodeIs({ ...openEpisode(0), seq: 7, seq_at: NOW - 900 });
    const anonymous = await snapshot(null);
    const player = await snapshot(PLAYER);
    clearEpisodeCache();
    const other = await snapshot(OTHER_PLAYER, { cachebuster: '123' });
    expect(anonymous.status).toBe(200);
    expect(player.raw).toBe(anonymous.raw);
    expect(other.raw).toBe(anonymous.raw);
    expect(anonymous.headers['cache-control']).toBe('public, max-age=1');
    expect(anonymous.body).toMatchObject({ seq: 7, episode: { id: 'ep1', state: 'QUESTION_OPEN', server_time: NOW - 900 } });
  });

  it('never carries the open question’s answer (rule 6)', async () => {
    episodeIs({ ...openEpisode(0), seq: 7, seq_at: NOW - 900 });
    const res = await snapshot(null);
    expect(res.raw).not.toMatch(/"answer"|current_answer|"correct"/);
  });

  it('answers 404 for an unknown episode', async () => {
    ddb.on(GetCommand).resolves({});
    expectError(await snapshot(null), 404, 'episode_not_found');
  });
});

describe('GET /api/v1/episode/{id}/me', () => {
  it('reads the caller’s registration and answers in one batch, and is never cached by a shared cache', async () => {
    const e: Episode = { ...openEpisode(1), finalized_index: 0 };
    episodeIs(e);
    ddb.on(BatchGetCommand).resolves({
      Responses: {
        [TABLES.participants]: [{ episode_id: 'ep1', user_id: PLAYER.sub }],
        [TABLES.responses]: [
          { ...responseKey('ep1', 0, PLAYER.sub, e.shard_count), question_index: 0, answer: 1, correct: true },
          { ...responseKey('ep1', 1, PLAYER.sub, e.shard_count), question_index: 1, answer: 2, correct: false },
        ],
      },
    });
    const res = await standing();
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.body).toEqual({ episode_id: 'ep1', registered: true, status: 'playing', current_answer: '2' });
    const keys = ddb.commandCalls(BatchGetCommand)[0].args[0].input.RequestItems!;
    expect(keys[TABLES.responses].Keys).toHaveLength(2);
    expect(keys[TABLES.participants].Keys).toEqual([{ pk: expect.stringMatching(/^ep1#\d+$/), user_id: PLAYER.sub }]);
  });

  it('never answers from a copy older than the seq the caller names (the end was pushed; the cache still holds the results)', async () => {
    const results: Episode = { ...openEpisode(0), state: 'QUESTION_RESULTS', finalized_index: 0, seq: 5 };
    episodeIs(results);
    ddb.on(BatchGetCommand).resolves({
      Responses: {
        [TABLES.participants]: [{ episode_id: 'ep1', user_id: PLAYER.sub }],
        [TABLES.responses]: [{ ...responseKey('ep1', 0, PLAYER.sub, results.shard_count), question_index: 0, answer: 1, correct: true }],
      },
    });
    expect((await standing()).body).toMatchObject({ status: 'playing' });
    episodeIs({ ...results, state: 'ENDED', seq: 6 });
    // Within the cache's second, a caller that names no seq (or one already seen) gets the cached copy ...
    expect((await standing(PLAYER, { seq: '5' })).body).toMatchObject({ status: 'playing' });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
    // ... and one that has seen the end gets a fresh read.
    expect((await standing(PLAYER, { seq: '6' })).body).toMatchObject({ status: 'winner' });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(2);
  });

  it('refuses a seq that is not a whole number with 400 invalid_query', async () => {
    episodeIs(openEpisode(0));
    for (const seq of ['-1', 'abc', '1.5']) expectError(await standing(PLAYER, { seq }), 400, 'invalid_query');
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('a player who is not registered is told so', async () => {
    episodeIs(openEpisode(0));
    ddb.on(BatchGetCommand).resolves({ Responses: {} });
    expect((await standing()).body).toEqual({ episode_id: 'ep1', registered: false, status: 'not_registered' });
  });
});

describe('relayLiveEvents (episodes stream)', () => {
  const before = { ...openEpisode(0), seq: 4, seq_at: NOW - 10_000, published_seq: 4 };
  // Older than the relay's grace: their writers had their chance to publish them.
  const closed = { ...before, state: 'QUESTION_CLOSED' as const, version: before.version + 1, seq: 5, seq_at: NOW - 5_000 };
  const write = (sequence: string, after: Episode, old: Episode) => streamRecord(sequence, after as never, { eventName: 'MODIFY', oldImage: old as never });

  it('publishes what the writer did not mark published, and marks it', async () => {
    const table = episodesTableFake(ddb, closed);
    const channel = liveChannel();
    const result = (await relayLiveEvents(streamEvent([write('100', closed, before)]), ctx)) as DynamoDBBatchResponse;
    expect(result.batchItemFailures).toEqual([]);
    expect(channel.published).toHaveLength(1);
    expect(channel.events()[0]).toMatchObject({ type: 'question.closed', seq: 5, server_time: NOW - 5_000, correct_answer: '1' });
    expect(table.current().published_seq).toBe(5);
  });

  it('skips what was published already, and writes that raised no seq (marks, counts)', async () => {
    episodesTableFake(ddb, { ...closed, published_seq: 5 });
    const channel = liveChannel();
    const marked = { ...closed, published_seq: 5 };
    const counted = { ...marked, participant_count: marked.participant_count + 1 };
    await relayLiveEvents(streamEvent([write('100', closed, before), write('101', marked, closed), write('102', counted, marked)]), ctx);
    expect(channel.published).toEqual([]);
  });

  it('publishes in order and, when a publish fails, reports that record so the retry starts from it', async () => {
    const results = { ...closed, state: 'QUESTION_RESULTS' as const, version: closed.version + 1, seq: 6, seq_at: NOW - 4_000 };
    episodesTableFake(ddb, results);
    const channel = liveChannel();
    channel.failNext(1);
    const batch = streamEvent([write('100', closed, before), write('101', results, closed)]);
    expect(((await relayLiveEvents(batch, ctx)) as DynamoDBBatchResponse).batchItemFailures).toEqual([{ itemIdentifier: '100' }]);
    expect(channel.published).toEqual([]);
    // Lambda retries from the failed record: both go out, in order.
    expect(((await relayLiveEvents(batch, ctx)) as DynamoDBBatchResponse).batchItemFailures).toEqual([]);
    expect(channel.events().map((e) => e.seq)).toEqual([5, 6]);
  });

  it('gives a young event its grace: what its writer marked meanwhile is not published again', async () => {
    const young = { ...closed, seq_at: NOW - 100 };
    const table = episodesTableFake(ddb, young);
    const channel = liveChannel();
    // The writer marks it while the relay waits out the grace (the pinned clock stands still, so the wait is real).
    const marking = new Promise<void>((resolve) => setTimeout(() => resolve(void table.set({ published_seq: 5 })), 200));
    await relayLiveEvents(streamEvent([write('100', young, before)]), ctx);
    await marking;
    expect(channel.published).toEqual([]);
  });

  it('ignores an episode’s creation (no event yet)', async () => {
    const channel = liveChannel();
    await relayLiveEvents(streamEvent([streamRecord('1', episode() as never)]), ctx);
    expect(channel.published).toEqual([]);
  });
});
