/**
 * Builders of a closed question's statistics for the tests (handler, domain and e2e): the contract's shape
 * (`QuestionStatistics`) and the statistics table's final item (`StoredStatistics`), derived from the per-option
 * counts so that a test states only the numbers it is about.
 *
 * The arithmetic is written out again here on purpose (not `buildStatistics`): these are the tests' expectations.
 * test/unit/domain/counting.property.test.ts keeps a hand-written example as the check of both.
 */
import type { AnswerCount, QuestionStatistics } from '../../lambda/domain/schemas.ts';
import type { StoredStatistics } from '../../lambda/store/statistics.ts';

/** One entry per option, in option order: `counts[i]` players chose option `i`, and option `correct` is right. */
export function answerCounts(counts: number[], correct: number): AnswerCount[] {
  return counts.map((count, i) => ({ answer: String(i), count, correct: i === correct }));
}

export interface StatisticsFacts {
  /** Answers per option, in option order. */
  counts: number[];
  /** The index of the right option. */
  correct: number;
  /** Players in the game when the question opened; everyone not right is eliminated. */
  playersBefore: number;
  questionIndex?: number;
  /** `q<index + 1>` unless given. */
  questionId?: string;
}

export function questionStatistics({ counts, correct, playersBefore, questionIndex = 0, questionId }: StatisticsFacts): QuestionStatistics {
  const advancing = counts[correct] ?? 0;
  return {
    question_index: questionIndex,
    question_id: questionId ?? `q${questionIndex + 1}`,
    correct_answer: String(correct),
    answer_counts: answerCounts(counts, correct),
    answered_count: counts.reduce((a, b) => a + b, 0),
    advancing_count: advancing,
    eliminated_count: playersBefore - advancing,
    players_before: playersBefore,
  };
}

export interface StatisticsTimes {
  /** When the question opened and closed (epoch ms). */
  start: number;
  end: number;
  finalizedAt: number;
}

/** The final statistics as finalization stores them (without the table's `pk`/`sk`). */
export function storedStatistics(facts: StatisticsFacts & { episodeId?: string }, times: StatisticsTimes): StoredStatistics {
  return {
    episode_id: facts.episodeId ?? 'ep1',
    ...questionStatistics(facts),
    question_start_timestamp: times.start,
    question_end_timestamp: times.end,
    finalized_at: times.finalizedAt,
  };
}
