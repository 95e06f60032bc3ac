/**
 * Final statistics of a closed question: the sum of the grader's per-batch partials, stored once.
 *
 * A question is finalized only when its answers have settled: no answer is waiting in the answers queue, and the
 * partials count every answer stored for the question. Until then this returns null and the runner looks again.
 * Past `FINALIZE_MAX_WAIT_MS` (10 s) after the settle time it finalizes anyway (an answer stored later is refused by the
 * consumer and lands in the dead-letter queue, where operators see it), so a stuck queue cannot stall a show.
 */
import { buildStatistics, emptyTally, statisticsKey, sumTallies, type Tally } from '../domain/counting.ts';
import { remainingCount } from '../domain/episode.ts';
import type { Episode, Question } from '../domain/schemas.ts';
import { numberFromEnv } from '../shared/env.ts';
import { logger } from '../shared/powertools.ts';
import { answersInFlight } from '../store/queues.ts';
import { countAnswers } from '../store/responses.ts';
import { getFinal, putFinalOnce, sumOfPartials, type StoredStatistics } from '../store/statistics.ts';

// Long enough for a consumer backlog to drain, short enough that a message stuck in flight cannot stall a show.
const FINALIZE_MAX_WAIT_MS = numberFromEnv('FINALIZE_MAX_WAIT_MS', 10_000);
const QUEUE_WAIT_MS = FINALIZE_MAX_WAIT_MS;

export async function finalStatistics(episode: Episode, question: Question, now: number): Promise<StoredStatistics | null> {
  const index = episode.current_question_index;
  const existing = await getFinal(episode.id, index, true);
  if (existing) return existing;
  const tally = await sumOfPartials<Tally>(statisticsKey(episode.id, index), emptyTally(question.options.length), sumTallies);
  const overdue = now >= episode.question_end_timestamp + episode.settle_ms + FINALIZE_MAX_WAIT_MS;
  // The queue is shared by every live episode: another show's backlog or a poison message cycling towards the
  // dead-letter queue can hold this one up, but never past the same bounded wait.
  const queueSettled = now >= episode.question_end_timestamp + episode.settle_ms + QUEUE_WAIT_MS;
  const queued = queueSettled ? 0 : await answersInFlight();
  const stored = await countAnswers(episode, index);
  if (queued > 0 || stored !== tally.total) {
    if (!overdue) return null;
    logger.warn('finalizing a question whose answers did not settle in time', { episode_id: episode.id, question_index: index, queued, stored, counted: tally.total });
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
