/**
 * The live channel's events and snapshot, derived from the episode record alone (pure: no AWS).
 *
 * Every write that players are told about raises the episode's `seq` by one and stamps `seq_at`. The event of a write
 * is a function of the record before and after it, so the runner (right after its commit) and the stream relay (from
 * the table's stream, when the runner could not) publish byte-identical events, and clients dedupe by `seq`.
 * Nothing here carries an open question's answer (rule 6) or anything about one player.
 */
import { episodeView, type EpisodeView } from './episode.ts';
import type { Episode, EpisodeState, QuestionStatistics } from './schemas.ts';

/** The Event API's namespace; one channel per episode under it. */
export const LIVE_NAMESPACE = 'episodes';
/** Episode ids become channel segments, so they are limited to what a segment may hold. */
export const EPISODE_ID_PATTERN = /^[A-Za-z0-9-]{1,50}$/;
/** Participant counts are announced at most once a second per episode. */
export const COUNT_ANNOUNCE_INTERVAL_MS = 1000;

export const liveChannel = (episodeId: string) => `/${LIVE_NAMESPACE}/${episodeId}`;

export type LiveEventType =
  | 'episode.started'
  | 'question.opened'
  | 'question.closed'
  | 'question.results'
  | 'episode.ended'
  | 'episode.cancelled'
  | 'participants.counted';

/** Statistics as `GET …/statistics` returns them. */
export type PublicStatistics = QuestionStatistics & { question_start_timestamp?: number; question_end_timestamp?: number };

export interface LiveEvent {
  type: LiveEventType;
  episode_id: string;
  seq: number;
  /** When the write was committed (epoch ms, the server's clock). */
  server_time: number;
  /** The public episode view after the write (the snapshot's `episode`). */
  episode: EpisodeView;
  /** question.closed: the right option's index, as a string. */
  correct_answer?: string;
  /** question.results: the same object as `GET …/statistics`. */
  statistics?: PublicStatistics;
  /** episode.ended: the players still standing. */
  winners_count?: number;
  /** participants.counted */
  participant_count?: number;
}

const TYPE_OF_STATE: Partial<Record<EpisodeState, LiveEventType>> = {
  STARTED: 'episode.started',
  QUESTION_OPEN: 'question.opened',
  QUESTION_CLOSED: 'question.closed',
  QUESTION_RESULTS: 'question.results',
  ENDED: 'episode.ended',
  CANCELLED: 'episode.cancelled',
};

/**
 * The event of the write that turned `before` into `after`, or null when the write raised no `seq` (a count that was
 * not announced, a bookkeeping field). A state change is a transition; a raise without one announces the count.
 */
export function liveEventOf(before: Pick<Episode, 'state' | 'seq'> | undefined, after: Episode): LiveEvent | null {
  if (after.seq === undefined || after.seq === (before?.seq ?? 0)) return null;
  const type = before && before.state === after.state ? 'participants.counted' : TYPE_OF_STATE[after.state];
  if (!type) return null;
  const server_time = after.seq_at ?? 0;
  const event: LiveEvent = { type, episode_id: after.id, seq: after.seq, server_time, episode: episodeView(after, server_time) };
  if (type === 'question.closed') event.correct_answer = event.episode.current_question?.answer;
  if (type === 'question.results' && after.current_statistics) event.statistics = after.current_statistics;
  if (type === 'episode.ended') event.winners_count = event.episode.remaining_count;
  if (type === 'participants.counted') event.participant_count = after.participant_count;
  return event;
}

export interface LiveSnapshot {
  seq: number;
  episode: EpisodeView;
  /** The last question's final statistics while they are shown (QUESTION_RESULTS). */
  statistics?: PublicStatistics;
}

/**
 * `GET /api/v1/live/{id}`: a function of the stored record only (its time is the last event's), so every caller gets
 * the same bytes for the same `seq` and a shared cache entry serves everyone.
 */
export function liveSnapshotOf(e: Episode): LiveSnapshot {
  const at = e.seq_at ?? e.created_at;
  return {
    seq: e.seq ?? 0,
    episode: episodeView(e, at),
    ...(e.state === 'QUESTION_RESULTS' && e.current_statistics ? { statistics: e.current_statistics } : {}),
  };
}

/**
 * When the participant count is next owed to the channel: null when the announced count is current or registration is
 * over; otherwise a second after the last event (a time in the past means now).
 */
export function countAnnouncementAt(e: Episode): number | null {
  if (e.state !== 'CREATED' && e.state !== 'STARTED') return null;
  if ((e.announced_count ?? 0) === e.participant_count) return null;
  return (e.seq_at ?? 0) + COUNT_ANNOUNCE_INTERVAL_MS;
}
