/**
 * A live show played by bots through the real API: content (or an existing game), an episode that starts when every
 * bot has registered, bots that sign in through Cognito, register, and answer each open question right with
 * probability `accuracy` (wrong otherwise), until the episode ends; then the report.
 *
 * One client (the admin's) follows the episode on its live channel (`TriviaClient.watch`) and drives the bots: they
 * answer when `question.opened` arrives, so a show with hundreds of bots costs one subscription and no polling.
 */
import { randomUUID } from 'node:crypto';
import type { EpisodeViewOut, ReportOut, StatisticsOut } from '../lambda/domain/contract.ts';
import { CognitoAuth } from './auth.ts';
import { mapLimit, provisionLocalBots, type BotCredentials } from './bots.ts';
import { TriviaClient, type TriviaClientOptions } from './client.ts';
import { ApiError } from './errors.ts';
import type { StackTarget } from './outputs.ts';
import { sleep } from './retry.ts';
import type { WatchStatus } from './watch.ts';

export const QUESTION_BANK: { question: string; options: string[]; answer: number }[] = [
  { question: 'Which planet is known as the Red Planet?', options: ['Venus', 'Mars', 'Jupiter'], answer: 1 },
  { question: 'How many sides does a hexagon have?', options: ['5', '6', '8', '10'], answer: 1 },
  { question: 'What is the chemical symbol for gold?', options: ['Au', 'Ag', 'Gd'], answer: 0 },
  { question: 'Which ocean is the largest?', options: ['Atlantic', 'Indian', 'Pacific', 'Arctic'], answer: 2 },
  { question: 'Who painted the Mona Lisa?', options: ['Michelangelo', 'Raphael', 'Leonardo da Vinci'], answer: 2 },
  { question: 'What is the boiling point of water at sea level, in °C?', options: ['90', '100', '110'], answer: 1 },
  { question: 'Which language has the most native speakers?', options: ['English', 'Spanish', 'Mandarin Chinese', 'Hindi'], answer: 2 },
  { question: 'What is the smallest prime number?', options: ['0', '1', '2'], answer: 2 },
  { question: 'Which element has atomic number 1?', options: ['Helium', 'Hydrogen', 'Lithium'], answer: 1 },
  { question: 'In which year did the first Moon landing happen?', options: ['1965', '1969', '1972', '1975'], answer: 1 },
  { question: 'What is the capital of Australia?', options: ['Sydney', 'Melbourne', 'Canberra'], answer: 2 },
  { question: 'How many minutes are in a day?', options: ['1440', '1240', '1480'], answer: 0 },
];

export interface Timings {
  answer_window_seconds: number;
  reveal_seconds: number;
  lead_seconds: number;
}

export type SimulationEvent =
  | { kind: 'phase'; phase: 'content' | 'bots' | 'sign-in' | 'register' | 'play' | 'report'; message: string }
  | { kind: 'progress'; phase: 'bots' | 'sign-in' | 'register' | 'answers'; done: number; total: number; failed?: number }
  | { kind: 'episode'; view: EpisodeViewOut; serverNow: number }
  /** How the show is followed: `live` on the channel, or `polling` the snapshot (visible to the user). */
  | { kind: 'live'; status: WatchStatus; detail?: string }
  | { kind: 'statistics'; statistics: StatisticsOut };

export interface SimulationOptions {
  target: StackTarget;
  /** A client signed in as an admin. */
  admin: TriviaClient;
  players: number;
  /** Probability that a bot answers right, 0…1. */
  accuracy: number;
  /** Questions to generate (default 5); ignored with `gameId`. */
  questions?: number;
  /** Play an existing game instead (the admin reads its answers). */
  gameId?: string;
  timings?: Partial<Timings>;
  /** Bot credentials; on a local stack they are created when absent. */
  bots?: BotCredentials[];
  /** Options for the bots' clients (tests inject fetch). */
  clientOptions?: Partial<TriviaClientOptions>;
  /** Answers spread over at most this long after a question opens (and at most 40 % of what is left of the window; default 3 s). */
  answerSpreadMs?: number;
  /** Give up after this long (default 10 minutes). */
  timeoutMs?: number;
  random?: () => number;
  onEvent?: (event: SimulationEvent) => void;
}

export interface SimulationResult {
  episode_id: string;
  players: number;
  winners: number;
  questions: number;
  state: EpisodeViewOut['state'];
  report: ReportOut;
  /** Answers the API accepted, per question index. */
  accepted: number[];
  /** Answers that failed (not accepted), per question index. */
  failed: number[];
}

interface Bot {
  email: string;
  client: TriviaClient;
  alive: boolean;
}

/** Which option a bot picks: the right one with probability `accuracy`, else one of the wrong ones at random. */
export function pickAnswer(answer: number, optionCount: number, accuracy: number, random: () => number = Math.random): number {
  if (random() < accuracy) return answer;
  const wrong = Array.from({ length: optionCount }, (_, i) => i).filter((i) => i !== answer);
  return wrong[Math.floor(random() * wrong.length) % wrong.length];
}

export async function simulate(opts: SimulationOptions): Promise<SimulationResult> {
  const random = opts.random ?? Math.random;
  const emit = opts.onEvent ?? (() => {});
  const { admin, target } = opts;
  const timings: Timings = { answer_window_seconds: 5, reveal_seconds: 2, lead_seconds: 2, ...opts.timings };
  if (!(opts.players >= 1)) throw new Error('players must be at least 1');
  if (!(opts.accuracy >= 0 && opts.accuracy <= 1)) throw new Error('accuracy must be between 0 and 1');
  const runId = randomUUID().slice(0, 8);

  /* content: the answers the bots need */
  emit({ kind: 'phase', phase: 'content', message: opts.gameId ? `reading game ${opts.gameId}` : 'creating questions and a game' });
  const answers = new Map<string, { answer: number; options: number }>();
  let gameId = opts.gameId;
  if (gameId) {
    const game = await admin.getGame(gameId);
    for (const id of game.qset) {
      const q = await admin.getQuestion(id);
      answers.set(id, { answer: q.answer, options: q.options.length });
    }
  } else {
    const count = opts.questions ?? 5;
    const qset: string[] = [];
    for (let i = 0; i < count; i++) {
      const b = QUESTION_BANK[i % QUESTION_BANK.length];
      const q = await admin.createQuestion({ id: `sim-${runId}-q${i + 1}`, question: b.question, options: b.options, answer: b.answer });
      answers.set(q.id, { answer: q.answer, options: q.options.length });
      qset.push(q.id);
    }
    gameId = (await admin.createGame({ id: `sim-${runId}`, title: `Simulation ${runId}`, qset })).id;
  }
  const created = await admin.createEpisode({ id: `sim-${runId}`, game_id: gameId, min_participant: opts.players, ...timings });
  const episodeId = created.id;
  emit({ kind: 'episode', view: created, serverNow: admin.serverNow() });

  /* bots */
  let credentials = opts.bots;
  if (!credentials) {
    emit({ kind: 'phase', phase: 'bots', message: `creating ${opts.players} bot users in cognito-local` });
    credentials = await provisionLocalBots(target, opts.players, { onProgress: (done) => emit({ kind: 'progress', phase: 'bots', done, total: opts.players }) });
  }
  if (credentials.length < opts.players) throw new Error(`${opts.players} players need ${opts.players} bot users; only ${credentials.length} given`);
  credentials = credentials.slice(0, opts.players);

  emit({ kind: 'phase', phase: 'sign-in', message: `signing ${opts.players} bots in` });
  let signedIn = 0;
  const bots: Bot[] = await mapLimit(credentials, 8, async ({ email, password }) => {
    const auth = new CognitoAuth({ clientId: target.outputs.UserPoolClientId, userPoolId: target.outputs.UserPoolId, endpoint: target.outputs.CognitoEndpoint });
    await auth.signIn(email, password);
    emit({ kind: 'progress', phase: 'sign-in', done: ++signedIn, total: opts.players });
    return { email, client: new TriviaClient({ apiUrl: target.outputs.ApiUrl, auth, ...opts.clientOptions }), alive: true };
  });

  emit({ kind: 'phase', phase: 'register', message: `registering ${opts.players} bots for episode ${episodeId}` });
  let registered = 0;
  await mapLimit(bots, 16, async (bot) => {
    await bot.client.updateMe({ nickname: bot.email.split('@')[0].slice(0, 40) });
    await bot.client.register(episodeId);
    emit({ kind: 'progress', phase: 'register', done: ++registered, total: opts.players });
  });

  /* play */
  emit({ kind: 'phase', phase: 'play', message: `episode ${episodeId}: waiting for the show` });
  const accepted: number[] = [];
  const failed: number[] = [];
  const answering = new Map<number, Promise<void>>();
  const statsDone = new Set<number>();
  let lastAnswerError: unknown;
  let fatal: unknown;
  const deadline = Date.now() + (opts.timeoutMs ?? 600_000);
  let view = created;
  const answerQuestion = async (e: EpisodeViewOut) => {
    const i = e.current_question_index;
    const questionId = e.qset[i];
    const known = answers.get(questionId);
    if (!known) throw new Error(`no answer known for question ${questionId}`);
    const players = bots.filter((b) => b.alive);
    accepted[i] = 0;
    failed[i] = 0;
    // Like people, bots take a moment: answers spread over the first part of what is left of the window.
    const spreadMs = Math.max(0, Math.min(opts.answerSpreadMs ?? 3000, (e.question_end_timestamp - admin.serverNow()) * 0.4));
    const start = Date.now();
    const due = players.map(() => random() * spreadMs).sort((x, y) => x - y);
    await mapLimit(players, 32, async (bot, n) => {
      const wait = start + due[n] - Date.now();
      if (wait > 0) await sleep(wait);
      const choice = pickAnswer(known.answer, known.options, opts.accuracy, random);
      try {
        await bot.client.submitAnswer({ episode_id: episodeId, question_id: questionId, answer: choice });
        accepted[i]++;
        bot.alive = choice === known.answer;
      } catch (err) {
        // Refused (window closed, eliminated, …) or lost after the client's retries: this bot is out either way.
        failed[i]++;
        bot.alive = false;
        if (!(err instanceof ApiError)) lastAnswerError = err;
      }
      emit({ kind: 'progress', phase: 'answers', done: accepted[i] + failed[i], total: players.length, failed: failed[i] });
    });
  };

  const giveUp = new AbortController();
  const timer = setTimeout(() => giveUp.abort(), Math.max(0, deadline - Date.now()));
  try {
    for await (const item of admin.watch(episodeId, { signal: giveUp.signal, onStatus: (status, detail) => emit({ kind: 'live', status, ...(detail ? { detail } : {}) }) })) {
      view = item.episode;
      emit({ kind: 'episode', view, serverNow: admin.serverNow() });
      if (fatal) throw fatal;
      const i = view.current_question_index;
      if (view.state === 'QUESTION_OPEN' && !answering.has(i)) {
        answering.set(
          i,
          answerQuestion(view).catch((err: unknown) => {
            fatal = err;
          }),
        );
      }
      const statistics = item.statistics;
      if (statistics && !statsDone.has(statistics.question_index)) {
        statsDone.add(statistics.question_index);
        emit({ kind: 'statistics', statistics });
      }
    }
  } finally {
    clearTimeout(timer);
  }
  if (view.state !== 'ENDED' && view.state !== 'CANCELLED') {
    throw new Error(`episode ${episodeId}: the show did not end within ${Math.round((opts.timeoutMs ?? 600_000) / 1000)} s (state ${view.state})`);
  }
  await Promise.all(answering.values());
  if (fatal) throw fatal;
  if (accepted.every((n) => n === 0) && lastAnswerError) throw lastAnswerError;

  emit({ kind: 'phase', phase: 'report', message: 'reading the report' });
  const report = await admin.getReport(episodeId);
  return {
    episode_id: episodeId,
    players: opts.players,
    winners: report.winners_count,
    questions: view.qset.length,
    state: view.state,
    report,
    accepted,
    failed,
  };
}
