/**
 * Exact under faults: the counters of a show stay exact while DynamoDB throttles (ProvisionedThroughputExceeded,
 * retried by the SDK), while the answers consumer fails on part of a batch (those answers are retried), and while the
 * grader fails halfway through its writes (the stream batch is retried or bisected). Faults are injected by the
 * proxy that stands between the functions and DynamoDB Local (lib/local/dynamoProxy.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { FaultPlan, MeterSnapshot } from '../../lib/local/dynamoProxy.ts';
import { admin, createShow, player, waitForEpisode, questionOpen, type Player } from './support/game.ts';
import { sqsClient, stack } from './support/index.ts';
import { answerCounts } from '../support/statistics.ts';

const proxy = () => {
  const endpoint = stack().dynamoProxyEndpoint;
  if (!endpoint) throw new Error('the e2e stack runs without its DynamoDB proxy');
  return endpoint;
};
const setFaults = async (plan: FaultPlan) => expect((await fetch(`${proxy()}/__faults`, { method: 'POST', body: JSON.stringify(plan) })).status).toBe(200);
const clearFaults = async () => (await (await fetch(`${proxy()}/__faults`, { method: 'DELETE' })).json()) as { used: number };
const meter = async () => (await (await fetch(`${proxy()}/__meter`)).json()) as MeterSnapshot;

const PLAYERS = 12;

/** One question, PLAYERS players: 0..7 answer right, 8..10 wrong, 11 stays silent. Returns the question's statistics. */
async function playOneQuestion(run: string, duringAnswers: () => Promise<void>) {
  const producer = await admin();
  const players: Player[] = [];
  for (let p = 0; p < PLAYERS; p++) players.push(await player(`${run}-p${p}@example.com`, {}));
  const q = { id: `${run}-q`, question: 'Largest ocean?', options: ['Atlantic', 'Pacific', 'Indian'], answer: 1 };
  expect((await producer.call('POST', '/api/v1/question', q)).status).toBe(201);
  expect((await producer.call('POST', '/api/v1/game', { id: `${run}-game`, qset: [q.id, q.id] })).status).toBe(201);
  const episodeId = `${run}-episode`;
  await createShow(producer, { id: episodeId, game_id: `${run}-game`, answer_window_seconds: 6, reveal_seconds: 1, lead_seconds: 0 }, players);
  await waitForEpisode(producer, episodeId, questionOpen(0), 'question 0 open');
  await duringAnswers();
  const statuses = await Promise.all(
    players.slice(0, 11).map((pl, p) => pl.call('POST', '/api/v1/response', { episode_id: episodeId, question_id: q.id, answer: p < 8 ? 1 : 0 })),
  );
  expect(statuses.map((s) => s.status)).toEqual(new Array(11).fill(202));
  await waitForEpisode(producer, episodeId, (e) => e.current_question_index >= 1 || e.state === 'ENDED', 'question 0 final', 60_000);
  const injected = await clearFaults();
  const stats = await producer.call('GET', `/api/v1/episode/${episodeId}/question/0/statistics`);
  expect(stats.status).toBe(200);
  return { stats: stats.body, injected: injected.used };
}

const EXACT = {
  answer_counts: answerCounts([3, 8, 0], 1),
  answered_count: 11,
  advancing_count: 8,
  eliminated_count: 4,
};

/** Dead letters of this test's show (the DLQ is shared with the rest of the suite). */
async function deadLettersOf(run: string) {
  const out = await sqsClient().send(new ReceiveMessageCommand({ QueueUrl: stack().dlqUrls.answers, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
  return (out.Messages ?? []).filter((m) => m.Body?.includes(run));
}

describe('exact counts under faults', () => {
  afterEach(async () => {
    await clearFaults();
  });

  it('stays exact while DynamoDB throttles every third request', async () => {
    const before = await meter();
    const { stats, injected } = await playOneQuestion(`throttle-${Date.now().toString(36)}`, () =>
      setFaults({ kind: 'throttle', every: 3, operations: ['PutItem', 'UpdateItem', 'BatchGetItem', 'GetItem', 'Query'] }),
    );
    expect(stats).toMatchObject(EXACT);
    expect(injected).toBeGreaterThan(5);
    expect((await meter()).faultsInjected).toBeGreaterThan(before.faultsInjected);
  });

  it('stays exact when the answers consumer fails on part of a batch', async () => {
    const run = `consumer-${Date.now().toString(36)}`;
    const { stats, injected } = await playOneQuestion(run, () =>
      // Every other answer write fails with a non-retryable error, four times in all: those records fail, the rest of
      // the batch is stored, and the failed answers come back at once and are stored on their next delivery.
      setFaults({ kind: 'fail', every: 2, limit: 4, operations: ['PutItem'], tableIncludes: 'responses' }),
    );
    expect(injected).toBe(4);
    expect(stats).toMatchObject(EXACT);
    expect(await deadLettersOf(run)).toEqual([]);
  });

  it('stays exact when the grader fails halfway through its writes', async () => {
    const { stats, injected } = await playOneQuestion(`grader-${Date.now().toString(36)}`, () =>
      setFaults({ kind: 'fail', every: 1, limit: 2, operations: ['PutItem'], tableIncludes: 'statistics' }),
    );
    expect(injected).toBe(2);
    expect(stats).toMatchObject(EXACT);
  });
});
