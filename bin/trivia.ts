#!/usr/bin/env -S npx tsx
/** `trivia`: the command line of Trivia Live (client/cli/main.ts). `npx trivia --help` from the repository. */
import { REPO_ROOT } from '../lib/repoRoot.ts';

// The AWS SDK warns on every start that it will need Node 22 from 2027: noise in a command line tool's output.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  if (String(warning).startsWith('NodeVersionSupportWarning')) return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

// Whatever escapes is still one line, not a stack trace.
process.on('unhandledRejection', (reason) => {
  process.stderr.write(`error: ${(reason as Error)?.message ?? String(reason)}\n`);
  process.exit(1);
});

const { main } = await import('../client/cli/main.ts');
const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd(), searchDirs: [REPO_ROOT] });
process.exitCode = code;
// Open sockets (SDK keep-alive agents) must not keep a finished command alive.
setTimeout(() => process.exit(code), 50).unref();
