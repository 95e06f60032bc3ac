/** The live view (`trivia watch`): every state of an episode, drawn from sample episode views and the server clock. */
import { describe, expect, it } from 'vitest';
import type { EpisodeViewOut, StatisticsOut } from '../../../lambda/domain/contract.ts';
import { episodeView as episodeViewSchema } from '../../../lambda/domain/contract.ts';
import { bar, colors, progressLine, renderEpisode, renderEpisodeLine, stripAnsi } from '../../../client/cli/render.ts';

const T = 1_700_000_000_000;
const Q = { id: 'q2', question: 'Which ocean is the largest?', options: ['Atlantic', 'Indian', 'Pacific', 'Arctic'] };

const base: EpisodeViewOut = {
  id: 'ep1', game_id: 'g1', title: 'Demo Night', state: 'CREATED', qset: ['q1', 'q2', 'q3'], min_participant: 100,
  participant_count: 42, eliminated_count: 0, remaining_count: 42, current_question_index: -1, question_start_timestamp: 0,
  question_end_timestamp: 0, current_question: null, server_time: T, start_at: null, next_step_at: 0, answer_window_seconds: 10,
  reveal_seconds: 5, lead_seconds: 60, created_at: T - 60_000,
};
const views: Record<string, EpisodeViewOut> = {
  CREATED: base,
  STARTED: { ...base, state: 'STARTED', participant_count: 120, remaining_count: 120, next_step_at: T + 42_000, started_at: T - 18_000 },
  QUESTION_OPEN: {
    ...base, state: 'QUESTION_OPEN', participant_count: 120, eliminated_count: 20, remaining_count: 100, current_question_index: 1,
    question_start_timestamp: T - 3_000, question_end_timestamp: T + 7_000, current_question: Q, next_step_at: T + 7_000,
  },
  QUESTION_CLOSED: {
    ...base, state: 'QUESTION_CLOSED', participant_count: 120, eliminated_count: 20, remaining_count: 100, current_question_index: 1,
    question_start_timestamp: T - 12_000, question_end_timestamp: T - 2_000, current_question: { ...Q, answer: '2' }, next_step_at: T,
  },
  QUESTION_RESULTS: {
    ...base, state: 'QUESTION_RESULTS', participant_count: 120, eliminated_count: 60, remaining_count: 60, current_question_index: 1,
    question_start_timestamp: T - 12_000, question_end_timestamp: T - 2_000, current_question: { ...Q, answer: '2' }, next_step_at: T + 3_000,
  },
  ENDED: {
    ...base, state: 'ENDED', participant_count: 120, eliminated_count: 113, remaining_count: 7, current_question_index: 2,
    question_start_timestamp: T - 12_000, question_end_timestamp: T - 2_000, current_question: { id: 'q3', question: 'Last?', options: ['a', 'b'], answer: '0' },
    ended_at: T, end_reason: 'last_question',
  },
  CANCELLED: { ...base, state: 'CANCELLED', current_question_index: 0, current_question: { id: 'q1', question: 'First?', options: ['a', 'b'], answer: '1' }, ended_at: T, end_reason: 'cancelled' },
};

const STATS: StatisticsOut = {
  question_index: 1, question_id: 'q2', correct_answer: '2', answered_count: 90, advancing_count: 60, eliminated_count: 40, players_before: 100,
  answer_counts: [
    { answer: '0', count: 20, correct: false },
    { answer: '1', count: 10, correct: false },
    { answer: '2', count: 60, correct: true },
    { answer: '3', count: 0, correct: false },
  ],
  question_start_timestamp: T - 12_000, question_end_timestamp: T - 2_000,
};

const render = (state: string, extra: Partial<Parameters<typeof renderEpisode>[1]> = {}) => renderEpisode(views[state], { serverNow: T, ...extra });

describe('renderEpisode', () => {
  it('renders sample views that match the contract', () => {
    for (const v of Object.values(views)) expect(episodeViewSchema.safeParse(v).success, v.state).toBe(true);
  });

  it('CREATED: registration progress', () => {
    const out = render('CREATED');
    expect(out).toContain('Episode ep1 · Demo Night  CREATED');
    expect(out).toContain('Waiting for players: 42/100 registered');
    expect(out).not.toContain('Question');
  });

  it('CREATED with a start time: when it starts', () => {
    expect(renderEpisode({ ...base, start_at: T + 90_000 }, { serverNow: T })).toContain('in 90.0s');
  });

  it('STARTED: countdown to the first question from the server clock', () => {
    expect(render('STARTED')).toContain('The first question opens in 42.0s');
    expect(renderEpisode(views.STARTED, { serverNow: T + 40_000 })).toContain('opens in 2.0s');
  });

  it('QUESTION_OPEN: the question, its options, no answer, the countdown, remaining players', () => {
    const out = render('QUESTION_OPEN');
    expect(out).toContain('Question 2/3');
    expect(out).toContain('Which ocean is the largest?');
    expect(out).toMatch(/A\) Atlantic\n {2}B\) Indian\n {2}C\) Pacific\n {2}D\) Arctic/);
    expect(out).not.toContain('✔');
    expect(out).toContain('7.0s');
    expect(out).toContain(bar(0.7, 30));
    expect(out).toContain('100 remaining');
    expect(renderEpisode(views.QUESTION_OPEN, { serverNow: T + 8_000 })).toContain('closing…');
  });

  it('QUESTION_CLOSED: the answer, while the answers are counted', () => {
    const out = render('QUESTION_CLOSED');
    expect(out).toMatch(/C\) Pacific {2}✔/);
    expect(out).toContain('Counting answers…');
    expect(out).not.toContain('Next question');
  });

  it('QUESTION_RESULTS: the answer distribution, and when the next question opens', () => {
    const out = render('QUESTION_RESULTS', { statistics: STATS });
    const pacific = out.split('\n').find((l) => l.includes('Pacific'))!;
    expect(pacific).toMatch(/60\s+67%\s+✔$/);
    expect(out.split('\n').find((l) => l.includes('Atlantic'))).toMatch(/20\s+22%$/);
    expect(out).toContain('60 advance · 40 eliminated · 90 answered');
    expect(out).toContain('Next question in 3.0s');
    // statistics of another question are not shown
    expect(render('QUESTION_RESULTS', { statistics: { ...STATS, question_index: 0 } })).not.toContain('advance ·');
    // after the last question the show ends instead
    expect(renderEpisode({ ...views.QUESTION_RESULTS, current_question_index: 2 }, { serverNow: T })).toContain('The show ends in 3.0s');
  });

  it('ENDED: the winners', () => {
    const out = render('ENDED');
    expect(out).toContain('Show over: 7 winners');
    expect(out).toContain('All 3 questions played.');
    expect(renderEpisode({ ...views.ENDED, remaining_count: 0, end_reason: 'one_or_none_left', current_question_index: 0 }, { serverNow: T })).toMatch(
      /no winners[\s\S]*Ended after question 1\/3: one player or none left/,
    );
    expect(renderEpisode({ ...views.ENDED, remaining_count: 1 }, { serverNow: T })).toContain('1 winner');
  });

  it('CANCELLED', () => {
    const out = render('CANCELLED');
    expect(out).toContain('CANCELLED');
    expect(out).toContain('The show was cancelled.');
    expect(out).toContain('It stopped at question 1/3.');
  });

  it('adds a progress line, and colours only when asked', () => {
    const out = render('QUESTION_OPEN', { progress: { label: 'answers sent', done: 50, total: 100, failed: 2 } });
    expect(out).toContain(`answers sent ${bar(0.5, 24)} 50/100 (2 failed)`);
    expect(out).not.toContain('\u001b[');
    const coloured = render('QUESTION_OPEN', { style: colors });
    expect(coloured).toContain('\u001b[');
    expect(stripAnsi(coloured)).toBe(render('QUESTION_OPEN'));
    expect(progressLine({ label: 'x', done: 0, total: 0 })).toBe(`x ${bar(0, 24)} 0/0`);
  });

  it('one line per state for pipes', () => {
    expect(renderEpisodeLine(views.QUESTION_OPEN, T)).toBe('ep1 QUESTION_OPEN question 2/3 closes in 7.0s · 120 registered, 100 remaining');
    expect(renderEpisodeLine(views.QUESTION_CLOSED, T)).toContain('answer C');
    expect(renderEpisodeLine(views.QUESTION_RESULTS, T)).toContain('answer C');
    expect(renderEpisodeLine(views.ENDED, T)).toContain('winners 7');
    expect(renderEpisodeLine(views.CREATED, T)).toBe('ep1 CREATED · 42 registered, 42 remaining');
  });
});
