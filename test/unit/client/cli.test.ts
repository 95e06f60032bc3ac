/**
 * The `trivia` CLI against a tiny fake API on 127.0.0.1 (no AWS): usage errors, the stack lookup, one-line errors
 * when no stack answers, routes that do not exist yet, JSON output, and the watch loop.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type Io } from '../../../client/cli/main.ts';
import { saveSession } from '../../../client/cli/session.ts';
import { readOutputs } from '../../../client/outputs.ts';
import { jwt } from './fakes.ts';

const T = 1_700_000_000_000;
const EPISODE = {
  id: 'ep1', game_id: 'g1', state: 'ENDED', qset: ['q1'], min_participant: 2, participant_count: 2, eliminated_count: 1, remaining_count: 1,
  current_question_index: 0, question_start_timestamp: T - 10_000, question_end_timestamp: T - 5_000,
  current_question: { id: 'q1', question: 'Q?', options: ['a', 'b'], answer: '1' }, server_time: T, start_at: null, next_step_at: 0,
  answer_window_seconds: 5, reveal_seconds: 1, lead_seconds: 1, created_at: T - 60_000, ended_at: T, end_reason: 'last_question',
};
const STATS = {
  question_index: 0, question_id: 'q1', correct_answer: '1', answered_count: 2, advancing_count: 1, eliminated_count: 1, players_before: 2,
  answer_counts: [{ answer: '0', count: 1, correct: false }, { answer: '1', count: 1, correct: true }], question_start_timestamp: T - 10_000, question_end_timestamp: T - 5_000,
};

let server: Server;
let dir: string;
let outputs: string;
const seen: { method: string; url: string; auth?: string }[] = [];
let snapshots = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization });
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.url === '/api/v1/health') return send(200, { status: 'ok', version: '0.1.0', server_time: Date.now() });
    // The public snapshot: the results of the last question, then the end.
    if (req.url === '/api/v1/live/ep1') {
      snapshots++;
      const results = { ...EPISODE, state: 'QUESTION_RESULTS', ended_at: undefined, end_reason: undefined, next_step_at: T + 1_000, server_time: T };
      return send(200, snapshots % 2 === 1 ? { seq: 7, episode: results, statistics: STATS } : { seq: 8, episode: { ...EPISODE, server_time: T } });
    }
    if (!req.headers.authorization) return send(401, { message: 'Unauthorized' });
    if (req.url === '/api/v1/episode/ep1') return send(200, { ...EPISODE, server_time: Date.now() });
    if (req.url === '/api/v1/episode/ep1/question/0/statistics') return send(200, STATS);
    return send(404, { error: { code: 'route_not_found', message: `no route for ${req.method} ${req.url}` } });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  dir = mkdtempSync(join(tmpdir(), 'trivia-cli-test-'));
  outputs = join(dir, 'cdk-outputs.local.json');
  const stack = { ApiUrl: `http://127.0.0.1:${port}`, UserPoolId: 'local_abc', UserPoolClientId: 'client1', CognitoEndpoint: 'http://127.0.0.1:1' };
  writeFileSync(outputs, JSON.stringify({ 'TriviaLive-local': stack }));
  // A saved session with a token valid for an hour: no Cognito needed.
  saveSession(readOutputs(outputs), { email: 'admin@example.com', tokens: { idToken: jwt({ sub: 'a', exp: Math.floor(Date.now() / 1000) + 3600 }), accessToken: jwt({}), expiresAt: Date.now() + 3_600_000 }, savedAt: Date.now() }, join(dir, 'sessions.json'));
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function run(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: { write: (s: string) => ((stdout += s), true), isTTY: false },
    stderr: { write: (s: string) => ((stderr += s), true) },
    env: { TRIVIA_SESSION_FILE: join(dir, 'sessions.json'), ...env },
    cwd: dir,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

describe('trivia CLI', () => {
  it('prints usage with --help (0) and without a command (2)', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('simulate --players N --accuracy P');
    expect((await run([])).code).toBe(2);
  });

  it('rejects unknown commands and options with exit 2 and one line', async () => {
    const r = await run(['frobnicate']);
    expect(r).toMatchObject({ code: 2, stderr: 'error: unknown command "frobnicate" (try trivia --help)\n' });
    const o = await run(['watch', 'ep1', '--bogus']);
    expect(o.code).toBe(2);
    expect(o.stderr.trim().split('\n')).toHaveLength(1);
    expect((await run(['simulate', '--players', 'many', '--accuracy', '1'])).stderr).toMatch(/--players must be a valid number/);
  });

  it('finds the outputs file in the working directory', async () => {
    const r = await run(['episode', 'show', 'ep1', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: 'ep1', state: 'ENDED' });
    expect(seen.at(-1)?.auth).toMatch(/^Bearer ey/);
  });

  it('fails with one line when there is no outputs file', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'trivia-cli-empty-'));
    const r = await main(['episode', 'show', 'ep1'], { stdout: { write: () => true }, stderr: { write: (s: string) => (expect(s).toMatch(/^error: no cdk-outputs.json or cdk-outputs.local.json in .*--outputs FILE\n$/), true) }, env: {}, cwd: empty });
    expect(r).toBe(1);
  });

  it('fails with one line and exit 1 when no stack answers', async () => {
    const dead = join(dir, 'dead.json');
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    writeFileSync(dead, JSON.stringify({ 'TriviaLive-local': { ApiUrl: `http://127.0.0.1:${port}`, UserPoolId: 'local_x', UserPoolClientId: 'c', CognitoEndpoint: 'http://127.0.0.1:1' } }));
    const r = await run(['--outputs', dead, 'episode', 'show', 'ep1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: no stack reachable at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED; from .*dead\.json\): start one with `npm start`, or pass --outputs FILE\n$/);
  });

  it('says clearly when errors and dlq redrive are not available yet', async () => {
    const e = await run(['errors']);
    expect(e).toMatchObject({ code: 1, stderr: 'error: trivia errors is not available on this stack yet: it has no GET /api/v1/errors route\n' });
    const d = await run(['dlq', 'redrive', 'answers']);
    expect(d).toMatchObject({ code: 1, stderr: 'error: trivia dlq redrive is not available on this stack yet: it has no POST /api/v1/dlq/{queue}/redrive route\n' });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/api/v1/dlq/answers/redrive' });
    const s = await run(['dlq']);
    expect(s).toMatchObject({ code: 1, stderr: 'error: trivia dlq status is not available on this stack yet: it has no GET /api/v1/dlq route\n' });
    expect((await run(['dlq', 'redrive'])).code).toBe(2);
  });

  it('watch prints one line per state on a pipe, says it polls without a live channel, and exits with a summary at the end', async () => {
    snapshots = 0;
    const r = await run(['watch', 'ep1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'ep1 QUESTION_RESULTS question 1/1 answer B · 2 registered, 1 remaining\n' +
        'ep1 ENDED question 1/1 winners 1 · 2 registered, 1 remaining\n' +
        'The show is over: 1 winner(s) of 2 players.\n',
    );
    expect(r.stderr).toBe('live channel: polling (no realtime endpoint)\n');
  });

  it('watch --json prints each item with the statistics of its question', async () => {
    snapshots = 0;
    const r = await run(['watch', 'ep1', '--json']);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ type: 'snapshot', seq: 7, episode: { id: 'ep1', state: 'QUESTION_RESULTS' }, statistics: { question_index: 0, advancing_count: 1 } });
    expect(lines[1]).toMatchObject({ type: 'snapshot', seq: 8, episode: { state: 'ENDED' }, statistics: { question_index: 0 } });
  });

  it('reports API errors in one line', async () => {
    const r = await run(['episode', 'show', 'nope']);
    expect(r).toMatchObject({ code: 1, stderr: 'error: 404 route_not_found: no route for GET /api/v1/episode/nope\n' });
  });

  it('refuses to create bots on a deployed stack without --bots', async () => {
    const deployed = join(dir, 'cdk-outputs.json');
    writeFileSync(deployed, JSON.stringify({ 'TriviaLive-dev': { ApiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com', UserPoolId: 'eu-west-1_abc', UserPoolClientId: 'c', CognitoEndpoint: 'https://cognito-idp.eu-west-1.amazonaws.com' } }));
    const r = await run(['--outputs', deployed, 'simulate', '--players', '3', '--accuracy', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: TriviaLive-dev is a deployed stack: the CLI creates bot users only on a local stack; pass --bots FILE/);
  });
});
