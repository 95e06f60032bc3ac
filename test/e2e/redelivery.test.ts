/**
 * At-least-once delivery: SQS may deliver an answer twice, and Lambda may hand the grader the same stream batch
 * again (or its halves, when it bisects a failed batch). None of that may change a count.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBStreamsClient, DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { admin, eventually, player, waitForEpisode, questionOpen, type Player } from './support/game.ts';
import { stack } from './support/index.ts';
import { answerCounts } from '../support/statistics.ts';
import { LOCAL_CREDENTIALS as localCredentials } from '../../lib/local/names.ts';

const RUN = `redeliver-${Date.now().toString(36)}`;
const PLAYERS = 6;

describe('redelivery', () => {
  let producer: Player;
  const players: Player[] = [];
  const episodeId = `${RUN}-episode`;
  const questionId = `${RUN}-q0`;

  beforeAll(async () => {
    producer = await admin();
    for (let p = 0; p < PLAYERS; p++) players.push(await player(`${RUN}-p${p}@example.com`, {}));
    await producer.call('POST', '/api/v1/question', { id: questionId, question: 'Capital of France?', options: ['Paris', 'Lyon', 'Nice'], answer: 0 });
    await producer.call('POST', '/api/v1/question', { id: `${RUN}-q1`, question: 'Capital of Italy?', options: ['Milan', 'Rome'], answer: 1 });
    await producer.call('POST', '/api/v1/game', { id: `${RUN}-game`, qset: [questionId, `${RUN}-q1`] });
    await producer.call('POST', '/api/v1/episode', {
      id: episodeId,
      game_id: `${RUN}-game`,
      min_participant: PLAYERS,
      answer_window_seconds: 6,
      reveal_seconds: 1,
      lead_seconds: 0,
    });
    await Promise.all(players.map((pl) => pl.call('POST', '/api/v1/participant', { episode_id: episodeId })));
  });

  it('stores an answer once when SQS delivers its message twice', async () => {
    const open = await waitForEpisode(producer, episodeId, questionOpen(0), 'question 0 open');
    const sqs = new SQSClient({ endpoint: stack().sqsEndpoint, region: 'us-east-1', credentials: localCredentials });
    // Players 0..3 answer right, 4 wrong, 5 stays silent.
    for (let p = 0; p < 5; p++) {
      const res = await players[p].call('POST', '/api/v1/response', { episode_id: episodeId, question_id: questionId, answer: p < 4 ? 0 : 2 });
      expect(res.status).toBe(202);
      const { received_at } = res.body as { received_at: number };
      // The same message again, exactly as the API queued it: what an SQS redelivery looks like to the consumer.
      const copy = {
        episode_id: episodeId,
        question_id: questionId,
        question_index: 0,
        user_id: players[p].sub,
        answer: p < 4 ? 0 : 2,
        received_at,
        shard_count: (open as unknown as { shard_count?: number }).shard_count ?? 16,
      };
      await sqs.send(new SendMessageCommand({ QueueUrl: stack().queueUrls.answers, MessageBody: JSON.stringify(copy) }));
    }
    await waitForEpisode(producer, episodeId, (e) => e.current_question_index >= 1 || e.state === 'ENDED', 'question 0 final', 30_000);
    const stats = await producer.call('GET', `/api/v1/episode/${episodeId}/question/0/statistics`);
    expect(stats.body).toMatchObject({
      answer_counts: answerCounts([4, 0, 1], 0),
      advancing_count: 4,
      eliminated_count: 2,
    });
  });

  it('counts a retried or bisected stream batch once', async () => {
    process.env.AWS_ENDPOINT_URL_DYNAMODB = stack().dynamoEndpoint;
    process.env.AWS_REGION = 'us-east-1';
    process.env.AWS_ACCESS_KEY_ID = localCredentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = localCredentials.secretAccessKey;
    process.env.STATISTICS_TABLE = stack().tableNames.statistics;
    const { handler } = await import('../../lambda/stream/scoreResponses.ts');
    const { listPartials } = await import('../../lambda/store/statistics.ts');
    const { sumPartials, emptyTally, sumTallies, statisticsKey } = await import('../../lambda/domain/counting.ts');
    type Tally = ReturnType<typeof emptyTally>;

    const pk = statisticsKey(episodeId, 0);
    const total = async () => sumPartials(await listPartials<Tally>(pk), emptyTally(3), sumTallies);
    const before = await eventually(total, (t) => t.total === 5, 'the grader to count question 0');

    // Rebuild the very batches the grader was given, from the stream and the partials' sequence ranges.
    const all = await streamRecords(stack().tableNames.responses);
    const seq = (r: DynamoDBRecord) => BigInt(r.dynamodb!.SequenceNumber!);
    const batches = (await listPartials<Tally>(pk)).map((p) =>
      all.filter((r) => seq(r) >= BigInt(p.firstSequence) && seq(r) <= BigInt(p.lastSequence)),
    );
    expect(batches.flat().length).toBeGreaterThanOrEqual(5);

    const event = (rs: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: rs });
    const context = { functionName: 'scoreResponses', awsRequestId: 'test', getRemainingTimeInMillis: () => 30_000 } as never;
    for (const batch of batches) {
      // The same batch again, then its halves as Lambda's bisect-on-error would send them.
      expect(await handler(event(batch), context)).toEqual({ batchItemFailures: [] });
      expect(await total()).toEqual(before);
      const mid = Math.floor(batch.length / 2);
      if (mid > 0) {
        await handler(event(batch.slice(0, mid)), context);
        await handler(event(batch.slice(mid)), context);
      }
    }
    expect(await total()).toEqual(before);
  });
});

/** Every record of a table's stream, as Lambda would receive them. */
async function streamRecords(tableName: string): Promise<DynamoDBRecord[]> {
  const config = { endpoint: stack().dynamoEndpoint, region: 'us-east-1', credentials: localCredentials };
  const table = await new DynamoDBClient(config).send(new DescribeTableCommand({ TableName: tableName }));
  const streams = new DynamoDBStreamsClient(config);
  const arn = table.Table!.LatestStreamArn!;
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
  const records: DynamoDBRecord[] = [];
  for (const shard of StreamDescription?.Shards ?? []) {
    let iterator = (await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    for (let page = 0; iterator && page < 50; page++) {
      const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      for (const r of out.Records ?? []) records.push({ ...(r as unknown as DynamoDBRecord), eventSourceARN: arn });
      if (!out.Records?.length) break;
      iterator = out.NextShardIterator;
    }
  }
  return records;
}
