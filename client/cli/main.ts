/**
 * `trivia`: a thin command line over the typed client (client/). See `trivia --help`.
 *
 * Exit codes: 0 success, 1 failure (one line on stderr), 2 usage error.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { CognitoAuth, jwtClaims, type SignInFlow } from '../auth.ts';
import { readBotsFile } from '../bots.ts';
import { TriviaClient } from '../client.ts';
import { ApiError, AuthError, ContractError, NetworkError } from '../errors.ts';
import { OutputsError, clientEndpoints, findOutputs, type StackTarget } from '../outputs.ts';
import { simulate, type SimulationEvent } from '../simulate.ts';
import type { WatchStatus } from '../watch.ts';
import type { RealtimeSocketConstructor } from '../realtime.ts';
import WebSocket from 'ws';
import type { EpisodeViewOut, StatisticsOut } from '../../lambda/domain/contract.ts';
import { colors, plain, progressLine, renderEpisode, renderEpisodeLine, type Progress, type Style } from './render.ts';
import { loadSession, saveSession, sessionFile } from './session.ts';
import { play, terminalKeyboard } from './play.ts';
import { renderAttribution, renderFunnel } from './growth.ts';

export const DEMO_ADMIN = { email: 'admin@example.com', password: 'Passw0rd!' };

export const USAGE = `trivia — command line for Trivia Live

usage: trivia [--outputs FILE] [--stack NAME] [--json] [--no-color] COMMAND

commands:
  login [--user EMAIL] [--password PW] [--srp]   sign in (password: --password, $TRIVIA_PASSWORD or a prompt) and save the session
  question add --question TEXT --option A --option B [--option C] [--option D] --answer INDEX [--id ID]
  question add --file QUESTIONS.json              an array of {id?, question, options, answer}
  question list [--limit N] [--all]
  game create QUESTION_ID... [--title TITLE] [--id ID]
  episode create --game ID [--min N] [--window S] [--reveal S] [--lead S] [--start-at ISO|MS] [--id ID]
  episode show ID | episode report ID | episode cancel ID
  watch EPISODE [--once]                          live view: state, question, countdown (server clock), players, answers
  play EPISODE [--user EMAIL --password PW]       join and play a show: answer each question with a key (A–D or 1–4)
  simulate --players N --accuracy P [--questions Q] [--game ID] [--window S] [--reveal S] [--lead S] [--bots FILE] [--no-view]
                                                  bots register and play a live show through the API
  errors [--reason CODE] [--episode ID] [--since MS|ISO] [--limit N]
                                                  recorded rejections and dead letters (GET /api/v1/errors)
  dlq [status]                                    dead-letter queues and their depth (GET /api/v1/dlq)
  dlq redrive QUEUE                               move a queue's dead letters back (POST /api/v1/dlq/{queue}/redrive)
  growth [--from YYYY-MM-DD] [--to YYYY-MM-DD]    the funnel by day and sign-ups by campaign (default: the last 7 days)

The stack comes from --outputs FILE, $TRIVIA_OUTPUTS, ./cdk-outputs.json or ./cdk-outputs.local.json.
Signed in as: --user/--password, $TRIVIA_USER/$TRIVIA_PASSWORD, the session saved by \`trivia login\`, or, on a
local stack, the demo admin (admin@example.com). --json prints machine-readable output (simulate: one JSON line).`;

class UsageError extends Error {}
class CliError extends Error {}

const OPTIONS = {
  outputs: { type: 'string' },
  stack: { type: 'string' },
  json: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  user: { type: 'string' },
  password: { type: 'string' },
  srp: { type: 'boolean' },
  question: { type: 'string' },
  option: { type: 'string', multiple: true },
  answer: { type: 'string' },
  id: { type: 'string' },
  file: { type: 'string' },
  limit: { type: 'string' },
  all: { type: 'boolean' },
  title: { type: 'string' },
  game: { type: 'string' },
  min: { type: 'string' },
  window: { type: 'string' },
  reveal: { type: 'string' },
  lead: { type: 'string' },
  'start-at': { type: 'string' },
  once: { type: 'boolean' },
  players: { type: 'string' },
  accuracy: { type: 'string' },
  questions: { type: 'string' },
  bots: { type: 'string' },
  'no-view': { type: 'boolean' },
  queue: { type: 'string' },
  reason: { type: 'string' },
  episode: { type: 'string' },
  since: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

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

interface Ctx {
  io: Io;
  values: Values;
  json: boolean;
  tty: boolean;
  style: Style;
}

const number = (raw: string | undefined, name: string, check: (n: number) => boolean = Number.isFinite): number | undefined => {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} must be a valid number, not "${raw}"`);
  return n;
};

function out(ctx: Ctx, human: string, data?: unknown) {
  ctx.io.stdout.write(ctx.json ? `${JSON.stringify(data ?? human)}\n` : `${human}\n`);
}

function target(ctx: Ctx): StackTarget {
  try {
    return findOutputs({ file: ctx.values.outputs, stackName: ctx.values.stack, dirs: [ctx.io.cwd, ...(ctx.io.searchDirs ?? [])], env: ctx.io.env });
  } catch (err) {
    if (err instanceof OutputsError) throw new CliError(err.message);
    throw err;
  }
}

/** Fails with one clear line when the stack's API does not answer. */
async function reachable(t: StackTarget): Promise<void> {
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

async function prompt(question: string, io: Io): Promise<string> {
  if (!process.stdin.isTTY) throw new CliError('no password: pass --password or set TRIVIA_PASSWORD');
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

function newAuth(t: StackTarget, flow: SignInFlow = 'password') {
  return new CognitoAuth({ clientId: t.outputs.UserPoolClientId, userPoolId: t.outputs.UserPoolId, endpoint: t.outputs.CognitoEndpoint, flow });
}

/** A client signed in as the CLI's user: flags or environment, then the saved session, then (locally) the demo admin. */
async function signedIn(ctx: Ctx, t: StackTarget): Promise<TriviaClient> {
  await reachable(t);
  const { env } = ctx.io;
  const user = ctx.values.user ?? env.TRIVIA_USER;
  const password = ctx.values.password ?? env.TRIVIA_PASSWORD;
  const saved = loadSession(t, sessionFile(env));
  const auth = newAuth(t, ctx.values.srp ? 'srp' : 'password');
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
    return new TriviaClient({ ...clientEndpoints(t.outputs, WebSocket as RealtimeSocketConstructor), auth: resumed });
  } else if (t.local) {
    await auth.signIn(DEMO_ADMIN.email, DEMO_ADMIN.password);
  } else {
    throw new CliError(`not signed in to ${t.stackName}: run \`trivia login --user EMAIL\` (or set TRIVIA_USER and TRIVIA_PASSWORD)`);
  }
  return new TriviaClient({ ...clientEndpoints(t.outputs, WebSocket as RealtimeSocketConstructor), auth });
}

/* ------------------------------------------------------------------------------------------------------------ */

async function login(ctx: Ctx) {
  const t = target(ctx);
  await reachable(t);
  const { env } = ctx.io;
  const email = ctx.values.user ?? env.TRIVIA_USER ?? (t.local ? DEMO_ADMIN.email : undefined);
  if (!email) throw new UsageError('login needs --user EMAIL');
  const password =
    ctx.values.password ?? env.TRIVIA_PASSWORD ?? (t.local && email === DEMO_ADMIN.email ? DEMO_ADMIN.password : await prompt(`Password for ${email}: `, ctx.io));
  const flow: SignInFlow = ctx.values.srp ? 'srp' : 'password';
  const auth = newAuth(t, flow);
  const tokens = await auth.signIn(email, password);
  const file = sessionFile(env);
  saveSession(t, { email, tokens, savedAt: Date.now() }, file);
  const claims = jwtClaims(tokens.idToken);
  const groups = Array.isArray(claims['cognito:groups']) ? (claims['cognito:groups'] as string[]) : [];
  out(ctx, `signed in to ${t.stackName} as ${email}${groups.length ? ` (${groups.join(', ')})` : ''} with ${flow === 'srp' ? 'SRP' : 'USER_PASSWORD_AUTH'}; session saved in ${file}`, {
    stack: t.stackName,
    email,
    sub: claims.sub,
    groups,
    expires_at: tokens.expiresAt,
    session_file: file,
  });
}

async function question(ctx: Ctx, sub: string | undefined) {
  const t = target(ctx);
  const client = await signedIn(ctx, t);
  if (sub === 'add') {
    const v = ctx.values;
    let inputs: Parameters<TriviaClient['createQuestion']>[0][];
    if (v.file) {
      const { readFileSync } = await import('node:fs');
      const parsed = JSON.parse(readFileSync(v.file, 'utf8')) as unknown;
      inputs = (Array.isArray(parsed) ? parsed : [parsed]) as typeof inputs;
    } else {
      if (!v.question || !v.option || v.answer === undefined) throw new UsageError('question add needs --question TEXT, two to four --option and --answer INDEX');
      inputs = [{ ...(v.id ? { id: v.id } : {}), question: v.question, options: v.option, answer: v.answer }];
    }
    const created = [];
    for (const input of inputs) created.push(await client.createQuestion(input));
    if (ctx.json) out(ctx, '', created.length === 1 && !v.file ? created[0] : created);
    else for (const q of created) out(ctx, `${q.id}  ${q.question}  [${q.options.map((o, k) => (k === Number(q.answer) ? `*${o}*` : o)).join(' | ')}]`);
    return;
  }
  if (sub === 'list') {
    const limit = number(ctx.values.limit, 'limit', (n) => Number.isInteger(n) && n >= 1 && n <= 100) ?? 50;
    const items = [];
    let next: string | undefined;
    do {
      const page = await client.listQuestions({ limit, ...(next ? { next } : {}) });
      items.push(...page.items);
      next = page.next;
    } while (next && ctx.values.all);
    if (ctx.json) out(ctx, '', { items, ...(next ? { next } : {}) });
    else {
      for (const q of items) out(ctx, `${q.id}  ${q.question}  (${q.options.length} options, answer ${q.answer})`);
      if (next) out(ctx, ctx.style.dim(`… more: trivia question list --all`));
      if (items.length === 0) out(ctx, 'no questions yet');
    }
    return;
  }
  throw new UsageError('question add|list');
}

async function game(ctx: Ctx, sub: string | undefined, args: string[]) {
  if (sub !== 'create') throw new UsageError('game create QUESTION_ID...');
  if (args.length === 0) throw new UsageError('game create needs question ids');
  const client = await signedIn(ctx, target(ctx));
  const g = await client.createGame({ qset: args, ...(ctx.values.title ? { title: ctx.values.title } : {}), ...(ctx.values.id ? { id: ctx.values.id } : {}) });
  out(ctx, `game ${g.id}${g.title ? ` “${g.title}”` : ''}: ${g.qset.length} questions (${g.qset.join(', ')})`, g);
}

function startAt(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(n)) throw new UsageError(`--start-at must be epoch ms or an ISO date, not "${raw}"`);
  return n;
}

async function episode(ctx: Ctx, sub: string | undefined, args: string[]) {
  const client = await signedIn(ctx, target(ctx));
  const v = ctx.values;
  if (sub === 'create') {
    if (!v.game) throw new UsageError('episode create needs --game ID');
    const e = await client.createEpisode({
      game_id: v.game,
      ...(v.id ? { id: v.id } : {}),
      ...(v.min !== undefined ? { min_participant: number(v.min, 'min') } : {}),
      ...(v.window !== undefined ? { answer_window_seconds: number(v.window, 'window') } : {}),
      ...(v.reveal !== undefined ? { reveal_seconds: number(v.reveal, 'reveal') } : {}),
      ...(v.lead !== undefined ? { lead_seconds: number(v.lead, 'lead') } : {}),
      ...(v['start-at'] !== undefined ? { start_at: startAt(v['start-at']) } : {}),
    });
    out(ctx, `episode ${e.id} of game ${e.game_id}: ${e.state}, starts once ${e.min_participant} players have registered`, e);
    return;
  }
  const id = args[0];
  if (!id) throw new UsageError(`episode ${sub ?? 'show'} ID`);
  if (sub === 'show') {
    const e = await client.getEpisode(id);
    out(ctx, renderEpisode(e, { serverNow: client.serverNow(), style: ctx.style }), e);
    return;
  }
  if (sub === 'cancel') {
    const e = await client.cancelEpisode(id);
    out(ctx, `episode ${e.id} is ${e.state}`, e);
    return;
  }
  if (sub === 'report') {
    const r = await client.getReport(id);
    if (ctx.json) return out(ctx, '', r);
    out(ctx, formatReport(r, ctx.style));
    return;
  }
  throw new UsageError('episode create|show|report|cancel');
}

export function formatReport(r: Awaited<ReturnType<TriviaClient['getReport']>>, s: Style = plain): string {
  const lines = [
    s.bold(`Report of episode ${r.episode.id}${r.episode.title ? ` · ${r.episode.title}` : ''}: ${r.episode.state}`),
    `players ${r.episode.participant_count} · winners ${r.winners_count}${r.timings.duration_ms !== null ? ` · ${(r.timings.duration_ms / 1000).toFixed(1)} s` : ''}`,
    '',
    'question  answered  right  eliminated  distribution',
  ];
  for (const q of r.questions) {
    const dist = q.answer_counts.map((a) => `${'ABCD'[Number(a.answer)]}:${a.count}${a.correct ? '✔' : ''}`).join(' ');
    lines.push(`${String(q.question_index + 1).padStart(8)}  ${String(q.answered_count).padStart(8)}  ${String(q.advancing_count).padStart(5)}  ${String(q.eliminated_count).padStart(10)}  ${dist}`);
  }
  lines.push('', `survival: ${r.survival_curve.map((p) => p.remaining).join(' → ')}`);
  if (r.winners.length) {
    const names = r.winners.slice(0, 20).map((w) => w.nickname ?? w.user_id);
    lines.push(`winners: ${names.join(', ')}${r.winners_count > names.length ? ` … (+${r.winners_count - names.length})` : ''}`);
  }
  return lines.join('\n');
}

/** Draws frames in place on a TTY (cursor up, clear down); prints one line per change elsewhere. */
export function liveView(ctx: Ctx) {
  let lastLines = 0;
  let lastLine = '';
  const width = (ctx.io.stdout as { columns?: number }).columns ?? 80;
  return {
    frame(view: EpisodeViewOut, serverNow: number, statistics?: StatisticsOut, progress?: Progress) {
      if (ctx.json) return;
      if (ctx.tty) {
        const text = renderEpisode(view, { serverNow, statistics, progress, style: ctx.style, width });
        ctx.io.stdout.write(`${lastLines ? `\u001b[${lastLines}F\u001b[0J` : ''}${text}\n`);
        lastLines = text.split('\n').length;
      } else {
        const line = renderEpisodeLine(view, serverNow);
        const key = `${view.state} ${view.current_question_index}`;
        if (key !== lastLine) ctx.io.stdout.write(`${line}\n`);
        lastLine = key;
      }
    },
    /** Leaves the last frame on screen: what follows is printed below it. */
    release() {
      lastLines = 0;
    },
    /** Text above the live frame (keeps the frame below it). */
    note(text: string) {
      if (ctx.json) return;
      if (ctx.tty && lastLines) ctx.io.stdout.write(`\u001b[${lastLines}F\u001b[0J`);
      lastLines = 0;
      ctx.io.stdout.write(`${text}\n`);
    },
  };
}

/**
 * `trivia watch EPISODE`: follows the show on its live channel (polling the snapshot only when the channel cannot be
 * reached, and saying so), redraws the countdown between events on a terminal, and exits with a summary at the end.
 */
async function watch(ctx: Ctx, args: string[]) {
  const id = args[0];
  if (!id) throw new UsageError('watch EPISODE');
  const client = await signedIn(ctx, target(ctx));
  await client.syncClock(3);
  const view = liveView(ctx);
  let latest: { episode: EpisodeViewOut; statistics?: StatisticsOut } | undefined;
  const redraw = () => latest && view.frame(latest.episode, client.serverNow(), latest.statistics);
  const ticker = ctx.tty && !ctx.json ? setInterval(redraw, 200) : undefined;
  const stop = new AbortController();
  try {
    const onStatus = (status: WatchStatus, detail?: string) => {
      // On stderr, so that a pipe of the view (or of --json) stays clean.
      if (status === 'polling' || status === 'reconnecting') ctx.io.stderr.write(`live channel: ${status}${detail ? ` (${detail})` : ''}\n`);
    };
    for await (const item of client.watch(id, { signal: stop.signal, onStatus })) {
      const index = item.episode.current_question_index;
      let statistics = item.statistics ?? (latest?.statistics?.question_index === index ? latest.statistics : undefined);
      // Joining after the results (a snapshot of an ended show, say): the last question's statistics from the API.
      if (!statistics && item.type === 'snapshot' && index >= 0 && (item.episode.state === 'ENDED' || item.episode.state === 'QUESTION_RESULTS')) {
        statistics = await client.getStatistics(id, index).catch((err: unknown) => {
          if (err instanceof ApiError && err.status === 409) return undefined;
          throw err;
        });
      }
      latest = { episode: item.episode, ...(statistics ? { statistics } : {}) };
      if (ctx.json) ctx.io.stdout.write(`${JSON.stringify({ type: item.type, seq: item.seq, episode: item.episode, statistics: statistics ?? null })}\n`);
      else redraw();
      if (ctx.values.once) stop.abort();
    }
  } finally {
    if (ticker) clearInterval(ticker);
  }
  if (!ctx.json && latest && (latest.episode.state === 'ENDED' || latest.episode.state === 'CANCELLED')) {
    view.release();
    const e = latest.episode;
    out(ctx, e.state === 'ENDED' ? `The show is over: ${e.remaining_count} winner(s) of ${e.participant_count} players.` : 'The show was cancelled.');
  }
}

async function runSimulation(ctx: Ctx) {
  const v = ctx.values;
  const players = number(v.players, 'players', (n) => Number.isInteger(n) && n >= 1 && n <= 100_000);
  const accuracy = number(v.accuracy, 'accuracy', (n) => n >= 0 && n <= 1);
  if (players === undefined || accuracy === undefined) throw new UsageError('simulate needs --players N and --accuracy P (0…1)');
  const t = target(ctx);
  const bots = v.bots ? readBotsFile(v.bots) : undefined;
  if (!t.local && !bots) {
    throw new CliError(`${t.stackName} is a deployed stack: the CLI creates bot users only on a local stack; pass --bots FILE ([{"email","password"}, …] of existing users)`);
  }
  const admin = await signedIn(ctx, t);
  const view = liveView(ctx);
  const showView = !v['no-view'];
  let last: { view?: EpisodeViewOut; serverNow: number; statistics?: StatisticsOut; progress?: Progress } = { serverNow: 0 };
  const redraw = () => last.view && showView && view.frame(last.view, last.serverNow, last.statistics, last.progress);
  let lastProgressAt = 0;
  const onEvent = (e: SimulationEvent) => {
    if (ctx.json) return;
    switch (e.kind) {
      case 'phase':
        if (e.phase === 'report') view.release();
        else if (e.phase !== 'play') view.note(ctx.style.dim(`· ${e.message}`));
        last.progress = undefined;
        break;
      case 'progress': {
        const label = { bots: 'creating bots', 'sign-in': 'signing in', register: 'registering', answers: 'answers sent' }[e.phase];
        last.progress = { label, done: e.done, total: e.total, ...(e.failed ? { failed: e.failed } : {}) };
        if (e.phase !== 'answers') {
          const now = Date.now();
          if (ctx.tty && (now - lastProgressAt > 100 || e.done === e.total)) {
            ctx.io.stdout.write(`\r${progressLine(last.progress, ctx.style)}${e.done === e.total ? '\n' : ''}`);
            lastProgressAt = now;
          } else if (!ctx.tty && e.done === e.total) ctx.io.stdout.write(`${progressLine(last.progress, plain)}\n`);
          return;
        }
        redraw();
        break;
      }
      case 'episode':
        last = { ...last, view: e.view, serverNow: e.serverNow };
        redraw();
        break;
      case 'statistics':
        last.statistics = e.statistics;
        redraw();
        break;
    }
  };
  const result = await simulate({
    target: t,
    admin,
    players,
    accuracy,
    ...(v.questions !== undefined ? { questions: number(v.questions, 'questions', (n) => Number.isInteger(n) && n >= 1 && n <= 100) } : {}),
    ...(v.game ? { gameId: v.game } : {}),
    timings: {
      ...(v.window !== undefined ? { answer_window_seconds: number(v.window, 'window') } : {}),
      ...(v.reveal !== undefined ? { reveal_seconds: number(v.reveal, 'reveal') } : {}),
      ...(v.lead !== undefined ? { lead_seconds: number(v.lead, 'lead') } : {}),
    },
    ...(bots ? { bots } : {}),
    onEvent,
  });
  const episodeWinners = result.state === 'ENDED' ? result.report.episode.remaining_count : undefined;
  if (episodeWinners !== undefined && episodeWinners !== result.winners) {
    ctx.io.stderr.write(`warning: the episode ended with ${episodeWinners} player(s) remaining, but the report counts ${result.winners} winner(s)\n`);
  }
  if (ctx.json) {
    ctx.io.stdout.write(`${JSON.stringify({ episode_id: result.episode_id, players: result.players, winners: result.winners, questions: result.questions })}\n`);
    return;
  }
  view.release();
  out(ctx, `\n${formatReport(result.report, ctx.style)}`);
}

async function notYet<T>(what: string, route: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof ApiError && err.status === 404 && err.code === 'route_not_found') {
      throw new CliError(`${what} is not available on this stack yet: it has no ${route} route`);
    }
    throw err;
  }
}

/** What GET /api/v1/errors returns when no limit is asked for. */
const DEFAULT_ERRORS_LIMIT = 100;

async function errorsCommand(ctx: Ctx) {
  const client = await signedIn(ctx, target(ctx));
  const v = ctx.values;
  const limit = number(v.limit, 'limit', (n) => Number.isInteger(n) && n >= 1);
  const page = await notYet('trivia errors', 'GET /api/v1/errors', () =>
    client.errors({ ...(limit ? { limit } : {}), ...(v.reason ? { reason: v.reason } : {}), ...(v.episode ? { episode_id: v.episode } : {}), ...(v.since ? { from: v.since } : {}) }),
  );
  if (ctx.json) return out(ctx, '', page);
  const more = !page.truncated
    ? ''
    : page.items.length >= (limit ?? DEFAULT_ERRORS_LIMIT)
      ? ` (the limit of ${limit ?? DEFAULT_ERRORS_LIMIT} cut the list: raise --limit or narrow the range)`
      : ' (more: narrow the range)';
  out(ctx, ctx.style.dim(`${page.items.length} record(s) from ${new Date(page.from).toISOString()} to ${new Date(page.to).toISOString()}${more}`));
  for (const e of page.items) {
    const where = [e.episode_id && `episode ${e.episode_id}`, e.question_index !== undefined && `q${e.question_index + 1}`, e.user_id && `user ${e.user_id}`].filter(Boolean).join(' ');
    out(ctx, `${new Date(e.at).toISOString()}  ${e.reason}${e.status ? ` (${e.status})` : ''}  ${e.source}${where ? `  ${where}` : ''}${e.represents > 1 ? `  ×${e.represents}` : ''}${e.detail ? `  ${e.detail}` : ''}`);
  }
}

async function dlq(ctx: Ctx, sub: string | undefined, args: string[]) {
  if (sub === undefined || sub === 'status') {
    const client = await signedIn(ctx, target(ctx));
    const status = await notYet('trivia dlq status', 'GET /api/v1/dlq', () => client.dlqStatus());
    if (ctx.json) return out(ctx, '', status);
    for (const q of status.queues) {
      const task = q.move_tasks[0];
      out(ctx, `${q.queue.padEnd(12)} ${String(q.messages).padStart(6)} waiting ${String(q.in_flight).padStart(4)} in flight${q.redrivable ? '' : '  (not redrivable)'}${task ? `  last redrive: ${task.status}, ${task.moved} moved` : ''}`);
    }
    return;
  }
  if (sub !== 'redrive') throw new UsageError('dlq [status] | dlq redrive QUEUE');
  const queue = args[0] ?? ctx.values.queue;
  if (!queue) throw new UsageError('dlq redrive needs the queue (see trivia dlq status)');
  const client = await signedIn(ctx, target(ctx));
  const started = await notYet('trivia dlq redrive', 'POST /api/v1/dlq/{queue}/redrive', () => client.redriveDlq(queue));
  out(ctx, `redrive of ${started.queue} started: about ${started.approximate_messages} message(s) (trivia dlq status shows progress)`, started);
}

async function growth(ctx: Ctx) {
  const client = await signedIn(ctx, target(ctx));
  const range = { ...(ctx.values.from ? { from: ctx.values.from } : {}), ...(ctx.values.to ? { to: ctx.values.to } : {}) };
  const [funnel, attribution] = await notYet('trivia growth', 'GET /api/v1/growth/funnel', () => Promise.all([client.funnel(range), client.attribution(range)]));
  if (ctx.json) return out(ctx, '', { funnel, attribution });
  out(ctx, `${renderFunnel(funnel)}\n\n${renderAttribution(attribution)}`);
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[], io: Io): Promise<number> {
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true }));
  } catch (err) {
    io.stderr.write(`error: ${(err as Error).message} (try trivia --help)\n`);
    return 2;
  }
  const [command, sub, ...rest] = positionals;
  if (values.help || !command || command === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return command || values.help ? 0 : 2;
  }
  const tty = !!io.stdout.isTTY && !values.json;
  const colorOk = tty && !values['no-color'] && io.env.NO_COLOR === undefined && io.env.TERM !== 'dumb';
  const ctx: Ctx = { io, values, json: !!values.json, tty, style: colorOk ? colors : plain };
  try {
    switch (command) {
      case 'login':
        await login(ctx);
        break;
      case 'question':
        await question(ctx, sub);
        break;
      case 'game':
        await game(ctx, sub, rest);
        break;
      case 'episode':
        await episode(ctx, sub, rest);
        break;
      case 'watch':
        await watch(ctx, [sub, ...rest].filter((x): x is string => !!x));
        break;
      case 'play': {
        if (!sub) throw new UsageError('play EPISODE');
        if (!ctx.io.stdin) throw new CliError('play needs a keyboard (a terminal on standard input)');
        const client = await signedIn(ctx, target(ctx));
        const out = ctx.io.stdout;
        return await play(client, sub, {
          write: (text) => void out.write(text),
          keyboard: terminalKeyboard(ctx.io.stdin),
          tty: ctx.tty,
          width: (out as { columns?: number }).columns ?? 80,
          style: ctx.style,
        });
      }
        break;
      case 'simulate':
        await runSimulation(ctx);
        break;
      case 'errors':
        await errorsCommand(ctx);
        break;
      case 'dlq':
        await dlq(ctx, sub, rest);
        break;
      case 'growth':
        await growth(ctx);
        break;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
    return 0;
  } catch (err) {
    return report(err, io);
  }
}

/**
 * The API's `details`, a line each: a validation failure's fields (`{formErrors, fieldErrors}`, as zod flattens them) by
 * name, anything else as JSON, cut at 300 characters.
 */
export function detailLines(details: unknown): string[] {
  if (details === undefined || details === null) return [];
  const flat = details as { formErrors?: unknown; fieldErrors?: unknown };
  if (Array.isArray(flat.formErrors) && flat.fieldErrors && typeof flat.fieldErrors === 'object') {
    return [
      ...flat.formErrors.map((m) => `(body): ${String(m)}`),
      ...Object.entries(flat.fieldErrors as Record<string, unknown>).map(([field, messages]) => `${field}: ${Array.isArray(messages) ? messages.join('; ') : String(messages)}`),
    ];
  }
  const text = JSON.stringify(details);
  return [`details: ${text.length > 300 ? `${text.slice(0, 300)}…` : text}`];
}

function report(err: unknown, io: Io): number {
  if (err instanceof UsageError) {
    io.stderr.write(`error: ${err.message} (try trivia --help)\n`);
    return 2;
  }
  const message =
    err instanceof CliError || err instanceof AuthError || err instanceof ContractError
      ? err.message
      : err instanceof ApiError
        ? `${err.status} ${err.code}: ${err.message}`
        : err instanceof NetworkError
          ? `the stack stopped answering: ${err.message}`
          : `${(err as Error)?.message ?? String(err)}`;
  io.stderr.write(`error: ${message.split('\n')[0]}\n`);
  if (err instanceof ApiError) for (const line of detailLines(err.details)) io.stderr.write(`  ${line}\n`);
  if (io.env.TRIVIA_DEBUG && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
  return 1;
}
