/** The `trivia` CLI as a user runs it: a child process in a clean working directory, reading an outputs file of the local stack. */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stack } from './stack.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const TSX = join(ROOT, 'node_modules/tsx/dist/cli.mjs');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export type Trivia = (args: string[], timeoutMs?: number, env?: Record<string, string>) => Promise<Run>;

/**
 * A directory with the stack's outputs file and its own session file, and `trivia ARGS --outputs FILE` run there.
 * Call it in a `beforeAll` (the stack is started by the e2e global setup).
 */
export function triviaCli(prefix = 'trivia-cli-e2e-'): { dir: string; outputs: string; trivia: Trivia } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const outputs = join(dir, 'cdk-outputs.local.json');
  writeFileSync(outputs, JSON.stringify({ 'TriviaLive-local': stack().outputs }, null, 2));
  const trivia: Trivia = (args, timeoutMs = 100_000, env = {}) =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [TSX, join(ROOT, 'bin/trivia.ts'), '--outputs', outputs, ...args],
        {
          cwd: dir,
          timeout: timeoutMs,
          env: { ...process.env, TRIVIA_SESSION_FILE: join(dir, 'sessions.json'), NO_COLOR: '1', ...env },
          maxBuffer: 16 * 1024 * 1024,
        },
        (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  return { dir, outputs, trivia };
}
