#!/usr/bin/env -S npx tsx
/**
 * `npm run demo`: a 5-question live show played to the end by 200 bots, in the live view, then the report.
 *
 * Uses the local stack that cdk-outputs.local.json points to when its API answers /api/v1/health, else starts one in
 * this process (and stops it at the end); with PORT set, the stack on that port, started if none runs there
 * (chooseDemoStack in lib/local/demo.ts). It says which. Everything goes through the `trivia` CLI (client/cli/main.ts).
 *
 *   npm run demo                                  200 bots, accuracy 0.8
 *   npm run demo -- --players 50 --accuracy 0.9
 *   PORT=3100 npm run demo                        the stack on port 3100 (started when none runs there)
 *   npm run demo -- --outputs /path/to/cdk-outputs.local.json   (a running local stack elsewhere)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_ADMIN_EMAIL } from '../client/demoUsers.ts';
import { REPO_ROOT } from '../lib/repoRoot.ts';

const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  // …and the in-process stack's pollers share abort signals: Node's listener-count hint would tear through the live view.
  if (String(warning).startsWith('NodeVersionSupportWarning') || String(warning).includes('MaxListenersExceededWarning') || (warning as Error)?.name === 'MaxListenersExceededWarning') return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

const { main } = await import('../client/cli/main.ts');
const { readOutputs } = await import('../client/outputs.ts');
const { TriviaClient } = await import('../client/client.ts');

export const DEMO_SHOW = [
  { id: 'demo-show-q1', question: 'The Blackstreet lyric “I like the way you work it” is from what iconic song?', options: ['No Diggity', 'Yes Diggity', 'Maybe a Lil Diggity'], answer: 0 },
  { id: 'demo-show-q2', question: 'The American episodic TV show that’s produced the most episodes is in what genre?', options: ['Animated', 'Game show', 'Soap opera'], answer: 2 },
  { id: 'demo-show-q3', question: 'What does Edward prepare for the Christmas party in “Edward Scissorhands”?', options: ['Cronuts', 'Ice sculpture', 'Santa costume'], answer: 1 },
  { id: 'demo-show-q4', question: 'Which planet has the most known moons?', options: ['Jupiter', 'Saturn', 'Uranus', 'Neptune'], answer: 1 },
  { id: 'demo-show-q5', question: 'What is the only letter that does not appear in any U.S. state name?', options: ['J', 'Q', 'X', 'Z'], answer: 1 },
];
export const DEMO_GAME_ID = 'demo-show';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    players: { type: 'string', default: '200' },
    accuracy: { type: 'string', default: '0.8' },
    window: { type: 'string', default: '8' },
    outputs: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write('usage: npm run demo [-- --players N (200)] [--accuracy P (0.8)] [--window S (8)] [--outputs cdk-outputs.local.json]\n');
  process.exit(0);
}

const io = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), searchDirs: [REPO_ROOT] };
const say = (s: string) => process.stdout.write(`${s}\n`);

/** The stack the outputs file points to, if its API answers. */
async function running(file: string): Promise<{ apiUrl: string } | undefined> {
  try {
    const t = readOutputs(file);
    await new TriviaClient({ apiUrl: t.outputs.ApiUrl, retry: { attempts: 1 }, timeoutMs: 2000 }).health();
    return { apiUrl: t.outputs.ApiUrl };
  } catch {
    return undefined;
  }
}

function portFromEnv(): number | undefined {
  const raw = process.env.PORT;
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`PORT must be a port number, not "${raw}"`);
  return port;
}

let stop: (() => Promise<void>) | undefined;
let tempDir: string | undefined;
let outputsFile = values.outputs ?? join(REPO_ROOT, 'cdk-outputs.local.json');
let code = 1;
try {
  const { chooseDemoStack } = await import('../lib/local/demo.ts');
  const choice = chooseDemoStack({ port: portFromEnv(), running: await running(outputsFile), outputsFile });
  say(choice.message);
  if (choice.kind === 'start') {
    const { startLocalStack } = await import('../lib/local/stack.ts');
    const stack = await startLocalStack({ quiet: true, ...(choice.port ? { port: choice.port } : {}) });
    stop = () => stack.stop();
    tempDir = mkdtempSync(join(tmpdir(), 'trivia-demo-'));
    outputsFile = join(tempDir, 'cdk-outputs.local.json');
    writeFileSync(outputsFile, JSON.stringify({ 'TriviaLive-local': stack.outputs }, null, 2));
    say(`Local stack up at ${stack.apiUrl}`);
  }
  const questionsFile = join(tempDir ?? mkdtempSync(join(tmpdir(), 'trivia-demo-')), 'questions.json');
  writeFileSync(questionsFile, JSON.stringify(DEMO_SHOW));
  const cli = (args: string[]) => main(['--outputs', outputsFile, ...args], io);

  // Seeding prints each question with its right answer marked: kept off the screen, so that answers show at each reveal.
  const seeding = (args: string[]) => main(['--outputs', outputsFile, ...args], { ...io, stdout: { write: () => true, isTTY: false } });
  say(`\nSeeding the show: ${DEMO_SHOW.length} questions and the game “Demo Show” (as ${DEMO_ADMIN_EMAIL}; answers hidden until each reveal)`);
  if ((await seeding(['question', 'add', '--file', questionsFile])) !== 0) throw new Error('seeding questions failed');
  if ((await seeding(['game', 'create', ...DEMO_SHOW.map((q) => q.id), '--id', DEMO_GAME_ID, '--title', 'Demo Show'])) !== 0) throw new Error('creating the game failed');

  say(`\nPlaying it live with ${values.players} bots (each answers right with probability ${values.accuracy})\n`);
  code = await cli(['simulate', '--game', DEMO_GAME_ID, '--players', values.players, '--accuracy', values.accuracy, '--window', values.window, '--reveal', '5', '--lead', '3']);
} catch (err) {
  process.stderr.write(`error: ${(err as Error).message}\n`);
  code = 1;
} finally {
  if (stop) {
    say('\nStopping the local stack …');
    await stop().catch(() => {});
  }
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
}
process.exitCode = code;
setTimeout(() => process.exit(code), 50).unref();
