/** Key events described for people (reports), and the report's difficulty and latency numbers. */
import { describe, expect, it } from 'vitest';
import { clockTime, dateTime, describeEvent, describeWin, ordinal, type DescribeContext } from '../../../lambda/domain/describe.ts';
import { endedEvent, openedEvent, questionOutcomeEvents, rejectionEvent, startedEvent } from '../../../lambda/domain/events.ts';
import { difficultyOf, latencyDistribution, percentile } from '../../../lambda/domain/reportAnalytics.ts';
import { episode } from './fixtures.ts';
import { questionStatistics } from '../../support/statistics.ts';

/** Friday 2026-05-01 20:04:30 UTC. */
const AT = Date.UTC(2026, 4, 1, 20, 4, 30);
const ctx: DescribeContext = {
  title: 'Friday Night Trivia',
  numberOf: (id) => ({ ann: 12, bob: 3 })[id],
  nicknameOf: (id) => ({ ann: 'ann' })[id],
};

const outcome = (eliminated: { user_id: string; reason: 'wrong_answer' | 'no_answer'; answer: number | null }[]) =>
  questionOutcomeEvents('ep1', {
    statistics: {
      ...questionStatistics({ counts: [1, 4], correct: 1, playersBefore: 6, questionIndex: 2 }),
      question_start_timestamp: AT - 10_000,
      question_end_timestamp: AT,
      finalized_at: AT + 2000,
    },
    eliminated,
  });

describe('describing events', () => {
  it('says who was eliminated on which question of which show, and when (UTC)', () => {
    const [closed, ann, stranger] = outcome([
      { user_id: 'ann', reason: 'wrong_answer', answer: 0 },
      { user_id: 'f00dbabe-1234', reason: 'no_answer', answer: null },
    ]);
    expect(describeEvent(ann, ctx)).toBe("Player #12 (ann) was eliminated on question 3 of 'Friday Night Trivia' at 20:04 UTC (wrong answer).");
    expect(describeEvent(stranger, ctx)).toBe("Player f00dbabe was eliminated on question 3 of 'Friday Night Trivia' at 20:04 UTC (no answer).");
    expect(describeEvent(closed, ctx)).toBe(
      "Question 3 of 'Friday Night Trivia' closed at 20:04 UTC: 4 of 6 players answered right; 2 players were eliminated (1 wrong, 1 silent).",
    );
  });

  it('frames the show with dates', () => {
    const e = { ...episode({}, { participants: 6 }), state: 'ENDED' as const, started_at: AT - 600_000, ended_at: AT, finalized_index: 2, end_reason: 'last_question' as const };
    expect(describeEvent(startedEvent(e, AT - 540_000), ctx)).toBe(
      "'Friday Night Trivia' started on May 1st, 2026 at 19:54 UTC with 6 players; the first question came at 19:55 UTC.",
    );
    expect(describeEvent(endedEvent(e, ['ann', 'bob']), ctx)).toBe("'Friday Night Trivia' ended on May 1st, 2026 at 20:04 UTC after 3 questions with 2 winners.");
    expect(describeWin('bob', AT, ctx)).toBe("Player #3 won 'Friday Night Trivia' at 20:04 UTC.");
    expect(describeEvent(openedEvent('ep1', 0, { id: 'q1', question: 'Why?', options: ['a', 'b'] }, AT, AT + 10_000), ctx)).toBe(
      `Question 1 of 'Friday Night Trivia' opened at 20:04 UTC: "Why?"`,
    );
    const refused = rejectionEvent({ request_id: 'r', episode_id: 'ep1', question_id: 'q1', question_index: 0, user_id: 'ann', answer: 1, code: 'answer_window_closed', status: 409, at: AT });
    expect(describeEvent(refused, ctx)).toBe("Player #12 (ann) was refused an answer to question 1 of 'Friday Night Trivia' at 20:04 UTC: the answer window had closed.");
  });

  it('writes ordinals and times as people do', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111].map(ordinal)).toEqual(['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '23rd', '101st', '111th']);
    expect(clockTime(Date.UTC(2022, 0, 10, 2, 5))).toBe('02:05 UTC');
    expect(dateTime(Date.UTC(2022, 0, 10, 12, 34))).toBe('January 10th, 2022 at 12:34 UTC');
  });
});

describe('report analytics', () => {
  it('difficulty is the share of players in the game who got it right', () => {
    expect(difficultyOf({ advancing_count: 39, answered_count: 45, players_before: 50 })).toEqual({ share_right: 0.78, share_right_of_answers: 0.8667, level: 'medium' });
    expect(difficultyOf({ advancing_count: 9, answered_count: 10, players_before: 10 }).level).toBe('easy');
    expect(difficultyOf({ advancing_count: 1, answered_count: 1, players_before: 10 }).level).toBe('hard');
    expect(difficultyOf({ advancing_count: 0, answered_count: 0, players_before: 0 })).toEqual({ share_right: 0, share_right_of_answers: 0, level: 'hard' });
  });

  it('latencies: nearest-rank percentiles and one-second buckets across the window', () => {
    const d = latencyDistribution([4200, 100, 900, 1500, 2500, 9999, 12_000], 10_000);
    expect(d).toMatchObject({ count: 7, min_ms: 100, p50_ms: 2500, p90_ms: 12_000, max_ms: 12_000, sampled: false });
    expect(d.histogram).toHaveLength(12);
    expect(d.histogram.slice(0, 5).map((b) => b.count)).toEqual([2, 1, 1, 0, 1]);
    expect(d.histogram.reduce((n, b) => n + b.count, 0)).toBe(7);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([], 50)).toBeNull();
    const empty = latencyDistribution([], 5000, true);
    expect(empty).toMatchObject({ count: 0, min_ms: null, p50_ms: null, mean_ms: null, sampled: true });
    expect(empty.histogram.map((b) => b.count)).toEqual([0, 0, 0, 0, 0]);
  });
});
