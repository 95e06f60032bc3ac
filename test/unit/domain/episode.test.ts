import { describe, expect, it } from 'vitest';
import {
  advance,
  answerRevealed,
  cancel,
  DEFAULT_SETTLE_MS,
  DEFAULT_SHARD_COUNT,
  DEFAULT_TIMINGS,
  dueAt,
  episodeView,
  isTerminal,
  newEpisode,
  publicQuestion,
  registrationOpen,
  remainingCount,
  statisticsView,
  type Advance,
  type StepFacts,
} from '../../../lambda/domain/episode.ts';
import type { Episode } from '../../../lambda/domain/schemas.ts';
import { allKeys, domainError, episode, game, QSET, QUESTIONS, question, stats, T0 } from './fixtures.ts';

const { q1, q2, q3 } = QUESTIONS;

/** Applies the one transition that must be due at `now`, checking the step kind and the version bump. */
function step(e: Episode, now: number, expected: string, facts: StepFacts = {}): Episode {
  const r = advance(e, now, facts);
  expect(r).not.toBeNull();
  expect(r?.kind).toBe('transition');
  const t = r as Extract<Advance, { kind: 'transition' }>;
  expect(t.step).toBe(expected);
  expect(t.episode.version).toBe(e.version + 1);
  return t.episode;
}

// Concrete timeline with the contract's defaults (window 10 s, reveal 5 s, lead 60 s) and the default settle (2 s).
const START = T0 + 1_000; // the runner sees enough registrations
const OPEN0 = START + 60_000; // question 0 opens after lead
const END0 = OPEN0 + 10_000; // its window closes
const FINAL0 = END0 + DEFAULT_SETTLE_MS; // its statistics are final: QUESTION_RESULTS
const OPEN1 = FINAL0 + 5_000; // question 1 opens after the reveal of the results

const started = () => step(episode({}, { participants: 2 }), START, 'start');
const open0 = () => step(started(), OPEN0, 'open', { nextQuestion: q1 });
const closed0 = () => step(open0(), END0, 'close');
const finalized0 = (advancing = 2) => step(closed0(), FINAL0, 'finalize', { statistics: stats(q1, 0, advancing, 2) });

describe('newEpisode', () => {
  it('starts CREATED with no question, version 0 and the timings in milliseconds', () => {
    const e = newEpisode(
      { game_id: 'g1', min_participant: 3, answer_window_seconds: 7.5, reveal_seconds: 0, lead_seconds: 30, start_at: T0 + 5_000 },
      game(QSET, 'Friday night'),
      { id: 'ep9', now: T0 },
    );
    expect(e).toEqual({
      id: 'ep9',
      game_id: 'g1',
      title: 'Friday night',
      state: 'CREATED',
      qset: ['q1', 'q2', 'q3'],
      min_participant: 3,
      participant_count: 0,
      eliminated_count: 0,
      current_question_index: -1,
      question_start_timestamp: 0,
      question_end_timestamp: 0,
      finalized_index: -1,
      start_at: T0 + 5_000,
      answer_window_ms: 7_500,
      reveal_ms: 0,
      lead_ms: 30_000,
      settle_ms: DEFAULT_SETTLE_MS,
      next_step_at: 0,
      shard_count: DEFAULT_SHARD_COUNT,
      version: 0,
      created_at: T0,
    });
  });

  it("takes the episode's own qset over the game's, and the settle and shard options", () => {
    const e = newEpisode(
      { game_id: 'g1', min_participant: 2, answer_window_seconds: 10, reveal_seconds: 5, lead_seconds: 60, qset: ['q3', 'q1'] },
      game(),
      { id: 'ep1', now: T0, settleMs: 500, shardCount: 4 },
    );
    expect(e.qset).toEqual(['q3', 'q1']);
    expect(e.settle_ms).toBe(500);
    expect(e.shard_count).toBe(4);
    expect(e.start_at).toBeNull();
    expect(e.title).toBeUndefined();
  });
});

describe('newEpisode timings', () => {
  it("absent timings take the contract's defaults (10 s, 5 s, 60 s), or the deployment's when given", () => {
    expect(DEFAULT_TIMINGS).toEqual({ answer_window_seconds: 10, reveal_seconds: 5, lead_seconds: 60 });
    const e = newEpisode({ game_id: 'g1', min_participant: 2 }, game(), { id: 'ep1', now: T0 });
    expect([e.answer_window_ms, e.reveal_ms, e.lead_ms]).toEqual([10_000, 5_000, 60_000]);
    const local = newEpisode({ game_id: 'g1', min_participant: 2, reveal_seconds: 0 }, game(), {
      id: 'ep1',
      now: T0,
      defaults: { answer_window_seconds: 3, reveal_seconds: 1, lead_seconds: 2 },
    });
    expect([local.answer_window_ms, local.reveal_ms, local.lead_ms]).toEqual([3_000, 0, 2_000]);
  });
});

describe('CREATED', () => {
  it('stays CREATED while participant_count < min_participant, whatever the time', () => {
    for (const participants of [0, 1]) {
      const e = episode({ min_participant: 2 }, { participants });
      expect(dueAt(e)).toBeNull();
      for (const now of [0, T0, T0 + 3_600_000, Number.MAX_SAFE_INTEGER]) {
        expect(advance(e, now)).toBeNull();
        expect(advance(e, now, { nextQuestion: q1, statistics: stats(q1, 0, 2, 2) })).toBeNull();
      }
    }
  });

  it('moves to STARTED once participant_count reaches min_participant, with question 0 due lead_ms later', () => {
    const e = episode({ min_participant: 2 }, { participants: 2 });
    expect(dueAt(e)).toBe(0);
    const r = advance(e, START);
    expect(r).toEqual({
      kind: 'transition',
      step: 'start',
      episode: { ...e, state: 'STARTED', started_at: START, next_step_at: START + 60_000, version: 1 },
    });
  });

  it('also starts with more participants than the minimum, and with min_participant 1', () => {
    expect(step(episode({ min_participant: 2 }, { participants: 50 }), START, 'start').state).toBe('STARTED');
    expect(step(episode({ min_participant: 1 }, { participants: 1 }), START, 'start').state).toBe('STARTED');
    expect(advance(episode({ min_participant: 1 }, { participants: 0 }), START)).toBeNull();
  });

  it('with start_at, waits for start_at even when enough players registered', () => {
    const startAt = T0 + 600_000;
    const e = episode({ start_at: startAt, lead_seconds: 30 }, { participants: 5 });
    expect(dueAt(e)).toBe(startAt);
    expect(advance(e, T0)).toBeNull();
    expect(advance(e, startAt - 1)).toBeNull();
    const s = step(e, startAt, 'start');
    expect(s.started_at).toBe(startAt);
    expect(s.next_step_at).toBe(startAt + 30_000);
    // a late runner starts from its own clock, not from start_at
    expect(step(e, startAt + 7_000, 'start').next_step_at).toBe(startAt + 37_000);
  });

  it('with start_at past but too few players, stays CREATED', () => {
    const e = episode({ start_at: T0, min_participant: 3 }, { participants: 2 });
    expect(dueAt(e)).toBeNull();
    expect(advance(e, T0 + 3_600_000)).toBeNull();
  });
});

describe('STARTED', () => {
  it('does nothing before the lead time is over', () => {
    const s = started();
    expect(s.state).toBe('STARTED');
    expect(dueAt(s)).toBe(OPEN0);
    expect(advance(s, OPEN0 - 1, { nextQuestion: q1 })).toBeNull();
    expect(advance(s, START)).toBeNull();
  });

  it('asks for question 0 when it is due and no (or the wrong) question is supplied', () => {
    const s = started();
    const needs = { kind: 'needs', step: 'open', questionId: 'q1', questionIndex: 0 };
    expect(advance(s, OPEN0)).toEqual(needs);
    expect(advance(s, OPEN0, { nextQuestion: q2 })).toEqual(needs);
    expect(advance(s, OPEN0, { statistics: stats(q1, 0, 2, 2) })).toEqual(needs);
  });

  it('opens question 0: state, index, window timestamps, public question without answer, current_answer kept', () => {
    const s = started();
    const o = step(s, OPEN0, 'open', { nextQuestion: q1 });
    expect(o).toEqual({
      ...s,
      state: 'QUESTION_OPEN',
      current_question_index: 0,
      question_start_timestamp: OPEN0,
      question_end_timestamp: OPEN0 + 10_000,
      current_question: { id: 'q1', question: 'What is q1?', options: ['alpha', 'bravo', 'charlie'] },
      current_answer: 1,
      next_step_at: OPEN0 + 10_000,
      version: 2,
    });
    expect(o.current_question).not.toHaveProperty('answer');
    expect(o.current_question).not.toHaveProperty('created_at');
  });

  it('a late runner opens the window from its own clock', () => {
    const o = step(started(), OPEN0 + 4_321, 'open', { nextQuestion: q1 });
    expect(o.question_start_timestamp).toBe(OPEN0 + 4_321);
    expect(o.question_end_timestamp).toBe(OPEN0 + 14_321);
  });

  it('with lead 0, question 0 is due at the start itself', () => {
    const s = step(episode({ lead_seconds: 0 }, { participants: 2 }), START, 'start');
    expect(s.next_step_at).toBe(START);
    expect(dueAt(s)).toBe(START);
    expect(step(s, START, 'open', { nextQuestion: q1 }).question_start_timestamp).toBe(START);
  });

  it('keeps media_url in the public question', () => {
    const withMedia = { ...q1, media_url: 'https://example.com/q1.png' };
    const o = step(started(), OPEN0, 'open', { nextQuestion: withMedia });
    expect(o.current_question).toEqual({ ...publicQuestion(q1), media_url: 'https://example.com/q1.png' });
  });
});

describe('QUESTION_OPEN', () => {
  it('closes exactly at question_end_timestamp, not before', () => {
    const o = open0();
    expect(dueAt(o)).toBe(END0);
    expect(advance(o, END0 - 1)).toBeNull();
    expect(advance(o, OPEN0)).toBeNull();
    const c = step(o, END0, 'close');
    expect(c).toEqual({ ...o, state: 'QUESTION_CLOSED', next_step_at: END0 + DEFAULT_SETTLE_MS, version: 3 });
    expect(c.current_answer).toBe(1);
    expect(c.current_question_index).toBe(0);
  });

  it('a late runner closes without moving the window', () => {
    const c = step(open0(), END0 + 30_000, 'close');
    expect(c.question_end_timestamp).toBe(END0);
    expect(dueAt(c)).toBe(END0 + DEFAULT_SETTLE_MS);
  });
});

describe('QUESTION_CLOSED', () => {
  it('finalizes settle_ms after the window closes, and asks for the statistics first', () => {
    const c = closed0();
    expect(dueAt(c)).toBe(END0 + DEFAULT_SETTLE_MS);
    expect(advance(c, FINAL0 - 1, { statistics: stats(q1, 0, 2, 2) })).toBeNull();
    const needs = { kind: 'needs', step: 'finalize', questionId: 'q1', questionIndex: 0 };
    expect(advance(c, FINAL0)).toEqual(needs);
    // statistics of another question are not accepted
    expect(advance(c, FINAL0, { statistics: stats(q2, 1, 2, 2) })).toEqual(needs);
    expect(advance(c, FINAL0, { nextQuestion: q2 })).toEqual(needs);
  });

  it('never opens the next question before finalizing, however late', () => {
    expect(advance(closed0(), OPEN1 + 60_000, { nextQuestion: q2 })).toEqual({ kind: 'needs', step: 'finalize', questionId: 'q1', questionIndex: 0 });
  });

  it('keeps the previous counts until the results: eliminations are applied only by finalize', () => {
    const c = step(step(step(episode({}, { participants: 5 }), START, 'start'), OPEN0, 'open', { nextQuestion: q1 }), END0, 'close');
    expect(c.eliminated_count).toBe(0);
    expect(c.finalized_index).toBe(-1);
    expect(c.current_statistics).toBeUndefined();
  });
});

describe('QUESTION_RESULTS', () => {
  it('finalize applies the eliminations, keeps the final statistics and starts the reveal from its own time', () => {
    const c = step(step(step(episode({}, { participants: 5 }), START, 'start'), OPEN0, 'open', { nextQuestion: q1 }), END0, 'close');
    const final = stats(q1, 0, 3, 5);
    const f = step(c, FINAL0 + 700, 'finalize', { statistics: final });
    expect(f).toEqual({
      ...c,
      state: 'QUESTION_RESULTS',
      finalized_index: 0,
      eliminated_count: 2,
      current_statistics: statisticsView(final),
      next_step_at: FINAL0 + 700 + 5_000,
      version: 4,
    });
    expect(remainingCount(f)).toBe(3);
    expect(f.eliminated_count + remainingCount(f)).toBe(f.participant_count);
  });

  it('statisticsView drops the stored bookkeeping', () => {
    const stored = { ...stats(q1, 0, 3, 5), episode_id: 'e1', finalized_at: FINAL0 };
    expect(statisticsView(stored)).toEqual(stats(q1, 0, 3, 5));
  });

  it('waits the whole reveal, then opens the next question and drops the previous statistics', () => {
    const f = finalized0();
    expect(dueAt(f)).toBe(OPEN1);
    expect(advance(f, OPEN1 - 1, { nextQuestion: q2 })).toBeNull();
    expect(advance(f, OPEN1)).toEqual({ kind: 'needs', step: 'open', questionId: 'q2', questionIndex: 1 });
    expect(advance(f, OPEN1, { nextQuestion: q1 })).toEqual({ kind: 'needs', step: 'open', questionId: 'q2', questionIndex: 1 });
    const o = step(f, OPEN1, 'open', { nextQuestion: q2 });
    expect(o.state).toBe('QUESTION_OPEN');
    expect(o.current_question_index).toBe(1);
    expect(o.question_start_timestamp).toBe(OPEN1);
    expect(o.question_end_timestamp).toBe(OPEN1 + 10_000);
    expect(o.current_question).toEqual({ id: 'q2', question: 'What is q2?', options: ['yes', 'no'] });
    expect(o.current_answer).toBe(0);
    expect(o.finalized_index).toBe(0);
    expect(o.current_statistics).toBeUndefined();
    expect(o.version).toBe(5);
  });

  it('with reveal 0, the next question opens as soon as the results are final', () => {
    const e = episode({ reveal_seconds: 0 }, { participants: 2, settleMs: 0 });
    const c = step(step(step(e, START, 'start'), OPEN0, 'open', { nextQuestion: q1 }), END0, 'close');
    expect(dueAt(c)).toBe(END0);
    const f = step(c, END0, 'finalize', { statistics: stats(q1, 0, 2, 2) });
    expect(step(f, END0, 'open', { nextQuestion: q2 }).question_start_timestamp).toBe(END0);
  });

  it('ends after the reveal when exactly one player advances', () => {
    const c = step(step(step(episode({}, { participants: 4 }), START, 'start'), OPEN0, 'open', { nextQuestion: q1 }), END0, 'close');
    const f = step(c, FINAL0, 'finalize', { statistics: stats(q1, 0, 1, 4) });
    expect(advance(f, FINAL0 + 4_999)).toBeNull();
    const r = advance(f, FINAL0 + 5_000);
    expect(r).toEqual({
      kind: 'transition',
      step: 'end',
      episode: { ...f, state: 'ENDED', ended_at: FINAL0 + 5_000, next_step_at: 0, end_reason: 'one_or_none_left', version: 5 },
    });
  });

  it('ends after the reveal when nobody advances', () => {
    const e = step(step(closed0(), FINAL0, 'finalize', { statistics: stats(q1, 0, 0, 2) }), OPEN1, 'end');
    expect(e.state).toBe('ENDED');
    expect(e.end_reason).toBe('one_or_none_left');
    expect(e.eliminated_count).toBe(2);
    expect(remainingCount(e)).toBe(0);
  });

  it('ends after the results of the last question with its players as winners', () => {
    let e = finalized0(2);
    e = step(e, OPEN1, 'open', { nextQuestion: q2 });
    e = step(e, OPEN1 + 10_000, 'close');
    e = step(e, OPEN1 + 12_000, 'finalize', { statistics: stats(q2, 1, 2, 2) });
    const open2 = OPEN1 + 17_000;
    e = step(e, open2, 'open', { nextQuestion: q3 });
    expect(e.current_question_index).toBe(2);
    e = step(e, open2 + 10_000, 'close');
    expect(advance(e, open2 + 11_999, { statistics: stats(q3, 2, 2, 2) })).toBeNull();
    e = step(e, open2 + 12_000, 'finalize', { statistics: stats(q3, 2, 2, 2) });
    expect(e.state).toBe('QUESTION_RESULTS');
    expect(advance(e, open2 + 16_999)).toBeNull();
    e = step(e, open2 + 17_000, 'end');
    expect(e).toMatchObject({
      state: 'ENDED',
      end_reason: 'last_question',
      ended_at: open2 + 17_000,
      finalized_index: 2,
      eliminated_count: 0,
      next_step_at: 0,
      version: 11,
    });
    expect(remainingCount(e)).toBe(2);
  });

  it('a one-question episode ends after its first results; the last question wins over one_or_none_left', () => {
    const single = episode({}, { participants: 3, qset: ['q1'] });
    const c = step(step(step(single, START, 'start'), OPEN0, 'open', { nextQuestion: q1 }), END0, 'close');
    const all = step(c, FINAL0, 'finalize', { statistics: stats(q1, 0, 3, 3) });
    expect(step(all, OPEN1, 'end').end_reason).toBe('last_question');
    const one = step(step(c, FINAL0, 'finalize', { statistics: stats(q1, 0, 1, 3) }), OPEN1, 'end');
    expect(one.end_reason).toBe('last_question');
    expect(one.eliminated_count).toBe(2);
  });
});

/** An episode that ended after question 0's results (`advancing` players left). */
const endedAfter0 = (advancing: number) =>
  step(step(closed0(), FINAL0, 'finalize', { statistics: stats(q1, 0, advancing, 2) }), OPEN1, 'end');

describe('terminal states', () => {
  const ended = () => endedAfter0(1);

  it('ENDED and CANCELLED never advance', () => {
    const everything: StepFacts = { nextQuestion: q2, statistics: stats(q1, 0, 2, 2) };
    for (const e of [ended(), cancel(open0(), OPEN0 + 1), cancel(episode({}, { participants: 9 }), T0)]) {
      expect(isTerminal(e)).toBe(true);
      expect(dueAt(e)).toBeNull();
      for (const now of [0, T0, FINAL0, T0 + 86_400_000, Number.MAX_SAFE_INTEGER]) {
        expect(advance(e, now)).toBeNull();
        expect(advance(e, now, everything)).toBeNull();
      }
    }
  });

  it('isTerminal only for ENDED and CANCELLED', () => {
    expect(isTerminal(episode())).toBe(false);
    expect(isTerminal(started())).toBe(false);
    expect(isTerminal(open0())).toBe(false);
    expect(isTerminal(closed0())).toBe(false);
    expect(isTerminal(finalized0())).toBe(false);
    expect(isTerminal(ended())).toBe(true);
  });
});

describe('cancel', () => {
  it('cancels from every live state with one version bump', () => {
    for (const e of [episode(), episode({}, { participants: 2 }), started(), open0(), closed0(), finalized0()]) {
      const c = cancel(e, T0 + 99_000);
      expect(c).toEqual({ ...e, state: 'CANCELLED', ended_at: T0 + 99_000, next_step_at: 0, end_reason: 'cancelled', version: e.version + 1 });
    }
  });

  it('refuses an episode that is already over with a conflict', () => {
    const cancelled = cancel(started(), T0 + 5_000);
    const err = domainError(() => cancel(cancelled, T0 + 6_000));
    expect(err.kind).toBe('conflict');
    expect(err.code).toBe('episode_over');
    expect(domainError(() => cancel(endedAfter0(0), OPEN1 + 1)).code).toBe('episode_over');
  });
});

describe('registrationOpen', () => {
  it('is open while CREATED, and while STARTED until question 0 is due', () => {
    expect(registrationOpen(episode(), T0)).toBe(true);
    expect(registrationOpen(episode({}, { participants: 500 }), T0 + 86_400_000)).toBe(true);
    const s = started();
    expect(registrationOpen(s, START)).toBe(true);
    expect(registrationOpen(s, OPEN0 - 1)).toBe(true);
    expect(registrationOpen(s, OPEN0)).toBe(false);
    expect(registrationOpen(s, OPEN0 + 1)).toBe(false);
  });

  it('is closed once a question has opened, and when over', () => {
    expect(registrationOpen(open0(), OPEN0)).toBe(false);
    expect(registrationOpen(closed0(), END0)).toBe(false);
    expect(registrationOpen(finalized0(), FINAL0)).toBe(false);
    expect(registrationOpen(cancel(episode(), T0), T0)).toBe(false);
    expect(registrationOpen(endedAfter0(0), OPEN1)).toBe(false);
  });

  it('with lead 0, closes the moment the episode starts', () => {
    const s = step(episode({ lead_seconds: 0 }, { participants: 2 }), START, 'start');
    expect(registrationOpen(s, START)).toBe(false);
  });
});

describe('episodeView', () => {
  const forbiddenKeys = ['answer', 'current_answer', 'correct_answer', 'finalized_index', 'settle_ms', 'version', 'shard_count'];

  it('before the first question: index -1, start 0, no current question', () => {
    const v = episodeView(episode({ start_at: T0 + 60_000 }, { participants: 1 }), T0 + 5);
    expect(v).toMatchObject({
      id: 'ep1',
      game_id: 'g1',
      state: 'CREATED',
      qset: QSET,
      min_participant: 2,
      participant_count: 1,
      eliminated_count: 0,
      remaining_count: 1,
      current_question_index: -1,
      question_start_timestamp: 0,
      question_end_timestamp: 0,
      current_question: null,
      server_time: T0 + 5,
      start_at: T0 + 60_000,
      answer_window_seconds: 10,
      reveal_seconds: 5,
      lead_seconds: 60,
    });
  });

  it('never carries the answer while the question is open (rule 6)', () => {
    const o = open0();
    for (const now of [OPEN0, OPEN0 + 5_000, END0, END0 + 1]) {
      const v = episodeView(o, now);
      expect(allKeys(v).filter((k) => forbiddenKeys.includes(k))).toEqual([]);
      expect(v.current_question).toEqual({ id: 'q1', question: 'What is q1?', options: ['alpha', 'bravo', 'charlie'] });
      expect(v).toMatchObject({ state: 'QUESTION_OPEN', current_question_index: 0, question_start_timestamp: OPEN0, question_end_timestamp: END0, server_time: now });
    }
    expect(answerRevealed(o)).toBe(false);
  });

  it('never carries the answer of a newly opened second question, even though the previous one was revealed', () => {
    const o = step(finalized0(), OPEN1, 'open', { nextQuestion: q2 });
    const v = episodeView(o, OPEN1 + 1);
    expect(allKeys(v).filter((k) => forbiddenKeys.includes(k))).toEqual([]);
    expect(v.current_question).toEqual({ id: 'q2', question: 'What is q2?', options: ['yes', 'no'] });
  });

  it('carries the answer, as a string, once the question has closed', () => {
    const c = closed0();
    expect(answerRevealed(c)).toBe(true);
    expect(episodeView(c, END0).current_question).toEqual({ ...publicQuestion(q1), answer: '1' });
    expect(episodeView(finalized0(), FINAL0).current_question).toEqual({ ...publicQuestion(q1), answer: '1' });
  });

  it('carries the answer of the last question once ENDED, and answer "0" is not lost', () => {
    let e = finalized0();
    e = step(e, OPEN1, 'open', { nextQuestion: q2 });
    e = step(e, OPEN1 + 10_000, 'close');
    e = step(e, OPEN1 + 12_000, 'finalize', { statistics: stats(q2, 1, 1, 2) });
    expect(episodeView(e, OPEN1 + 12_001).current_question).toEqual({ ...publicQuestion(q2), answer: '0' });
    e = step(e, OPEN1 + 17_000, 'end');
    const v = episodeView(e, OPEN1 + 17_001);
    expect(v.current_question).toEqual({ ...publicQuestion(q2), answer: '0' });
    expect(v).toMatchObject({ state: 'ENDED', end_reason: 'one_or_none_left', ended_at: OPEN1 + 17_000, remaining_count: 1, eliminated_count: 1 });
  });

  it('remaining_count + eliminated_count = participant_count in every state', () => {
    let e = step(episode({}, { participants: 10 }), START, 'start');
    const views = [episodeView(episode({}, { participants: 10 }), T0), episodeView(e, START)];
    e = step(e, OPEN0, 'open', { nextQuestion: q1 });
    views.push(episodeView(e, OPEN0));
    e = step(e, END0, 'close');
    views.push(episodeView(e, END0));
    // QUESTION_CLOSED keeps the previous question's counts; QUESTION_RESULTS applies this one's.
    e = step(e, FINAL0, 'finalize', { statistics: stats(q1, 0, 6, 10) });
    views.push(episodeView(e, FINAL0));
    e = step(e, OPEN1, 'open', { nextQuestion: q2 });
    e = step(e, OPEN1 + 10_000, 'close');
    e = step(e, OPEN1 + 12_000, 'finalize', { statistics: stats(q2, 1, 4, 6) });
    views.push(episodeView(e, OPEN1 + 12_000));
    for (const v of views) {
      expect(v.remaining_count + v.eliminated_count).toBe(v.participant_count);
      expect(v.participant_count).toBe(10);
    }
    expect(views.map((v) => v.remaining_count)).toEqual([10, 10, 10, 10, 6, 4]);
  });

  it('shows started_at and title when present, and no internal fields', () => {
    const e = { ...started(), title: 'Quiz night' };
    const v = episodeView(e, START + 1);
    expect(v.started_at).toBe(START);
    expect(v.title).toBe('Quiz night');
    expect(v.next_step_at).toBe(OPEN0);
    expect(v).not.toHaveProperty('current_answer');
    expect(v).not.toHaveProperty('version');
    expect(v).not.toHaveProperty('ended_at');
  });
});

describe('remainingCount', () => {
  it('is participant_count - eliminated_count, never negative', () => {
    expect(remainingCount({ participant_count: 10, eliminated_count: 3 })).toBe(7);
    expect(remainingCount({ participant_count: 3, eliminated_count: 3 })).toBe(0);
    expect(remainingCount({ participant_count: 2, eliminated_count: 5 })).toBe(0);
  });
});

describe('a whole episode', () => {
  it('walks every step with one version per transition and the expected timings', () => {
    const qs = [question('a', 0), question('b', 2), question('c', 1), question('d', 1)];
    const qset = qs.map((q) => q.id);
    let e = episode({ min_participant: 3, lead_seconds: 20, reveal_seconds: 3, answer_window_seconds: 5 }, { qset, participants: 2, settleMs: 1_000 });
    const log: [string, number, number][] = [];
    const tick = (now: number, facts: StepFacts = {}) => {
      const r = advance(e, now, facts);
      if (r?.kind === 'transition') {
        expect(r.episode.version).toBe(e.version + 1);
        e = r.episode;
        log.push([r.step, e.version, now]);
      }
      return r;
    };
    // not enough players yet
    expect(tick(T0)).toBeNull();
    e = { ...e, participant_count: 8 };
    tick(T0 + 100); // start, question 0 at T0 + 20_100
    let t = T0 + 20_100;
    const advancing = [5, 3, 1];
    let before = 8;
    for (let i = 0; i < 3; i++) {
      expect(tick(t)).toEqual({ kind: 'needs', step: 'open', questionId: qset[i], questionIndex: i });
      tick(t, { nextQuestion: qs[i] });
      expect(tick(t + 4_999)).toBeNull();
      tick(t + 5_000);
      expect(tick(t + 5_999)).toBeNull();
      expect(tick(t + 6_000)).toEqual({ kind: 'needs', step: 'finalize', questionId: qset[i], questionIndex: i });
      tick(t + 6_000, { statistics: stats(qs[i], i, advancing[i], before) });
      expect(tick(t + 8_999)).toBeNull();
      before = advancing[i];
      t += 9_000;
    }
    tick(t);
    expect(log).toEqual([
      ['start', 1, T0 + 100],
      ['open', 2, T0 + 20_100],
      ['close', 3, T0 + 25_100],
      ['finalize', 4, T0 + 26_100],
      ['open', 5, T0 + 29_100],
      ['close', 6, T0 + 34_100],
      ['finalize', 7, T0 + 35_100],
      ['open', 8, T0 + 38_100],
      ['close', 9, T0 + 43_100],
      ['finalize', 10, T0 + 44_100],
      ['end', 11, T0 + 47_100],
    ]);
    expect(e).toMatchObject({ state: 'ENDED', end_reason: 'one_or_none_left', eliminated_count: 7, current_question_index: 2, finalized_index: 2 });
    expect(tick(t + 1_000_000, { nextQuestion: qs[3] })).toBeNull();
  });
});
