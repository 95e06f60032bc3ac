/**
 * What each `trivia` command prints for people (no TTY) and with --json, byte for byte, against a fake API: the output
 * is the CLI's contract with its users and scripts, so moving a command between files must not change a character.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type Io } from '../../../client/cli/main.ts';
import { formatReport } from '../../../client/cli/render.ts';
import { saveSession } from '../../../client/cli/session.ts';
import { readOutputs } from '../../../client/outputs.ts';
import { jwt } from './fakes.ts';

const T = 1_700_000_000_000;
const QUESTION = { id: 'q1', question: 'Which planet is red?', options: ['Mars', 'Venus', 'Earth'], answer: '0', created_at: T };
const GAME = { id: 'g1', qset: ['q1', 'q2'], title: 'Planets', created_at: T };
const EPISODE = {
  id: 'ep1', game_id: 'g1', state: 'CREATED', qset: ['q1', 'q2'], min_participant: 3, participant_count: 0, eliminated_count: 0, remaining_count: 0,
  current_question_index: -1, question_start_timestamp: 0, question_end_timestamp: 0, current_question: null, server_time: T, start_at: null,
  next_step_at: 0, answer_window_seconds: 10, reveal_seconds: 5, lead_seconds: 5, created_at: T,
};
const DLQ = {
  queues: [
    { queue: 'answers', messages: 3, in_flight: 1, redrivable: true, move_tasks: [{ status: 'COMPLETED', moved: 2 }] },
    { queue: 'streams', messages: 0, in_flight: 0, redrivable: false, move_tasks: [] },
  ],
};
const ERRORS = {
  items: [
    { id: 'r1', at: T, reason: 'window_closed', status: 409, source: 'POST /api/v1/response', episode_id: 'ep1', question_index: 0, user_id: 'u1', represents: 3, detail: 'late' },
    { id: 'r2', at: T - 1000, reason: 'dead_letter', source: 'answers', represents: 1 },
  ],
  from: T - 86_400_000,
  to: T,
  truncated: false,
};
const FUNNEL = {
  from: '2026-04-01', to: '2026-04-01',
  days: [{ day: '2026-04-01', page_views: 10, sign_ups: 4, joined: 3, answered: 2, won: 1 }],
  totals: { page_views: 10, sign_ups: 4, joined: 3, answered: 2, won: 1 },
};
const ATTRIBUTION = { from: '2026-04-01', to: '2026-04-01', sign_ups: 4, campaigns: [{ source: 'news', medium: 'email', campaign: 'spring', first_touch: 3, last_touch: 2 }] };

const routes: Record<string, unknown> = {
  'POST /api/v1/question/': QUESTION,
  'GET /api/v1/question?limit=50': { items: [QUESTION], next: 'cursor1' },
  'POST /api/v1/game/': GAME,
  'POST /api/v1/episode/': EPISODE,
  'POST /api/v1/episode/ep1/cancel': { ...EPISODE, state: 'CANCELLED' },
  'GET /api/v1/dlq': DLQ,
  'POST /api/v1/dlq/answers/redrive': { queue: 'answers', status: 'RUNNING', task_handle: 'h1', approximate_messages: 3 },
  'GET /api/v1/errors': ERRORS,
  'GET /api/v1/growth/funnel?from=2026-04-01&to=2026-04-01': FUNNEL,
  'GET /api/v1/growth/attribution?from=2026-04-01&to=2026-04-01': ATTRIBUTION,
};

let server: Server;
let dir: string;

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.url === '/api/v1/health') return send(200, { status: 'ok', version: '0.1.0', server_time: Date.now() });
    const body = routes[`${req.method} ${req.url}`];
    if (body === undefined) return send(404, { error: { code: 'route_not_found', message: `no route for ${req.method} ${req.url}` } });
    return send(req.url?.endsWith('/redrive') ? 202 : 200, body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  dir = mkdtempSync(join(tmpdir(), 'trivia-cli-output-'));
  const outputs = join(dir, 'cdk-outputs.local.json');
  writeFileSync(outputs, JSON.stringify({ 'TriviaLive-local': { ApiUrl: `http://127.0.0.1:${port}`, UserPoolId: 'local_abc', UserPoolClientId: 'client1', CognitoEndpoint: 'http://127.0.0.1:1' } }));
  const tokens = { idToken: jwt({ sub: 'a', exp: Math.floor(Date.now() / 1000) + 3600 }), accessToken: jwt({}), expiresAt: Date.now() + 3_600_000 };
  saveSession(readOutputs(outputs), { email: 'admin@example.com', tokens, savedAt: Date.now() }, join(dir, 'sessions.json'));
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function run(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: { write: (s: string) => ((stdout += s), true), isTTY: false },
    stderr: { write: (s: string) => ((stderr += s), true) },
    env: { TRIVIA_SESSION_FILE: join(dir, 'sessions.json') },
    cwd: dir,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

describe('trivia output', () => {
  it('question add and list', async () => {
    expect(await run('question', 'add', '--question', 'Which planet is red?', '--option', 'Mars', '--option', 'Venus', '--option', 'Earth', '--answer', '0')).toEqual({
      code: 0,
      stdout: 'q1  Which planet is red?  [*Mars* | Venus | Earth]\n',
      stderr: '',
    });
    expect(await run('question', 'list')).toEqual({ code: 0, stdout: 'q1  Which planet is red?  (3 options, answer 0)\n… more: trivia question list --all\n', stderr: '' });
    expect(JSON.parse((await run('question', 'list', '--json')).stdout)).toEqual({ items: [QUESTION], next: 'cursor1' });
  });

  it('game create, episode create and cancel', async () => {
    expect((await run('game', 'create', 'q1', 'q2')).stdout).toBe('game g1 “Planets”: 2 questions (q1, q2)\n');
    expect((await run('episode', 'create', '--game', 'g1')).stdout).toBe('episode ep1 of game g1: CREATED, starts once 3 players have registered\n');
    expect((await run('episode', 'cancel', 'ep1')).stdout).toBe('episode ep1 is CANCELLED\n');
    expect(JSON.parse((await run('episode', 'cancel', 'ep1', '--json')).stdout)).toMatchObject({ id: 'ep1', state: 'CANCELLED' });
  });

  it('dlq status and redrive', async () => {
    expect(await run('dlq')).toEqual({
      code: 0,
      stdout: 'answers           3 waiting    1 in flight  last redrive: COMPLETED, 2 moved\nstreams           0 waiting    0 in flight  (not redrivable)\n',
      stderr: '',
    });
    expect(JSON.parse((await run('dlq', 'status', '--json')).stdout)).toEqual(DLQ);
    expect((await run('dlq', 'redrive', 'answers')).stdout).toBe('redrive of answers started: about 3 message(s) (trivia dlq status shows progress)\n');
  });

  it('npm run dlq is trivia dlq', async () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    // Only what it needs: a TRIVIA_USER or TRIVIA_OUTPUTS of the caller's shell must not steer it.
    const env = { PATH: process.env.PATH, TRIVIA_SESSION_FILE: join(dir, 'sessions.json') };
    const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'bin/dlq.ts'), 'status'], { cwd: dir, env });
    expect(stdout).toBe((await run('dlq', 'status')).stdout);
  });

  it('errors', async () => {
    expect((await run('errors')).stdout).toBe(
      [
        '2 record(s) from 2023-11-13T22:13:20.000Z to 2023-11-14T22:13:20.000Z',
        '2023-11-14T22:13:20.000Z  window_closed (409)  POST /api/v1/response  episode ep1 q1 user u1  ×3  late',
        '2023-11-14T22:13:19.000Z  dead_letter  answers',
        '',
      ].join('\n'),
    );
  });

  it('growth', async () => {
    expect((await run('growth', '--from', '2026-04-01', '--to', '2026-04-01')).stdout).toBe(
      [
        'Funnel 2026-04-01 … 2026-04-01 (UTC days)',
        'day         page views  sign-ups  joined  answered  won',
        '──────────  ──────────  ────────  ──────  ────────  ───',
        '2026-04-01          10         4       3         2    1',
        'total               10         4       3         2    1',
        'conversion: sign-ups/page views 40.0%, answered/joined 66.7%, won/answered 50.0%',
        '',
        'Sign-ups by campaign 2026-04-01 … 2026-04-01: 4 sign-up(s), first and last touch within 30 days',
        'source  medium  campaign  first touch      %  last touch      %',
        '──────  ──────  ────────  ───────────  ─────  ──────────  ─────',
        'news     email    spring            3  75.0%           2  50.0%',
        '',
      ].join('\n'),
    );
  });

  it('the report of an episode', () => {
    const report = {
      episode: { ...EPISODE, title: 'Planets', state: 'ENDED', participant_count: 3 },
      winners_count: 2,
      winners: [{ user_id: 'u1', nickname: 'ann', display_name: 'ann' }, { user_id: 'u2', nickname: null, display_name: 'player-u2' }],
      questions: [{ question_index: 0, answered_count: 3, advancing_count: 2, eliminated_count: 1, answer_counts: [{ answer: '0', count: 2, correct: true }, { answer: '1', count: 1, correct: false }] }],
      survival_curve: [{ after_question: -1, remaining: 3 }, { after_question: 0, remaining: 2 }],
      timings: { duration_ms: 12_345 },
    } as unknown as Parameters<typeof formatReport>[0];
    expect(formatReport(report)).toBe(
      [
        'Report of episode ep1 · Planets: ENDED',
        'players 3 · winners 2 · 12.3 s',
        '',
        'question  answered  right  eliminated  distribution',
        '       1         3      2           1  A:2✔ B:1',
        '',
        'survival: 3 → 2',
        'winners: ann, u2',
      ].join('\n'),
    );
  });
});
