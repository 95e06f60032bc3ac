/**
 * The event-source engines against the real local peers (local-aws-sqs, DynamoDB Local streams) with fake handlers:
 * Lambda's batching, partial-failure, retry, bisect, checkpoint and dead-letter semantics.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CreateTableCommand, DeleteTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { DynamoDBStreamEvent, SQSEvent } from 'aws-lambda';
import { createQueueWithDlq, queueArn } from '../../lib/local/sqs.ts';
import { startSqsPoller, type Poller, type SqsPollerOptions } from '../../lib/local/sqsPoller.ts';
import { startStreamPoller, type StreamFailureRecord, type StreamPollerOptions } from '../../lib/local/streamPoller.ts';
import { dynamoClient, eventually, sqsClient, streamsClient } from './support/index.ts';

const sqs = sqsClient();
const running: Poller[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});
afterAll(() => sqs.destroy());

const throwawayQueue = (spec: { visibilityTimeoutSeconds: number; maxReceiveCount: number }) =>
  createQueueWithDlq(sqs, `t-${randomUUID().slice(0, 8)}`, { ...spec, retentionDays: 1 });

/** A poller on a throwaway queue, stopped after the test: batches of 10 at once and 1-second long polls unless a test says otherwise. */
const pollQueue = (queue: { url: string; arn: string }, options: Pick<SqsPollerOptions, 'invoke'> & Partial<SqsPollerOptions>) =>
  running.push(
    startSqsPoller({ name: 'test', client: sqs, queueUrl: queue.url, queueArn: queue.arn, batchSize: 10, batchingWindowMs: 0, waitTimeSeconds: 1, ...options }),
  );

const messagesIn = async (url: string) => {
  const a = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  return Number(a.Attributes?.ApproximateNumberOfMessages) + Number(a.Attributes?.ApproximateNumberOfMessagesNotVisible);
};

describe('SQS poller', () => {
  it('moves a message the handler keeps failing to the DLQ after maxReceiveCount receives', async () => {
    const { queue, dlq } = await throwawayQueue({ visibilityTimeoutSeconds: 1, maxReceiveCount: 2 });
    const receiveCounts: string[] = [];
    pollQueue(queue, {
      invoke: async (event) => {
        receiveCounts.push(...(event as SQSEvent).Records.map((r) => r.attributes.ApproximateReceiveCount));
        throw new Error('always fails');
      },
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'poison' }));
    const dead = await eventually(
      async () => {
        const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, WaitTimeSeconds: 0, MaxNumberOfMessages: 1 }));
        expect(out.Messages?.length).toBe(1);
        return out.Messages![0];
      },
      { timeoutMs: 10_000, intervalMs: 200 },
    );
    expect(dead.Body).toBe('poison');
    expect(receiveCounts).toEqual(['1', '2']);
    expect(await messagesIn(queue.url)).toBe(0);
  });

  it('deletes what succeeded and redelivers only the reported batchItemFailures', async () => {
    const { queue } = await throwawayQueue({ visibilityTimeoutSeconds: 1, maxReceiveCount: 5 });
    await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: queue.url, Entries: ['a', 'b', 'c', 'd'].map((b, i) => ({ Id: String(i), MessageBody: b })) }),
    );
    const seen: string[] = [];
    let failedOnce = false;
    pollQueue(queue, {
      batchingWindowMs: 200,
      invoke: async (event) => {
        const records = (event as SQSEvent).Records;
        seen.push(...records.map((r) => r.body));
        const c = records.find((r) => r.body === 'c');
        if (c && !failedOnce) {
          failedOnce = true;
          return { batchItemFailures: [{ itemIdentifier: c.messageId }] };
        }
        return { batchItemFailures: [] };
      },
    });
    await eventually(() => expect([...seen].sort()).toEqual(['a', 'b', 'c', 'c', 'd']), { timeoutMs: 8_000 });
    await eventually(async () => expect(await messagesIn(queue.url)).toBe(0));
  });

  it('gathers a batch up to batchSize, and builds the records as Lambda does', async () => {
    const { queue } = await throwawayQueue({ visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
    for (let i = 0; i < 25; i += 10) {
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queue.url,
          Entries: Array.from({ length: Math.min(10, 25 - i) }, (_, j) => ({
            Id: String(j),
            MessageBody: `m${i + j}`,
            MessageAttributes: { kind: { DataType: 'String', StringValue: 'test' } },
          })),
        }),
      );
    }
    const batches: SQSEvent[] = [];
    pollQueue(queue, {
      batchSize: 25,
      batchingWindowMs: 1000,
      invoke: async (event) => void batches.push(event as SQSEvent),
    });
    await eventually(() => expect(batches.length).toBeGreaterThan(0));
    expect(batches[0].Records).toHaveLength(25);
    const r = batches[0].Records[0];
    expect(r).toMatchObject({
      messageId: expect.any(String),
      receiptHandle: expect.any(String),
      body: expect.stringMatching(/^m\d+$/),
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: expect.any(String), ApproximateFirstReceiveTimestamp: expect.any(String) },
      messageAttributes: { kind: { dataType: 'String', stringValue: 'test', stringListValues: [], binaryListValues: [] } },
      md5OfBody: expect.any(String),
      eventSource: 'aws:sqs',
      eventSourceARN: await queueArn(sqs, queue.url),
      awsRegion: 'us-east-1',
    });
    await eventually(async () => expect(await messagesIn(queue.url)).toBe(0));
  });

  it('delivers a message sent with DelaySeconds only after the delay (the runner’s ticks rely on it)', async () => {
    const { queue } = await throwawayQueue({ visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
    const deliveredAt: number[] = [];
    pollQueue(queue, {
      invoke: async () => void deliveredAt.push(Date.now()),
    });
    const sentAt = Date.now();
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'tick', DelaySeconds: 2 }));
    await eventually(() => expect(deliveredAt).toHaveLength(1), { timeoutMs: 6_000 });
    expect(deliveredAt[0] - sentAt).toBeGreaterThanOrEqual(1900);
    expect(deliveredAt[0] - sentAt).toBeLessThan(3500);
  });
});

describe('DynamoDB stream poller', () => {
  const ddb = dynamoClient();
  const streams = streamsClient();
  const tablesToDrop: string[] = [];
  afterAll(async () => {
    for (const t of tablesToDrop) await ddb.send(new DeleteTableCommand({ TableName: t })).catch(() => {});
    ddb.destroy();
    streams.destroy();
  });

  /** A table with a stream and `n` items written one after the other (records 1…n in order). */
  async function tableWithRecords(n: number): Promise<string> {
    const name = `t-stream-${randomUUID().slice(0, 8)}`;
    tablesToDrop.push(name);
    const created = await ddb.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
      }),
    );
    for (let i = 1; i <= n; i++) await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: `r${i}` }, n: { N: String(i) } } }));
    return created.TableDescription!.LatestStreamArn!;
  }

  /** A poller on a test table's stream, stopped after the test: no batching window, a 50 ms poll. */
  const pollStream = (streamArn: string, options: Pick<StreamPollerOptions, 'invoke' | 'batchSize' | 'retryAttempts'> & Partial<StreamPollerOptions>) =>
    running.push(
      startStreamPoller({
        name: 'test',
        client: streams,
        streamArn,
        functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:test',
        batchingWindowMs: 0,
        pollIntervalMs: 50,
        ...options,
      }),
    );

  const keysOf = (event: DynamoDBStreamEvent) => event.Records.map((r) => r.dynamodb!.Keys!.pk.S!);

  it('checkpoints before the first reported failure and retries from there', async () => {
    const streamArn = await tableWithRecords(5);
    const batches: string[][] = [];
    pollStream(streamArn, {
      batchSize: 5,
      retryAttempts: 3,
      retryDelayMs: 10,
      invoke: async (e) => {
        const event = e as DynamoDBStreamEvent;
        batches.push(keysOf(event));
        const r3 = event.Records.find((r) => r.dynamodb!.Keys!.pk.S === 'r3');
        const r4 = event.Records.find((r) => r.dynamodb!.Keys!.pk.S === 'r4');
        // The first time: r3 and r4 fail (reported in any order); the lowest sequence number decides.
        if (batches.length === 1) return { batchItemFailures: [r4, r3].map((r) => ({ itemIdentifier: r!.dynamodb!.SequenceNumber! })) };
        return { batchItemFailures: [] };
      },
    });
    await eventually(() => expect(batches).toEqual([['r1', 'r2', 'r3', 'r4', 'r5'], ['r3', 'r4', 'r5']]), { timeoutMs: 10_000 });
  });

  it('bisects a failing batch, isolates the poison record, sends it to the failure queue after its retries', async () => {
    const streamArn = await tableWithRecords(5);
    const dlqUrl = (await throwawayQueue({ visibilityTimeoutSeconds: 30, maxReceiveCount: 5 })).dlq.url;
    const batches: string[][] = [];
    const processed: string[] = [];
    pollStream(streamArn, {
      batchSize: 5,
      retryAttempts: 2,
      retryDelayMs: 10,
      invoke: async (e) => {
        const keys = keysOf(e as DynamoDBStreamEvent);
        batches.push(keys);
        if (keys.includes('r3')) throw new Error('poison');
        processed.push(...keys);
      },
      onFailure: async (record) => {
        await sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: JSON.stringify(record) }));
      },
    });
    await eventually(() => expect(processed).toEqual(['r1', 'r2', 'r4', 'r5']), { timeoutMs: 10_000 });
    // 1–5 fails → halves 1–3 | 4–5; 1–3 fails → 1–2 | 3; 1–2 succeeds; 3 fails until its retries are used up; 4–5.
    expect(batches).toEqual([['r1', 'r2', 'r3', 'r4', 'r5'], ['r1', 'r2', 'r3'], ['r1', 'r2'], ['r3'], ['r3'], ['r3'], ['r4', 'r5']]);
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 0, MaxNumberOfMessages: 10 }));
    expect(out.Messages).toHaveLength(1);
    const failure = JSON.parse(out.Messages![0].Body!) as StreamFailureRecord;
    expect(failure).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:test' },
      responseContext: { functionError: 'Unhandled' },
      version: '1.0',
      DDBStreamBatchInfo: { batchSize: 1, streamArn, shardId: expect.any(String) },
    });
    expect(failure.DDBStreamBatchInfo.startSequenceNumber).toBe(failure.DDBStreamBatchInfo.endSequenceNumber);
  });

  it('delivers records as Lambda does (epoch-second time, images, sequence number, the stream ARN)', async () => {
    const streamArn = await tableWithRecords(1);
    const events: DynamoDBStreamEvent[] = [];
    pollStream(streamArn, {
      batchSize: 10,
      retryAttempts: 0,
      invoke: async (e) => void events.push(e as DynamoDBStreamEvent),
    });
    await eventually(() => expect(events).toHaveLength(1));
    const record = events[0].Records[0];
    expect(record).toMatchObject({
      eventID: expect.any(String),
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      eventSourceARN: streamArn,
      dynamodb: {
        Keys: { pk: { S: 'r1' } },
        NewImage: { pk: { S: 'r1' }, n: { N: '1' } },
        SequenceNumber: expect.stringMatching(/^\d+$/),
        SizeBytes: expect.any(Number),
        StreamViewType: 'NEW_IMAGE',
      },
    });
    expect(Math.abs(record.dynamodb!.ApproximateCreationDateTime! - Date.now() / 1000)).toBeLessThan(120);
  });
});
