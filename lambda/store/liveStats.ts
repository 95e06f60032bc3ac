/**
 * The liveStats table: per-batch partials of the live aggregates (lambda/domain/liveStats.ts), expiring a day after
 * their minute. pk = `h#${hour}#${shard}`: one partition per hour of event time and shard (the shard is a digest of
 * the batch's key, so concurrent batches of a big show spread over LIVE_SHARDS partitions instead of one);
 * sk = `m#${minute}#${source}#${firstSequence}`: a retried batch overwrites its own items. A window of an hour is
 * read with 2 × LIVE_SHARDS queries.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { fnv1a } from '../domain/answers.ts';
import { MAX_WINDOW_MINUTES, type LivePartial, type LiveTally } from '../domain/liveStats.ts';
import { tableName } from '../shared/env.ts';
import { documents } from './clients.ts';
import { queryAll } from './query.ts';

const table = () => tableName('liveStats');
const LIVE_SHARDS = 4;
/** Items live a day longer than the longest window. */
const RETENTION_SECONDS = (MAX_WINDOW_MINUTES + 24 * 60) * 60;

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const hourOf = (minute: number) => Math.floor(minute / 60);

function liveKey(source: string, partial: Pick<LivePartial, 'minute' | 'firstSequence'>) {
  const shard = fnv1a(`${source}#${partial.firstSequence}`) % LIVE_SHARDS;
  return {
    pk: `h#${hourOf(partial.minute)}#${shard}`,
    sk: `m#${pad(partial.minute, 10)}#${source}#${partial.firstSequence.padStart(40, '0')}`,
  };
}

export async function putLivePartials(source: string, partials: LivePartial[]): Promise<void> {
  await Promise.all(
    partials.map((p) =>
      documents.send(
        new PutCommand({
          TableName: table(),
          Item: {
            ...liveKey(source, p),
            minute: p.minute,
            first: p.firstSequence,
            last: p.lastSequence,
            value: p.value,
            expires_at: (p.minute + 1) * 60 + RETENTION_SECONDS,
          },
        }),
      ),
    ),
  );
}

/** Every partial of the minutes `first`..`last` (inclusive). */
export async function readLivePartials(first: number, last: number): Promise<{ minute: number; value: LiveTally }[]> {
  const queries: Promise<{ minute: number; value: LiveTally }[]>[] = [];
  for (let hour = hourOf(first); hour <= hourOf(last); hour++) {
    for (let shard = 0; shard < LIVE_SHARDS; shard++) {
      queries.push(
        queryAll<{ minute: number; value: LiveTally }>({
          TableName: table(),
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': `h#${hour}#${shard}`, ':from': `m#${pad(first, 10)}#`, ':to': `m#${pad(last, 10)}#~` },
          // MINUTE and VALUE are reserved words.
          ProjectionExpression: '#m, #v',
          ExpressionAttributeNames: { '#m': 'minute', '#v': 'value' },
        }),
      );
    }
  }
  return (await Promise.all(queries)).flat();
}

/** Episodes started and not over, from the episodes table's sparse `live` index (a query, never a scan). */
export async function countLiveEpisodes(): Promise<number> {
  const items = await queryAll<{ state: string }>({
    TableName: tableName('episodes'),
    IndexName: 'live',
    KeyConditionExpression: '#live = :live',
    ExpressionAttributeNames: { '#live': 'live', '#s': 'state' },
    ExpressionAttributeValues: { ':live': 'live' },
    ProjectionExpression: '#s',
  });
  return items.filter((i) => i.state === 'STARTED' || i.state === 'QUESTION_OPEN' || i.state === 'QUESTION_CLOSED' || i.state === 'QUESTION_RESULTS').length;
}
