/**
 * The players' routes: registering, answering and following the episode. The answer route must check everything
 * against the server clock and a cached episode, queue one message and write nothing to DynamoDB itself.
 * Handlers (lambda/): http/registerParticipant, http/submitResponse, http/getEpisode.
 */
import { describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Episode } from '../../lambda/domain/schemas.ts';
import { shardOf } from '../../lambda/domain/answers.ts';
import {
  NOW,
  OTHER_PLAYER,
  PLAYER,
  QUEUES,
  TABLES,
  conditionalCheckFailed,
  episode,
  expectError,
  getById,
  lambdaContext,
  openEpisode,
  parse,
  post,
  question,
  isolateEachTest,
} from './support.ts';
import { loadHandlers, clearEpisodeCache } from './loadHandlers.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const ctx = lambdaContext();

// POWERTOOLS_DEV makes Metrics write through the global console, so its warnings can be kept out of the test output.
const { registerParticipant, submitResponse, getEpisode } = loadHandlers(['registerParticipant', 'submitResponse', 'getEpisode'], { POWERTOOLS_DEV: 'true' });

isolateEachTest({ mocks: [ddb, sqs], clearEpisodeCache });

/** The episodes table holds `e` (with the `live` marker a live episode carries). */
const episodeIs = (e: Episode) => ddb.on(GetCommand, { TableName: TABLES.episodes, Key: { id: e.id } }).resolves({ Item: { ...e, live: 'live' } });

/** Only reads reached DynamoDB. */
function expectNoDynamoWrite() {
  const names = ddb.calls().map((c) => (c.args[0] as object).constructor.name);
  for (const name of names) expect(['GetCommand', 'BatchGetCommand', 'QueryCommand']).toContain(name);
}

const sent = () => sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);

describe('POST /api/v1/participant/', () => {
  it('registers the token subject by default: 201, one conditional put on its shard', async () => {
    episodeIs(episode());
    ddb.on(PutCommand).resolves({});
    const res = parse(await registerParticipant(post('/api/v1/participant', { episode_id: 'ep1' }, PLAYER), ctx));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ episode_id: 'ep1', user_id: PLAYER.sub, registered_at: NOW });
    const puts = ddb.commandCalls(PutCommand);
    expect(puts).toHaveLength(1);
    expect(puts[0].args[0].input).toEqual({
      TableName: TABLES.participants,
      Item: { pk: `ep1#${shardOf(PLAYER.sub, 16)}`, user_id: PLAYER.sub, episode_id: 'ep1', registered_at: NOW },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('accepts the caller naming itself as user_id', async () => {
    episodeIs(episode());
    ddb.on(PutCommand).resolves({});
    const res = parse(await registerParticipant(post('/api/v1/participant', { episode_id: 'ep1', user_id: PLAYER.sub }, PLAYER), ctx));
    expect(res.status).toBe(201);
    expect(res.body.user_id).toBe(PLAYER.sub);
  });

  it('answers 403 user_mismatch for someone else’s user_id, and reads and writes nothing', async () => {
    episodeIs(episode());
    const res = parse(await registerParticipant(post('/api/v1/participant', { episode_id: 'ep1', user_id: OTHER_PLAYER.sub }, PLAYER), ctx));
    expectError(res, 403, 'user_mismatch');
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 200 with the first registration when the same player registers again', async () => {
    episodeIs(episode());
    ddb.on(PutCommand).resolvesOnce({});
    const first = parse(await registerParticipant(post('/api/v1/participant', { episode_id: 'ep1' }, PLAYER), ctx));
    expect(first.status).toBe(201);
    const stored = ddb.commandCalls(PutCommand)[0].args[0].input.Item;

    vi.setSystemTime(NOW + 30_000);
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    ddb.on(GetCommand, { TableName: TABLES.participants }).resolves({ Item: stored });
    const second = parse(await registerParticipant(post('/api/v1/participant', { episode_id: 'ep1' }, PLAYER), ctx));
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ episode_id: 'ep1', user_id: PLAYER.sub, registered_at: NOW });
    const read = ddb.commandCalls(GetCommand, { TableName: TABLES.participants })[0].args[0].input;
    expect(read).toEqual({ TableName: TABLES.participants, Key: { pk: `ep1#${shardOf(PLAYER.sub, 16)}`, user_id: PLAYER.sub }, ConsistentRead: true });
  });

  it('accepts registrations while STARTED and before the first question', async () => {
    episodeIs(episode({ state: 'STARTED', participant_count: 2, started_at: NOW - 10_000, next_step_at: NOW + 50_000 }));
    ddb.on(PutCommand).resolves({});
    const res = parse(await registerParticipant(post('/api/v1/participant', { episode_id: 'ep1' }, PLAYER), ctx));
    expect(res.status).toBe(201);
  });

  it('answers 409 registration_closed once question 0 has opened, reading the episode fresh, and writes nothing', async () => {
    episodeIs(openEpisode(0));
    const res = parse(await registerParticipant(post('/api/v1/participant', { episode_id: 'ep1' }, PLAYER), ctx));
    const error = expectError(res, 409, 'registration_closed');
    expect(error.message).toContain('ep1');
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    // The cached copy is not trusted this close to the show: the second read bypasses the cache.
    expect(ddb.commandCalls(GetCommand, { TableName: TABLES.episodes })).toHaveLength(2);
  });

  it('answers 409 registration_closed when STARTED and the first question is due', async () => {
    episodeIs(episode({ state: 'STARTED', participant_count: 2, next_step_at: NOW - 1 }));
    const res = parse(await registerParticipant(post('/api/v1/participant', { episode_id: 'ep1' }, PLAYER), ctx));
    expectError(res, 409, 'registration_closed');
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('answers 404 episode_not_found for an unknown episode', async () => {
    ddb.on(GetCommand).resolves({});
    const res = parse(await registerParticipant(post('/api/v1/participant', { episode_id: 'ep-x' }, PLAYER), ctx));
    expectError(res, 404, 'episode_not_found');
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });
});

describe('POST /api/v1/response/', () => {
  const P = TABLES.participants;
  const R = TABLES.responses;
  const registration = { pk: `ep1#${shardOf(PLAYER.sub, 16)}`, user_id: PLAYER.sub, episode_id: 'ep1', registered_at: NOW - 300_000 };
  const storedAnswer = (index: number, answer: number, correct: boolean) => ({
    pk: `ep1#${index}#${shardOf(PLAYER.sub, 16)}`,
    user_id: PLAYER.sub,
    episode_id: 'ep1',
    question_id: ['q1', 'q2', 'q3'][index],
    question_index: index,
    answer,
    correct,
    received_at: NOW - 20_000,
    shard_count: 16,
  });
  /** The participants and responses tables hold these items; a BatchGet returns those whose keys it asks for. */
  const playerHolds = (participants: Record<string, unknown>[], responses: Record<string, unknown>[]) =>
    ddb.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: Record<string, unknown>[] }> }) => {
      const held: Record<string, Record<string, unknown>[]> = { [P]: participants, [R]: responses };
      const Responses = Object.fromEntries(
        Object.entries(input.RequestItems).map(([table, { Keys }]) => [
          table,
          (held[table] ?? []).filter((item) => Keys.some((k) => k.pk === item.pk && k.user_id === item.user_id)),
        ]),
      );
      return { Responses };
    });

  it('accepts an answer inside the window: 202, one SQS message, no DynamoDB write', async () => {
    episodeIs(openEpisode(0));
    playerHolds([registration], []);
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    const res = parse(await submitResponse(post('/api/v1/response', { episode_id: 'ep1', question_id: 'q1', answer: '1' }, PLAYER), ctx));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'accepted', received_at: NOW });
    expect(sent()).toHaveLength(1);
    expect(sent()[0].QueueUrl).toBe(QUEUES.answers);
    expect(JSON.parse(sent()[0].MessageBody as string)).toEqual({
      episode_id: 'ep1',
      question_id: 'q1',
      question_index: 0,
      user_id: PLAYER.sub,
      answer: 1,
      received_at: NOW,
      shard_count: 16,
    });
    expectNoDynamoWrite();
    // One round trip for the player's record: its registration and its answer to this question.
    const request = ddb.commandCalls(BatchGetCommand)[0].args[0].input.RequestItems;
    expect(request).toEqual({
      [P]: { Keys: [{ pk: `ep1#${shardOf(PLAYER.sub, 16)}`, user_id: PLAYER.sub }] },
      [R]: { Keys: [{ pk: `ep1#0#${shardOf(PLAYER.sub, 16)}`, user_id: PLAYER.sub }] },
    });
  });

  it('accepts a later question from a player whose previous answer was right', async () => {
    episodeIs(openEpisode(1, 9_999, question('q2', 0, ['yes', 'no'])));
    playerHolds([registration], [storedAnswer(0, 1, true)]);
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-2' });
    const res = parse(await submitResponse(post('/api/v1/response', { episode_id: 'ep1', question_id: 'q2', answer: 0 }, PLAYER), ctx));
    expect(res.status).toBe(202);
    expect(JSON.parse(sent()[0].MessageBody as string)).toMatchObject({ question_index: 1, question_id: 'q2', answer: 0, received_at: NOW });
    expect(ddb.commandCalls(BatchGetCommand)[0].args[0].input.RequestItems?.[R].Keys).toEqual([
      { pk: `ep1#1#${shardOf(PLAYER.sub, 16)}`, user_id: PLAYER.sub },
      { pk: `ep1#0#${shardOf(PLAYER.sub, 16)}`, user_id: PLAYER.sub },
    ]);
    expectNoDynamoWrite();
  });

  it('answers 409 question_not_open for a question that is not the open one', async () => {
    episodeIs(openEpisode(0));
    const res = parse(await submitResponse(post('/api/v1/response', { episode_id: 'ep1', question_id: 'q2', answer: 0 }, PLAYER), ctx));
    expectError(res, 409, 'question_not_open');
    expect(sent()).toHaveLength(0);
  });

  it('answers 409 question_not_open before any question has opened', async () => {
    episodeIs(episode({ state: 'STARTED', participant_count: 3, next_step_at: NOW + 30_000 }));
    const res = parse(await submitResponse(post('/api/v1/response', { episode_id: 'ep1', question_id: 'q1', answer: 0 }, PLAYER), ctx));
    expectError(res, 409, 'question_not_open');
    expect(sent()).toHaveLength(0);
  });

  it('answers 409 answer_window_closed after the window by the server clock', async () => {
    const e = openEpisode(0, 10_001); // opened 10.001 s ago: the 10 s window ended 1 ms ago
    episodeIs(e);
    const res = parse(await submitResponse(post('/api/v1/response', { episode_id: 'ep1', question_id: 'q1', answer: 1 }, PLAYER), ctx));
    const error = expectError(res, 409, 'answer_window_closed');
    expect(error.details).toEqual({ question_end_timestamp: NOW - 1, server_time: NOW });
    expect(sent()).toHaveLength(0);
  });

  it('accepts an answer at the last millisecond of the window', async () => {
    episodeIs(openEpisode(0, 10_000));
    playerHolds([registration], []);
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-3' });
    const res = parse(await submitResponse(post('/api/v1/response', { episode_id: 'ep1', question_id: 'q1', answer: 2 }, PLAYER), ctx));
    expect(res.status).toBe(202);
  });

  it('answers 409 answer_window_closed once the question has closed', async () => {
    episodeIs({ ...openEpisode(0, 12_000), state: 'QUESTION_CLOSED' });
    const res = parse(await submitResponse(post('/api/v1/response', { episode_id: 'ep1', question_id: 'q1', answer: 1 }, PLAYER), ctx));
    expectError(res, 409, 'answer_window_closed');
    expect(sent()).toHaveLength(0);
  });

  it('answers 422 answer_out_of_range for an option the question does not have', async () => {
    episodeIs(openEpisode(0)); // three options
    const res = parse(await submitResponse(post('/api/v1/response', { episode_id: 'ep1', question_id: 'q1', answer: 3 }, PLAYER), ctx));
    const error = expectError(res, 422, 'answer_out_of_range');
    expect(error.message).toContain('0 to 2');
    expect(sent()).toHaveLength(0);
  });

  it('answers 403 not_registered for a player without a registration', async () => {
    episodeIs(openEpisode(0));
    playerHolds([], []);
    const res = parse(await submitResponse(post('/api/v1/response', { episode_id: 'ep1', question_id: 'q1', answer: 1 }, PLAYER), ctx));
    expectError(res, 403, 'not_registered');
    expect(sent()).toHaveLength(0);
  });

  it('answers 403 eliminated when the previous answer was wrong', async () => {
    episodeIs(openEpisode(1, 1000, question('q2', 0, ['yes', 'no'])));
    playerHolds([registration], [storedAnswer(0, 2, false)]);
    const res = parse(await submitResponse(post('/api/v1/response', { episode_id: 'ep1', question_id: 'q2', answer: 0 }, PLAYER), ctx));
    expectError(res, 403, 'eliminated');
    expect(sent()).toHaveLength(0);
  });

  it('answers 403 eliminated when there is no answer to the previous question', async () => {
    episodeIs(openEpisode(1, 1000, question('q2', 0, ['yes', 'no'])));
    playerHolds([registration], []);
    const res = parse(await submitResponse(post('/api/v1/response', { episode_id: 'ep1', question_id: 'q2', answer: 0 }, PLAYER), ctx));
    expectError(res, 403, 'eliminated');
    expect(sent()).toHaveLength(0);
  });

  it('answers 409 duplicate_answer when the answer to this question is already stored', async () => {
    episodeIs(openEpisode(0));
    playerHolds([registration], [storedAnswer(0, 1, true)]);
    const res = parse(await submitResponse(post('/api/v1/response', { episode_id: 'ep1', question_id: 'q1', answer: 0 }, PLAYER), ctx));
    expectError(res, 409, 'duplicate_answer');
    expect(sent()).toHaveLength(0);
  });

  it('answers 403 user_mismatch for another user’s user_id, reading and sending nothing', async () => {
    episodeIs(openEpisode(0));
    const res = parse(
      await submitResponse(post('/api/v1/response', { episode_id: 'ep1', question_id: 'q1', answer: 1, user_id: OTHER_PLAYER.sub }, PLAYER), ctx),
    );
    expectError(res, 403, 'user_mismatch');
    expect(ddb.calls()).toHaveLength(0);
    expect(sent()).toHaveLength(0);
  });

  it('answers 404 episode_not_found for an unknown episode', async () => {
    ddb.on(GetCommand).resolves({});
    const res = parse(await submitResponse(post('/api/v1/response', { episode_id: 'ep-x', question_id: 'q1', answer: 1 }, PLAYER), ctx));
    expectError(res, 404, 'episode_not_found');
    expect(sent()).toHaveLength(0);
  });

  it('reads the episode through the cache: two answers in the same second read it once', async () => {
    episodeIs(openEpisode(0));
    playerHolds([registration], []);
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-4' });
    await submitResponse(post('/api/v1/response', { episode_id: 'ep1', question_id: 'q1', answer: 1 }, PLAYER), ctx);
    const second = parse(await submitResponse(post('/api/v1/response', { episode_id: 'ep1', question_id: 'q1', answer: 0 }, OTHER_PLAYER), ctx));
    expectError(second, 403, 'not_registered');
    expect(ddb.commandCalls(GetCommand, { TableName: TABLES.episodes })).toHaveLength(1);
    expect(sent()).toHaveLength(1);
  });

  it('answers 500 internal_error when the queue is unavailable, and says nothing of it', async () => {
    episodeIs(openEpisode(0));
    playerHolds([registration], []);
    sqs.on(SendMessageCommand).rejects(new Error('AWS.SimpleQueueService.NonExistentQueue: test-answers'));
    const res = parse(await submitResponse(post('/api/v1/response', { episode_id: 'ep1', question_id: 'q1', answer: 1 }, PLAYER), ctx));
    expectError(res, 500, 'internal_error');
    expect(res.raw).not.toContain('NonExistentQueue');
  });
});

describe('GET /api/v1/episode/{id}', () => {
  const read = async () => parse(await getEpisode(getById('/api/v1/episode/{id}', { id: 'ep1' }), ctx));

  it('never shows the open question’s answer', async () => {
    episodeIs(openEpisode(0, 1000, question('q1', 2)));
    const res = await read();
    expect(res.status).toBe(200);
    expect(res.raw).not.toMatch(/"answer"/);
    expect(res.raw).not.toContain('current_answer');
    expect(res.body.current_question).toEqual({ id: 'q1', question: 'What is q1?', options: ['alpha', 'bravo', 'charlie'] });
  });

  it('shows the answer, as a string, once the question has closed', async () => {
    episodeIs({ ...openEpisode(0, 11_000, question('q1', 2)), state: 'QUESTION_CLOSED', next_step_at: NOW + 4000 });
    const res = await read();
    expect(res.status).toBe(200);
    expect(res.body.current_question).toEqual({ id: 'q1', question: 'What is q1?', options: ['alpha', 'bravo', 'charlie'], answer: '2' });
    expect(res.raw.match(/"answer"/g)).toHaveLength(1);
  });

  it('carries the contract’s fields, server_time, and cache-control public, max-age=1', async () => {
    const e = openEpisode(0, 1000);
    episodeIs(e);
    const res = await read();
    expect(res.headers['cache-control']).toBe('public, max-age=1');
    expect(res.body).toMatchObject({
      id: 'ep1',
      game_id: 'g1',
      state: 'QUESTION_OPEN',
      qset: ['q1', 'q2', 'q3'],
      min_participant: 2,
      participant_count: 5,
      eliminated_count: 0,
      remaining_count: 5,
      current_question_index: 0,
      question_start_timestamp: NOW - 1000,
      question_end_timestamp: NOW + 9000,
      server_time: NOW,
      start_at: null,
    });
    expect(res.raw).not.toContain('"live"');
    expect(res.raw).not.toContain('"version"');
  });

  it('before the first question: index -1, start timestamp 0, no current question', async () => {
    episodeIs(episode());
    const res = await read();
    expect(res.body).toMatchObject({ state: 'CREATED', current_question_index: -1, question_start_timestamp: 0, current_question: null, server_time: NOW });
  });
});
