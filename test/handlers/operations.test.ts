/**
 * Error monitoring and dead letters, at the handler level: the HTTP adapter records what it rejects (sampled,
 * redacted, never failing or slowing the response), the answers consumer records a message on its last attempt,
 * GET /api/v1/errors reads the shards of the right keys, and the dead-letter sweep records each dead letter once
 * and leaves it in its queue.
 * Handlers (lambda/): http/submitResponse, http/createQuestion, http/cancelEpisode, http/listErrors, http/redriveDeadLetters,
 *  http/deadLetterStatus, queue/recordAnswers, schedule/inspectDeadLetters.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { ERROR_SHARDS } from '../../lambda/domain/operations.ts';
import { envNames, queues } from '../../lambda/shared/resources.ts';
import { ADMIN, NOW, PLAYER, QUEUES, TABLES, expectError, getById, httpEvent, lambdaContext, openEpisode, parse, post, sqsEvent, sqsRecord, isolateEachTest, errorTableItems } from './support.ts';
import { loadHandlers, clearEpisodeCache } from './loadHandlers.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const ctx = lambdaContext();

const DLQS = {
  answers: 'https://sqs.eu-west-1.amazonaws.com/123456789012/test-answers-dlq',
  runnerTicks: 'https://sqs.eu-west-1.amazonaws.com/123456789012/test-runner-ticks-dlq',
  clientEvents: 'https://sqs.eu-west-1.amazonaws.com/123456789012/test-client-events-dlq',
  streams: 'https://sqs.eu-west-1.amazonaws.com/123456789012/test-streams-dlq',
};

let backgroundSettled: () => Promise<void>;

const dlqEnvironment = Object.fromEntries(Object.entries(DLQS).map(([id, url]) => [envNames.deadLetterQueue(id as keyof typeof DLQS), url]));
const {
  submitResponse,
  createQuestion,
  cancelEpisode,
  listErrors,
  redriveDeadLetters: redrive,
  deadLetterStatus: dlqStatus,
  recordAnswers,
  inspectDeadLetters: sweep,
} = loadHandlers(
  ['submitResponse', 'createQuestion', 'cancelEpisode', 'listErrors', 'redriveDeadLetters', 'deadLetterStatus', 'recordAnswers', 'inspectDeadLetters'],
  { POWERTOOLS_DEV: 'true', [envNames.table('errors')]: TABLES.errors, ...dlqEnvironment },
);

beforeAll(async () => {
  ({ backgroundSettled } = await import('../../lambda/shared/background.ts'));
});

isolateEachTest({ mocks: [ddb, sqs], clearEpisodeCache, quiet: ['warn', 'error', 'log'] });

const errorPuts = () => errorTableItems(ddb);

describe('the HTTP adapter records rejections', () => {
  it('records a late answer with its reason, route, status, player, episode, question and a redacted body', async () => {
    const e = openEpisode(0, 20_000); // opened 20 s ago: its 10 s window is over
    ddb.on(GetCommand, { TableName: TABLES.episodes }).resolves({ Item: e });
    ddb.on(PutCommand).resolves({});
    const res = parse(await submitResponse(post('/api/v1/response', { episode_id: e.id, question_id: 'q1', answer: 1 }), ctx));
    expectError(res, 409, 'answer_window_closed');
    const [item] = errorPuts();
    expect(item).toMatchObject({
      reason: 'answer_window_closed',
      source: 'POST /api/v1/response',
      status: 409,
      user_id: PLAYER.sub,
      episode_id: e.id,
      question_index: 0,
      at: NOW,
      represents: 1,
      payload: JSON.stringify({ episode_id: e.id, question_id: 'q1', answer: '[redacted]' }),
      expires_at: Math.floor(NOW / 1000) + 14 * 24 * 3600,
    });
    expect(item.pk).toMatch(new RegExp(`^answer_window_closed#2023-11-14#(\\d|1[0-5])$`));
    expect(item.sk).toBe(`${String(NOW).padStart(15, '0')}#${item.id}`);
    expect(item.episode_key).toBe(`${e.id}#${String(item.pk).split('#')[2]}`);
    expect(item.time_key).toBe(`2023-11-14#${String(item.pk).split('#')[2]}`);
  });

  it('never lets an answer key or a token into the record', async () => {
    ddb.on(PutCommand).resolves({});
    const body = '{"question": "x?", "options": ["a"], "answer": "1", "access_token": "eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl"';
    expectError(parse(await createQuestion(httpEvent('POST', '/api/v1/question', '/api/v1/question', { body, claims: ADMIN }), ctx)), 400, 'malformed_json');
    const [item] = errorPuts();
    expect(item.payload).toBe('{"question": "x?", "options": ["a"], "answer":"[redacted]", "access_token":"[redacted]"');
    expect(JSON.stringify(item)).not.toContain('eyJ');
  });

  it('takes the episode from the path', async () => {
    ddb.on(PutCommand).resolves({});
    const res = parse(await cancelEpisode(httpEvent('POST', '/api/v1/episode/{id}/cancel', '/api/v1/episode/ep-9/cancel', { pathParameters: { id: 'ep-9' } }), ctx));
    expectError(res, 403, 'admin_only');
    expect(errorPuts()[0]).toMatchObject({ reason: 'admin_only', episode_id: 'ep-9', source: 'POST /api/v1/episode/{id}/cancel', status: 403 });
  });

  it('answers the same when the record cannot be written', async () => {
    ddb.on(PutCommand, { TableName: TABLES.errors }).rejects(new Error('ProvisionedThroughputExceededException'));
    const res = parse(await createQuestion(post('/api/v1/question', { question: 'x?', options: ['a'], answer: 0 }, ADMIN), ctx));
    expectError(res, 400, 'invalid_body');
  });

  it('answers without waiting for the record: it is written in the background', async () => {
    let finishWrite!: () => void;
    ddb.on(PutCommand, { TableName: TABLES.errors }).callsFake(() => new Promise<object>((resolve) => (finishWrite = () => resolve({}))));
    const res = parse(await createQuestion(post('/api/v1/question', { question: 'x?', options: ['a'], answer: 0 }, ADMIN), ctx));
    expectError(res, 400, 'invalid_body');
    // The response is out while the record's write is still pending; it completes afterwards, and is not lost.
    let settled = false;
    const done = backgroundSettled().then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    finishWrite();
    await done;
    expect(errorPuts()).toHaveLength(1);
  });

  it('samples per reason: a burst of 5, then one every 5 s, carrying the count of what it skipped', async () => {
    ddb.on(PutCommand).resolves({});
    // user_mismatch: a reason no other test here produces, so its bucket is full.
    const reject = async () =>
      expectError(parse(await submitResponse(post('/api/v1/response', { episode_id: 'ep1', question_id: 'q1', user_id: 'someone-else', answer: 1 }), ctx)), 403, 'user_mismatch');
    for (let i = 0; i < 8; i++) await reject();
    const recorded = () => errorPuts().filter((i) => i.reason === 'user_mismatch');
    expect(recorded().map((i) => i.represents)).toEqual([1, 1, 1, 1, 1]);
    vi.setSystemTime(NOW + 5_000); // one token back
    await reject();
    await reject();
    expect(recorded().map((i) => i.represents)).toEqual([1, 1, 1, 1, 1, 4]); // itself and the 3 skipped before it
  });
});

describe('the answers consumer records its last attempt', () => {
  const poison = (receiveCount: number) => ({
    ...sqsRecord('m-poison', JSON.stringify({ not: 'an answer', answer: 2 })),
    attributes: { ...sqsRecord('x', '').attributes, ApproximateReceiveCount: String(receiveCount) },
  });

  it('records nothing on an earlier attempt', async () => {
    expect(await recordAnswers(sqsEvent([poison(queues.answers.maxReceiveCount - 1)]), ctx)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-poison' }] });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('records the dead letter and its marker, with why, on the last (maxReceiveCount-th) attempt', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    expect(await recordAnswers(sqsEvent([poison(queues.answers.maxReceiveCount)]), ctx)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-poison' }] });
    const [marker, record] = ddb.commandCalls(TransactWriteCommand)[0].args[0].input.TransactItems!.map((t) => t.Put!);
    expect(marker).toMatchObject({ TableName: TABLES.errors, Item: { pk: '~dead_letter#m-poison', sk: '-' } });
    expect(marker.ConditionExpression).toBeUndefined();
    expect(record.Item).toMatchObject({
      reason: 'dead_letter',
      source: 'sqs:answers',
      message_id: 'm-poison',
      detail: 'invalid_message: the message does not match the schema',
      payload: '{"not":"an answer","answer":"[redacted]"}',
    });
  });
});

describe('GET /api/v1/errors', () => {
  const list = (query: Record<string, string>) =>
    listErrors(httpEvent('GET', '/api/v1/errors', '/api/v1/errors', { query, claims: ADMIN }), ctx).then(parse);

  it('reads the 16 shards of each day of a reason, and merges them newest first up to the limit', async () => {
    ddb.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, string> }) => {
      const shard = Number(input.ExpressionAttributeValues[':k'].split('#').pop());
      return { Items: shard < 3 ? [{ pk: 'x', sk: 'y', id: `r${shard}`, at: NOW - shard * 1000, reason: 'duplicate_answer', source: 's', represents: 1 }] : [] };
    });
    const res = await list({ reason: 'duplicate_answer', from: String(NOW - 3_600_000), to: String(NOW), limit: '2' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [
        { id: 'r0', at: NOW, reason: 'duplicate_answer', source: 's', represents: 1 },
        { id: 'r1', at: NOW - 1000, reason: 'duplicate_answer', source: 's', represents: 1 },
      ],
      from: NOW - 3_600_000,
      to: NOW,
      truncated: true,
    });
    const queries = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(queries).toHaveLength(ERROR_SHARDS);
    expect(queries.map((q) => q.ExpressionAttributeValues![':k']).sort()).toEqual(
      Array.from({ length: ERROR_SHARDS }, (_, i) => `duplicate_answer#2023-11-14#${i}`).sort(),
    );
    expect(queries[0]).toMatchObject({ TableName: TABLES.errors, ScanIndexForward: false, KeyConditionExpression: '#k = :k AND sk BETWEEN :lo AND :hi' });
    expect(queries[0].IndexName).toBeUndefined();
  });

  it('uses the episode index (filtered by reason) and the time index', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    await list({ episode_id: 'ep1', reason: 'eliminated' });
    const byEpisode = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(byEpisode).toHaveLength(ERROR_SHARDS);
    expect(byEpisode[0]).toMatchObject({ IndexName: 'episode', FilterExpression: '#r = :r', ExpressionAttributeValues: expect.objectContaining({ ':r': 'eliminated' }) });
    ddb.reset();
    ddb.on(QueryCommand).resolves({ Items: [] });
    await list({ from: '2023-11-13T12:00:00Z', to: '2023-11-14T12:00:00Z' });
    const byTime = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(byTime).toHaveLength(2 * ERROR_SHARDS);
    expect(new Set(byTime.map((q) => q.IndexName))).toEqual(new Set(['time']));
  });

  it('rejects bad ranges and non-admins', async () => {
    expectError(await list({ from: 'soon' }), 400, 'invalid_query');
    expectError(await list({ from: String(NOW), to: String(NOW - 1) }), 400, 'invalid_range');
    expectError(await list({ from: String(NOW - 8 * 86_400_000), to: String(NOW) }), 400, 'range_too_large');
    expectError(await list({ limit: '5000' }), 400, 'invalid_query');
    expectError(parse(await listErrors(httpEvent('GET', '/api/v1/errors', '/api/v1/errors', { claims: PLAYER }), ctx)), 403, 'admin_only');
  });
});

describe('dead-letter routes', () => {
  beforeEach(() => {
    sqs.on(GetQueueAttributesCommand).callsFake((input: { QueueUrl: string }) => ({
      Attributes: { QueueArn: `arn:aws:sqs:eu-west-1:123456789012:${input.QueueUrl.split('/').pop()}`, ApproximateNumberOfMessages: '3', ApproximateNumberOfMessagesNotVisible: '1' },
    }));
  });

  it('redrives a queue’s DLQ back to the queue', async () => {
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
    const res = parse(await redrive(httpEvent('POST', '/api/v1/dlq/{queue}/redrive', '/api/v1/dlq/answers/redrive', { pathParameters: { queue: 'answers' }, claims: ADMIN }), ctx));
    expect(res).toMatchObject({ status: 202, body: { queue: 'answers', status: 'RUNNING', task_handle: 'task-1', approximate_messages: 3 } });
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0].args[0].input).toEqual({
      SourceArn: 'arn:aws:sqs:eu-west-1:123456789012:test-answers-dlq',
      DestinationArn: `arn:aws:sqs:eu-west-1:123456789012:${QUEUES.answers.split('/').pop()}`,
    });
  });

  it('says 409 while a redrive runs, and for the stream failures', async () => {
    sqs.on(StartMessageMoveTaskCommand).rejects(Object.assign(new Error('There is already a task running'), { name: 'UnsupportedOperation' }));
    const event = (queue: string) => httpEvent('POST', '/api/v1/dlq/{queue}/redrive', `/api/v1/dlq/${queue}/redrive`, { pathParameters: { queue }, claims: ADMIN });
    expectError(parse(await redrive(event('runnerTicks'), ctx)), 409, 'redrive_running');
    expectError(parse(await redrive(event('streams'), ctx)), 409, 'not_redrivable');
    expectError(parse(await redrive(event('toString'), ctx)), 404, 'queue_not_found');
  });

  it('shows the depth and move tasks of every DLQ', async () => {
    sqs.on(ListMessageMoveTasksCommand).resolves({ Results: [{ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 2, StartedTimestamp: NOW }] });
    const res = parse(await dlqStatus(getById('/api/v1/dlq', {}, ADMIN), ctx));
    expect(res.status).toBe(200);
    expect(res.body.queues).toEqual([
      { queue: 'answers', messages: 3, in_flight: 1, redrivable: true, move_tasks: [{ status: 'COMPLETED', moved: 2, started_at: NOW }] },
      { queue: 'runnerTicks', messages: 3, in_flight: 1, redrivable: true, move_tasks: [{ status: 'COMPLETED', moved: 2, started_at: NOW }] },
      { queue: 'clientEvents', messages: 3, in_flight: 1, redrivable: true, move_tasks: [{ status: 'COMPLETED', moved: 2, started_at: NOW }] },
      { queue: 'streams', messages: 3, in_flight: 1, redrivable: false, move_tasks: [] },
    ]);
  });
});

describe('the dead-letter sweep', () => {
  it('records the dead letters not recorded yet, once, and makes every message visible again', async () => {
    const message = (id: string, body: string) => ({ MessageId: id, ReceiptHandle: `rh-${id}`, Body: body, Attributes: { ApproximateReceiveCount: '6' } });
    const pending: Record<string, ReturnType<typeof message>[][]> = {
      [DLQS.answers]: [[message('a-new', '{"answer":1}'), message('a-seen', '{}')]],
      [DLQS.streams]: [[message('s-new', JSON.stringify({ requestContext: { condition: 'RetryAttemptsExhausted', functionArn: 'arn:aws:lambda:eu-west-1:1:function:scoreResponses' }, DDBStreamBatchInfo: { shardId: 'sh-1', startSequenceNumber: '1', endSequenceNumber: '9', batchSize: 9 } }))]],
    };
    sqs.on(ReceiveMessageCommand).callsFake((input: { QueueUrl: string }) => ({ Messages: pending[input.QueueUrl]?.shift() ?? [] }));
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({});
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLES.errors]: [{ pk: '~dead_letter#a-seen' }] } });
    ddb.on(TransactWriteCommand).resolves({});

    expect(await sweep({}, ctx)).toEqual({ recorded: 2 });
    const records = ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems!);
    expect(records.map((t) => t[0].Put!.Item!.pk).sort()).toEqual(['~dead_letter#a-new', '~dead_letter#s-new']);
    for (const t of records) expect(t[0].Put!.ConditionExpression).toBe('attribute_not_exists(pk)');
    const stream = records.find((t) => t[1].Put!.Item!.message_id === 's-new')![1].Put!.Item!;
    expect(stream).toMatchObject({ reason: 'dead_letter', source: 'dlq:streams' });
    expect(stream.detail).toMatch(/^stream_batch_failed: RetryAttemptsExhausted in scoreResponses; shard sh-1, sequences 1\.\.9 \(9 records/);
    const released = sqs.commandCalls(ChangeMessageVisibilityBatchCommand).flatMap((c) => c.args[0].input.Entries!.map((e) => [e.ReceiptHandle, e.VisibilityTimeout]));
    expect(released.sort()).toEqual([
      ['rh-a-new', 0],
      ['rh-a-seen', 0],
      ['rh-s-new', 0],
    ]);
  });
});
