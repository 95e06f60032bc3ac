/**
 * Operations against the local stack: rejected input is recorded with its reason (GET /api/v1/errors); a poison
 * message reaches the answers DLQ, shows there and in /errors, once, and a redrive puts it back on the answers
 * queue (where a message whose cause was fixed meanwhile is then stored); the canary passes as a member of the `canary`
 * group (and that user is refused other admin routes), both as a function and as `npm run canary`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { admin, player, sleepUntilServerTime, waitForEpisode, questionOpen, type Player } from './support/game.ts';
import { api, dynamoDocumentClient, eventually, signIn, sqsClient, stack, uniqueEmail } from './support/index.ts';
import { runCanaryCheck } from '../../lambda/usecases/canaryCheck.ts';
import { CANARY_GROUP } from '../../lambda/domain/canaryScope.ts';
import { provisionLocalUser } from '../../client/bots.ts';
import { main as trivia, type Io } from '../../client/cli/main.ts';
import { REPO_ROOT } from '../../lib/repoRoot.ts';
import { STACK_NAME } from '../../lib/local/names.ts';
import type { DeadLetterStatus, ErrorRecord, ErrorsPage } from '../../lambda/domain/operations.ts';

const RUN = `ops-${Date.now().toString(36)}`;

describe('operations', () => {
  let producer: Player;
  let alice: Player;
  let bob: Player;
  let carol: Player;
  const episodeId = `${RUN}-episode`;
  const questionId = `${RUN}-q`;
  const started = Date.now();

  const errors = async (query: Record<string, string>) => {
    const res = await producer.call('GET', `/api/v1/errors?${new URLSearchParams({ from: String(started - 60_000), ...query })}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as ErrorsPage;
  };

  beforeAll(async () => {
    producer = await admin();
    alice = await player(`${RUN}-alice@example.com`, {});
    bob = await player(`${RUN}-bob@example.com`, {});
    carol = await player(`${RUN}-carol@example.com`, {});
    expect((await producer.call('POST', '/api/v1/question', { id: questionId, question: 'Two plus two?', options: ['3', '4'], answer: 1 })).status).toBe(201);
    expect((await producer.call('POST', '/api/v1/question', { id: `${questionId}2`, question: 'Two times two?', options: ['4', '5'], answer: 0 })).status).toBe(201);
    // Two questions and two players who stay in: after question 0 closes, the show waits (reveal) instead of ending.
    expect((await producer.call('POST', '/api/v1/game', { id: `${RUN}-game`, qset: [questionId, `${questionId}2`] })).status).toBe(201);
    expect(
      (
        await producer.call('POST', '/api/v1/episode', {
          id: episodeId,
          game_id: `${RUN}-game`,
          min_participant: 3,
          answer_window_seconds: 5,
          reveal_seconds: 10,
          lead_seconds: 0,
        })
      ).status,
    ).toBe(201);
    expect((await alice.call('POST', '/api/v1/participant', { episode_id: episodeId })).status).toBe(201);
    expect((await bob.call('POST', '/api/v1/participant', { episode_id: episodeId })).status).toBe(201);
    expect((await carol.call('POST', '/api/v1/participant', { episode_id: episodeId })).status).toBe(201);
  });

  it('records bad input, duplicate and late answers with their reasons, and serves them to admins only', async () => {
    const malformed = await api(alice.token).request('POST', '/api/v1/response', `{"episode_id": "${episodeId}", "answer": "1", "password": "hunter2`);
    expect(malformed.body).toMatchObject({ error: { code: 'malformed_json' } });
    const wrongTypes = await alice.call('POST', '/api/v1/response', { episode_id: episodeId, question_id: questionId, answer: [1] });
    expect(wrongTypes.body).toMatchObject({ error: { code: 'invalid_body' } });

    const open = await waitForEpisode(producer, episodeId, questionOpen(0), 'question 0 open');
    expect(open.state).toBe('QUESTION_OPEN');
    expect((await alice.call('POST', '/api/v1/response', { episode_id: episodeId, question_id: questionId, answer: 1 })).status).toBe(202);
    expect((await carol.call('POST', '/api/v1/response', { episode_id: episodeId, question_id: questionId, answer: 1 })).status).toBe(202);
    // A second answer is 409 once the first is stored (while it is still queued, it may get 202 and be dropped).
    await eventually(async () => {
      const out = await dynamoDocumentClient().send(
        new ScanCommand({ TableName: stack().tableNames.responses, FilterExpression: 'episode_id = :e', ExpressionAttributeValues: { ':e': episodeId } }),
      );
      expect(out.Items?.map((i) => i.user_id)).toContain(alice.sub);
    });
    const duplicate = await alice.call('POST', '/api/v1/response', { episode_id: episodeId, question_id: questionId, answer: 0 });
    expect(duplicate).toMatchObject({ status: 409, body: { error: { code: 'duplicate_answer' } } });
    await sleepUntilServerTime(open, open.question_end_timestamp + 200);
    const late = await bob.call('POST', '/api/v1/response', { episode_id: episodeId, question_id: questionId, answer: 1 });
    expect(late).toMatchObject({ status: 409, body: { error: { code: 'answer_window_closed' } } });

    // By episode: every case that names it, each with its source, status, player and (redacted) body.
    const byEpisode = await errors({ episode_id: episodeId });
    const find = (items: ErrorRecord[], reason: string) => items.find((i) => i.reason === reason);
    expect(find(byEpisode.items, 'invalid_body')).toMatchObject({
      source: 'POST /api/v1/response',
      status: 400,
      user_id: alice.sub,
      episode_id: episodeId,
      payload: JSON.stringify({ episode_id: episodeId, question_id: questionId, answer: '[redacted]' }),
      represents: 1,
    });
    expect(find(byEpisode.items, 'duplicate_answer')).toMatchObject({ status: 409, user_id: alice.sub, question_index: 0 });
    expect(find(byEpisode.items, 'answer_window_closed')).toMatchObject({ status: 409, user_id: bob.sub, question_index: 0 });
    const times = byEpisode.items.map((i) => i.at);
    expect(times).toEqual([...times].sort((a, b) => b - a)); // newest first

    // By reason, and by both.
    const malformedRecords = (await errors({ reason: 'malformed_json' })).items.filter((i) => i.user_id === alice.sub);
    expect(malformedRecords).toHaveLength(1);
    expect(malformedRecords[0]).toMatchObject({ source: 'POST /api/v1/response', status: 400, episode_id: episodeId });
    expect(malformedRecords[0].payload).toContain('"answer":"[redacted]"');
    expect(malformedRecords[0].payload).toContain('"password":"[redacted]"');
    expect(malformedRecords[0].payload).not.toContain('hunter2');
    const late2 = await errors({ episode_id: episodeId, reason: 'answer_window_closed' });
    expect(late2.items.map((i) => i.reason)).toEqual(['answer_window_closed']);
    // Everything (the time index), with a limit.
    const latest = await errors({ limit: '2' });
    expect(latest.items).toHaveLength(2);
    expect(latest.truncated).toBe(true);

    expect((await alice.call('GET', '/api/v1/errors')).body).toMatchObject({ error: { code: 'admin_only' } });
    expect((await producer.call('GET', '/api/v1/errors?from=yesterday')).status).toBe(400);
    expect((await producer.call('GET', `/api/v1/errors?from=0&to=${Date.now()}`)).body).toMatchObject({ error: { code: 'range_too_large' } });
  });

  describe('dead letters', () => {
    const poisonMarker = `${RUN}-poison`;
    const laterEpisode = `${RUN}-later`;
    // Its own question and game: an episode may not share a question with a running one (rule 6 across episodes).
    const laterQuestionId = `${RUN}-later-q`;
    const sqs = () => sqsClient();

    /** Deletes this file's messages from the answers DLQ (and releases the others at once); how many it deleted. */
    const drainMine = async () => {
      const client = sqs();
      let deleted = 0;
      for (let round = 0; round < 20; round++) {
        const out = await client.send(new ReceiveMessageCommand({ QueueUrl: stack().dlqUrls.answers, MaxNumberOfMessages: 10, VisibilityTimeout: 5 }));
        const messages = out.Messages ?? [];
        if (messages.length === 0) break;
        const mine = messages.filter((m) => m.Body?.includes(RUN));
        const others = messages.filter((m) => !m.Body?.includes(RUN));
        if (mine.length > 0) {
          await client.send(new DeleteMessageBatchCommand({ QueueUrl: stack().dlqUrls.answers, Entries: mine.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
        }
        if (others.length > 0) {
          await client.send(
            new ChangeMessageVisibilityBatchCommand({
              QueueUrl: stack().dlqUrls.answers,
              Entries: others.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })),
            }),
          );
        }
        deleted += mine.length;
        if (mine.length === 0) break;
      }
      return deleted;
    };

    // Leave the answers DLQ as other tests expect it: without this file's messages.
    afterAll(drainMine);

    const deadLetters = async (marker: string) =>
      (await errors({ reason: 'dead_letter', limit: '1000' })).items.filter((i) => i.payload?.includes(marker) || i.episode_id === marker);

    it('moves a poison message to the DLQ, records it once, and redrives it to its queue', async () => {
      const client = sqs();
      // Malformed: no retry can fix it. And an answer to an episode that does not exist yet: a fix (creating it) can.
      await client.send(new SendMessageCommand({ QueueUrl: stack().queueUrls.answers, MessageBody: JSON.stringify({ poison: poisonMarker, answer: 1 }) }));
      const fixable = { episode_id: laterEpisode, question_id: laterQuestionId, question_index: 0, user_id: alice.sub, answer: 1, received_at: Date.now(), shard_count: 4 };
      await client.send(new SendMessageCommand({ QueueUrl: stack().queueUrls.answers, MessageBody: JSON.stringify(fixable) }));

      // The consumer records each on its last attempt, with why; the DLQ holds both.
      const [poison] = await eventually(
        async () => {
          const found = await deadLetters(poisonMarker);
          expect(found).toHaveLength(1);
          return found;
        },
        { timeoutMs: 30_000, intervalMs: 250 },
      );
      // Recorded by the consumer on its last attempt, or (when local-aws-sqs, which counts a release as a receive,
      // moved the message before the consumer saw its last receive count) by the dead-letter sweep: once either way.
      expect(poison).toMatchObject({ reason: 'dead_letter', source: expect.stringMatching(/^(sqs|dlq):answers$/), message_id: expect.any(String) });
      if (poison.source === 'sqs:answers') expect(poison.detail).toMatch(/^invalid_message: /);
      expect(poison.payload).toBe(JSON.stringify({ poison: poisonMarker, answer: '[redacted]' }));
      const [notYet] = await eventually(async () => {
        const found = await deadLetters(laterEpisode);
        expect(found).toHaveLength(1);
        return found;
      });
      expect(notYet).toMatchObject({ source: expect.stringMatching(/^(sqs|dlq):answers$/) });
      if (notYet.source === 'sqs:answers') {
        expect(notYet).toMatchObject({ episode_id: laterEpisode, user_id: alice.sub, question_index: 0 });
        expect(notYet.detail).toContain(`episode ${laterEpisode} does not exist`);
      }

      const status = async () => {
        const res = await producer.call('GET', '/api/v1/dlq');
        expect(res.status).toBe(200);
        return res.body as DeadLetterStatus;
      };
      await eventually(async () => {
        const answers = (await status()).queues.find((q) => q.queue === 'answers')!;
        expect(answers.messages + answers.in_flight).toBeGreaterThanOrEqual(2);
        expect(answers.redrivable).toBe(true);
      });
      expect((await status()).queues.map((q) => q.queue).sort()).toEqual(['answers', 'clientEvents', 'runnerTicks', 'streams']);

      // The sweep (every 2 s here) finds them in the DLQ and does not record them again.
      await new Promise((r) => setTimeout(r, 5000));
      expect(await deadLetters(poisonMarker)).toHaveLength(1);
      expect(await deadLetters(laterEpisode)).toHaveLength(1);

      // The fix, then the redrive: both go back to the answers queue.
      expect((await producer.call('POST', '/api/v1/question', { id: laterQuestionId, question: 'Later?', options: ['no', 'yes'], answer: 1 })).status).toBe(201);
      expect((await producer.call('POST', '/api/v1/game', { id: `${RUN}-later-game`, qset: [laterQuestionId] })).status).toBe(201);
      expect((await producer.call('POST', '/api/v1/episode', { id: laterEpisode, game_id: `${RUN}-later-game`, lead_seconds: 3600 })).status).toBe(201);
      const redrive = await producer.call('POST', '/api/v1/dlq/answers/redrive');
      expect(redrive).toMatchObject({ status: 202, body: { queue: 'answers', status: 'RUNNING', task_handle: expect.any(String) } });

      // Back on the queue: the fixed answer is stored at last...
      await eventually(
        async () => {
          const out = await dynamoDocumentClient().send(
            new ScanCommand({ TableName: stack().tableNames.responses, FilterExpression: 'episode_id = :e', ExpressionAttributeValues: { ':e': laterEpisode } }),
          );
          expect(out.Items).toEqual([expect.objectContaining({ user_id: alice.sub, answer: 1, correct: true })]);
        },
        { timeoutMs: 30_000, intervalMs: 250 },
      );
      // ...and the poison message, consumed and failed again, is a second dead letter (a new message on the queue).
      const again = await eventually(
        async () => {
          const found = await deadLetters(poisonMarker);
          expect(found).toHaveLength(2);
          return found;
        },
        { timeoutMs: 30_000, intervalMs: 250 },
      );
      expect(new Set(again.map((r) => r.message_id)).size).toBe(2);
      // Recorded on its last attempt, it reaches the DLQ on the next receive: clean it up once it is there.
      await eventually(async () => expect(await drainMine()).toBeGreaterThanOrEqual(1), { timeoutMs: 15_000, intervalMs: 250 });
      const tasks = (await status()).queues.find((q) => q.queue === 'answers')!.move_tasks;
      expect(tasks.some((t) => t.moved >= 2)).toBe(true);
    });

    it('refuses to redrive the stream failures or an unknown queue, and non-admins', async () => {
      expect((await producer.call('POST', '/api/v1/dlq/streams/redrive')).body).toMatchObject({ error: { code: 'not_redrivable' } });
      expect((await producer.call('POST', '/api/v1/dlq/nope/redrive')).body).toMatchObject({ error: { code: 'queue_not_found' } });
      expect((await alice.call('POST', '/api/v1/dlq/answers/redrive')).body).toMatchObject({ error: { code: 'admin_only' } });
      expect((await alice.call('GET', '/api/v1/dlq')).status).toBe(403);
    });

    it('npm run dlq -- status (trivia dlq) shows the dead-letter queues', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'trivia-ops-'));
      try {
        const file = join(dir, 'cdk-outputs.local.json');
        writeFileSync(file, JSON.stringify({ [STACK_NAME]: stack().outputs }));
        let out = '';
        let err = '';
        // No saved session and no user: on a local stack the CLI signs in as the demo admin.
        const io: Io = { stdout: { write: (s: string) => ((out += s), true) }, stderr: { write: (s: string) => ((err += s), true) }, env: { TRIVIA_SESSION_FILE: join(dir, 'sessions.json') }, cwd: dir };
        const code = await trivia(['dlq', 'status', '--outputs', file, '--json'], io);
        expect({ code, err }).toEqual({ code: 0, err: '' });
        // One per queue of the wiring (answers, runner ticks, client events) and the stream failures'.
        expect((JSON.parse(out) as DeadLetterStatus).queues).toHaveLength(4);
        expect(await trivia(['dlq', 'redrive', '--outputs', file], io)).toBe(2);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('canary', () => {
    it('passes against the local stack as a member of the canary group, not admin (the check the scheduled function runs)', async () => {
      const { outputs } = stack();
      const user = { email: uniqueEmail('canary'), password: `Cn-${RUN}-aA1!` };
      await provisionLocalUser({ stackName: STACK_NAME, outputs, file: '', local: true }, user, CANARY_GROUP);
      const tokens = await signIn(user.email, user.password);
      expect(decodeJwt(tokens.accessToken)['cognito:groups']).toEqual([CANARY_GROUP]);
      const result = await runCanaryCheck(
        { apiUrl: outputs.ApiUrl, cognitoEndpoint: outputs.CognitoEndpoint, userPoolClientId: outputs.UserPoolClientId },
        { username: user.email, password: user.password },
        // Generous: under the whole e2e suite's load the runner's sweep over every live episode can take a while.
        { answerWindowSeconds: 2, timeoutMs: 90_000 },
      );
      expect(result, result.error).toMatchObject({ ok: true, episodeId: expect.stringMatching(/^canary-/) });
      expect(result.steps.map((s) => s.name)).toEqual(['health', 'sign_in', 'content', 'create_episode', 'register', 'question_open', 'answer', 'episode_end', 'statistics']);
      const report = await producer.call('GET', `/api/v1/report/episode/${result.episodeId}`);
      expect(report.status).toBe(200);
      // The same user is refused everything else an admin may do: the report of its own episode, the errors, another question.
      const asCanary = api(tokens.accessToken);
      for (const refused of [
        await asCanary.get(`/api/v1/report/episode/${result.episodeId}`),
        await asCanary.get('/api/v1/errors'),
        await asCanary.post('/api/v1/question', { id: `${RUN}-canary-other`, question: 'Not the canary’s?', options: ['a', 'b'], answer: 0 }),
      ]) {
        expect(refused.status).toBe(403);
        expect(refused.body).toMatchObject({ error: { code: 'admin_only', message: expect.any(String) } });
        expect(Object.keys(refused.body as object)).toEqual(['error']);
      }
      expect((await producer.call('GET', `/api/v1/question/${RUN}-canary-other`)).status).toBe(404);
    });

    it('fails, saying why, with a wrong password', async () => {
      const { outputs } = stack();
      const result = await runCanaryCheck(
        { apiUrl: outputs.ApiUrl, cognitoEndpoint: outputs.CognitoEndpoint, userPoolClientId: outputs.UserPoolClientId },
        { username: 'admin@example.com', password: 'not-the-password' },
      );
      expect(result.ok).toBe(false);
      expect(result.error).toMatch(/^sign-in failed: 400/);
      expect(result.error).not.toContain('not-the-password');
    });

    it('npm run canary passes against the local stack, from its outputs file', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'trivia-canary-'));
      try {
        const file = join(dir, 'cdk-outputs.local.json');
        writeFileSync(file, JSON.stringify({ [STACK_NAME]: stack().outputs }));
        const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'canary', '--', '--outputs', file, '--window', '2'], {
          cwd: REPO_ROOT,
          env: { ...process.env, CANARY_USERNAME: '', CANARY_PASSWORD: '' },
          timeout: 110_000,
        });
        expect(stdout).toMatch(new RegExp(`^${STACK_NAME}: canary passed in \\d+ ms \\(episode canary-`));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 120_000);
  });
});
