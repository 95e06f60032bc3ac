/** Final statistics of a closed question: the sum of the grader's per-batch partials, stored once. */
import { buildStatistics, emptyTally, statisticsKey, sumTallies, type Tally } from '../domain/counting.ts';
import { remainingCount } from '../domain/episode.ts';
import type { Episode, Question } from '../domain/schemas.ts';
import { getFinal, putFinalOnce, sumOfPartials, type StoredStatistics } from '../store/statistics.ts';

export async function finalStatistics(episode: Episode, question: Question, now: number): Promise<StoredStatistics> {
  const index = episode.current_question_index;
  const existing = await getFinal(episode.id, index, true);
  if (existing) return existing;
  const tally = await sumOfPartials<Tally>(statisticsKey(episode.id, index), emptyTally(question.options.length), sumTallies);
  const stats = buildStatistics(question, index, tally, remainingCount(episode));
  return putFinalOnce({
    ...stats,
    episode_id: episode.id,
    question_start_timestamp: episode.question_start_timestamp,
    question_end_timestamp: episode.question_end_timestamp,
    finalized_at: now,
  });
}
