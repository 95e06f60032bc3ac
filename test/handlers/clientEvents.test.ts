/**
 * The Eye: the collector (checks the envelope and the caller's rate, queues, 202) and its consumer (each event checked:
 * good ones stored and forwarded to the lake, bad ones recorded with their reason, the batch's growth partial written),
 * with every count of what goes in and what comes out.
 * Handlers (lambda/): http/collectClientEvents, queue/recordClientEvents.
 */
import { describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse } from 'aws-lambda';
import { CLIENT_EVENT_REASONS as R, batchKey, type QueuedClientBatch } from '../../lambda/domain/clientEvents.ts';
import { NOW, OTHER_PLAYER, PLAYER, QUEUES, TABLES, conditionalCheckFailed, expectError, isolateEachTest, lambdaContext, parse, post, sqsEvent, sqsRecord } from './support.ts';
import { loadHandlers } from './loadHandlers.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const bus = mockClient(EventBridgeClient);

const { collectClientEvents: collect, recordClientEvents: record } = loadHandlers(['collectClientEvents', 'recordClientEvents'], { POWERTOOLS_DEV: 'true', ERRORS_TABLE: TABLES.errors, EVENT_BUS_NAME: 'test-bus' });

isolateEachTest({ mocks: [ddb, sqs, bus], quiet: ['warn', 'log'] });

const ctx = lambdaContext('trivia-test-collectClientEvents');
const PATH = '/api/v1/client-events';
const pageView = (i: number, extra: Record<string, unknown> = {}) => ({
  session_id: 's-1',
  anonymous_id: 'anon-1',
  category: 'page',
  name: 'page_view',
  timestamp: NOW - 60_000 + i,
  data: { path: `/p${i}` },
  ...extra,
});

function queued(): QueuedClientBatch[] {
  return sqs.commandCalls(SendMessageCommand).map((c) => JSON.parse(c.args[0].input.MessageBody!) as QueuedClientBatch);
}

describe('POST /api/v1/client-events (collector)', () => {
  it('queues the batch as one message, stamped with the token subject, receipt time and an id per event: 202', async () => {
    ddb.on(UpdateCommand).resolves({});
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    const res = parse(await collect(post(PATH, { events: [pageView(1, { user_id: 'forged' }), pageView(2), 'junk'] }), ctx));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'accepted', queued: 3, received_at: NOW });
    const [batch] = queued();
    expect(sqs.commandCalls(SendMessageCommand)[0].args[0].input.QueueUrl).toBe(QUEUES.clientEvents);
    expect(batch.user_id).toBe(PLAYER.sub);
    expect(batch.received_at).toBe(NOW);
    expect(batch.events.map((e) => e.raw)).toEqual([pageView(1, { user_id: 'forged' }), pageView(2), 'junk']);
    expect(new Set(batch.events.map((e) => e.event_id)).size).toBe(3);

    // The rate counter: one conditional ADD of the batch's size on the subject's minute.
    const limit = ddb.commandCalls(UpdateCommand)[0].args[0].input;
    expect(limit).toMatchObject({ TableName: TABLES.rateLimits, Key: { pk: `${PLAYER.sub}#${Math.floor(NOW / 60_000)}` } });
    expect(limit.ExpressionAttributeValues).toMatchObject({ ':k': 3, ':room': 600 - 3 });
  });

  it('derives the stored ids from the client\'s event_id and the caller: a retried batch keeps its ids', async () => {
    ddb.on(UpdateCommand).resolves({});
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    const body = { events: [pageView(1, { event_id: 'b7c1e0c4-0000-4000-8000-000000000001' }), pageView(2)] };
    await collect(post(PATH, body), ctx);
    await collect(post(PATH, body), ctx);
    const [first, again] = queued();
    expect(again.events[0].event_id).toBe(first.events[0].event_id);
    expect(again.events[1].event_id).not.toBe(first.events[1].event_id);
    await collect(post(PATH, body, OTHER_PLAYER), ctx);
    const [, , other] = queued();
    expect(other.events[0].event_id).not.toBe(first.events[0].event_id);
  });

  it('answers 429 rate_limited with retry-after once the minute is used up, and queues nothing', async () => {
    ddb.on(UpdateCommand).rejects(conditionalCheckFailed());
    const res = parse(await collect(post(PATH, { events: [pageView(1)] }), ctx));
    expectError(res, 429, 'rate_limited');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it.each([
    ['no events', { events: [] }],
    ['101 events', { events: Array.from({ length: 101 }, (_, i) => pageView(i)) }],
    ['events not an array', { events: pageView(1) }],
  ])('refuses %s with 400 and queues nothing', async (_name, body) => {
    expectError(parse(await collect(post(PATH, body), ctx)), 400, 'invalid_body');
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });
});

describe('recordClientEvents (queue consumer)', () => {
  const consumerCtx = lambdaContext('trivia-test-recordClientEvents');
  const batchOf = (raws: unknown[]): QueuedClientBatch => ({
    user_id: PLAYER.sub,
    received_at: NOW,
    request_id: 'req-1',
    events: raws.map((raw, i) => ({ event_id: `ev-${String(i).padStart(3, '0')}`, raw })),
  });
  const written = (table: string) =>
    ddb
      .commandCalls(BatchWriteCommand)
      .flatMap((c) => (c.args[0].input.RequestItems?.[table] ?? []).map((r) => r.PutRequest!.Item as Record<string, unknown>));

  it('keeps the good events and records every bad one with its reason: nothing lost, nothing twice', async () => {
    ddb.on(BatchWriteCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    ddb.on(QueryCommand).resolves({ Items: [] });
    bus.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({ FailedEntryCount: 0, Entries: input.Entries.map((_, i) => ({ EventId: `x${i}` })) }));
    const bad: [unknown, string][] = [
      ['not an object', R.notAnObject],
      [{ ...pageView(0), session_id: undefined }, R.missingSession],
      [{ ...pageView(0), data: [1] }, R.dataNotObject],
      [{ ...pageView(0), data: { blob: 'x'.repeat(5000) } }, R.oversized],
      [{ ...pageView(0), timestamp: NOW + 3600_000 }, R.inFuture],
      [{ ...pageView(0), category: 'Bad Category' }, R.invalid],
    ];
    const goodRaws = Array.from({ length: 40 }, (_, i) => pageView(i, i % 4 === 0 ? { data: { utm_source: 'tv', utm_medium: 'ad', utm_campaign: 'c1' } } : {}));
    const signUp = { session_id: 's-1', anonymous_id: 'anon-1', category: 'account', name: 'sign_up', timestamp: NOW - 1000 };
    // Bad events interleaved with good ones, as a client might send them.
    const raws: unknown[] = [...goodRaws.slice(0, 20), ...bad.map(([raw]) => raw), ...goodRaws.slice(20), signUp];
    const out = (await record(sqsEvent([sqsRecord('m-1', JSON.stringify(batchOf(raws)))]), consumerCtx)) as SQSBatchResponse;
    expect(out.batchItemFailures).toEqual([]);

    const stored = written(TABLES.clientEvents);
    const errors = written(TABLES.errors);
    expect(stored.length + errors.length).toBe(raws.length);
    expect(stored).toHaveLength(goodRaws.length + 1);
    expect(errors.map((e) => e.reason)).toEqual(bad.map(([, reason]) => reason));
    for (const e of errors) expect(e).toMatchObject({ source: 'sqs:clientEvents', user_id: PLAYER.sub, message_id: 'm-1', represents: 1 });
    // Each stored event under its own key: the session's partition, the day-sharded indexes, the touches index for touches only.
    expect(new Set(stored.map((s) => `${s.pk}|${s.sk}`)).size).toBe(stored.length);
    expect(stored.every((s) => s.pk === 's#s-1' && s.user_id === PLAYER.sub)).toBe(true);
    expect(stored.filter((s) => s.touch_key === 'anon-1')).toHaveLength(10);
    // 41 + 6 items in BatchWriteItem requests of at most 25.
    expect(ddb.commandCalls(BatchWriteCommand).every((c) => Object.values(c.args[0].input.RequestItems!)[0].length <= 25)).toBe(true);

    // The lake gets the good ones, as client.event records.
    const lake = bus.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries!);
    expect(lake).toHaveLength(stored.length);
    expect(lake.every((e) => e.DetailType === 'client.event' && e.EventBusName === 'test-bus')).toBe(true);

    // One growth partial for the batch's day: 40 page views, one sign-up attributed to its batch's touches.
    const growth = ddb.commandCalls(PutCommand).map((c) => c.args[0].input).filter((i) => i.TableName === TABLES.growth);
    expect(growth).toHaveLength(1);
    expect(growth[0].Item).toMatchObject({
      sk: `client#${batchKey(raws.map((_, i) => `ev-${String(i).padStart(3, '0')}`))}`,
      value: { page_views: 40, sign_ups: 1, first_touch: { 'tv/ad/c1': 1 }, last_touch: { 'tv/ad/c1': 1 } },
    });
  });

  it('attributes a sign-up from touches stored by earlier batches (the touches index, the 30-day lookback)', async () => {
    ddb.on(BatchWriteCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'x' }] });
    ddb.on(QueryCommand, { IndexName: 'touches' }).resolves({
      Items: [
        { category: 'page', name: 'page_view', timestamp: NOW - 5 * 86_400_000, data: { utm_source: 'news', utm_medium: 'email', utm_campaign: 'w1' } },
        { category: 'page', name: 'page_view', timestamp: NOW - 86_400_000, data: { utm_source: 'social' } },
      ],
    });
    const signUp = { session_id: 's-2', anonymous_id: 'anon-9', category: 'account', name: 'sign_up', timestamp: NOW - 1000 };
    await record(sqsEvent([sqsRecord('m-2', JSON.stringify(batchOf([signUp])))]), consumerCtx);
    const query = ddb.commandCalls(QueryCommand)[0].args[0].input;
    expect(query.ExpressionAttributeValues![':k']).toBe('anon-9');
    const growth = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item!);
    expect(growth[0].value).toMatchObject({ sign_ups: 1, first_touch: { 'news/email/w1': 1 }, last_touch: { 'social/(none)/(none)': 1 } });
  });

  it('a message that fails is reported failed alone, and its retry writes the same keys again', async () => {
    ddb.on(PutCommand).resolves({});
    ddb.on(QueryCommand).resolves({ Items: [] });
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'x' }] });
    ddb.on(BatchWriteCommand).rejectsOnce(new Error('DynamoDB is down')).resolves({});
    const body = JSON.stringify(batchOf([pageView(1), 'bad']));
    const first = (await record(sqsEvent([sqsRecord('m-3', body), sqsRecord('m-4', JSON.stringify(batchOf([pageView(2)])))]), consumerCtx)) as SQSBatchResponse;
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'm-3' }]);
    const keysAfterFirst = ddb.commandCalls(BatchWriteCommand).length;
    await record(sqsEvent([sqsRecord('m-3', body)]), consumerCtx);
    const retried = ddb.commandCalls(BatchWriteCommand).slice(keysAfterFirst).flatMap((c) => Object.values(c.args[0].input.RequestItems!).flat());
    const ids = retried.map((r) => (r.PutRequest!.Item as { event_id?: string; id?: string }).event_id ?? (r.PutRequest!.Item as { id: string }).id).sort();
    expect(ids).toEqual(['ev-000', 'ev-001']);
  });
});
