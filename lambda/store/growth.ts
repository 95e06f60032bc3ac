/**
 * The growth table: per-batch partials of the funnel and the attribution (lambda/domain/growth.ts).
 * pk `d#${day}#${shard}` (the shard is a digest of the batch's key, so a busy day's batches spread over
 * GROWTH_SHARDS partitions), sk `${source}#${batch}`: a retried batch overwrites its own partial. A range of days is
 * read with GROWTH_SHARDS queries per day.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { fnv1a } from '../domain/answers.ts';
import type { GrowthPartial, GrowthTally } from '../domain/growth.ts';
import { tableName } from '../shared/env.ts';
import { documents } from './clients.ts';
import { queryAll } from './query.ts';

const GROWTH_SHARDS = 4;
const table = () => tableName('growth');

function growthKey(source: string, batch: string, day: string) {
  return { pk: `d#${day}#${fnv1a(`${source}#${batch}`) % GROWTH_SHARDS}`, sk: `${source}#${batch}` };
}

/** `source`: `client` or a stream; `batch`: the batch's stable key (an SQS message id, a stream batch's first sequence). */
export async function putGrowthPartials(source: string, batch: string, partials: GrowthPartial[]): Promise<void> {
  await Promise.all(
    partials.map((p) => documents.send(new PutCommand({ TableName: table(), Item: { ...growthKey(source, batch, p.day), day: p.day, value: p.value } }))),
  );
}

export async function readGrowthPartials(days: string[]): Promise<GrowthPartial[]> {
  const queries = days.flatMap((day) =>
    Array.from({ length: GROWTH_SHARDS }, (_, shard) =>
      queryAll<{ day: string; value: GrowthTally }>({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `d#${day}#${shard}` },
        ProjectionExpression: '#d, #v',
        ExpressionAttributeNames: { '#d': 'day', '#v': 'value' },
      }),
    ),
  );
  return (await Promise.all(queries)).flat();
}
