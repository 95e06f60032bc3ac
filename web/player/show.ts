/**
 * What one player's screen shows, as a pure function of the live items the channel delivers (events and snapshots,
 * in `seq` order: `TriviaClient.watch` dedupes and fills gaps) and of the player's own actions. No I/O here.
 */
import type { EpisodeView } from '../../lambda/domain/episode.ts';
import type { LiveEvent, LiveEventType, PublicStatistics } from '../../lambda/domain/live.ts';

/** An item of `TriviaClient.watch`: a live event (lambda/domain/live.ts), or a snapshot when it (re)joins or fills a gap. */
export type LiveItem = Omit<LiveEvent, 'type' | 'episode_id'> & { type: LiveEventType | 'snapshot'; episode_id?: string };

export type Standing = 'unknown' | 'not_registered' | 'playing' | 'eliminated' | 'winner';

export interface ShowState {
  episode?: EpisodeView;
  seq: number;
  /** The final statistics of the current question, while they are shown. */
  statistics?: PublicStatistics;
  /** The option this player picked, by question index (accepted by the server). */
  answers: Record<number, number>;
  /** An answer on its way to the server. */
  pending?: { index: number; option: number };
  standing: Standing;
  eliminatedAt?: number;
  /** The last question whose final statistics this player was judged by. */
  judged?: number;
}

export const initialShow: ShowState = { seq: 0, answers: {}, standing: 'unknown' };

export type ShowAction =
  | { kind: 'live'; item: LiveItem }
  | { kind: 'standing'; status: Exclude<Standing, 'unknown'>; eliminatedAt?: number }
  | { kind: 'answering'; index: number; option: number }
  | { kind: 'answered'; index: number; option: number }
  | { kind: 'answerRefused'; index: number; eliminated?: boolean };

export function showReducer(state: ShowState, action: ShowAction): ShowState {
  switch (action.kind) {
    case 'live': {
      const { item } = action;
      if (item.seq < state.seq) return state;
      const e = item.episode;
      const next: ShowState = { ...state, episode: e, seq: item.seq };
      if (item.type === 'question.results' || (item.type === 'snapshot' && item.statistics)) next.statistics = item.statistics;
      else if (e.state !== 'QUESTION_RESULTS' && e.state !== 'ENDED') next.statistics = undefined;
      // A player who did not pick the right option is out once the results are final: the question.results event, or
      // a snapshot that carries them (joining, a gap, polling).
      const s = item.statistics;
      if (s && state.standing === 'playing' && state.judged !== s.question_index) {
        next.judged = s.question_index;
        const picked = state.answers[s.question_index];
        if (picked === undefined || String(picked) !== s.correct_answer) {
          next.standing = 'eliminated';
          next.eliminatedAt = s.question_index;
        }
      }
      if (e.state === 'ENDED' && next.standing === 'playing') next.standing = 'winner';
      return next;
    }
    case 'standing':
      return { ...state, standing: action.status, ...(action.eliminatedAt !== undefined ? { eliminatedAt: action.eliminatedAt } : {}) };
    case 'answering':
      return { ...state, pending: { index: action.index, option: action.option } };
    case 'answered':
      return { ...state, pending: undefined, answers: { ...state.answers, [action.index]: action.option } };
    case 'answerRefused':
      return {
        ...state,
        pending: undefined,
        ...(action.eliminated ? { standing: 'eliminated' as const, eliminatedAt: state.eliminatedAt ?? action.index - 1 } : {}),
      };
  }
}

/** What the question area shows. */
export type Phase = 'waiting' | 'open' | 'closed' | 'results' | 'ended' | 'cancelled';

export function phaseOf(e: EpisodeView | undefined): Phase {
  switch (e?.state) {
    case 'QUESTION_OPEN':
      return 'open';
    case 'QUESTION_CLOSED':
      return 'closed';
    case 'QUESTION_RESULTS':
      return 'results';
    case 'ENDED':
      return 'ended';
    case 'CANCELLED':
      return 'cancelled';
    default:
      return 'waiting';
  }
}

/** The question in the player's language when the producer translated it, else as written. */
export function localized(q: NonNullable<EpisodeView['current_question']>, language: string): { question: string; options: string[] } {
  const t = q.translations?.[language];
  return t && t.options.length === q.options.length ? { question: t.question, options: t.options } : { question: q.question, options: q.options };
}

/** Whole seconds left until `end`, by the server's clock (never negative). */
export const secondsLeft = (end: number, serverNow: number) => Math.max(0, Math.ceil((end - serverNow) / 1000));
