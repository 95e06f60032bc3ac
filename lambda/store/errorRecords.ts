/**
 * The errors table: every rejected or unprocessable input, with its reason, source, time and a redacted payload.
 *
 * Keys (lambda/domain/operations.ts `errorKeys`): pk `${reason}#${day}#${shard}`, sk `${at}#${id}`; the sparse
 * index `episode` has `${episode_id}#${shard}`, the index `time` `${day}#${shard}`. During a show, rejections of one
 * reason can come at 100k/s; a partition takes 1,000 writes/s, and an index partition that falls behind throttles
 * the table's writes too. So writes are sampled per function instance (a token bucket per reason: a burst of 5, then
 * one every 5 s — a few thousand instances then write a few hundred records a second at most) and every key is
 * spread over 16 shards (so even a burst stays under a partition's limit). A query reads the 16 shards of each day
 * (or of the episode) in parallel and merges them by time. Exact counts are metrics, not this table.
 *
 * Dead letters are never sampled. Each is recorded once: a marker item (`~dead_letter#${message_id}`, outside every
 * index and every reason's keys) is written with it, and the dead-letter sweep skips messages whose marker exists.
 */
import { randomUUID } from 'node:crypto';
import { BatchGetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import {
  ERROR_SHARDS,
  ERROR_TTL_MS,
  createSampler,
  daysOf,
  errorKeys,
  sortKeyRange,
  type ErrorEntry,
  type ErrorRecord,
} from '../domain/operations.ts';
import { numberFromEnv, tableName } from '../shared/env.ts';
import { fnv1a } from '../domain/answers.ts';
import { batchPut } from './batchPut.ts';
import { documents } from './clients.ts';
import { queryUpTo } from './query.ts';

const MAX_DETAIL = 500;

/**
 * A sampler of records per reason for one function instance: a burst of 5, then one every 5 s (settings
 * ERRORS_SAMPLE_BURST and ERRORS_SAMPLE_PER_SECOND; the e2e tests raise them so that no case is left out).
 */
export const errorSampler = () =>
  createSampler({ burst: numberFromEnv('ERRORS_SAMPLE_BURST', 5), perSecond: numberFromEnv('ERRORS_SAMPLE_PER_SECOND', 0.2) });

function itemOf(entry: ErrorEntry) {
  const id = entry.id ?? randomUUID();
  const shard = entry.id ? fnv1a(entry.id) % ERROR_SHARDS : Math.floor(Math.random() * ERROR_SHARDS);
  return {
    ...errorKeys({ reason: entry.reason, at: entry.at, id, shard, episodeId: entry.episode_id }),
    id,
    at: entry.at,
    reason: entry.reason,
    source: entry.source,
    ...(entry.status !== undefined ? { status: entry.status } : {}),
    ...(entry.detail ? { detail: entry.detail.slice(0, MAX_DETAIL) } : {}),
    ...(entry.episode_id ? { episode_id: entry.episode_id } : {}),
    ...(entry.question_index !== undefined ? { question_index: entry.question_index } : {}),
    ...(entry.user_id ? { user_id: entry.user_id } : {}),
    ...(entry.message_id ? { message_id: entry.message_id } : {}),
    ...(entry.payload ? { payload: entry.payload } : {}),
    represents: entry.represents ?? 1,
    expires_at: Math.floor((entry.at + ERROR_TTL_MS) / 1000),
  };
}

export async function putError(entry: ErrorEntry): Promise<void> {
  await documents.send(new PutCommand({ TableName: tableName('errors'), Item: itemOf(entry) }));
}

/** Many records at once (BatchWriteItem), never sampled: the client events that did not validate. */
export async function putErrors(entries: ErrorEntry[]): Promise<number> {
  return batchPut(tableName('errors'), entries.map(itemOf));
}

const markerKey = (messageId: string) => ({ pk: `~dead_letter#${messageId}`, sk: '-' });

/**
 * Records a dead letter and its marker in one transaction. `onlyIfNew`: skip it when the marker exists (the sweep);
 * otherwise (a consumer's last attempt, which knows why it failed) always record it. Returns whether it was recorded.
 */
export async function putDeadLetter(entry: ErrorEntry & { message_id: string }, onlyIfNew: boolean): Promise<boolean> {
  const table = tableName('errors');
  const item = itemOf(entry);
  try {
    await documents.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table,
              Item: { ...markerKey(entry.message_id), recorded_at: entry.at, record: item.pk, expires_at: item.expires_at },
              ...(onlyIfNew ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}),
            },
          },
          { Put: { TableName: table, Item: item } },
        ],
      }),
    );
    return true;
  } catch (err) {
    const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
    if ((err as Error).name === 'TransactionCanceledException' && reasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
    throw err;
  }
}

/** The message ids among `messageIds` that are already recorded as dead letters. */
export async function recordedDeadLetters(messageIds: string[]): Promise<Set<string>> {
  const table = tableName('errors');
  const seen = new Set<string>();
  const unique = [...new Set(messageIds)];
  for (let i = 0; i < unique.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map(markerKey);
    for (let attempt = 0; keys && keys.length > 0 && attempt < 5; attempt++) {
      const out = await documents.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ProjectionExpression: 'pk' } } }));
      for (const item of out.Responses?.[table] ?? []) seen.add(String(item.pk).slice('~dead_letter#'.length));
      keys = out.UnprocessedKeys?.[table]?.Keys as Record<string, unknown>[] | undefined;
    }
  }
  return seen;
}

export interface ErrorQuery {
  reason?: string;
  episodeId?: string;
  from: number;
  to: number;
  limit: number;
}

const toRecord = (item: Record<string, unknown>): ErrorRecord => {
  const { pk: _pk, sk: _sk, time_key: _t, episode_key: _e, expires_at: _x, ...rest } = item;
  return rest as ErrorRecord;
};

/** Queries one partition's [from, to], newest first, up to `limit` items. */
async function queryPartition(index: string | undefined, keyName: string, keyValue: string, q: ErrorQuery): Promise<{ items: ErrorRecord[]; more: boolean }> {
  const { lo, hi } = sortKeyRange(q.from, q.to);
  // One item past the page says whether there is more.
  const { items, more } = await queryUpTo(
    {
      TableName: tableName('errors'),
      ...(index ? { IndexName: index } : {}),
      KeyConditionExpression: '#k = :k AND sk BETWEEN :lo AND :hi',
      ExpressionAttributeNames: { '#k': keyName, ...(q.reason && index ? { '#r': 'reason' } : {}) },
      ExpressionAttributeValues: { ':k': keyValue, ':lo': lo, ':hi': hi, ...(q.reason && index ? { ':r': q.reason } : {}) },
      ...(q.reason && index ? { FilterExpression: '#r = :r' } : {}),
      ScanIndexForward: false,
    },
    q.limit + 1,
  );
  return { items: items.map(toRecord), more: items.length > q.limit || more };
}

/** Runs `tasks` with at most `n` at a time. */
async function limited<T>(tasks: (() => Promise<T>)[], n: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]();
      }
    }),
  );
  return results;
}

/**
 * By reason (the table's own key), by episode (index `episode`, filtered by reason when both are given), or
 * everything (index `time`): the shards of every day of the range, merged newest first.
 */
export async function queryErrors(q: ErrorQuery): Promise<{ items: ErrorRecord[]; truncated: boolean }> {
  const shards = Array.from({ length: ERROR_SHARDS }, (_, i) => i);
  const partitions: { index?: string; key: string; value: string }[] = q.episodeId
    ? shards.map((s) => ({ index: 'episode', key: 'episode_key', value: `${q.episodeId}#${s}` }))
    : daysOf(q.from, q.to).flatMap((day) =>
        shards.map((s) => (q.reason ? { key: 'pk', value: `${q.reason}#${day}#${s}` } : { index: 'time', key: 'time_key', value: `${day}#${s}` })),
      );
  const pages = await limited(
    partitions.map((p) => () => queryPartition(p.index, p.key, p.value, q)),
    16,
  );
  const all = pages.flatMap((p) => p.items).sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1));
  return { items: all.slice(0, q.limit), truncated: all.length > q.limit || pages.some((p) => p.more) };
}
