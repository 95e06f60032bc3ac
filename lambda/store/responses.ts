/**
 * The responses table: one item per counted answer, graded when written. Keys spread over
 * `${episode_id}#${question_index}#${shard}` partitions; nothing here is shared by all players.
 */
import { BatchGetCommand, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { shardOf, type PlayerRecord } from '../domain/answers.ts';
import type { Episode, Response } from '../domain/schemas.ts';
import { now, realMs } from '../shared/clock.ts';
import { tableName } from '../shared/env.ts';
import { documents } from './clients.ts';
import { participantKey } from './participants.ts';
import { countAll, queryAll } from './query.ts';
import { sealKey } from './statistics.ts';

const table = () => tableName('responses');
const RETENTION_SECONDS = 400 * 24 * 3600;

export const responseKey = (episodeId: string, questionIndex: number, userId: string, shardCount: number) => ({
  pk: `${episodeId}#${questionIndex}#${shardOf(userId, shardCount)}`,
  user_id: userId,
});

/**
 * One round trip for everything the answer handler must know about a player: its registration, its answer to the
 * previous question and its answer to this one.
 */
export async function loadPlayerRecord(episode: Episode, questionIndex: number, userId: string): Promise<PlayerRecord> {
  const participants = tableName('participants');
  const responseKeys = [responseKey(episode.id, questionIndex, userId, episode.shard_count)];
  if (questionIndex > 0) responseKeys.push(responseKey(episode.id, questionIndex - 1, userId, episode.shard_count));
  let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = {
    [participants]: { Keys: [participantKey(episode, userId)] },
    [table()]: { Keys: responseKeys },
  };
  const items: { table: string; item: Record<string, unknown> }[] = [];
  while (request && Object.keys(request).length > 0) {
    const out = await documents.send(new BatchGetCommand({ RequestItems: request }));
    for (const [t, list] of Object.entries(out.Responses ?? {})) for (const item of list) items.push({ table: t, item });
    request = out.UnprocessedKeys as typeof request;
  }
  const registration = items.find((i) => i.table === participants);
  const answerTo = (index: number) => items.find((i) => i.table !== participants && i.item.question_index === index)?.item;
  const previous = questionIndex > 0 ? answerTo(questionIndex - 1) : undefined;
  const current = answerTo(questionIndex);
  return {
    registered: !!registration,
    ...(previous ? { previous: { correct: previous.correct === true } } : {}),
    ...(current ? { current: { answer: current.answer as number } } : {}),
  };
}

/** A player's registration and stored answers to questions 0..`throughIndex` (BatchGetItem, 100 keys a request). */
export async function loadPlayerAnswers(
  episode: Episode,
  userId: string,
  throughIndex: number,
): Promise<{ registered: boolean; answers: Map<number, Pick<Response, 'answer' | 'correct'>> }> {
  const participants = tableName('participants');
  const keys: { table: string; key: Record<string, unknown> }[] = [{ table: participants, key: participantKey(episode, userId) }];
  for (let i = 0; i <= throughIndex; i++) keys.push({ table: table(), key: responseKey(episode.id, i, userId, episode.shard_count) });
  let registered = false;
  const answers = new Map<number, Pick<Response, 'answer' | 'correct'>>();
  for (let start = 0; start < keys.length; start += 100) {
    let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = {};
    for (const { table: t, key } of keys.slice(start, start + 100)) (request[t] ??= { Keys: [] }).Keys.push(key);
    while (request && Object.keys(request).length > 0) {
      const out = await documents.send(new BatchGetCommand({ RequestItems: request }));
      for (const [t, list] of Object.entries(out.Responses ?? {})) {
        for (const item of list) {
          if (t === participants) registered = true;
          else answers.set(item.question_index as number, { answer: item.answer as number, correct: item.correct === true });
        }
      }
      request = out.UnprocessedKeys as typeof request;
    }
  }
  return { registered, answers };
}

export type StoreOutcome = 'stored' | 'duplicate' | 'sealed';

/**
 * Stores an answer unless this player already has one for this question received earlier. Queued answers may be
 * stored out of order; comparing `received_at` (the server's stamp) makes the first answer given the one that counts.
 *
 * Before `plainUntil` (lambda/domain/answers.ts `plainStoreDeadline`) it is one conditional put, abandoned if it cannot be
 * sent by then. After it, the put and a check that the question is not sealed are one transaction: either the answer is
 * stored before the seal, and the runner's final count (taken after sealing) includes it, or it is not stored at all.
 */
export async function storeFirstAnswer(r: Response, plainUntil: number): Promise<StoreOutcome> {
  const put = {
    TableName: table(),
    Item: {
      ...responseKey(r.episode_id, r.question_index, r.user_id, r.shard_count),
      ...r,
      expires_at: Math.floor(r.received_at / 1000) + RETENTION_SECONDS,
    },
    ConditionExpression: 'attribute_not_exists(pk) OR received_at > :received',
    ExpressionAttributeValues: { ':received': r.received_at },
  };
  const left = plainUntil - now();
  if (left > 0) {
    try {
      await documents.send(new PutCommand(put), { abortSignal: AbortSignal.timeout(Math.max(1, realMs(left))) });
      return 'stored';
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return 'duplicate';
      throw err;
    }
  }
  const seal = sealKey(r.episode_id, r.question_index, shardOf(r.user_id, r.shard_count));
  try {
    await documents.send(
      new TransactWriteCommand({
        TransactItems: [{ Put: put }, { ConditionCheck: { TableName: tableName('statistics'), Key: seal, ConditionExpression: 'attribute_not_exists(pk)' } }],
      }),
    );
    return 'stored';
  } catch (err) {
    const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
    if ((err as Error).name === 'TransactionCanceledException') {
      if (reasons?.[1]?.Code === 'ConditionalCheckFailed') return 'sealed';
      if (reasons?.[0]?.Code === 'ConditionalCheckFailed') return 'duplicate';
    }
    throw err;
  }
}

/** All stored answers to one question, shard by shard (reports and winners; not on the hot path). */
export async function listAnswers(
  episode: Pick<Episode, 'id' | 'shard_count'>,
  questionIndex: number,
  onlyCorrect = false,
  consistent = false,
): Promise<Response[]> {
  const shards = await Promise.all(
    Array.from({ length: episode.shard_count }, (_, shard) =>
      queryAll<Response>({
        TableName: table(),
        ...(consistent ? { ConsistentRead: true } : {}),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `${episode.id}#${questionIndex}#${shard}`, ...(onlyCorrect ? { ':yes': true } : {}) },
        ...(onlyCorrect ? { FilterExpression: 'correct = :yes' } : {}),
      }),
    ),
  );
  return shards.flat();
}

export async function answerExists(a: Pick<Response, 'episode_id' | 'question_index' | 'user_id' | 'shard_count'>): Promise<boolean> {
  const out = await documents.send(
    new GetCommand({ TableName: table(), Key: responseKey(a.episode_id, a.question_index, a.user_id, a.shard_count), ConsistentRead: true }),
  );
  return !!out.Item;
}

/** How many answers to one question are stored, shard by shard (the runner's check that every answer is counted). */
export async function countAnswers(episode: Pick<Episode, 'id' | 'shard_count'>, questionIndex: number): Promise<number> {
  const counts = await Promise.all(
    Array.from({ length: episode.shard_count }, (_, shard) =>
      countAll({ TableName: table(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `${episode.id}#${questionIndex}#${shard}` } }),
    ),
  );
  return counts.reduce((a, b) => a + b, 0);
}
