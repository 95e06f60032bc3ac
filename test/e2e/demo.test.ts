/**
 * `npm run demo` (bin/demo.ts) against the e2e stack: with PORT naming that stack it says so and plays on it, and no
 * right answer is on the screen before the show starts.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { stack } from './support/stack.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = join(ROOT, 'node_modules/tsx/dist/cli.mjs');

it('plays on the stack PORT names, says so, and shows no answer before the show', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trivia-demo-e2e-'));
  const outputs = join(dir, 'cdk-outputs.local.json');
  const apiUrl = stack().outputs.ApiUrl;
  writeFileSync(outputs, JSON.stringify({ 'TriviaLive-local': stack().outputs }, null, 2));
  const port = new URL(apiUrl).port;
  const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [TSX, join(ROOT, 'bin/demo.ts'), '--outputs', outputs, '--players', '3', '--accuracy', '1', '--window', '2'],
      { cwd: dir, timeout: 170_000, env: { ...process.env, PORT: port, NO_COLOR: '1', TRIVIA_SESSION_FILE: join(dir, 'sessions.json') }, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toContain(`Using the local stack at ${apiUrl} (PORT=${port}; from ${outputs})`);
  const beforeShow = run.stdout.slice(0, run.stdout.indexOf('Playing it live'));
  expect(beforeShow).toContain('answers hidden until each reveal');
  // The CLI marks a right option as *option*: none may show before the questions are played.
  expect(beforeShow).not.toMatch(/\*[^*\n]+\*/);
}, 180_000);
