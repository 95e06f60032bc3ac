/**
 * Answer acceptance, grading and elimination.
 *
 * A player is in the game for question i when it is registered and, for i > 0, its answer to question i-1 was right.
 * Nothing is written for players who stay silent: silence simply leaves no right answer behind.
 */
import { conflict, forbidden, unprocessable } from './errors.ts';
import type { Episode, QueuedAnswer, Response } from './schemas.ts';

/** FNV-1a: a stable, well-spread hash so a user's shard is the same in every function and every run. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export const shardOf = (userId: string, shardCount: number) => fnv1a(userId) % shardCount;

/** What the store knows about one player when it answers question `index`. */
export interface PlayerRecord {
  registered: boolean;
  /** The player's stored answer to the previous question (index - 1), if any. */
  previous?: Pick<Response, 'correct'>;
  /** The player's stored answer to this question, if any. */
  current?: Pick<Response, 'answer'>;
}

export interface AnswerAttempt {
  episode: Episode;
  question_id: string;
  user_id: string;
  answer: number;
  now: number;
}

/**
 * Checks an answer against the open question's window (server clock), then against the player's record.
 * Returns the message to queue; throws a DomainError with the contract's code otherwise.
 */
export function checkWindow(a: AnswerAttempt): { questionIndex: number } {
  const e = a.episode;
  const i = e.current_question_index;
  const isCurrent = i >= 0 && e.qset[i] === a.question_id;
  if (!isCurrent || (e.state !== 'QUESTION_OPEN' && e.state !== 'QUESTION_CLOSED' && e.state !== 'QUESTION_RESULTS')) {
    throw conflict('question_not_open', `question ${a.question_id} is not the open question of episode ${e.id}`);
  }
  if (e.state !== 'QUESTION_OPEN' || a.now > e.question_end_timestamp) {
    throw conflict('answer_window_closed', `the answer window of question ${i} closed at ${e.question_end_timestamp}`, {
      question_end_timestamp: e.question_end_timestamp,
      server_time: a.now,
    });
  }
  if (a.now < e.question_start_timestamp) {
    throw conflict('question_not_open', `question ${i} opens at ${e.question_start_timestamp}`);
  }
  const optionCount = e.current_question?.options.length ?? 0;
  if (a.answer >= optionCount) {
    throw unprocessable('answer_out_of_range', `answer must be an option index from 0 to ${optionCount - 1}`);
  }
  return { questionIndex: i };
}

export function checkPlayer(questionIndex: number, player: PlayerRecord): void {
  if (!player.registered) throw forbidden('not_registered', 'the player is not registered for this episode');
  if (player.current) throw conflict('duplicate_answer', 'this question has already been answered; only the first answer counts');
  if (!isInGame(questionIndex, player)) {
    throw forbidden('eliminated', 'the player has been eliminated from this episode');
  }
}

export function isInGame(questionIndex: number, player: Pick<PlayerRecord, 'registered' | 'previous'>): boolean {
  if (!player.registered) return false;
  return questionIndex === 0 || player.previous?.correct === true;
}

export function acceptAnswer(a: AnswerAttempt, player: PlayerRecord): QueuedAnswer {
  const { questionIndex } = checkWindow(a);
  checkPlayer(questionIndex, player);
  return toQueuedAnswer(a, questionIndex);
}

export function toQueuedAnswer(a: AnswerAttempt, questionIndex: number): QueuedAnswer {
  return {
    episode_id: a.episode.id,
    question_id: a.question_id,
    question_index: questionIndex,
    user_id: a.user_id,
    answer: a.answer,
    received_at: a.now,
    shard_count: a.episode.shard_count,
  };
}

/**
 * How a consumer may store an answer to question `questionIndex`. The runner seals a question (lambda/store/statistics.ts)
 * before its final count, and never before `question_end_timestamp + settle_ms`. Until `plainUntil`, a full margin
 * before that, a plain conditional put is safe (it is sent, or abandoned, before any seal can exist); from then on the
 * put must check the seal in the same transaction, so that no answer is stored after the final count.
 */
const PLAIN_STORE_MARGIN_MS = 1000;
export function plainStoreDeadline(e: Pick<Episode, 'current_question_index' | 'question_end_timestamp' | 'settle_ms'>, questionIndex: number): number {
  // A later question is open: this one closed earlier and may be sealed already.
  if (e.current_question_index !== questionIndex) return 0;
  return e.question_end_timestamp + e.settle_ms - PLAIN_STORE_MARGIN_MS;
}

/** Grading happens when the answer is stored, so that counting later needs nothing but the record itself. */
export function grade(answer: QueuedAnswer, rightAnswer: number): Response {
  return { ...answer, correct: answer.answer === rightAnswer };
}

/** A player's own standing in an episode (`GET /api/v1/episode/{id}/me`): about that player only, for that player only. */
export interface Standing {
  episode_id: string;
  registered: boolean;
  status: 'not_registered' | 'playing' | 'eliminated' | 'winner';
  /** The question that eliminated the player (a wrong answer or none), once its results are final. */
  eliminated_at_question?: number;
  /** The player's own answer to the current question, if any (its correctness only shows in the statistics). */
  current_answer?: string;
}

/**
 * The standing follows the elimination rule: a player is out at the first finalized question it did not answer right.
 * `answers` maps a question index to the player's stored answer.
 */
export function standingOf(e: Episode, registered: boolean, answers: Map<number, Pick<Response, 'answer' | 'correct'>>): Standing {
  if (!registered) return { episode_id: e.id, registered, status: 'not_registered' };
  const current = e.current_question_index >= 0 ? answers.get(e.current_question_index) : undefined;
  const base = { episode_id: e.id, registered, ...(current ? { current_answer: String(current.answer) } : {}) };
  for (let i = 0; i <= e.finalized_index; i++) {
    if (answers.get(i)?.correct !== true) return { ...base, status: 'eliminated', eliminated_at_question: i };
  }
  return { ...base, status: e.state === 'ENDED' ? 'winner' : 'playing' };
}
