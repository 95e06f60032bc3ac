/**
 * The finalize race (recordAnswers and the runner's finalize step, `finalStatistics`): an answer stored while a question
 * is being finalized must be in the final statistics, or not stored at all. Both sides run against one small in-memory
 * table set, and each test stops one side at a chosen step, runs the other to the end, then lets the first go on:
 * the interleavings are forced, not left to timing.
 * Handlers (lambda/): queue/recordAnswers.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type PutCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse } from 'aws-lambda';
import { shardOf } from '../../lambda/domain/answers.ts';
import type { Episode, QueuedAnswer, Question } from '../../lambda/domain/schemas.ts';
import type { StoredStatistics } from '../../lambda/store/statistics.ts';
import {
  NOW,
  TABLES,
  conditionalCheckFailed,
  isolateEachTest,
  lambdaContext,
  openEpisode,
  question,
  sqsEvent,
  sqsRecord,
  transactionCanceled,
} from './support.ts';
import { loadHandlers, clearEpisodeCache } from './loadHandlers.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);

let finalStatistics: typeof import('../../lambda/usecases/finalizeQuestion.ts').finalStatistics;

const { recordAnswers } = loadHandlers(['recordAnswers'], { POWERTOOLS_DEV: 'true' });

beforeAll(async () => {
  finalStatistics = (await import('../../lambda/usecases/finalizeQuestion.ts')).finalStatistics;
});

isolateEachTest({ mocks: [ddb, sqs], clearEpisodeCache, quiet: ['warn', 'error', 'log'] });

type Item = Record<string, unknown>;
const KEYS: Record<string, string[]> = {
  [TABLES.episodes]: ['id'],
  [TABLES.questions]: ['id'],
  [TABLES.responses]: ['pk', 'user_id'],
  [TABLES.statistics]: ['pk', 'sk'],
};

/** A gate one side waits at while the test runs the other side. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  let reached!: () => void;
  const arrived = new Promise<void>((resolve) => (reached = resolve));
  return { open, arrived, wait: () => (reached(), opened) };
}

/**
 * The tables, with DynamoDB's conditions and transactions, and a grader that counts each stored answer at once (one
 * partial per answer): the race under test is between storing and finalizing, not the grader's lag.
 */
function tables() {
  const items = new Map<string, Item>();
  const id = (table: string, key: Item) => `${table}|${KEYS[table].map((k) => String(key[k])).join('|')}`;
  let sequence = 0;
  const holds: { table: string; sk?: string; gate: ReturnType<typeof gate> }[] = [];

  const conditionHolds = (existing: Item | undefined, condition: string | undefined, values: Item = {}) => {
    if (!condition) return true;
    if (condition === 'attribute_not_exists(pk)') return !existing;
    if (condition === 'attribute_not_exists(pk) OR received_at > :received') return !existing || (existing.received_at as number) > (values[':received'] as number);
    throw new Error(`the fake does not know the condition ${condition}`);
  };
  const store = (table: string, item: Item) => {
    items.set(id(table, item), item);
    if (table !== TABLES.responses) return;
    sequence += 1;
    const seq = String(sequence);
    const counts = [0, 0, 0];
    counts[item.answer as number] = 1;
    const value = { counts, correct: item.correct ? 1 : 0, total: 1 };
    const pk = `${item.episode_id as string}#q${item.question_index as number}`;
    items.set(id(TABLES.statistics, { pk, sk: `p#${seq}` }), { pk, sk: `p#${seq}`, first: seq, last: seq, value });
  };
  const put = (input: PutCommandInput) => {
    const existing = items.get(id(input.TableName!, input.Item!));
    if (!conditionHolds(existing, input.ConditionExpression, input.ExpressionAttributeValues)) throw conditionalCheckFailed();
    store(input.TableName!, input.Item!);
  };
  const holdAt = async (table: string, sk?: string) => {
    const hold = holds.find((h) => h.table === table && (h.sk === undefined || h.sk === sk));
    if (hold) {
      holds.splice(holds.indexOf(hold), 1);
      await hold.gate.wait();
    }
  };

  ddb.on(GetCommand).callsFake(async (input) => {
    await holdAt(input.TableName, undefined);
    const item = items.get(id(input.TableName, input.Key));
    return item ? { Item: structuredClone(item) } : {};
  });
  ddb.on(PutCommand).callsFake(async (input: PutCommandInput) => {
    await holdAt(input.TableName!, input.Item?.sk as string | undefined);
    put(input);
    return {};
  });
  ddb.on(BatchWriteCommand).callsFake(async (input) => {
    for (const [table, requests] of Object.entries(input.RequestItems as Record<string, { PutRequest: { Item: Item } }[]>)) {
      for (const r of requests) store(table, r.PutRequest.Item);
    }
    return { UnprocessedItems: {} };
  });
  ddb.on(TransactWriteCommand).callsFake(async (input) => {
    const actions = input.TransactItems as { Put?: PutCommandInput; ConditionCheck?: { TableName: string; Key: Item; ConditionExpression: string } }[];
    const codes = actions.map((a) => {
      const target = a.Put ? items.get(id(a.Put.TableName!, a.Put.Item!)) : items.get(id(a.ConditionCheck!.TableName, a.ConditionCheck!.Key));
      const condition = a.Put?.ConditionExpression ?? a.ConditionCheck?.ConditionExpression;
      return conditionHolds(target, condition, a.Put?.ExpressionAttributeValues) ? 'None' : 'ConditionalCheckFailed';
    });
    if (codes.some((c) => c !== 'None')) throw transactionCanceled(codes);
    for (const a of actions) if (a.Put) store(a.Put.TableName!, a.Put.Item!);
    return {};
  });
  ddb.on(QueryCommand).callsFake(async (input) => {
    const values = input.ExpressionAttributeValues as Item;
    const matching = [...items.entries()]
      .filter(([key, item]) => key.startsWith(`${input.TableName}|`) && item.pk === values[':pk'])
      .map(([, item]) => item)
      .filter((item) => values[':p'] === undefined || String(item.sk).startsWith(values[':p'] as string));
    return input.Select === 'COUNT' ? { Count: matching.length } : { Items: structuredClone(matching) };
  });
  sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0', ApproximateNumberOfMessagesDelayed: '0' } });

  return {
    seed: (table: string, item: Item) => items.set(id(table, item), item),
    /** An answer stored (and counted) before the test's interleaving begins. */
    stored: (item: Item) => store(TABLES.responses, item),
    /** Stops the next request to `table` (with sort key `sk`, for puts) until the returned gate is opened. */
    hold: (table: string, sk?: string) => {
      const g = gate();
      holds.push({ table, sk, gate: g });
      return g;
    },
    answersTo: (episodeId: string, index: number) =>
      [...items.values()].filter((i) => i.episode_id === episodeId && i.question_index === index && typeof i.user_id === 'string'),
  };
}

describe('the finalize race: an answer is in the final statistics, or not stored', () => {
  const ctx = lambdaContext('trivia-test-recordAnswers');

  function show(run: string) {
    const q: Question = question(`${run}-q`, 1);
    // The window closed 1 s ago (NOW - 9 s + 10 s); the runner may finalize from NOW + 1 s + 2 s (settle).
    const episode: Episode = { ...openEpisode(0, 9_000, q), id: `${run}-ep`, qset: [q.id], shard_count: 4 };
    const db = tables();
    db.seed(TABLES.episodes, { ...episode, live: 'live' });
    db.seed(TABLES.questions, { ...q, fingerprint: 'f' });
    const answer = (user: string, value: number): QueuedAnswer => ({
      episode_id: episode.id,
      question_id: q.id,
      question_index: 0,
      user_id: user,
      answer: value,
      received_at: NOW - 2_000,
      shard_count: episode.shard_count,
    });
    const graded = (a: QueuedAnswer) => ({ ...a, pk: `${a.episode_id}#0#${shardOf(a.user_id, a.shard_count)}`, correct: a.answer === q.answer });
    const consume = async (messageId: string, a: QueuedAnswer) =>
      (await recordAnswers(sqsEvent([sqsRecord(messageId, JSON.stringify(a))]), ctx)) as SQSBatchResponse;
    /** What the invariant is about: every stored answer is counted, and nothing else. */
    const expectStatisticsMatchStoredAnswers = (stats: StoredStatistics) => {
      const stored = db.answersTo(episode.id, 0);
      expect(stats.answered_count).toBe(stored.length);
      expect(stats.advancing_count).toBe(stored.filter((s) => s.correct === true).length);
    };
    return { q, episode, db, answer, graded, consume, expectStatisticsMatchStoredAnswers };
  }

  it('the whole finalize step runs between the consumer’s check of the episode and its write', async () => {
    const { q, episode, db, answer, graded, consume, expectStatisticsMatchStoredAnswers } = show('race-a');
    for (const [user, value] of [['u1', 1], ['u2', 1], ['u3', 0]] as const) db.stored(graded(answer(user, value)));

    // The consumer has read the episode (open, nothing final) and stops when it loads the question, before its write.
    const beforeWrite = db.hold(TABLES.questions);
    const late = consume('m-late', answer('u-late', 1));
    await beforeWrite.arrived;
    // Meanwhile the runner finalizes the question.
    const finalizedAt = episode.question_end_timestamp + episode.settle_ms + 100;
    vi.setSystemTime(finalizedAt);
    const stats = await finalStatistics(episode, q, finalizedAt);
    beforeWrite.open();

    const outcome = await late;
    expect(stats).not.toBeNull();
    expectStatisticsMatchStoredAnswers(stats!);
    expect(stats!.answered_count).toBe(3);
    expect(outcome.batchItemFailures).toEqual([{ itemIdentifier: 'm-late' }]);
  });

  it('an answer is written between the finalize step’s count and its final write', async () => {
    const { q, episode, db, answer, consume, expectStatisticsMatchStoredAnswers } = show('race-b');
    for (const [user, value] of [['u1', 1], ['u2', 0]] as const) expect((await consume(`m-${user}`, answer(user, value))).batchItemFailures).toEqual([]);

    const finalizedAt = episode.question_end_timestamp + episode.settle_ms + 100;
    vi.setSystemTime(finalizedAt);
    // The runner has counted the answers and stops before it stores the final statistics.
    const beforeFinalWrite = db.hold(TABLES.statistics, 'final');
    const finalizing = finalStatistics(episode, q, finalizedAt);
    await beforeFinalWrite.arrived;
    // Meanwhile the consumer handles one more answer from the queue.
    const late = await consume('m-late', answer('u-late', 1));
    beforeFinalWrite.open();

    const stats = await finalizing;
    expect(stats).not.toBeNull();
    expectStatisticsMatchStoredAnswers(stats!);
    expect(stats!.answered_count).toBe(2);
    expect(late.batchItemFailures).toEqual([{ itemIdentifier: 'm-late' }]);
  });
});
