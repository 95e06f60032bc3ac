/** Saved sign-ins of the CLI, per stack: `$TRIVIA_SESSION_FILE`, else `$XDG_CONFIG_HOME/trivia-live/sessions.json` (mode 600). */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Tokens } from '../auth.ts';
import type { StackTarget } from '../outputs.ts';

export interface SavedSession {
  email: string;
  tokens: Tokens;
  savedAt: number;
}

export const sessionFile = (env: NodeJS.ProcessEnv = process.env) =>
  env.TRIVIA_SESSION_FILE ?? join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'trivia-live', 'sessions.json');

const keyOf = (t: StackTarget) => `${t.stackName} ${t.outputs.ApiUrl} ${t.outputs.UserPoolClientId}`;

function readAll(file: string): Record<string, SavedSession> {
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, SavedSession>;
  } catch {
    return {};
  }
}

export function loadSession(target: StackTarget, file = sessionFile()): SavedSession | undefined {
  return readAll(file)[keyOf(target)];
}

export function saveSession(target: StackTarget, session: SavedSession, file = sessionFile()): void {
  const all = readAll(file);
  all[keyOf(target)] = session;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}
