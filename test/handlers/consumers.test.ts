/**
 * The asynchronous consumers: the answers queue (grade and store, first answer wins), and the two counting stream
 * processors (one partial per batch and group, all or nothing).
 * Handlers (lambda/): queue/recordAnswers, stream/scoreResponses, stream/countRegistrations.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, DynamoDBBatchResponse } from 'aws-lambda';
import { shardOf } from '../../lambda/domain/answers.ts';
import type { Episode, QueuedAnswer } from '../../lambda/domain/schemas.ts';
import {
  NOW,
  QUEUES,
  TABLES,
  conditionalCheckFailed,
  transactionCanceled,
  episode,
  episodesTableFake,
  liveChannel,
  lambdaContext,
  openEpisode,
  question,
  sqsEvent,
  sqsRecord,
  streamEvent,
  streamRecord,
  isolateEachTest,
} from './support.ts';
import { loadHandlers, clearEpisodeCache } from './loadHandlers.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);

// POWERTOOLS_DEV makes Metrics write through the global console, so its warnings can be kept out of the test output.
const { recordAnswers, scoreResponses, countRegistrations } = loadHandlers(['recordAnswers', 'scoreResponses', 'countRegistrations'], { POWERTOOLS_DEV: 'true' });

isolateEachTest({ mocks: [ddb, sqs], clearEpisodeCache });

const episodeIs = (e: Episode) => ddb.on(GetCommand, { TableName: TABLES.episodes, Key: { id: e.id } }).resolves({ Item: { ...e, live: 'live' } });
const puts = () => ddb.commandCalls(PutCommand).map((c) => c.args[0].input);

describe('recordAnswers (answers queue)', () => {
  const ctx = lambdaContext('trivia-test-recordAnswers');
  const answer = (user: string, value: number, patch: Partial<QueuedAnswer> = {}): QueuedAnswer => ({
    episode_id: 'ep1',
    question_id: 'q1',
    question_index: 0,
    user_id: user,
    answer: value,
    received_at: NOW - 3000,
    shard_count: 16,
    ...patch,
  });
  const record = (id: string, a: QueuedAnswer | string) => sqsRecord(id, typeof a === 'string' ? a : JSON.stringify(a));
  const run = async (records: ReturnType<typeof record>[]) => (await recordAnswers(sqsEvent(records), ctx)) as SQSBatchResponse;

  beforeEach(() => {
    episodeIs(openEpisode(0, 3000));
    ddb.on(GetCommand, { TableName: TABLES.questions, Key: { id: 'q1' } }).resolves({ Item: { ...question('q1', 1), fingerprint: 'f' } });
  });

  it('grades each answer and stores it with a first-answer-wins condition', async () => {
    ddb.on(PutCommand).resolves({});
    const result = await run([record('m1', answer('u-right', 1)), record('m2', answer('u-wrong', 0))]);
    expect(result.batchItemFailures).toEqual([]);
    expect(puts()).toHaveLength(2);
    const byUser = Object.fromEntries(puts().map((p) => [p.Item?.user_id, p]));
    // First answer wins: nothing stored yet, or (if the store orders by the server's stamp) only a later-received one.
    for (const p of puts()) {
      expect(p.ConditionExpression).toMatch(/^attribute_not_exists\(pk\)( OR received_at > :received)?$/);
      if (p.ConditionExpression?.includes(':received')) expect(p.ExpressionAttributeValues).toEqual({ ':received': NOW - 3000 });
    }
    const { ConditionExpression: _c, ExpressionAttributeValues: _v, ...right } = byUser['u-right'];
    expect(right).toEqual({
      TableName: TABLES.responses,
      Item: {
        pk: `ep1#0#${shardOf('u-right', 16)}`,
        user_id: 'u-right',
        episode_id: 'ep1',
        question_id: 'q1',
        question_index: 0,
        answer: 1,
        received_at: NOW - 3000,
        shard_count: 16,
        correct: true,
        expires_at: Math.floor((NOW - 3000) / 1000) + 400 * 24 * 3600,
      },
    });
    expect(byUser['u-wrong'].Item).toMatchObject({ pk: `ep1#0#${shardOf('u-wrong', 16)}`, answer: 0, correct: false });
  });

  it('treats a second answer (the conditional check fails) as done, not as a failure', async () => {
    ddb.on(PutCommand).rejects(conditionalCheckFailed());
    const result = await run([record('m1', answer('u-dup', 1))]);
    expect(result.batchItemFailures).toEqual([]);
    expect(puts()).toHaveLength(1);
  });

  it('reports a malformed body as a failure of that record only; the others are stored', async () => {
    ddb.on(PutCommand).resolves({});
    const result = await run([
      record('m1', answer('u-1', 1)),
      record('m2', '{"episode_id": "ep1", "answer": '),
      record('m3', JSON.stringify({ episode_id: 'ep1', user_id: 'u-3', answer: 'one' })),
      record('m4', answer('u-4', 2)),
    ]);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }]);
    expect(puts().map((p) => p.Item?.user_id).sort()).toEqual(['u-1', 'u-4']);
  });

  it('keeps two concurrent invocations apart: each reports its own failed records (the local runtime runs them in one module)', async () => {
    ddb.on(PutCommand).resolves({});
    const [withFailures, clean] = await Promise.all([
      run([record('m1', answer('u-1', 1)), record('m2', '{"episode_id": "ep1", "answer": '), record('m3', answer('u-3', 2))]),
      run([record('n1', answer('u-4', 1)), record('n2', answer('u-5', 2))]),
    ]);
    expect(withFailures.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }]);
    expect(clean.batchItemFailures).toEqual([]);
  });

  it('reports an answer that arrives after its question’s statistics are final and is not stored', async () => {
    const closed: Episode = { ...openEpisode(0, 20_000), state: 'QUESTION_CLOSED', finalized_index: 0, next_step_at: NOW + 1000 };
    episodeIs(closed);
    ddb.on(GetCommand, { TableName: TABLES.responses }).resolves({});
    const result = await run([record('m-late', answer('u-late', 1))]);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-late' }]);
    expect(puts()).toHaveLength(0);
    expect(ddb.commandCalls(GetCommand, { TableName: TABLES.responses })[0].args[0].input).toEqual({
      TableName: TABLES.responses,
      Key: { pk: `ep1#0#${shardOf('u-late', 16)}`, user_id: 'u-late' },
      ConsistentRead: true,
    });
  });

  it('accepts a redelivered copy of an answer already stored before the statistics were final', async () => {
    episodeIs({ ...openEpisode(0, 20_000), state: 'QUESTION_CLOSED', finalized_index: 0 });
    ddb.on(GetCommand, { TableName: TABLES.responses }).resolves({ Item: { pk: 'x', user_id: 'u-early' } });
    const result = await run([record('m-again', answer('u-early', 1))]);
    expect(result.batchItemFailures).toEqual([]);
    expect(puts()).toHaveLength(0);
  });

  it('reads the episode fresh near finalization, and stores the answer only if the question is not sealed', async () => {
    // Window closed 1.5 s ago; the runner finalizes 2 s after the close: within the 1 s margin, so read again.
    ddb.on(TransactWriteCommand).resolves({});
    episodeIs({ ...openEpisode(0, 11_500), state: 'QUESTION_CLOSED' });
    const result = await run([record('m1', answer('u-1', 1))]);
    expect(result.batchItemFailures).toEqual([]);
    expect(ddb.commandCalls(GetCommand, { TableName: TABLES.episodes })).toHaveLength(2);
    expect(puts()).toHaveLength(0);
    const [put, seal] = ddb.commandCalls(TransactWriteCommand)[0].args[0].input.TransactItems ?? [];
    expect(put.Put).toMatchObject({ TableName: TABLES.responses, Item: { user_id: 'u-1', correct: true } });
    expect(seal.ConditionCheck).toEqual({
      TableName: TABLES.statistics,
      Key: { pk: `ep1#q0#seal#${shardOf('u-1', 16)}`, sk: 'seal' },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('refuses an answer whose question was sealed after the consumer read the episode (to the DLQ, not stored)', async () => {
    episodeIs({ ...openEpisode(0, 11_500), state: 'QUESTION_CLOSED' });
    ddb.on(TransactWriteCommand).rejects(transactionCanceled(['None', 'ConditionalCheckFailed']));
    ddb.on(GetCommand, { TableName: TABLES.responses }).resolves({});
    const result = await run([record('m-sealed', answer('u-1', 1))]);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-sealed' }]);
    expect(puts()).toHaveLength(0);
  });

  it('reports answers to an unknown episode', async () => {
    ddb.on(GetCommand, { TableName: TABLES.episodes }).resolves({});
    const result = await run([record('m-x', answer('u-1', 1, { episode_id: 'ep-none' }))]);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-x' }]);
    expect(puts()).toHaveLength(0);
  });

  it('reports a record whose write fails for another reason, so SQS retries it', async () => {
    ddb.on(PutCommand).resolves({});
    ddb.on(PutCommand, { Item: { user_id: 'u-2' } }).rejects(new Error('InternalServerError'));
    const result = await run([record('m1', answer('u-1', 1)), record('m2', answer('u-2', 1))]);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }]);
  });
});

describe('scoreResponses (responses stream)', () => {
  const ctx = lambdaContext('trivia-test-scoreResponses');
  const stored = (episodeId: string, index: number, user: string, value: number, correct: boolean) => ({
    pk: `${episodeId}#${index}#${shardOf(user, 16)}`,
    user_id: user,
    episode_id: episodeId,
    question_id: `q${index + 1}`,
    question_index: index,
    answer: value,
    correct,
    received_at: NOW - 5000,
    shard_count: 16,
    expires_at: 1_734_560_000,
  });
  const batch = () =>
    streamEvent([
      streamRecord('49000000000000000000000101', stored('ep1', 0, 'u1', 1, true)),
      streamRecord('49000000000000000000000102', stored('ep1', 0, 'u2', 1, true)),
      streamRecord('49000000000000000000000103', stored('ep1', 0, 'u3', 0, false)),
      streamRecord('49000000000000000000000104', stored('ep1', 1, 'u1', 2, false)),
      // A TTL expiry is not an answer taken back: never counted.
      streamRecord('49000000000000000000000105', stored('ep1', 0, 'u9', 2, false), { eventName: 'REMOVE' }),
      streamRecord('49000000000000000000000106', stored('ep2', 0, 'u1', 3, true)),
      streamRecord('49000000000000000000000107', stored('ep1', 0, 'u4', 2, false)),
    ]);

  it('writes one partial per (episode, question), summed in memory, keyed by the group’s first sequence number', async () => {
    ddb.on(PutCommand).resolves({});
    const result = (await scoreResponses(batch(), ctx)) as DynamoDBBatchResponse;
    expect(result.batchItemFailures).toEqual([]);
    expect(puts()).toHaveLength(3);
    expect(`p#${'49000000000000000000000101'.padStart(40, '0')}`).toBe('p#0000000000000049000000000000000000000101');
    const byPk = Object.fromEntries(puts().map((p) => [p.Item?.pk, p]));
    expect(Object.keys(byPk).sort()).toEqual(['ep1#q0', 'ep1#q1', 'ep2#q0']);
    for (const p of puts()) expect(p.TableName).toBe(TABLES.statistics);
    const sk = (sequence: string) => `p#${sequence.padStart(40, '0')}`;
    expect(byPk['ep1#q0'].Item).toEqual({
      pk: 'ep1#q0',
      sk: sk('49000000000000000000000101'),
      first: '49000000000000000000000101',
      last: '49000000000000000000000107',
      value: { counts: [1, 2, 1], correct: 2, total: 4 },
      written_at: NOW,
    });
    expect(byPk['ep1#q1'].Item).toMatchObject({
      sk: sk('49000000000000000000000104'),
      first: '49000000000000000000000104',
      last: '49000000000000000000000104',
      value: { counts: [0, 0, 1], correct: 0, total: 1 },
    });
    expect(byPk['ep2#q0'].Item).toMatchObject({
      sk: sk('49000000000000000000000106'),
      value: { counts: [0, 0, 0, 1], correct: 1, total: 1 },
    });
  });

  it('reports the batch’s first sequence number when a write fails, so the whole batch is retried', async () => {
    ddb.on(PutCommand).resolves({});
    ddb.on(PutCommand, { Item: { pk: 'ep1#q1' } }).rejects(new Error('InternalServerError'));
    const result = (await scoreResponses(batch(), ctx)) as DynamoDBBatchResponse;
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '49000000000000000000000101' }]);
  });

  it('moves the count when an earlier-received answer replaces a stored one (MODIFY with both images)', async () => {
    ddb.on(PutCommand).resolves({});
    const later = { ...stored('ep1', 0, 'u5', 0, false), received_at: NOW - 4000 };
    const earlier = { ...stored('ep1', 0, 'u5', 1, true), received_at: NOW - 6000 };
    const event = streamEvent([
      streamRecord('300', stored('ep1', 0, 'u6', 1, true)),
      streamRecord('301', earlier, { eventName: 'MODIFY', oldImage: later }),
    ]);
    const result = (await scoreResponses(event, ctx)) as DynamoDBBatchResponse;
    expect(result.batchItemFailures).toEqual([]);
    expect(puts()).toHaveLength(1);
    expect(puts()[0].Item).toMatchObject({ pk: 'ep1#q0', sk: `p#${'300'.padStart(40, '0')}`, first: '300', last: '301', value: { counts: [-1, 2], correct: 2, total: 1 } });
  });

  it('writes nothing for a batch of removals (TTL expiry) only', async () => {
    const event = streamEvent([streamRecord('7', stored('ep1', 0, 'u1', 1, true), { eventName: 'REMOVE' })]);
    const result = (await scoreResponses(event, ctx)) as DynamoDBBatchResponse;
    expect(result.batchItemFailures).toEqual([]);
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe('countRegistrations (participants stream)', () => {
  const ctx = lambdaContext('trivia-test-countRegistrations');
  const registration = (episodeId: string, user: string) => ({
    pk: `${episodeId}#${shardOf(user, 16)}`,
    user_id: user,
    episode_id: episodeId,
    registered_at: NOW - 1000,
  });
  const FIRST = '51000000000000000000000200';
  const batch = (episodeId = 'ep1') =>
    streamEvent([
      streamRecord(FIRST, registration(episodeId, 'u1')),
      streamRecord('51000000000000000000000201', registration(episodeId, 'u2')),
      streamRecord('51000000000000000000000202', registration(episodeId, 'u3')),
    ]);
  /** The statistics table holds this batch's partial (3) and an earlier batch's (2). */
  const partialsAre = (episodeId = 'ep1') =>
    ddb.on(QueryCommand, { TableName: TABLES.statistics }).resolves({
      Items: [
        { pk: `${episodeId}#registrations`, sk: `p#${'50000000000000000000000010'.padStart(40, '0')}`, first: '50000000000000000000000010', last: '50000000000000000000000011', value: 2 },
        { pk: `${episodeId}#registrations`, sk: `p#${FIRST.padStart(40, '0')}`, first: FIRST, last: '51000000000000000000000202', value: 3 },
      ],
    });

  it('writes the batch’s partial, sums the partials, raises participant_count with a condition, announces it, and ticks the runner at the minimum', async () => {
    ddb.on(PutCommand).resolves({});
    partialsAre();
    const table = episodesTableFake(ddb, episode({ participant_count: 0 }));
    const channel = liveChannel();
    sqs.on(SendMessageCommand).resolves({ MessageId: 't-1' });

    const result = (await countRegistrations(batch(), ctx)) as DynamoDBBatchResponse;
    expect(result.batchItemFailures).toEqual([]);

    expect(puts()).toEqual([
      {
        TableName: TABLES.statistics,
        Item: { pk: 'ep1#registrations', sk: `p#${FIRST.padStart(40, '0')}`, first: FIRST, last: '51000000000000000000000202', value: 3, written_at: NOW },
      },
    ]);
    const query = ddb.commandCalls(QueryCommand)[0].args[0].input;
    expect(query).toMatchObject({ TableName: TABLES.statistics, ConsistentRead: true, ExpressionAttributeValues: { ':pk': 'ep1#registrations', ':p': 'p#' } });

    const raise = ddb.commandCalls(UpdateCommand)[0].args[0].input;
    expect(raise).toEqual({
      TableName: TABLES.episodes,
      Key: { id: 'ep1' },
      UpdateExpression: 'SET participant_count = :n',
      ConditionExpression: 'attribute_exists(id) AND participant_count < :n',
      ExpressionAttributeValues: { ':n': 5 },
      ReturnValues: 'ALL_NEW',
    });
    expect(table.current()).toMatchObject({ participant_count: 5, announced_count: 5, seq: 1, seq_at: NOW, published_seq: 1 });
    expect(channel.published).toEqual([
      { channel: '/episodes/ep1', signed: true, events: [expect.objectContaining({ type: 'participants.counted', seq: 1, participant_count: 5 })] },
    ]);

    const ticks = sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(ticks).toEqual([{ QueueUrl: QUEUES.runnerTicks, MessageBody: JSON.stringify({ episode_id: 'ep1', due_at: NOW }), DelaySeconds: 0 }]);
  });

  it('announces at most once a second: a count raised sooner gets a runner tick for when it is due', async () => {
    ddb.on(PutCommand).resolves({});
    partialsAre();
    const table = episodesTableFake(ddb, episode({ participant_count: 2, min_participant: 10, announced_count: 2, seq: 3, published_seq: 3, seq_at: NOW - 300 }));
    const channel = liveChannel();
    sqs.on(SendMessageCommand).resolves({ MessageId: 't-1' });
    await countRegistrations(batch(), ctx);
    expect(table.current()).toMatchObject({ participant_count: 5, announced_count: 2, seq: 3 });
    expect(channel.published).toEqual([]);
    const ticks = sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(ticks).toEqual([{ QueueUrl: QUEUES.runnerTicks, MessageBody: JSON.stringify({ episode_id: 'ep1', due_at: NOW + 700 }), DelaySeconds: 0 }]);
  });

  it('writes one partial per episode, keyed by that episode’s first record in the batch', async () => {
    ddb.on(PutCommand).resolves({});
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(UpdateCommand).rejects(conditionalCheckFailed());
    const event = streamEvent([
      streamRecord('700', registration('ep1', 'u1')),
      streamRecord('701', registration('ep2', 'u1')),
      streamRecord('702', registration('ep1', 'u2')),
      streamRecord('703', registration('ep2', 'u3')),
      streamRecord('704', registration('ep2', 'u4')),
    ]);
    const result = (await countRegistrations(event, ctx)) as DynamoDBBatchResponse;
    expect(result.batchItemFailures).toEqual([]);
    const items = puts().map((p) => p.Item);
    expect(items).toHaveLength(2);
    expect(items).toContainEqual({ pk: 'ep1#registrations', sk: `p#${'700'.padStart(40, '0')}`, first: '700', last: '702', value: 2, written_at: NOW });
    expect(items).toContainEqual({ pk: 'ep2#registrations', sk: `p#${'701'.padStart(40, '0')}`, first: '701', last: '704', value: 3, written_at: NOW });
  });

  it('delays the tick until start_at when the episode has one', async () => {
    ddb.on(PutCommand).resolves({});
    partialsAre();
    episodesTableFake(ddb, episode({ participant_count: 0, start_at: NOW + 120_500 }));
    liveChannel();
    sqs.on(SendMessageCommand).resolves({});
    await countRegistrations(batch(), ctx);
    const ticks = sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(ticks).toHaveLength(1);
    expect(ticks[0].DelaySeconds).toBe(120);
    expect(JSON.parse(ticks[0].MessageBody as string)).toEqual({ episode_id: 'ep1', due_at: NOW + 120_500 });
  });

  it('does not tick the runner below the minimum', async () => {
    ddb.on(PutCommand).resolves({});
    partialsAre();
    episodesTableFake(ddb, episode({ participant_count: 0, min_participant: 6 }));
    liveChannel();
    const result = (await countRegistrations(batch(), ctx)) as DynamoDBBatchResponse;
    expect(result.batchItemFailures).toEqual([]);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('does not tick the runner when the count is already there (the conditional update fails)', async () => {
    ddb.on(PutCommand).resolves({});
    partialsAre();
    ddb.on(UpdateCommand).rejects(conditionalCheckFailed());
    const result = (await countRegistrations(batch(), ctx)) as DynamoDBBatchResponse;
    expect(result.batchItemFailures).toEqual([]);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('counts a retried batch once: its own partial, listed twice, is summed once', async () => {
    ddb.on(PutCommand).resolves({});
    ddb.on(QueryCommand).resolves({
      Items: [
        { first: FIRST, last: '51000000000000000000000202', value: 3 },
        { first: FIRST, last: '51000000000000000000000202', value: 3 },
      ],
    });
    ddb.on(UpdateCommand).resolves({ Attributes: episode({ participant_count: 3 }) });
    sqs.on(SendMessageCommand).resolves({});
    await countRegistrations(batch(), ctx);
    expect(ddb.commandCalls(UpdateCommand)[0].args[0].input.ExpressionAttributeValues).toEqual({ ':n': 3 });
  });

  it('reports the first sequence number when a write fails', async () => {
    ddb.on(PutCommand).rejects(new Error('InternalServerError'));
    const result = (await countRegistrations(batch(), ctx)) as DynamoDBBatchResponse;
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: FIRST }]);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });
});
