/**
 * Final statistics of a closed question: the sum of the grader's per-batch partials, stored once.
 *
 * A question is finalized only when its answers have settled: no answer is waiting in the answers queue, and the
 * partials count every answer stored for the question. Until then this returns null and the runner looks again.
 * Past `FINALIZE_MAX_WAIT_MS` (10 s) after the settle time it finalizes anyway, so a stuck queue cannot stall a show.
 *
 * Settled or overdue, it first seals the question's answers, then counts them again. From the seal on, a consumer can
 * no longer store an answer to the question (lambda/store/responses.ts checks the seal in the same write), so the count
 * after the seal is the final set: an answer is either in the statistics or refused (to the dead-letter queue, where
 * operators see it), never stored beside them with its player still in the game.
 */
import { buildStatistics, emptyTally, statisticsKey, sumTallies, type Tally } from '../domain/counting.ts';
import { remainingCount } from '../domain/episode.ts';
import type { Episode, Question } from '../domain/schemas.ts';
import { numberFromEnv } from '../shared/env.ts';
import { logger } from '../shared/powertools.ts';
import { answersInFlight } from '../store/queues.ts';
import { countAnswers } from '../store/responses.ts';
import { getFinal, isSealed, putFinalOnce, sealAnswers, sumOfPartials, type StoredStatistics } from '../store/statistics.ts';

// Long enough for a consumer backlog to drain, short enough that a message stuck in flight cannot stall a show.
const FINALIZE_MAX_WAIT_MS = numberFromEnv('FINALIZE_MAX_WAIT_MS', 10_000);
const QUEUE_WAIT_MS = FINALIZE_MAX_WAIT_MS;

interface Count {
  stored: number;
  tally: Tally;
}

async function countOf(episode: Episode, question: Question): Promise<Count> {
  const index = episode.current_question_index;
  const stored = await countAnswers(episode, index);
  const tally = await sumOfPartials<Tally>(statisticsKey(episode.id, index), emptyTally(question.options.length), sumTallies);
  return { stored, tally };
}

export async function finalStatistics(episode: Episode, question: Question, now: number): Promise<StoredStatistics | null> {
  const index = episode.current_question_index;
  const existing = await getFinal(episode.id, index, true);
  if (existing) return existing;
  const overdue = now >= episode.question_end_timestamp + episode.settle_ms + FINALIZE_MAX_WAIT_MS;
  if (!(await isSealed(episode.id, index))) {
    // The queue is shared by every live episode: another show's backlog or a poison message cycling towards the
    // dead-letter queue can hold this one up, but never past the same bounded wait. (Once sealed, the queue may hold
    // refused answers on their way to the dead-letter queue: it no longer matters.)
    const queueSettled = now >= episode.question_end_timestamp + episode.settle_ms + QUEUE_WAIT_MS;
    const queued = queueSettled ? 0 : await answersInFlight();
    const { stored, tally } = await countOf(episode, question);
    if ((queued > 0 || stored !== tally.total) && !overdue) return null;
  }
  await sealAnswers(episode, index, now);
  const { stored, tally } = await countOf(episode, question);
  if (stored !== tally.total) {
    // Answers stored before the seal that the grader has not counted yet.
    if (!overdue) return null;
    logger.warn('finalizing a question whose answers did not settle in time', { episode_id: episode.id, question_index: index, stored, counted: tally.total });
  }
  const stats = buildStatistics(question, index, tally, remainingCount(episode));
  return putFinalOnce({
    ...stats,
    episode_id: episode.id,
    question_start_timestamp: episode.question_start_timestamp,
    question_end_timestamp: episode.question_end_timestamp,
    finalized_at: now,
  });
}
