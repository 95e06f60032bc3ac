/**
 * What every `trivia` command shares: the parsed flags, the terminal it writes to, the stack it talks to (found from
 * the outputs files) and the signed-in client, and the two errors that set the exit code (usage 2, failure 1).
 */
import { createInterface } from 'node:readline';
import type { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { CognitoAuth, type SignInFlow, type TotpChallenge } from '../auth.ts';
import { TriviaClient } from '../client.ts';
import { ApiError, NetworkError } from '../errors.ts';
import { OutputsError, clientEndpoints, findOutputs, type StackTarget } from '../outputs.ts';
import type { RealtimeSocketConstructor } from '../realtime.ts';
import type { Screen, Style } from './render.ts';
import { loadSession, saveSession, sessionFile } from './session.ts';
import { totpCode } from '../totp.ts';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD } from '../demoUsers.ts';

export const DEMO_ADMIN = { email: DEMO_ADMIN_EMAIL, password: DEMO_PASSWORD };

/** A bad command line: exit 2 with a pointer to --help. */
export class UsageError extends Error {}
/** A failure said in one line: exit 1. */
export class CliError extends Error {}

const text = { type: 'string' } as const;
const many = { type: 'string', multiple: true } as const;
const flag = { type: 'boolean' } as const;

export const OPTIONS = {
  outputs: text, stack: text, json: flag, 'no-color': flag, help: { type: 'boolean', short: 'h' } as const,
  user: text, password: text, srp: flag, 'totp-code': text,
  question: text, option: many, answer: text, id: text, file: text, limit: text, all: flag, title: text, game: text,
  min: text, window: text, reveal: text, lead: text, 'start-at': text, once: flag,
  players: text, accuracy: text, questions: text, bots: text, 'no-view': flag,
  queue: text, reason: text, episode: text, since: text, from: text, to: text,
};

export type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

export interface Io {
  stdout: NodeJS.WriteStream | { write(s: string): boolean; isTTY?: boolean; columns?: number };
  stderr: NodeJS.WriteStream | { write(s: string): boolean; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Where else to look for outputs files (the repository root). */
  searchDirs?: string[];
  /** The keyboard, for `play`. */
  stdin?: NodeJS.ReadStream;
}

export interface Ctx {
  io: Io;
  values: Values;
  json: boolean;
  tty: boolean;
  style: Style;
}

/** The terminal a command's live view draws on. */
export const screenOf = (ctx: Ctx): Screen => ({ stdout: ctx.io.stdout, json: ctx.json, tty: ctx.tty, style: ctx.style });

export const number = (raw: string | undefined, name: string, check: (n: number) => boolean = Number.isFinite): number | undefined => {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} must be a valid number, not "${raw}"`);
  return n;
};

/** One result: the human line, or with --json the data (the line itself when there is none). */
export function out(ctx: Ctx, human: string, data?: unknown) {
  ctx.io.stdout.write(ctx.json ? `${JSON.stringify(data ?? human)}\n` : `${human}\n`);
}

export function target(ctx: Ctx): StackTarget {
  try {
    return findOutputs({ file: ctx.values.outputs, stackName: ctx.values.stack, dirs: [ctx.io.cwd, ...(ctx.io.searchDirs ?? [])], env: ctx.io.env });
  } catch (err) {
    if (err instanceof OutputsError) throw new CliError(err.message);
    throw err;
  }
}

/** Fails with one clear line when the stack's API does not answer. */
export async function reachable(t: StackTarget): Promise<void> {
  const probe = new TriviaClient({ apiUrl: t.outputs.ApiUrl, retry: { attempts: 2, baseMs: 200 }, timeoutMs: 5000 });
  try {
    await probe.health();
  } catch (err) {
    const why = err instanceof NetworkError ? (err.message.split(': ').pop() ?? err.message) : (err as Error).message;
    throw new CliError(
      `no stack reachable at ${t.outputs.ApiUrl} (${why}; from ${t.file})${t.local ? ': start one with `npm start`' : ''}, or pass --outputs FILE`,
    );
  }
}

export async function prompt(question: string, io: Io, missing = 'no password: pass --password or set TRIVIA_PASSWORD'): Promise<string> {
  if (!process.stdin.isTTY) throw new CliError(missing);
  const rl = createInterface({ input: process.stdin, output: process.stderr as NodeJS.WritableStream, terminal: true });
  const muted = rl as unknown as { _writeToOutput: (s: string) => void };
  io.stderr.write(question);
  muted._writeToOutput = () => {};
  try {
    return await new Promise<string>((resolve) => rl.question('', resolve));
  } finally {
    rl.close();
    io.stderr.write('\n');
  }
}

/**
 * The current TOTP code, when Cognito asks for one (accounts with TOTP: every admin): --totp-code or $TRIVIA_TOTP_CODE,
 * else computed from $TRIVIA_TOTP_SECRET (scripts and CI), else typed at a prompt on a terminal.
 */
export function totpFrom(ctx: Ctx): (challenge?: TotpChallenge) => Promise<string> {
  return async (challenge) => {
    const given = ctx.values['totp-code'] ?? ctx.io.env.TRIVIA_TOTP_CODE;
    if (given) return given;
    const secret = ctx.io.env.TRIVIA_TOTP_SECRET;
    if (secret) {
      try {
        return totpCode(secret, Date.now());
      } catch (err) {
        throw new CliError(`TRIVIA_TOTP_SECRET: ${(err as Error).message}`);
      }
    }
    const device = challenge?.friendlyDeviceName ? ` (${challenge.friendlyDeviceName})` : '';
    return prompt(`TOTP code${device}: `, ctx.io, 'this account has TOTP: pass --totp-code CODE, or set TRIVIA_TOTP_CODE or TRIVIA_TOTP_SECRET');
  };
}

export function newAuth(t: StackTarget, flow: SignInFlow = 'password', ctx?: Ctx) {
  return new CognitoAuth({
    clientId: t.outputs.UserPoolClientId,
    userPoolId: t.outputs.UserPoolId,
    endpoint: t.outputs.CognitoEndpoint,
    flow,
    ...(ctx ? { totp: totpFrom(ctx) } : {}),
  });
}

/** A client signed in as the CLI's user: flags or environment, then the saved session, then (locally) the demo admin. */
export async function signedIn(ctx: Ctx, t: StackTarget = target(ctx)): Promise<TriviaClient> {
  return new TriviaClient({ ...clientEndpoints(t.outputs, WebSocket as RealtimeSocketConstructor), auth: await signedInAuth(ctx, t) });
}

/** The CLI user's tokens, as `signedIn` finds them. */
export async function signedInAuth(ctx: Ctx, t: StackTarget = target(ctx)): Promise<CognitoAuth> {
  await reachable(t);
  const { env } = ctx.io;
  const user = ctx.values.user ?? env.TRIVIA_USER;
  const password = ctx.values.password ?? env.TRIVIA_PASSWORD;
  const saved = loadSession(t, sessionFile(env));
  const auth = newAuth(t, ctx.values.srp ? 'srp' : 'password', ctx);
  const persist = (email: string) => (tokens: Parameters<CognitoAuth['useTokens']>[0]) => saveSession(t, { email, tokens, savedAt: Date.now() }, sessionFile(env));
  if (user && password) {
    await auth.signIn(user, password);
  } else if (saved && (!user || user === saved.email)) {
    const resumed = new CognitoAuth({
      clientId: t.outputs.UserPoolClientId,
      userPoolId: t.outputs.UserPoolId,
      endpoint: t.outputs.CognitoEndpoint,
      onTokens: persist(saved.email),
    });
    resumed.useTokens(saved.tokens);
    return resumed;
  } else if (t.local) {
    await auth.signIn(DEMO_ADMIN.email, DEMO_ADMIN.password);
  } else {
    throw new CliError(`not signed in to ${t.stackName}: run \`trivia login --user EMAIL\` (or set TRIVIA_USER and TRIVIA_PASSWORD)`);
  }
  return auth;
}

/** An operations route a stack may not have yet: its 404 `route_not_found` becomes one line saying so. */
export async function notYet<T>(what: string, route: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof ApiError && err.status === 404 && err.code === 'route_not_found') {
      throw new CliError(`${what} is not available on this stack yet: it has no ${route} route`);
    }
    throw err;
  }
}
