/**
 * The statistics table: per-batch partial sums written by the stream processors, and each question's final
 * statistics. Partials of one group live under one partition key, sorted by the batch's first sequence number.
 */
import { BatchWriteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { partialSortKey, statisticsKey, sumPartials, type Partial } from '../domain/counting.ts';
import type { QuestionStatistics } from '../domain/schemas.ts';
import { tableName } from '../shared/env.ts';
import { documents } from './clients.ts';
import { queryAll } from './query.ts';

const table = () => tableName('statistics');
const FINAL = 'final';

/** Writes one batch's partial; a retry of the same batch overwrites it (see lambda/domain/counting.ts). */
export async function putPartial<T>(pk: string, partial: Partial<T>): Promise<void> {
  await documents.send(
    new PutCommand({
      TableName: table(),
      Item: { pk, sk: partialSortKey(partial.firstSequence), first: partial.firstSequence, last: partial.lastSequence, value: partial.value, written_at: Date.now() },
    }),
  );
}

/**
 * The seal of a question's answers: once it exists, a consumer can no longer store an answer to that question in its
 * late phase (lambda/store/responses.ts checks it in the same transaction as the put). One item per response shard,
 * each under its own partition key, so that the checks of a backlog spread like the answers themselves.
 */
export const sealKey = (episodeId: string, questionIndex: number, shard: number) => ({
  pk: `${statisticsKey(episodeId, questionIndex)}#seal#${shard}`,
  sk: 'seal',
});

/** Seals every shard of a question (idempotent: sealing again rewrites the same items). */
export async function sealAnswers(episode: { id: string; shard_count: number }, questionIndex: number, at: number): Promise<void> {
  const items = Array.from({ length: episode.shard_count }, (_, shard) => ({ PutRequest: { Item: { ...sealKey(episode.id, questionIndex, shard), sealed_at: at } } }));
  for (let i = 0; i < items.length; i += 25) {
    let pending: Record<string, unknown>[] | undefined = items.slice(i, i + 25);
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt >= 8) throw new Error(`could not seal question ${questionIndex} of episode ${episode.id}: writes left unprocessed`);
      const out = await documents.send(new BatchWriteCommand({ RequestItems: { [table()]: pending as never } }));
      pending = out?.UnprocessedItems?.[table()] as Record<string, unknown>[] | undefined;
    }
  }
}

/** Whether the runner has begun to seal a question (it seals every shard again before each final count). */
export async function isSealed(episodeId: string, questionIndex: number): Promise<boolean> {
  const out = await documents.send(new GetCommand({ TableName: table(), Key: sealKey(episodeId, questionIndex, 0), ConsistentRead: true }));
  return !!out?.Item;
}

export async function listPartials<T>(pk: string): Promise<Partial<T>[]> {
  const items = await queryAll<{ first: string; last: string; value: T }>({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
    ExpressionAttributeValues: { ':pk': pk, ':p': 'p#' },
    ConsistentRead: true,
  });
  return items.map((item) => ({ firstSequence: item.first, lastSequence: item.last, value: item.value }));
}

export async function sumOfPartials<T>(pk: string, zero: T, add: (a: T, b: T) => T): Promise<T> {
  return sumPartials(await listPartials<T>(pk), zero, add);
}

export interface StoredStatistics extends QuestionStatistics {
  episode_id: string;
  question_start_timestamp: number;
  question_end_timestamp: number;
  finalized_at: number;
}

/** Stores a question's final statistics once; whoever comes second gets the first version back. */
export async function putFinalOnce(stats: StoredStatistics): Promise<StoredStatistics> {
  const pk = statisticsKey(stats.episode_id, stats.question_index);
  try {
    await documents.send(
      new PutCommand({ TableName: table(), Item: { pk, sk: FINAL, ...stats }, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return stats;
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
    return (await getFinal(stats.episode_id, stats.question_index, true)) ?? stats;
  }
}

export async function getFinal(episodeId: string, questionIndex: number, consistent = false): Promise<StoredStatistics | undefined> {
  const out = await documents.send(
    new GetCommand({ TableName: table(), Key: { pk: statisticsKey(episodeId, questionIndex), sk: FINAL }, ConsistentRead: consistent }),
  );
  if (!out.Item) return undefined;
  const { pk: _pk, sk: _sk, ...stats } = out.Item;
  return stats as StoredStatistics;
}
