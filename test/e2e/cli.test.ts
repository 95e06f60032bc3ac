/**
 * The `trivia` CLI against the local stack, as a user runs it: a child process reading an outputs file written from
 * the stack that the e2e global setup started. Bots are created through cognito-local's admin API.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { triviaCli, type Run, type Trivia } from './support/cli.ts';
import { validateResponse } from './support/openapi.ts';

// The window is the one timing the bots must beat; 4 s leaves room on a loaded 2-core machine.
const FAST = ['--window', '4', '--reveal', '1', '--lead', '1'];

let trivia: Trivia;

beforeAll(async () => {
  ({ trivia } = triviaCli());
  // Warm-up: a freshly started stack loads its functions lazily, and a cold answer pipeline can miss the runner's
  // settle time (the show then ends early while the report still counts the stored answers). One small show first.
  await trivia(['simulate', '--players', '2', '--accuracy', '1', '--questions', '1', ...FAST, '--json']);
}, 120_000);

/** The last line of stdout, as JSON (simulate --json ends with exactly one). */
function lastJson(r: Run) {
  expect(r.code, r.stderr).toBe(0);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
}

describe('trivia simulate', () => {
  let perfectShow: string;

  it('--players 20 --accuracy 1: every bot wins', async () => {
    const r = await trivia(['simulate', '--players', '20', '--accuracy', '1', '--questions', '3', ...FAST, '--json']);
    const result = lastJson(r);
    expect(result).toEqual({ episode_id: expect.any(String), players: 20, winners: 20, questions: 3 });
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toContain('warning:');
    perfectShow = result.episode_id as string;
  });

  it('--players 20 --accuracy 0: nobody wins, the show ends after the first question', async () => {
    const result = lastJson(await trivia(['simulate', '--players', '20', '--accuracy', '0', '--questions', '3', ...FAST, '--json']));
    expect(result).toEqual({ episode_id: expect.any(String), players: 20, winners: 0, questions: 3 });
  });

  it('the report of the perfect show matches the contract and the simulation', async () => {
    const r = await trivia(['episode', 'report', perfectShow, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    validateResponse('GET', `/api/v1/report/episode/${perfectShow}`, 200, report);
    expect(report.winners_count).toBe(20);
    expect(report.survival_curve.map((p: { remaining: number }) => p.remaining)).toEqual([20, 20, 20, 20]);
    for (const q of report.questions) expect(q).toMatchObject({ answered_count: 20, advancing_count: 20, eliminated_count: 0 });
    expect(report.winners.map((w: { nickname: string }) => w.nickname).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `bot${i + 1}`).sort());
  });

  it('watch of a finished show prints its end and exits 0', async () => {
    const r = await trivia(['watch', perfectShow]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${perfectShow} ENDED question 3/3 winners 20 · 20 registered, 20 remaining\nThe show is over: 20 winner(s) of 20 players.\n`);
    const json = await trivia(['watch', perfectShow, '--json']);
    const { episode, statistics } = JSON.parse(json.stdout.trim());
    validateResponse('GET', `/api/v1/episode/${perfectShow}`, 200, episode);
    validateResponse('GET', `/api/v1/episode/${perfectShow}/question/2/statistics`, 200, statistics);
  });
});

describe('trivia content commands', () => {
  it('login, question add and list, game create, episode create, show and cancel', async () => {
    const login = await trivia(['login', '--json']);
    expect(JSON.parse(login.stdout)).toMatchObject({ stack: 'TriviaLive-local', email: 'admin@example.com', groups: ['admin'] });

    const id = `cli-${Date.now()}`;
    const add = await trivia(['question', 'add', '--id', `${id}-q`, '--question', 'Is this the CLI?', '--option', 'yes', '--option', 'no', '--answer', '0', '--json']);
    expect(add.code, add.stderr).toBe(0);
    validateResponse('POST', '/api/v1/question', 201, JSON.parse(add.stdout));

    const list = await trivia(['question', 'list', '--all', '--json']);
    const page = JSON.parse(list.stdout);
    validateResponse('GET', '/api/v1/question', 200, page);
    expect(page.items.map((q: { id: string }) => q.id)).toContain(`${id}-q`);

    const game = await trivia(['game', 'create', `${id}-q`, '--id', `${id}-g`, '--title', 'CLI', '--json']);
    expect(JSON.parse(game.stdout)).toMatchObject({ id: `${id}-g`, qset: [`${id}-q`] });

    const created = await trivia(['episode', 'create', '--game', `${id}-g`, '--id', `${id}-e`, '--min', '5', ...FAST, '--json']);
    expect(JSON.parse(created.stdout)).toMatchObject({ id: `${id}-e`, state: 'CREATED', min_participant: 5, answer_window_seconds: 4 });

    const show = await trivia(['episode', 'show', `${id}-e`]);
    expect(show.stdout).toContain('Waiting for players: 0/5 registered');

    const cancelled = await trivia(['episode', 'cancel', `${id}-e`, '--json']);
    expect(JSON.parse(cancelled.stdout)).toMatchObject({ state: 'CANCELLED' });
    const watch = await trivia(['watch', `${id}-e`]);
    expect(watch.stdout).toContain('CANCELLED');
  });

  it('question add with bad input fails with the API error in one line', async () => {
    const r = await trivia(['question', 'add', '--question', 'Q?', '--option', 'a', '--option', 'b', '--answer', '5']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: 422 answer_out_of_range: answer must be an option index from 0 to 1\n');
  });
});
