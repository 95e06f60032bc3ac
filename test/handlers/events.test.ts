/**
 * Domain events with a mocked SDK: publishEvents (stream batches → PutEvents in tens, retries, live partials, all or
 * nothing), the answer handler's refusals (response.rejected), GET /api/v1/stats/live and the report's insights.
 * Handlers (lambda/): stream/publishEvents, http/submitResponse, http/getLiveStats, http/getReport.
 */
import { describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { shardOf } from '../../lambda/domain/answers.ts';
import type { DomainEvent } from '../../lambda/domain/events.ts';
import type { Episode } from '../../lambda/domain/schemas.ts';
import {
  ADMIN,
  NOW,
  PLAYER,
  TABLES,
  episode,
  expectError,
  getById,
  httpEvent,
  lambdaContext,
  openEpisode,
  parse,
  post,
  streamEvent,
  streamRecord,
  isolateEachTest,
} from './support.ts';
import { loadHandlers, clearEpisodeCache } from './loadHandlers.ts';
import { storedStatistics } from '../support/statistics.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const events = mockClient(EventBridgeClient);
// No test here may reach a real queue.
const sqs = mockClient(SQSClient);
const BUS = 'test-events-bus';

const ctx = lambdaContext();

const { publishEvents, submitResponse, getLiveStats, getReport } = loadHandlers(['publishEvents', 'submitResponse', 'getLiveStats', 'getReport'], { POWERTOOLS_DEV: 'true', EVENT_BUS_NAME: BUS, LIVE_STATS_CACHE_MS: '0' });

isolateEachTest({ mocks: [ddb, events, sqs], clearEpisodeCache });

/** A stream record as Lambda delivers it from the named table's stream. */
const fromTable = (table: string, record: DynamoDBRecord): DynamoDBRecord => ({
  ...record,
  eventSourceARN: `arn:aws:dynamodb:eu-west-1:123456789012:table/${table}/stream/2023-11-14T00:00:00.000`,
});
const entries = (): PutEventsRequestEntry[] => events.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
const published = (): DomainEvent[] => entries().map((e) => JSON.parse(e.Detail!) as DomainEvent);
const livePuts = () => ddb.commandCalls(PutCommand).map((c) => c.args[0].input).filter((i) => i.TableName === TABLES.liveStats);
const allAccepted = () => events.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({ FailedEntryCount: 0, Entries: input.Entries.map((_, i) => ({ EventId: `e${i}` })) }));

const registration = (seq: string, user: string, at = NOW) =>
  fromTable(TABLES.participants, streamRecord(seq, { pk: `ep1#${shardOf(user, 16)}`, user_id: user, episode_id: 'ep1', registered_at: at }));
const answer = (seq: string, user: string, correct: boolean, at = NOW) =>
  fromTable(
    TABLES.responses,
    streamRecord(seq, { pk: `ep1#0#${shardOf(user, 16)}`, user_id: user, episode_id: 'ep1', question_id: 'q1', question_index: 0, answer: correct ? 1 : 0, correct, received_at: at, shard_count: 16 }),
  );

describe('publishEvents', () => {
  it('publishes a registration per INSERT on the bus, and writes one live partial for the batch', async () => {
    allAccepted();
    ddb.on(PutCommand).resolves({});
    const res = (await publishEvents(streamEvent([registration('101', 'u1'), registration('102', 'u2'), registration('103', 'u3')]), ctx)) as DynamoDBBatchResponse;
    expect(res.batchItemFailures).toEqual([]);
    expect(entries().map((e) => [e.EventBusName, e.Source, e.DetailType])).toEqual(new Array(3).fill([BUS, 'trivia-live', 'participant.registered']));
    expect(published().map((e) => e.data)).toEqual(['u1', 'u2', 'u3'].map((user_id) => ({ user_id, registered_at: NOW })));
    expect(entries()[0].Time).toEqual(new Date(NOW));
    const [partial] = livePuts();
    expect(livePuts()).toHaveLength(1);
    expect(partial.Item).toMatchObject({ minute: Math.floor(NOW / 60_000), first: '101', last: '103', value: { events: 3, by_type: { 'participant.registered': 3 } } });
    expect(partial.Item!.sk).toMatch(/^m#\d{10}#participants#0+101$/);
  });

  it('puts at most ten entries per request, and counts right answers per player', async () => {
    allAccepted();
    ddb.on(PutCommand).resolves({});
    const batch = Array.from({ length: 25 }, (_, i) => answer(String(200 + i), `u${i % 4}`, i % 2 === 0, NOW + i));
    await publishEvents(streamEvent(batch), ctx);
    expect(events.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries!.length)).toEqual([10, 10, 5]);
    expect(new Set(published().map((e) => e.id)).size).toBe(25);
    expect(published().every((e) => e.type === 'response.accepted' && !('correct' in e.data))).toBe(true);
    expect(livePuts()[0].Item!.value.correct).toEqual({ u0: 7, u2: 6 });
  });

  it('retries only the entries EventBridge failed', async () => {
    ddb.on(PutCommand).resolves({});
    events
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ EventId: 'a' }, { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }, { EventId: 'c' }] })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'b' }] });
    const res = (await publishEvents(streamEvent([registration('1', 'a'), registration('2', 'b'), registration('3', 'c')]), ctx)) as DynamoDBBatchResponse;
    expect(res.batchItemFailures).toEqual([]);
    const calls = events.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries!.map((e) => (JSON.parse(e.Detail!) as DomainEvent).data));
    expect(calls).toEqual([[{ user_id: 'a', registered_at: NOW }, { user_id: 'b', registered_at: NOW }, { user_id: 'c', registered_at: NOW }], [{ user_id: 'b', registered_at: NOW }]]);
  });

  it('reports the whole batch failed (its first record) when entries keep failing, and counts nothing', async () => {
    vi.useRealTimers();
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException' }] });
    const res = (await publishEvents(streamEvent([registration('7', 'a')]), ctx)) as DynamoDBBatchResponse;
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: '7' }]);
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(5);
    expect(livePuts()).toEqual([]);
  });

  it('closes a question from the finalize write: final numbers, and each player out with why', async () => {
    allAccepted();
    ddb.on(PutCommand).resolves({});
    const before = { ...openEpisode(0), state: 'QUESTION_CLOSED' as const, participant_count: 4 };
    const after: Episode = { ...before, finalized_index: 0, eliminated_count: 2, version: before.version + 1 };
    ddb.on(GetCommand, { TableName: TABLES.statistics, Key: { pk: 'ep1#q0', sk: 'final' } }).resolves({
      Item: storedStatistics(
        { counts: [1, 2, 0], correct: 1, playersBefore: 4 },
        { start: before.question_start_timestamp, end: before.question_end_timestamp, finalizedAt: before.question_end_timestamp + 2000 },
      ),
    });
    const players = ['u-right1', 'u-right2', 'u-wrong', 'u-silent'];
    const held = { u: { 'u-right1': 1, 'u-right2': 1, 'u-wrong': 0 } as Record<string, number> };
    ddb.on(QueryCommand).callsFake((input: QueryCommandInput) => {
      const pk = String(input.ExpressionAttributeValues?.[':pk']);
      if (input.TableName === TABLES.participants) {
        return { Items: players.filter((u) => pk === `ep1#${shardOf(u, 16)}`).map((u) => ({ episode_id: 'ep1', user_id: u, registered_at: NOW - 1000 })) };
      }
      return {
        Items: Object.entries(held.u)
          .filter(([u]) => pk === `ep1#0#${shardOf(u, 16)}`)
          .map(([u, a]) => ({ episode_id: 'ep1', user_id: u, question_index: 0, question_id: 'q1', answer: a, correct: a === 1, received_at: NOW - 500, shard_count: 16 })),
      };
    });
    const record = fromTable(TABLES.episodes, streamRecord('900', after as unknown as Record<string, unknown>, { eventName: 'MODIFY', oldImage: before as unknown as Record<string, unknown> }));
    const res = (await publishEvents(streamEvent([record]), ctx)) as DynamoDBBatchResponse;
    expect(res.batchItemFailures).toEqual([]);
    const out = published();
    expect(out.map((e) => e.type)).toEqual(['question.closed', 'player.eliminated', 'player.eliminated']);
    expect(out[0].data).toMatchObject({ question_index: 0, correct_answer: 1, advancing_count: 2, eliminated_count: 2, eliminated_wrong: 1, eliminated_silent: 1 });
    expect(out.slice(1).map((e) => e.data)).toEqual([
      { user_id: 'u-silent', question_index: 0, question_id: 'q1', reason: 'no_answer', answer: null },
      { user_id: 'u-wrong', question_index: 0, question_id: 'q1', reason: 'wrong_answer', answer: 0 },
    ]);
    // Statistics and answers are read consistently: they must include everything the finalize counted.
    expect(ddb.commandCalls(QueryCommand).every((c) => c.args[0].input.ConsistentRead === true)).toBe(true);
  });

  it('skips records of a stream it does not know', async () => {
    const res = (await publishEvents(streamEvent([fromTable('someone-else', registration('1', 'a'))]), ctx)) as DynamoDBBatchResponse;
    expect(res.batchItemFailures).toEqual([]);
    expect(events.commandCalls(PutEventsCommand)).toEqual([]);
  });
});

describe('POST /api/v1/response/ refusals', () => {
  it('publishes response.rejected for a late answer, keyed by the request, and still answers 409', async () => {
    allAccepted();
    const late = { ...openEpisode(0, 11_000) };
    ddb.on(GetCommand, { TableName: TABLES.episodes }).resolves({ Item: late });
    const res = parse(await submitResponse(post('/api/v1/response', { episode_id: 'ep1', question_id: 'q1', answer: '1' }, PLAYER), ctx));
    expectError(res, 409, 'answer_window_closed');
    const [e] = published();
    expect(e).toMatchObject({
      type: 'response.rejected',
      episode_id: 'ep1',
      time: new Date(NOW).toISOString(),
      data: { question_id: 'q1', question_index: 0, user_id: PLAYER.sub, answer: 1, code: 'answer_window_closed', status: 409 },
    });
    expect(ddb.commandCalls(PutCommand)).toEqual([]);
  });

  it('answers the same when the bus fails, and publishes nothing for malformed requests', async () => {
    events.on(PutEventsCommand).rejects(new Error('EventBridge is down'));
    ddb.on(GetCommand, { TableName: TABLES.episodes }).resolves({ Item: openEpisode(0, 11_000) });
    expectError(parse(await submitResponse(post('/api/v1/response', { episode_id: 'ep1', question_id: 'q1', answer: '1' }, PLAYER), ctx)), 409, 'answer_window_closed');
    events.reset();
    expectError(parse(await submitResponse(post('/api/v1/response', { episode_id: 'ep1', question_id: 'q1', answer: 'x' }, PLAYER), ctx)), 400, 'invalid_body');
    expect(events.commandCalls(PutEventsCommand)).toEqual([]);
  });
});

describe('GET /api/v1/stats/live', () => {
  const request = (claims = ADMIN, query = '') =>
    httpEvent('GET', '/api/v1/stats/live', '/api/v1/stats/live', { claims, ...(query ? { query: Object.fromEntries(new URLSearchParams(query)) } : {}) });

  it('is for admins', async () => {
    expectError(parse(await getLiveStats(request(PLAYER), ctx)), 403, 'admin_only');
  });

  it('sums the partials of the window and counts the episodes running', async () => {
    const minute = Math.floor(NOW / 60_000);
    const second = Math.floor(NOW / 1000);
    ddb.on(QueryCommand).callsFake((input: QueryCommandInput) => {
      if (input.TableName === TABLES.episodes) return { Items: [{ state: 'QUESTION_OPEN' }, { state: 'CREATED' }, { state: 'STARTED' }] };
      if (input.ExpressionAttributeValues?.[':pk'] !== `h#${Math.floor(minute / 60)}#1`) return { Items: [] };
      return {
        Items: [
          { minute, value: { events: 6, by_type: { 'response.accepted': 6 }, seconds: { [second - 5]: 6 }, correct: { ann: 2, bob: 3 }, wins: {} } },
          { minute: minute - 1, value: { events: 4, by_type: { 'episode.ended': 1, 'question.closed': 3 }, seconds: { [second - 70]: 4 }, correct: { ann: 1 }, wins: { ann: 1 } } },
        ],
      };
    });
    const res = parse(await getLiveStats(request(ADMIN, 'window_minutes=30'), ctx));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      as_of: NOW,
      window_minutes: 30,
      events_total: 10,
      events_per_minute: 0.333,
      events_per_second_moving_average: 0.1,
      events_by_type: { 'response.accepted': 6, 'episode.ended': 1, 'question.closed': 3 },
      top_player_wins: { id: 'ann', count: 1 },
      top_player_correct_answers: { id: 'ann', count: 3 },
      live_episodes: 2,
    });
    const liveQueries = ddb.commandCalls(QueryCommand).filter((c) => c.args[0].input.TableName === TABLES.liveStats);
    expect(liveQueries.length).toBeGreaterThan(0);
    expect(liveQueries.length).toBeLessThanOrEqual(8);
    expect(ddb.commandCalls(QueryCommand).find((c) => c.args[0].input.TableName === TABLES.episodes)!.args[0].input.IndexName).toBe('live');
  });

  it('rejects a window it cannot read', async () => {
    expectError(parse(await getLiveStats(request(ADMIN, 'window_minutes=0'), ctx)), 400, 'invalid_query');
    expectError(parse(await getLiveStats(request(ADMIN, 'window_minutes=1441'), ctx)), 400, 'invalid_query');
  });
});

describe('GET /api/v1/report/episode/{id}: insights', () => {
  it('adds difficulty, latencies and the key events in words', async () => {
    const e = episode({
      title: 'Friday Night Trivia',
      state: 'ENDED',
      qset: ['q1'],
      participant_count: 3,
      eliminated_count: 2,
      current_question_index: 0,
      finalized_index: 0,
      started_at: NOW - 100_000,
      question_start_timestamp: NOW - 60_000,
      question_end_timestamp: NOW - 50_000,
      ended_at: NOW - 45_000,
      end_reason: 'last_question',
    });
    ddb.on(GetCommand, { TableName: TABLES.episodes }).resolves({ Item: e });
    ddb.on(GetCommand, { TableName: TABLES.statistics }).resolves({
      Item: storedStatistics({ counts: [1, 1], correct: 1, playersBefore: 3 }, { start: NOW - 60_000, end: NOW - 50_000, finalizedAt: NOW - 48_000 }),
    });
    const answers = [
      { user_id: 'ann', answer: 1, correct: true, received_at: NOW - 58_500 },
      { user_id: 'bob', answer: 0, correct: false, received_at: NOW - 55_500 },
    ];
    const registered = ['bob', 'ann', 'cat'];
    ddb.on(QueryCommand).callsFake((input: QueryCommandInput) => {
      const pk = String(input.ExpressionAttributeValues?.[':pk']);
      if (input.TableName === TABLES.participants) {
        return { Items: registered.filter((u) => pk === `ep1#${shardOf(u, 16)}`).map((u, i) => ({ episode_id: 'ep1', user_id: u, registered_at: NOW - 90_000 + registered.indexOf(u) * 10 + i })) };
      }
      const mine = answers.filter((a) => pk === `ep1#0#${shardOf(a.user_id, 16)}`);
      return { Items: input.FilterExpression ? mine.filter((a) => a.correct) : mine };
    });
    ddb.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, unknown> }) =>
      input.RequestItems[TABLES.questions]
        ? { Responses: { [TABLES.questions]: [{ id: 'q1', question: 'Which planet is closest to the sun?', options: ['Venus', 'Mercury'], answer: 1, created_at: 1 }] } }
        : { Responses: { [TABLES.users]: [{ id: 'ann', nickname: 'Ann', created_at: 1 }, { id: 'bob', nickname: 'Bob', created_at: 1 }] } },
    );
    const res = parse(await getReport(getById('/api/v1/report/episode/{id}', { id: 'ep1' }, ADMIN), ctx));
    expect(res.status).toBe(200);
    const [q] = res.body.questions as { difficulty: unknown; latency: { count: number; p50_ms: number; histogram: { count: number }[] } }[];
    expect(q.difficulty).toEqual({ share_right: 0.3333, share_right_of_answers: 0.5, level: 'hard' });
    expect(q.latency).toMatchObject({ count: 2, min_ms: 1500, p50_ms: 1500, max_ms: 4500 });
    expect(q.latency.histogram.map((b) => b.count)).toEqual([0, 1, 0, 0, 1, 0, 0, 0, 0, 0]);
    const lines = (res.body.key_events as { description: string }[]).map((k) => k.description);
    const time = (ms: number) => new Date(ms).toISOString().slice(11, 16);
    expect(lines).toEqual([
      expect.stringMatching(/^'Friday Night Trivia' started on November 14th, 2023 at \d\d:\d\d UTC with 3 players/),
      `Question 1 of 'Friday Night Trivia' opened at ${time(NOW - 60_000)} UTC: "Which planet is closest to the sun?"`,
      `Question 1 of 'Friday Night Trivia' closed at ${time(NOW - 50_000)} UTC: 1 of 3 players answered right; 2 players were eliminated (1 wrong, 1 silent).`,
      `Player #1 (Bob) was eliminated on question 1 of 'Friday Night Trivia' at ${time(NOW - 50_000)} UTC (wrong answer).`,
      `Player #3 was eliminated on question 1 of 'Friday Night Trivia' at ${time(NOW - 50_000)} UTC (no answer).`,
      expect.stringMatching(/^'Friday Night Trivia' ended on November 14th, 2023 at .* after 1 question with 1 winner\.$/),
      `Player #2 (Ann) won 'Friday Night Trivia' at ${time(NOW - 45_000)} UTC.`,
    ]);
  });
});
