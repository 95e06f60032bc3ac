/**
 * Small builders shared by the domain unit tests. Pure data only: no clocks, no randomness.
 */
import { expect } from 'vitest';
import { newEpisode } from '../../../lambda/domain/episode.ts';
import { DomainError } from '../../../lambda/domain/errors.ts';
import type { Episode, EpisodeInput, Game, Question, QuestionStatistics } from '../../../lambda/domain/schemas.ts';

/** A fixed epoch (2023-11-14T22:13:20Z) so every timing in the tests is a concrete number. */
export const T0 = 1_700_000_000_000;

export function question(id: string, answer = 1, options: string[] = ['alpha', 'bravo', 'charlie']): Question {
  return { id, question: `What is ${id}?`, options, answer, created_at: T0 - 86_400_000 };
}

export const QSET = ['q1', 'q2', 'q3'];
export const QUESTIONS: Record<string, Question> = {
  q1: question('q1', 1),
  q2: question('q2', 0, ['yes', 'no']),
  q3: question('q3', 3, ['a', 'b', 'c', 'd']),
};

export const game = (qset: string[] = QSET, title?: string): Game => ({
  id: 'g1',
  qset,
  ...(title ? { title } : {}),
  created_at: T0 - 3_600_000,
});

/** An episode as `POST /episode/` would create it with the contract's defaults (min 2, window 10 s, reveal 5 s, lead 60 s). */
export function episode(
  input: Partial<EpisodeInput> = {},
  opts: { qset?: string[]; settleMs?: number; shardCount?: number; participants?: number } = {},
): Episode {
  const full: EpisodeInput = {
    game_id: 'g1',
    min_participant: 2,
    answer_window_seconds: 10,
    reveal_seconds: 5,
    lead_seconds: 60,
    ...input,
  };
  const e = newEpisode(full, game(opts.qset ?? QSET), {
    id: 'ep1',
    now: T0,
    ...(opts.settleMs !== undefined ? { settleMs: opts.settleMs } : {}),
    ...(opts.shardCount !== undefined ? { shardCount: opts.shardCount } : {}),
  });
  return { ...e, participant_count: opts.participants ?? 0 };
}

/** Final statistics of question `index` with `advancing` right answers (the episode only reads index and advancing). */
export function stats(q: Question, index: number, advancing: number, playersBefore: number): QuestionStatistics {
  return {
    question_index: index,
    question_id: q.id,
    correct_answer: String(q.answer),
    answer_counts: q.options.map((_, i) => ({ answer: String(i), count: i === q.answer ? advancing : 0, correct: i === q.answer })),
    answered_count: advancing,
    advancing_count: advancing,
    eliminated_count: playersBefore - advancing,
    players_before: playersBefore,
  };
}

/** Runs `fn`, expects it to throw a DomainError, and returns it for precise assertions. */
export function domainError(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    return err as DomainError;
  }
  throw new Error('expected a DomainError, but nothing was thrown');
}

/** Every key of a JSON-like value, at any depth. */
export function allKeys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(allKeys);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [k, ...allKeys(v)]);
  }
  return [];
}
