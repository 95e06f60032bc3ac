/**
 * The episode runner (lambda/usecases/runEpisode.ts and its queue/schedule entry point) against mocked clients.
 * The episodes table is a small fake that honours the runner's conditional write on `version`, so a run can take
 * several steps in a row exactly as it would against DynamoDB.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { SQSBatchResponse } from 'aws-lambda';
import type { Episode } from '../../lambda/domain/schemas.ts';
import {
  NOW,
  QUEUES,
  TABLES,
  TOPIC_ARN,
  conditionalCheckFailed,
  episode,
  episodesTableFake,
  liveChannel,
  lambdaContext,
  openEpisode,
  question,
  setFields,
  sqsEvent,
  sqsRecord,
  isolateEachTest,
} from './support.ts';
import { loadHandlers } from './loadHandlers.ts';
import { storedStatistics } from '../support/statistics.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const sns = mockClient(SNSClient);

const outboxDir = mkdtempSync(join(tmpdir(), 'trivia-outbox-'));
const OUTBOX = join(outboxDir, 'notifications.jsonl');

let runEpisode: typeof import('../../lambda/usecases/runEpisode.ts').runEpisode;

const { episodeRunner } = loadHandlers(['episodeRunner'], { NOTIFICATIONS_TOPIC_ARN: 'local:outbox', NOTIFICATIONS_OUTBOX_FILE: OUTBOX, POWERTOOLS_DEV: 'true' });

beforeAll(async () => {
  runEpisode = (await import('../../lambda/usecases/runEpisode.ts')).runEpisode;
});

afterAll(() => rmSync(outboxDir, { recursive: true, force: true }));

isolateEachTest({ mocks: [ddb, sqs, sns] });
beforeEach(() => {
  writeFileSync(OUTBOX, '');
  ddb.on(GetCommand, { TableName: TABLES.questions }).callsFake((input: { Key: { id: string } }) => ({ Item: QUESTIONS[input.Key.id] }));
  sqs.on(SendMessageCommand).resolves({ MessageId: 'tick' });
  liveEpisodes([]);
});

/** The episodes that are not over, as the `live` index lists them (rule 6 across episodes). */
const liveEpisodes = (items: Pick<Episode, 'id' | 'state' | 'qset'>[]) =>
  ddb.on(QueryCommand, { TableName: TABLES.episodes, IndexName: 'live' }).resolves({ Items: items });

const QUESTIONS: Record<string, ReturnType<typeof question>> = {
  q1: question('q1', 1),
  q2: question('q2', 0, ['yes', 'no']),
  q3: question('q3', 3, ['a', 'b', 'c', 'd']),
};

const episodesTable = (initial: Episode) => episodesTableFake(ddb, initial);

/** The runner's transitions (the published marks are writes of their own). */
const updates = () =>
  ddb
    .commandCalls(UpdateCommand)
    .map((c) => c.args[0].input)
    .filter((u) => u.ConditionExpression === '#version = :expected');
const ticks = () => sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);

/** The answers have settled: nothing queued, and `stored` answers to question 0 in the responses table (shard 0). */
function settled(stored: number, queued = 0) {
  sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: String(queued), ApproximateNumberOfMessagesNotVisible: '0', ApproximateNumberOfMessagesDelayed: '0' } });
  ddb.on(QueryCommand, { TableName: TABLES.responses }).callsFake((input: { ExpressionAttributeValues: Record<string, string> }) => ({
    Count: input.ExpressionAttributeValues[':pk'].endsWith('#0#0') ? stored : 0,
  }));
}

function clockAt(start = NOW) {
  let t = start;
  return {
    clock: () => t,
    sleep: vi.fn(async (ms: number) => {
      t += ms;
    }),
  };
}

describe('runEpisode', () => {
  it('opens question 0 when STARTED and due, with a write conditioned on the version, then ticks for the close', async () => {
    const table = episodesTable(episode({ state: 'STARTED', participant_count: 3, started_at: NOW - 60_000, next_step_at: NOW - 5, version: 1, seq: 4, published_seq: 4, announced_count: 3 }));
    const channel = liveChannel();
    const opts = clockAt();
    const result = await runEpisode('ep1', opts);

    expect(result).toEqual({ steps: ['open'], state: 'QUESTION_OPEN', scheduledFor: NOW + 10_000 });
    expect(updates()).toHaveLength(1);
    const update = updates()[0];
    expect(update.TableName).toBe(TABLES.episodes);
    expect(update.Key).toEqual({ id: 'ep1' });
    expect(update.ConditionExpression).toBe('#version = :expected');
    expect(update.ExpressionAttributeNames?.['#version']).toBe('version');
    expect(update.ExpressionAttributeValues?.[':expected']).toBe(1);
    expect(setFields(update)).toMatchObject({
      state: 'QUESTION_OPEN',
      current_question_index: 0,
      question_start_timestamp: NOW,
      question_end_timestamp: NOW + 10_000,
      current_question: { id: 'q1', question: 'What is q1?', options: ['alpha', 'bravo', 'charlie'] },
      current_answer: 1,
      next_step_at: NOW + 10_000,
      version: 2,
    });
    expect(setFields(update)).toMatchObject({ seq_at: NOW });
    expect(update.UpdateExpression).toMatch(/ ADD #seq :one$/);
    expect(table.current()).toMatchObject({ state: 'QUESTION_OPEN', version: 2, seq: 5 });
    expect(ticks()).toEqual([{ QueueUrl: QUEUES.runnerTicks, MessageBody: JSON.stringify({ episode_id: 'ep1', due_at: NOW + 10_000 }), DelaySeconds: 10 }]);
    expect(opts.sleep).not.toHaveBeenCalled();

    // Published as soon as committed, signed, on the episode's channel, without the answer; then marked published.
    expect(channel.published).toHaveLength(1);
    expect(channel.published[0]).toMatchObject({ channel: '/episodes/ep1', signed: true });
    const [event] = channel.events();
    expect(event).toMatchObject({ type: 'question.opened', episode_id: 'ep1', seq: 5, server_time: NOW });
    expect(event.episode).toMatchObject({ state: 'QUESTION_OPEN', current_question: { id: 'q1', options: ['alpha', 'bravo', 'charlie'] } });
    expect(JSON.stringify(event)).not.toMatch(/"answer"|current_answer/);
    expect(table.current().published_seq).toBe(5);
  });

  it('a failed publish does not fail the committed transition, and leaves the event to the stream relay (no mark)', async () => {
    const table = episodesTable(episode({ state: 'STARTED', participant_count: 3, started_at: NOW - 60_000, next_step_at: NOW - 5, version: 1, seq: 4, published_seq: 4, announced_count: 3 }));
    const channel = liveChannel();
    channel.failNext(1);
    const result = await runEpisode('ep1', clockAt());
    expect(result.steps).toEqual(['open']);
    expect(table.current()).toMatchObject({ state: 'QUESTION_OPEN', seq: 5, published_seq: 4 });
    expect(channel.published).toHaveLength(0);
  });

  it('announces a participant count that is owed, at most once a second, while registration is open', async () => {
    const table = episodesTable(episode({ participant_count: 1, announced_count: 0, seq: 2, published_seq: 2, seq_at: NOW - 400, version: 0 }));
    const channel = liveChannel();
    const opts = clockAt();
    const result = await runEpisode('ep1', opts);
    // Due 600 ms from now: waited for in process, then announced.
    expect(opts.sleep).toHaveBeenCalledExactlyOnceWith(600);
    expect(result).toEqual({ steps: [], state: 'CREATED' });
    expect(table.current()).toMatchObject({ announced_count: 1, seq: 3, seq_at: NOW + 600, published_seq: 3 });
    expect(channel.events()).toEqual([expect.objectContaining({ type: 'participants.counted', seq: 3, participant_count: 1, server_time: NOW + 600 })]);
  });

  it('starts before it announces an owed count: the start carries the count, and a second fan-out would only delay it', async () => {
    episodesTable(episode({ participant_count: 2, announced_count: 1, seq: 2, published_seq: 2, seq_at: NOW - 5_000, version: 0 }));
    const channel = liveChannel();
    expect((await runEpisode('ep1', clockAt())).steps).toEqual(['start']);
    // One event: the start, with the count; the count is not owed after it either.
    expect(channel.events()).toEqual([expect.objectContaining({ type: 'episode.started', episode: expect.objectContaining({ participant_count: 2 }) })]);
  });

  it('schedules no tick when it loses the conditional write to another runner', async () => {
    episodesTable(episode({ state: 'STARTED', participant_count: 3, next_step_at: NOW - 5, version: 1 }));
    ddb.on(UpdateCommand).rejects(conditionalCheckFailed());
    const result = await runEpisode('ep1', clockAt());
    expect(result).toEqual({ steps: [], state: 'STARTED' });
    expect(updates()).toHaveLength(1);
    expect(ticks()).toHaveLength(0);
  });

  it('schedules one tick, DelaySeconds = whole seconds until due, when the step is more than 1.5 s away', async () => {
    episodesTable(episode({ state: 'STARTED', participant_count: 3, next_step_at: NOW + 7_300, version: 1 }));
    const opts = clockAt();
    const result = await runEpisode('ep1', opts);
    expect(result).toEqual({ steps: [], state: 'STARTED', scheduledFor: NOW + 7_300 });
    expect(updates()).toHaveLength(0);
    expect(ticks()).toEqual([{ QueueUrl: QUEUES.runnerTicks, MessageBody: JSON.stringify({ episode_id: 'ep1', due_at: NOW + 7_300 }), DelaySeconds: 7 }]);
    expect(opts.sleep).not.toHaveBeenCalled();
  });

  it('waits in process for a step due within 1.5 s, then applies it', async () => {
    episodesTable(episode({ state: 'STARTED', participant_count: 3, next_step_at: NOW + 1_200, version: 1 }));
    const opts = clockAt();
    const result = await runEpisode('ep1', opts);
    expect(opts.sleep).toHaveBeenCalledExactlyOnceWith(1_200);
    expect(result.steps).toEqual(['open']);
    expect(setFields(updates()[0])).toMatchObject({ question_start_timestamp: NOW + 1_200, question_end_timestamp: NOW + 11_200 });
    expect(ticks()[0].DelaySeconds).toBe(10);
  });

  it('starts an episode at its minimum, publishes the "starting" notification to the outbox, and ticks for question 0', async () => {
    const table = episodesTable(episode({ title: 'Friday Night', participant_count: 2, version: 0 }));
    const result = await runEpisode('ep1', clockAt());

    expect(result).toEqual({ steps: ['start'], state: 'STARTED', scheduledFor: NOW + 60_000 });
    expect(setFields(updates()[0])).toMatchObject({ state: 'STARTED', started_at: NOW, next_step_at: NOW + 60_000, version: 1 });
    expect(table.current()).toMatchObject({ state: 'STARTED', live: 'live' });

    const lines = readFileSync(OUTBOX, 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toEqual({
      type: 'episode.starting',
      episode_id: 'ep1',
      first_question_at: NOW + 60_000,
      participant_count: 2,
      title: 'Friday Night',
      published_at: NOW,
    });
    expect(sns.calls()).toHaveLength(0);
    expect(ticks()).toEqual([{ QueueUrl: QUEUES.runnerTicks, MessageBody: JSON.stringify({ episode_id: 'ep1', due_at: NOW + 60_000 }), DelaySeconds: 60 }]);
  });

  it('does not start while a running episode shares a question, and starts beside one that is only created', async () => {
    const table = episodesTable(episode({ participant_count: 2, version: 0 }));
    liveEpisodes([{ id: 'other', state: 'QUESTION_OPEN', qset: ['q9', 'q2'] }]);
    expect(await runEpisode('ep1', clockAt())).toEqual({ steps: [], state: 'CREATED' });
    expect(updates()).toHaveLength(0);
    expect(table.current().state).toBe('CREATED');

    liveEpisodes([{ id: 'other', state: 'CREATED', qset: ['q9', 'q2'] }, { id: 'ended-soon', state: 'QUESTION_OPEN', qset: ['q7'] }]);
    expect((await runEpisode('ep1', clockAt())).steps).toEqual(['start']);
  });

  it('stamps the start after the check for running episodes, so its event and lead count from the commit', async () => {
    const table = episodesTable(episode({ participant_count: 2, version: 0 }));
    const channel = liveChannel();
    const opts = clockAt();
    // The check for running episodes that share a question (a query of the live index) takes 80 ms of the clock.
    let checking = 0;
    ddb.on(QueryCommand, { TableName: TABLES.episodes, IndexName: 'live' }).callsFake(() => {
      checking = 80;
      return { Items: [] };
    });
    expect((await runEpisode('ep1', { ...opts, clock: () => opts.clock() + checking })).steps).toEqual(['start']);
    expect(table.current()).toMatchObject({ state: 'STARTED', started_at: NOW + 80, seq_at: NOW + 80, next_step_at: NOW + 80 + 60_000 });
    expect(channel.events().filter((e) => e.type === 'episode.started')).toEqual([expect.objectContaining({ server_time: NOW + 80 })]);
  });

  it('publishes the notification to SNS when the topic is a real one', async () => {
    vi.stubEnv('NOTIFICATIONS_TOPIC_ARN', TOPIC_ARN);
    try {
      sns.on(PublishCommand).resolves({ MessageId: 'n-1' });
      episodesTable(episode({ participant_count: 4, version: 0 }));
      await runEpisode('ep1', clockAt());
      const published = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
      expect(published).toHaveLength(1);
      expect(published[0].TopicArn).toBe(TOPIC_ARN);
      expect(JSON.parse(published[0].Message as string)).toEqual({
        type: 'episode.starting',
        episode_id: 'ep1',
        first_question_at: NOW + 60_000,
        participant_count: 4,
      });
      expect(readFileSync(OUTBOX, 'utf8')).toBe('');
    } finally {
      vi.stubEnv('NOTIFICATIONS_TOPIC_ARN', 'local:outbox');
    }
  });

  it('does nothing for an episode below its minimum: no write, no tick, no notification', async () => {
    episodesTable(episode({ participant_count: 1, version: 0 }));
    const result = await runEpisode('ep1', clockAt());
    expect(result).toEqual({ steps: [], state: 'CREATED' });
    expect(updates()).toHaveLength(0);
    expect(ticks()).toHaveLength(0);
    expect(readFileSync(OUTBOX, 'utf8')).toBe('');
  });

  it('does nothing for an episode that is over', async () => {
    episodesTable(episode({ state: 'ENDED', participant_count: 3, ended_at: NOW - 1000, end_reason: 'last_question' }));
    expect(await runEpisode('ep1', clockAt())).toEqual({ steps: [], state: 'ENDED' });
    expect(updates()).toHaveLength(0);
    expect(ticks()).toHaveLength(0);
  });

  it('closes a question whose window has passed, finalizes it from the partials, and ticks for the next question', async () => {
    // Question 0 closed 3 s ago; the 2 s settle time has passed, so it is finalized in the same run.
    const table = episodesTable(openEpisode(0, 13_000));
    const start = NOW - 13_000;
    ddb.on(GetCommand, { TableName: TABLES.statistics }).resolves({});
    ddb.on(QueryCommand, { TableName: TABLES.statistics }).resolves({
      Items: [
        { first: '10', last: '19', value: { counts: [1, 2], correct: 2, total: 3 } },
        { first: '20', last: '21', value: { counts: [0, 1, 0], correct: 1, total: 1 } },
      ],
    });
    ddb.on(PutCommand, { TableName: TABLES.statistics }).resolves({});
    settled(4);
    const channel = liveChannel();

    const result = await runEpisode('ep1', clockAt());

    expect(result).toEqual({ steps: ['close', 'finalize'], state: 'QUESTION_RESULTS', scheduledFor: NOW + 5_000 });
    expect(updates().map((u) => u.ExpressionAttributeValues?.[':expected'])).toEqual([2, 3]);
    expect(setFields(updates()[0])).toMatchObject({ state: 'QUESTION_CLOSED', next_step_at: start + 10_000 + 2_000, version: 3 });
    expect(setFields(updates()[1])).toMatchObject({ state: 'QUESTION_RESULTS', finalized_index: 0, eliminated_count: 2, next_step_at: NOW + 5_000, version: 4 });
    expect(channel.events().map((e) => [e.type, e.seq])).toEqual([
      ['question.closed', 1],
      ['question.results', 2],
    ]);
    expect(channel.events()[0]).toMatchObject({ correct_answer: '1' });
    expect(channel.events()[1].statistics).toMatchObject({ question_index: 0, answered_count: 4, advancing_count: 3, eliminated_count: 2 });

    const finals = ddb.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(finals).toHaveLength(1);
    expect(finals[0].ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(finals[0].Item).toEqual({
      pk: 'ep1#q0',
      sk: 'final',
      ...storedStatistics({ counts: [1, 3, 0], correct: 1, playersBefore: 5 }, { start, end: start + 10_000, finalizedAt: NOW }),
    });
    expect(table.current()).toMatchObject({ state: 'QUESTION_RESULTS', finalized_index: 0, eliminated_count: 2, participant_count: 5 });
    expect(ticks()).toEqual([{ QueueUrl: QUEUES.runnerTicks, MessageBody: JSON.stringify({ episode_id: 'ep1', due_at: NOW + 5_000 }), DelaySeconds: 5 }]);
  });

  it('ends the episode after the results when one player or none remains, and takes it off the live index', async () => {
    const table = episodesTable({ ...openEpisode(0, 13_000), state: 'QUESTION_CLOSED', version: 3 });
    ddb.on(GetCommand, { TableName: TABLES.statistics }).resolves({});
    ddb.on(QueryCommand, { TableName: TABLES.statistics }).resolves({ Items: [{ first: '1', last: '4', value: { counts: [3, 1, 0], correct: 1, total: 4 } }] });
    ddb.on(PutCommand).resolves({});
    settled(4);
    const channel = liveChannel();

    const results = await runEpisode('ep1', clockAt());
    expect(results).toEqual({ steps: ['finalize'], state: 'QUESTION_RESULTS', scheduledFor: NOW + 5_000 });
    expect(table.current()).toMatchObject({ eliminated_count: 4, live: 'live' });

    const result = await runEpisode('ep1', clockAt(NOW + 5_000));
    expect(result).toEqual({ steps: ['end'], state: 'ENDED' });
    expect(setFields(updates()[1])).toMatchObject({ state: 'ENDED', ended_at: NOW + 5_000, end_reason: 'one_or_none_left' });
    expect(channel.events().map((e) => e.type)).toEqual(['question.results', 'episode.ended']);
    expect(channel.events()[1]).toMatchObject({ winners_count: 1 });
    expect(updates()[1].UpdateExpression).toMatch(/ REMOVE .*#live/);
    expect(table.current().live).toBeUndefined();
    expect(ticks()).toHaveLength(1);
  });

  it('stamps the results and counts their reveal from when the statistics are final, not from before finalizing', async () => {
    const table = episodesTable({ ...openEpisode(0, 13_000), state: 'QUESTION_CLOSED', version: 3 });
    ddb.on(GetCommand, { TableName: TABLES.statistics }).resolves({});
    ddb.on(QueryCommand, { TableName: TABLES.statistics }).resolves({ Items: [{ first: '1', last: '4', value: { counts: [1, 3, 0], correct: 3, total: 4 } }] });
    settled(4);
    const channel = liveChannel();
    const opts = clockAt();
    // Finalizing (seal, recount, store the statistics) takes 700 ms of the clock.
    let finalizing = 0;
    ddb.on(PutCommand).callsFake(() => {
      finalizing = 700;
      return {};
    });
    const result = await runEpisode('ep1', { ...opts, clock: () => opts.clock() + finalizing });
    expect(result.steps).toEqual(['finalize']);
    expect(table.current()).toMatchObject({ state: 'QUESTION_RESULTS', seq_at: NOW + 700, next_step_at: NOW + 700 + 5_000 });
    expect(channel.events()).toEqual([expect.objectContaining({ type: 'question.results', server_time: NOW + 700 })]);
  });
});

describe('runEpisode waits for answers to settle before it finalizes', () => {
  const closed = () => episodesTable({ ...openEpisode(0, 13_000), state: 'QUESTION_CLOSED', version: 3 });
  const partials = () =>
    ddb.on(QueryCommand, { TableName: TABLES.statistics }).resolves({ Items: [{ first: '1', last: '4', value: { counts: [1, 3, 0], correct: 3, total: 4 } }] });

  it('waits while answers are queued, but not forever: the queue is shared by every show', async () => {
    closed();
    ddb.on(GetCommand, { TableName: TABLES.statistics }).resolves({});
    partials();
    ddb.on(PutCommand).resolves({});
    settled(4, 7);
    // First run: the answers stay queued for all of its polling budget, so it hands over to a tick.
    const first = await runEpisode('ep1', clockAt());
    expect(first.steps).toEqual([]);
    expect(ticks()).toHaveLength(1);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    // A later run, past the bounded wait, finalizes with what is counted (late answers then go to the DLQ).
    const result = await runEpisode('ep1', clockAt(NOW + 5_000));
    expect(result.steps[0]).toBe('finalize');
    const final = ddb.commandCalls(PutCommand)[0].args[0].input.Item as { finalized_at: number; question_end_timestamp: number };
    // Not before the settle time (2 s) plus the 10 s budget for answers to settle.
    expect(final.finalized_at - final.question_end_timestamp).toBeGreaterThanOrEqual(12_000);
    expect(sqs.commandCalls(GetQueueAttributesCommand).length).toBeGreaterThan(1);
  });

  it('does not finalize while a stored answer is not counted yet', async () => {
    closed();
    ddb.on(GetCommand, { TableName: TABLES.statistics }).resolves({});
    partials();
    settled(5);
    const result = await runEpisode('ep1', clockAt());
    expect(result.steps).toEqual([]);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('finalizes once the partials count every stored answer and nothing is queued', async () => {
    closed();
    ddb.on(GetCommand, { TableName: TABLES.statistics }).resolves({});
    partials();
    ddb.on(PutCommand).resolves({});
    settled(4);
    const result = await runEpisode('ep1', clockAt());
    expect(result.steps[0]).toBe('finalize');
    expect(ddb.commandCalls(PutCommand)[0].args[0].input.Item).toMatchObject({ answered_count: 4, advancing_count: 3 });
  });
});

describe('episodeRunner handler (runner-ticks queue)', () => {
  const ctx = lambdaContext('trivia-test-episodeRunner');

  it('runs each episode once per batch and reports malformed ticks', async () => {
    episodesTable(episode({ state: 'STARTED', participant_count: 3, announced_count: 3, next_step_at: Date.now() + 30_000, version: 1 }));
    const tick = JSON.stringify({ episode_id: 'ep1', due_at: NOW });
    const result = (await episodeRunner(
      sqsEvent([sqsRecord('t1', tick), sqsRecord('t2', 'not json'), sqsRecord('t3', tick), sqsRecord('t4', JSON.stringify({ due_at: 1 }))]),
      ctx,
    )) as SQSBatchResponse;
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 't2' }, { itemIdentifier: 't4' }]);
    // Two ticks for ep1 in one batch: one run, one read, one tick scheduled.
    expect(ddb.commandCalls(GetCommand, { TableName: TABLES.episodes })).toHaveLength(1);
    expect(ticks()).toHaveLength(1);
    expect(ticks()[0].DelaySeconds).toBe(30);
  });

  it('reports every tick of an episode whose run failed', async () => {
    ddb.on(GetCommand, { TableName: TABLES.episodes }).rejects(new Error('InternalServerError'));
    const tick = JSON.stringify({ episode_id: 'ep1' });
    const result = (await episodeRunner(sqsEvent([sqsRecord('t1', tick), sqsRecord('t2', tick)]), ctx)) as SQSBatchResponse;
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 't1' }, { itemIdentifier: 't2' }]);
  });
});
