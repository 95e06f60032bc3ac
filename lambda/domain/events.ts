/**
 * Domain events: what happened in a show, as facts for analysts and other consumers, in one versioned envelope
 * `{id, type, version, time, episode_id, data}`.
 *
 * Events are *derived* from what was stored, never announced beside it: the table streams say what was written
 * (lambda/stream/publishEvents.ts), so a write that succeeds always yields its events and a write that fails yields
 * none. Every id is a digest of the fact itself (the episode, the question, the player...), never of the delivery,
 * so a retried batch, a replayed stream or a second runner produces the same ids, and consumers dedupe by `id`.
 * Times are the domain's own (`started_at`, `question_end_timestamp`, `received_at`...), not the time of processing,
 * so a retry also carries the same `time`.
 *
 * Pure: no AWS. The use case (lambda/usecases/domainEvents.ts) loads the facts some events need (final statistics,
 * who was eliminated, the winners).
 */
import { createHash } from 'node:crypto';
import { isTerminal } from './episode.ts';
import type { Episode, Participant, PublicQuestion, QuestionStatistics, Response } from './schemas.ts';

export const EVENT_TYPES = [
  'episode.created',
  'participant.registered',
  'episode.started',
  'question.opened',
  'response.accepted',
  'response.rejected',
  'question.closed',
  'player.eliminated',
  'episode.ended',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The envelope's schema version: raised when a type's `data` changes incompatibly. */
export const EVENT_VERSION = 1;
/** EventBridge `source` of every event (one bus per stage, so no stage in it). */
export const EVENT_SOURCE = 'trivia-live';
/** At most this many winners are named in `episode.ended` (the count is always exact). */
const MAX_WINNERS_IN_EVENT = 1000;

interface EpisodeCreatedData {
  game_id: string;
  title: string | null;
  question_count: number;
  min_participant: number;
  start_at: number | null;
  answer_window_seconds: number;
  reveal_seconds: number;
  lead_seconds: number;
}
interface ParticipantRegisteredData {
  user_id: string;
  registered_at: number;
}
interface EpisodeStartedData {
  title: string | null;
  participant_count: number;
  started_at: number;
  first_question_at: number;
}
interface QuestionOpenedData {
  question_index: number;
  question_id: string;
  question: string;
  options: string[];
  opened_at: number;
  closes_at: number;
}
interface ResponseAcceptedData {
  question_index: number;
  question_id: string;
  user_id: string;
  /** The option index. Whether it is right is not said here: the answer of an open question stays secret (rule 6). */
  answer: number;
  received_at: number;
  /** Set when this answer, received earlier, replaced one stored before it: only this one counts. */
  replaces: { answer: number; received_at: number } | null;
}
interface ResponseRejectedData {
  question_id: string;
  /** The index of the question answered, when it is one of the episode's; null otherwise. */
  question_index: number | null;
  user_id: string;
  answer: number;
  /** The error code the player got (`answer_window_closed`, `eliminated`, ...), and the HTTP status. */
  code: string;
  status: number;
}
interface QuestionClosedData {
  question_index: number;
  question_id: string;
  correct_answer: number;
  answer_counts: { answer: number; count: number }[];
  answered_count: number;
  advancing_count: number;
  players_before: number;
  eliminated_count: number;
  /** Of the eliminated: how many answered wrong, and how many did not answer at all. */
  eliminated_wrong: number;
  eliminated_silent: number;
  opened_at: number;
  closed_at: number;
  finalized_at: number;
}
type EliminationReason = 'wrong_answer' | 'no_answer';
interface PlayerEliminatedData {
  user_id: string;
  question_index: number;
  question_id: string;
  reason: EliminationReason;
  /** The wrong option chosen; null when the player did not answer. */
  answer: number | null;
}
interface EpisodeEndedData {
  reason: 'last_question' | 'one_or_none_left' | 'cancelled';
  title: string | null;
  participant_count: number;
  questions_played: number;
  winners_count: number;
  /** Winners by user id, sorted, at most MAX_WINNERS_IN_EVENT. */
  winners: string[];
  ended_at: number;
}

interface EventDataOf {
  'episode.created': EpisodeCreatedData;
  'participant.registered': ParticipantRegisteredData;
  'episode.started': EpisodeStartedData;
  'question.opened': QuestionOpenedData;
  'response.accepted': ResponseAcceptedData;
  'response.rejected': ResponseRejectedData;
  'question.closed': QuestionClosedData;
  'player.eliminated': PlayerEliminatedData;
  'episode.ended': EpisodeEndedData;
}

export interface EventOf<T extends EventType> {
  id: string;
  type: T;
  version: number;
  /** ISO 8601, UTC, millisecond precision: when it happened by the server's clock. */
  time: string;
  episode_id: string;
  data: EventDataOf[T];
}
export type DomainEvent = { [T in EventType]: EventOf<T> }[EventType];

/** A name-based UUID (version 5 layout, SHA-1) of the fact's key: the same fact always gets the same id. */
export function eventId(key: string): string {
  const h = createHash('sha1').update(`trivia-live/events/${key}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

const isoTime = (epochMs: number) => new Date(epochMs).toISOString();

function make<T extends EventType>(type: T, episodeId: string, key: string, at: number, data: EventDataOf[T]): EventOf<T> {
  return { id: eventId(`${type}/${episodeId}/${key}`), type, version: EVENT_VERSION, time: isoTime(at), episode_id: episodeId, data };
}

/* ------------------------------------------------------------------ the episodes table */

/** What one write to an episode did, read from its old and new images. Every runner step is its own write. */
export type EpisodeChange =
  | { kind: 'created' }
  | { kind: 'started' }
  | { kind: 'opened'; index: number }
  /** The question's statistics became final (and eliminations with them). */
  | { kind: 'finalized'; index: number }
  | { kind: 'ended' };

export function episodeChanges(before: Episode | undefined, after: Episode): EpisodeChange[] {
  if (!before) return [{ kind: 'created' }];
  const changes: EpisodeChange[] = [];
  if (before.state === 'CREATED' && after.state !== 'CREATED' && after.state !== 'CANCELLED' && after.started_at !== undefined) {
    changes.push({ kind: 'started' });
  }
  if (after.current_question_index > before.current_question_index && after.current_question) {
    changes.push({ kind: 'opened', index: after.current_question_index });
  }
  if (after.finalized_index > before.finalized_index && after.finalized_index >= 0) {
    changes.push({ kind: 'finalized', index: after.finalized_index });
  }
  if (!isTerminal(before) && isTerminal(after)) changes.push({ kind: 'ended' });
  return changes;
}

/** Who was eliminated on a question, and why. */
export interface Elimination {
  user_id: string;
  reason: EliminationReason;
  answer: number | null;
}

/**
 * The players eliminated on a question: every player in the game when it opened (all registered players for the
 * first question, the right answers to the previous one after that) whose answer is not right, or who gave none.
 * Sorted by user id.
 */
export function eliminatedOn(inGame: Iterable<string>, answers: Pick<Response, 'user_id' | 'answer' | 'correct'>[]): Elimination[] {
  const byUser = new Map(answers.map((a) => [a.user_id, a]));
  const out: Elimination[] = [];
  for (const user of new Set(inGame)) {
    const a = byUser.get(user);
    if (a?.correct) continue;
    out.push(a ? { user_id: user, reason: 'wrong_answer', answer: a.answer } : { user_id: user, reason: 'no_answer', answer: null });
  }
  return out.sort((x, y) => (x.user_id < y.user_id ? -1 : x.user_id > y.user_id ? 1 : 0));
}

/** Facts an episode's events need beyond its images: loaded for `finalized` and `ended` changes only. */
export interface EpisodeFacts {
  /** The finalized question's stored statistics and who it eliminated (for `finalized`). */
  outcome?: { statistics: QuestionStatistics & { question_start_timestamp: number; question_end_timestamp: number; finalized_at: number }; eliminated: Elimination[] };
  /** Every winner's user id, sorted (for `ended` after a finalized question). */
  winners?: string[];
}

const titleOf = (e: Pick<Episode, 'title'>) => e.title ?? null;

export function createdEvent(e: Episode): EventOf<'episode.created'> {
  return make('episode.created', e.id, '', e.created_at, {
    game_id: e.game_id,
    title: titleOf(e),
    question_count: e.qset.length,
    min_participant: e.min_participant,
    start_at: e.start_at,
    answer_window_seconds: e.answer_window_ms / 1000,
    reveal_seconds: e.reveal_ms / 1000,
    lead_seconds: e.lead_ms / 1000,
  });
}

/** For an episode that has started: right after the start, `next_step_at` is when question 0 opens. */
export function startedEvent(e: Episode, firstQuestionAt: number = e.next_step_at): EventOf<'episode.started'> {
  return make('episode.started', e.id, '', e.started_at!, {
    title: titleOf(e),
    participant_count: e.participant_count,
    started_at: e.started_at!,
    first_question_at: firstQuestionAt,
  });
}

export function openedEvent(
  episodeId: string,
  index: number,
  q: Pick<PublicQuestion, 'id' | 'question' | 'options'>,
  openedAt: number,
  closesAt: number,
): EventOf<'question.opened'> {
  return make('question.opened', episodeId, String(index), openedAt, {
    question_index: index,
    question_id: q.id,
    question: q.question,
    options: q.options,
    opened_at: openedAt,
    closes_at: closesAt,
  });
}

/** For an episode that is over; `winners` (sorted user ids) only when it ENDED after a finalized question. */
/** `winnersCount` when `winners` is only the first of them (the report's first page); else their number. */
export function endedEvent(e: Episode, winners: string[] = [], winnersCount = winners.length): EventOf<'episode.ended'> {
  const endedAt = e.ended_at ?? e.question_end_timestamp;
  const won = e.state === 'ENDED' ? winners : [];
  return make('episode.ended', e.id, '', endedAt, {
    reason: e.end_reason ?? (e.state === 'CANCELLED' ? 'cancelled' : 'last_question'),
    title: titleOf(e),
    participant_count: e.participant_count,
    questions_played: e.finalized_index + 1,
    winners_count: e.state === 'ENDED' ? winnersCount : 0,
    winners: won.slice(0, MAX_WINNERS_IN_EVENT),
    ended_at: endedAt,
  });
}

export function episodeEvents(before: Episode | undefined, after: Episode, facts: EpisodeFacts = {}): DomainEvent[] {
  const events: DomainEvent[] = [];
  for (const change of episodeChanges(before, after)) {
    switch (change.kind) {
      case 'created':
        events.push(createdEvent(after));
        break;
      case 'started':
        events.push(startedEvent(after));
        break;
      case 'opened':
        events.push(openedEvent(after.id, change.index, after.current_question!, after.question_start_timestamp, after.question_end_timestamp));
        break;
      case 'finalized': {
        const outcome = facts.outcome;
        if (!outcome || outcome.statistics.question_index !== change.index) {
          throw new Error(`episode ${after.id}: question ${change.index} was finalized, but its outcome was not loaded`);
        }
        events.push(...questionOutcomeEvents(after.id, outcome));
        break;
      }
      case 'ended':
        events.push(endedEvent(after, facts.winners ?? []));
        break;
    }
  }
  return events;
}

/** `question.closed` and one `player.eliminated` per player out, all at the moment the window closed. */
export function questionOutcomeEvents(episodeId: string, outcome: NonNullable<EpisodeFacts['outcome']>): DomainEvent[] {
  const s = outcome.statistics;
  const at = s.question_end_timestamp;
  const wrong = outcome.eliminated.filter((e) => e.reason === 'wrong_answer').length;
  return [
    make('question.closed', episodeId, String(s.question_index), at, {
      question_index: s.question_index,
      question_id: s.question_id,
      correct_answer: Number(s.correct_answer),
      answer_counts: s.answer_counts.map((c) => ({ answer: Number(c.answer), count: c.count })),
      answered_count: s.answered_count,
      advancing_count: s.advancing_count,
      players_before: s.players_before,
      eliminated_count: s.eliminated_count,
      eliminated_wrong: wrong,
      eliminated_silent: outcome.eliminated.length - wrong,
      opened_at: s.question_start_timestamp,
      closed_at: s.question_end_timestamp,
      finalized_at: s.finalized_at,
    }),
    ...outcome.eliminated.map((e) =>
      make('player.eliminated', episodeId, `${s.question_index}/${e.user_id}`, at, {
        user_id: e.user_id,
        question_index: s.question_index,
        question_id: s.question_id,
        reason: e.reason,
        answer: e.answer,
      }),
    ),
  ];
}

/* ------------------------------------------------------------------ the participants and responses tables */

export function participantEvent(p: Participant): EventOf<'participant.registered'> {
  return make('participant.registered', p.episode_id, p.user_id, p.registered_at, { user_id: p.user_id, registered_at: p.registered_at });
}

/**
 * An answer stored. A MODIFY (`before` given) means an answer received earlier replaced one stored before it (queued
 * answers may be stored out of order): the new one is accepted, and says which it replaces. Its id differs from the
 * first one's (the key has `received_at`), so both stay in the record, and consumers count the latest per player.
 */
export function responseEvent(after: Response, before?: Response): EventOf<'response.accepted'> {
  return make('response.accepted', after.episode_id, `${after.question_index}/${after.user_id}/${after.received_at}`, after.received_at, {
    question_index: after.question_index,
    question_id: after.question_id,
    user_id: after.user_id,
    answer: after.answer,
    received_at: after.received_at,
    replaces: before ? { answer: before.answer, received_at: before.received_at } : null,
  });
}

/** The answer handler's refusals (not stored anywhere), keyed by the API request that was refused. */
export interface Rejection extends ResponseRejectedData {
  request_id: string;
  episode_id: string;
  at: number;
}

/** Codes of refusals that are events: the game's rules saying no, not malformed or unauthorized requests. */
export const REJECTION_CODES = new Set(['question_not_open', 'answer_window_closed', 'duplicate_answer', 'not_registered', 'eliminated', 'answer_out_of_range']);

export function rejectionEvent(r: Rejection): EventOf<'response.rejected'> {
  return make('response.rejected', r.episode_id, r.request_id, r.at, {
    question_id: r.question_id,
    question_index: r.question_index,
    user_id: r.user_id,
    answer: r.answer,
    code: r.code,
    status: r.status,
  });
}

/** A canonical order for events of one episode: by time, then by the lifecycle's order of types, then by id. */
export const TYPE_ORDER: Record<EventType, number> = Object.fromEntries(EVENT_TYPES.map((t, i) => [t, i])) as Record<EventType, number>;

export function compareEvents(a: DomainEvent, b: DomainEvent): number {
  return a.time.localeCompare(b.time) || TYPE_ORDER[a.type] - TYPE_ORDER[b.type] || a.id.localeCompare(b.id);
}
