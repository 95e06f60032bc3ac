/**
 * The episode lifecycle as pure functions:
 * CREATED → STARTED → QUESTION_OPEN(i) → QUESTION_CLOSED(i) → QUESTION_RESULTS(i) → … → ENDED (or CANCELLED).
 * QUESTION_RESULTS begins when the statistics are final and eliminations applied, and lasts `reveal_ms`: every player
 * sees final numbers for the whole reveal; the last question gets its results too, and ENDED follows them.
 *
 * `advance(episode, now, facts)` returns the one transition that is due, or null. The runner applies it with a
 * conditional write on `version`, so a duplicated or concurrent runner can never skip or repeat a step.
 */
import { conflict } from './errors.ts';
import type { Episode, EpisodeInput, Game, PublicQuestion, Question, QuestionStatistics } from './schemas.ts';

export const DEFAULT_SETTLE_MS = 2000;
export const DEFAULT_SHARD_COUNT = 16;

export interface EpisodeTimings {
  answer_window_seconds: number;
  reveal_seconds: number;
  lead_seconds: number;
}

/** The contract's defaults; a deployment may configure others (the local stack shortens them for tests). */
export const DEFAULT_TIMINGS: EpisodeTimings = { answer_window_seconds: 10, reveal_seconds: 5, lead_seconds: 60 };

export interface NewEpisodeOptions {
  id: string;
  now: number;
  settleMs?: number;
  shardCount?: number;
  defaults?: EpisodeTimings;
}

export function newEpisode(input: EpisodeInput, game: Game, opts: NewEpisodeOptions): Episode {
  const defaults = opts.defaults ?? DEFAULT_TIMINGS;
  const seconds = (field: keyof EpisodeTimings) => input[field] ?? defaults[field];
  return {
    id: opts.id,
    game_id: game.id,
    ...(game.title ? { title: game.title } : {}),
    state: 'CREATED',
    qset: input.qset ?? game.qset,
    min_participant: input.min_participant,
    participant_count: 0,
    eliminated_count: 0,
    current_question_index: -1,
    question_start_timestamp: 0,
    question_end_timestamp: 0,
    finalized_index: -1,
    start_at: input.start_at ?? null,
    answer_window_ms: Math.round(seconds('answer_window_seconds') * 1000),
    reveal_ms: Math.round(seconds('reveal_seconds') * 1000),
    lead_ms: Math.round(seconds('lead_seconds') * 1000),
    settle_ms: opts.settleMs ?? DEFAULT_SETTLE_MS,
    next_step_at: 0,
    shard_count: opts.shardCount ?? DEFAULT_SHARD_COUNT,
    version: 0,
    created_at: opts.now,
  };
}

/** What the runner must fetch before a step can be applied. */
export interface StepFacts {
  /** The question about to open (for `open`). */
  nextQuestion?: Question;
  /** Final statistics of the closed question (for `finalize`). */
  statistics?: QuestionStatistics;
}

export type StepKind = 'start' | 'open' | 'close' | 'finalize' | 'end' | 'cancel';

export type Advance =
  | { kind: 'transition'; step: StepKind; episode: Episode }
  /** A step is due but needs facts the caller must load first. */
  | { kind: 'needs'; step: 'open'; questionId: string; questionIndex: number }
  | { kind: 'needs'; step: 'finalize'; questionId: string; questionIndex: number };

export const isTerminal = (e: Pick<Episode, 'state'>) => e.state === 'ENDED' || e.state === 'CANCELLED';

export const remainingCount = (e: Pick<Episode, 'participant_count' | 'eliminated_count'>) =>
  Math.max(0, e.participant_count - e.eliminated_count);

/**
 * When the next step is due, or null when the episode waits for something other than time
 * (enough registrations) or is over. Runners schedule their next tick from this.
 */
export function dueAt(e: Episode): number | null {
  switch (e.state) {
    case 'CREATED':
      if (e.participant_count < e.min_participant) return null;
      return e.start_at ?? 0;
    case 'STARTED':
      return e.next_step_at;
    case 'QUESTION_OPEN':
      return e.question_end_timestamp;
    case 'QUESTION_CLOSED':
      return e.question_end_timestamp + e.settle_ms;
    case 'QUESTION_RESULTS':
      return e.next_step_at;
    default:
      return null;
  }
}

/** The earlier of two times, either of which may be absent (null): when a runner's next tick is due. */
export const earliest = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));

function next(e: Episode, patch: Partial<Episode>): Episode {
  return { ...e, ...patch, version: e.version + 1 };
}

export function advance(e: Episode, now: number, facts: StepFacts = {}): Advance | null {
  const due = dueAt(e);
  if (due === null || now < due) return null;
  const i = e.current_question_index;
  switch (e.state) {
    case 'CREATED':
      return {
        kind: 'transition',
        step: 'start',
        episode: next(e, { state: 'STARTED', started_at: now, next_step_at: now + e.lead_ms }),
      };
    case 'STARTED':
      return openQuestion(e, 0, now, facts);
    case 'QUESTION_OPEN':
      return {
        kind: 'transition',
        step: 'close',
        episode: next(e, { state: 'QUESTION_CLOSED', next_step_at: e.question_end_timestamp + e.settle_ms }),
      };
    case 'QUESTION_CLOSED': {
      const stats = facts.statistics;
      if (!stats || stats.question_index !== i) {
        return { kind: 'needs', step: 'finalize', questionId: e.qset[i], questionIndex: i };
      }
      return finalize(e, stats, now);
    }
    case 'QUESTION_RESULTS':
      return isLastShown(e) ? end(e, now) : openQuestion(e, i + 1, now, facts);
    default:
      return null;
  }
}

function openQuestion(e: Episode, index: number, now: number, facts: StepFacts): Advance {
  const q = facts.nextQuestion;
  if (!q || q.id !== e.qset[index]) {
    return { kind: 'needs', step: 'open', questionId: e.qset[index], questionIndex: index };
  }
  return {
    kind: 'transition',
    step: 'open',
    episode: next(e, {
      state: 'QUESTION_OPEN',
      current_question_index: index,
      question_start_timestamp: now,
      question_end_timestamp: now + e.answer_window_ms,
      current_question: publicQuestion(q),
      current_answer: q.answer,
      current_statistics: undefined,
      next_step_at: now + e.answer_window_ms,
    }),
  };
}

/** Statistics are final: eliminations are applied and the reveal of the results starts now. */
function finalize(e: Episode, stats: QuestionStatistics, now: number): Advance {
  return {
    kind: 'transition',
    step: 'finalize',
    episode: next(e, {
      state: 'QUESTION_RESULTS',
      finalized_index: e.current_question_index,
      eliminated_count: e.participant_count - stats.advancing_count,
      current_statistics: statisticsView(stats),
      next_step_at: now + e.reveal_ms,
    }),
  };
}

/** After these results the show is over: the last question, or one player or none left standing. */
function isLastShown(e: Episode): boolean {
  return e.current_question_index >= e.qset.length - 1 || remainingCount(e) <= 1;
}

function end(e: Episode, now: number): Advance {
  const isLast = e.current_question_index >= e.qset.length - 1;
  return {
    kind: 'transition',
    step: 'end',
    episode: next(e, { state: 'ENDED', ended_at: now, next_step_at: 0, end_reason: isLast ? 'last_question' : 'one_or_none_left' }),
  };
}

/** A question's statistics as every route and event shows them: the stored record without its bookkeeping. */
export function statisticsView<T extends QuestionStatistics>(stats: T): Omit<T, 'episode_id' | 'finalized_at'> {
  const { episode_id: _e, finalized_at: _f, ...view } = stats as T & { episode_id?: string; finalized_at?: number };
  return view;
}

export function cancel(e: Episode, now: number): Episode {
  if (isTerminal(e)) throw conflict('episode_over', `episode ${e.id} is already ${e.state}`);
  return next(e, { state: 'CANCELLED', ended_at: now, next_step_at: 0, end_reason: 'cancelled' });
}

export function publicQuestion(q: Question | PublicQuestion): PublicQuestion {
  return {
    id: q.id,
    question: q.question,
    options: q.options,
    ...(q.media_url ? { media_url: q.media_url } : {}),
    ...(q.translations ? { translations: q.translations } : {}),
  };
}

/** Registration is open until question 0 opens: in CREATED, and in STARTED before the first question's time. */
export function registrationOpen(e: Episode, now: number): boolean {
  if (e.state === 'CREATED') return true;
  return e.state === 'STARTED' && now < e.next_step_at;
}

/** The answer to the current question may be shown once that question has closed. */
export function answerRevealed(e: Episode): boolean {
  return e.current_question_index >= 0 && e.state !== 'QUESTION_OPEN';
}

/** The episode as clients see it: the contract's fields, with the answer only once the question has closed. */
export function episodeView(e: Episode, now: number) {
  const current_question = e.current_question
    ? {
        ...e.current_question,
        ...(answerRevealed(e) && e.current_answer !== undefined ? { answer: String(e.current_answer) } : {}),
      }
    : null;
  return {
    id: e.id,
    game_id: e.game_id,
    ...(e.title ? { title: e.title } : {}),
    state: e.state,
    qset: e.qset,
    min_participant: e.min_participant,
    participant_count: e.participant_count,
    eliminated_count: e.eliminated_count,
    remaining_count: remainingCount(e),
    current_question_index: e.current_question_index,
    question_start_timestamp: e.question_start_timestamp,
    question_end_timestamp: e.question_end_timestamp,
    current_question,
    server_time: now,
    start_at: e.start_at,
    next_step_at: e.next_step_at,
    answer_window_seconds: e.answer_window_ms / 1000,
    reveal_seconds: e.reveal_ms / 1000,
    lead_seconds: e.lead_ms / 1000,
    created_at: e.created_at,
    ...(e.started_at ? { started_at: e.started_at } : {}),
    ...(e.ended_at ? { ended_at: e.ended_at } : {}),
    ...(e.end_reason ? { end_reason: e.end_reason } : {}),
  };
}
export type EpisodeView = ReturnType<typeof episodeView>;
