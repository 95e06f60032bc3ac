/**
 * Exact counting without hot keys.
 *
 * Stream processors add up a batch in memory and write one *partial* per batch and group (see `Partial`), never
 * one write per answer to a shared item; whoever needs the total sums the partials.
 */
import type { AnswerCount, Question, QuestionStatistics, Response } from './schemas.ts';

export interface Tally {
  /** Count per option index. */
  counts: number[];
  correct: number;
  total: number;
}

export const emptyTally = (options = 0): Tally => ({ counts: new Array<number>(options).fill(0), correct: 0, total: 0 });

export const addToTally = (t: Tally, r: Pick<Response, 'answer' | 'correct'>): Tally => shiftTally(t, r, 1);

/** Adds one answer to a tally, or takes one away (`sign` -1) when a stored answer is replaced by an earlier one. */
function shiftTally(t: Tally, r: Pick<Response, 'answer' | 'correct'>, sign: 1 | -1): Tally {
  const counts = t.counts.slice();
  while (counts.length <= r.answer) counts.push(0);
  counts[r.answer] += sign;
  return { counts, correct: t.correct + (r.correct ? sign : 0), total: t.total + sign };
}

export function sumTallies(a: Tally, b: Tally): Tally {
  const counts = new Array<number>(Math.max(a.counts.length, b.counts.length)).fill(0);
  a.counts.forEach((c, i) => (counts[i] += c));
  b.counts.forEach((c, i) => (counts[i] += c));
  return { counts, correct: a.correct + b.correct, total: a.total + b.total };
}

export type GroupedTallies = Map<string, Tally>;

type Counted = Pick<Response, 'episode_id' | 'question_index' | 'answer' | 'correct'>;

/** A change to the stored answers, as the table's stream reports it: an answer stored, or one replaced by another. */
export interface AnswerChange {
  added: Counted;
  replaced?: Counted;
}

/** Adds up one batch of graded answers per (episode, question): the in-memory step before one write per group. */
export function aggregateResponses(records: Counted[]): GroupedTallies {
  return aggregateChanges(records.map((added) => ({ added })));
}

/** A batch's partials, one per group, each keyed by the group's first record in the batch (see `Partial`). */
export function partialsOf<R>(
  records: { sequence: string; record: R }[],
  groupOf: (r: R) => string,
  add: (value: Tally, r: R) => Tally,
): Map<string, Partial<Tally>> {
  const partials = new Map<string, Partial<Tally>>();
  for (const { sequence, record } of records) {
    const key = groupOf(record);
    const p = partials.get(key) ?? { firstSequence: sequence, lastSequence: sequence, value: emptyTally() };
    partials.set(key, { firstSequence: p.firstSequence, lastSequence: sequence, value: add(p.value, record) });
  }
  return partials;
}

/** The grader's partials: answers stored, and answers replaced by an earlier one (counted out, the new one in). */
export const answerPartials = (changes: { sequence: string; record: AnswerChange }[]) =>
  partialsOf(changes, (c) => statisticsKey(c.added.episode_id, c.added.question_index), (t, c) =>
    shiftTally(c.replaced ? shiftTally(t, c.replaced, -1) : t, c.added, 1),
  );

export function aggregateChanges(changes: AnswerChange[]): GroupedTallies {
  const groups: GroupedTallies = new Map();
  const apply = (r: Counted, sign: 1 | -1) => {
    const key = statisticsKey(r.episode_id, r.question_index);
    groups.set(key, shiftTally(groups.get(key) ?? emptyTally(), r, sign));
  };
  for (const c of changes) {
    if (c.replaced) apply(c.replaced, -1);
    apply(c.added, 1);
  }
  return groups;
}

export const statisticsKey = (episodeId: string, questionIndex: number) => `${episodeId}#q${questionIndex}`;
export const registrationsKey = (episodeId: string) => `${episodeId}#registrations`;

/**
 * A per-batch partial sum of one group (a question, or an episode's registrations), keyed by the sequence number of
 * the group's first stream record in the batch.
 *
 * Why that record: a retried batch starts with the same records and overwrites its own partials. When Lambda bisects
 * a failed batch, whichever half holds a group's first record overwrites that group's partial with its share, and the
 * other half, whose first record of the group comes later, writes a partial of its own; a half without records of
 * the group leaves it alone. So even when a batch had written some of its partials before it failed, the partials of
 * one group always cover disjoint records and the total is their plain sum. Processors report only whole-batch
 * failures (the batch's first record), so a retry never starts in the middle of a batch.
 */
export interface Partial<T> {
  firstSequence: string;
  lastSequence: string;
  value: T;
}

export const partialSortKey = (firstSequence: string) => `p#${firstSequence.padStart(40, '0')}`;

export function sumPartials<T>(partials: Partial<T>[], zero: T, add: (a: T, b: T) => T): T {
  const bySequence = new Map<string, Partial<T>>();
  for (const p of partials) bySequence.set(p.firstSequence, p);
  let total = zero;
  for (const p of bySequence.values()) total = add(total, p.value);
  return total;
}

/**
 * The contract's statistics for a closed question. `playersBefore` is the number of players in the game when the
 * question opened: the participant count for question 0, the previous question's advancing count after that.
 */
export function buildStatistics(question: Question, questionIndex: number, tally: Tally, playersBefore: number): QuestionStatistics {
  const answer_counts: AnswerCount[] = question.options.map((_, i) => ({
    answer: String(i),
    count: tally.counts[i] ?? 0,
    correct: i === question.answer,
  }));
  return {
    question_index: questionIndex,
    question_id: question.id,
    correct_answer: String(question.answer),
    answer_counts,
    answered_count: tally.total,
    advancing_count: tally.correct,
    eliminated_count: Math.max(0, playersBefore - tally.correct),
    players_before: playersBefore,
  };
}

/** The survival curve: players left after each finalized question, starting with everyone registered. */
export function survivalCurve(participantCount: number, stats: QuestionStatistics[]): { after_question: number; remaining: number }[] {
  return [
    { after_question: -1, remaining: participantCount },
    ...[...stats].sort((a, b) => a.question_index - b.question_index).map((s) => ({ after_question: s.question_index, remaining: s.advancing_count })),
  ];
}
