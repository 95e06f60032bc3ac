/**
 * `trivia play` as a person uses it: in a real terminal (tmux), signed in as a player, it joins a show, shows each
 * question as it opens (by push), takes the answer as one key, says it is locked, shows the results and the player's
 * standing, and ends with the winners. Two other players answer through the API.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { admin, player, PASSWORD } from './support/game.ts';
import { stack } from './support/index.ts';
import { eventually } from './support/eventually.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = join(ROOT, 'node_modules/tsx/dist/cli.mjs');
const session = `trivia-play-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', session);
/** Waits until the terminal shows `text` (the pane is read as the program redraws it). */
const shows = (text: string | RegExp, timeoutMs = 60_000) =>
  eventually(
    async () => {
      const s = screen();
      expect(s).toMatch(text);
      return s;
    },
    { timeoutMs, intervalMs: 200 },
  );

afterAll(() => {
  try {
    tmux('kill-session', '-t', session);
  } catch {
    // already gone
  }
});

describe('trivia play', () => {
  it('a person joins, answers with a key, sees the answer locked, the results, and wins', async () => {
    const producer = await admin();
    const run = `play-${Date.now().toString(36)}`;
    const questions = ['Which is even?', 'Which is prime?'].map((question, i) => ({ id: `${run}-q${i}`, question, options: ['1', '2', '9'], answer: '1' }));
    for (const q of questions) expect((await producer.call('POST', '/api/v1/question', q)).status).toBe(201);
    expect((await producer.call('POST', '/api/v1/game', { id: `${run}-game`, qset: questions.map((q) => q.id) })).status).toBe(201);
    const others = await Promise.all(['player18', 'player19'].map((name) => player(`${name}@example.com`)));
    expect(
      (await producer.call('POST', '/api/v1/episode', { id: run, game_id: `${run}-game`, min_participant: 3, lead_seconds: 3, answer_window_seconds: 10, reveal_seconds: 2 })).status,
    ).toBe(201);
    for (const p of others) expect((await p.call('POST', '/api/v1/participant', { episode_id: run })).status).toBe(201);

    const dir = mkdtempSync(join(tmpdir(), 'trivia-play-'));
    const outputs = join(dir, 'cdk-outputs.local.json');
    writeFileSync(outputs, JSON.stringify({ 'TriviaLive-local': stack().outputs }));
    const command = [process.execPath, TSX, join(ROOT, 'bin/trivia.ts'), '--outputs', outputs, '--user', 'player17@example.com', '--password', PASSWORD, 'play', run]
      .map((a) => `'${a}'`)
      .join(' ');
    // The player registers itself (the third of three): the show starts, and question 1 opens by push.
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '50', '-e', `TRIVIA_SESSION_FILE=${join(dir, 'sessions.json')}`, '-e', 'NO_COLOR=1', `${command}; sleep 120`);

    for (let i = 0; i < questions.length; i++) {
      await shows(new RegExp(`${questions[i].question}[\\s\\S]*Press A, B, C to answer`), 90_000);
      await Promise.all(others.map((p) => p.call('POST', '/api/v1/response', { episode_id: run, question_id: questions[i].id, answer: '1' })));
      tmux('send-keys', '-t', session, 'b');
      await shows('Answer locked: B');
      await shows("You're through!", 60_000);
    }
    const end = await shows(/You won! 3 winner\(s\) of 3 players\./, 60_000);
    expect(end).not.toContain('Not accepted');
  }, 300_000);
});
