import { describe, expect, it } from 'vitest';
import {
  acceptAnswer,
  checkPlayer,
  checkWindow,
  fnv1a,
  grade,
  isInGame,
  shardOf,
  standingOf,
  toQueuedAnswer,
  type AnswerAttempt,
  type PlayerRecord,
} from '../../../lambda/domain/answers.ts';
import { advance, cancel } from '../../../lambda/domain/episode.ts';
import type { Episode, QueuedAnswer } from '../../../lambda/domain/schemas.ts';
import { domainError, episode, QUESTIONS, stats, T0 } from './fixtures.ts';

const { q1, q2 } = QUESTIONS;

function transition(e: Episode, now: number, facts = {}): Episode {
  const r = advance(e, now, facts);
  if (r?.kind !== 'transition') throw new Error(`expected a transition at ${now}, got ${JSON.stringify(r)}`);
  return r.episode;
}

// Question 0 (q1: 3 options, answer 1) is open from OPEN to END by the server clock.
const START = T0;
const OPEN = T0 + 60_000;
const END = OPEN + 10_000;
const started = transition(episode({}, { participants: 3, shardCount: 8 }), START);
const open0 = transition(started, OPEN, { nextQuestion: q1 });
const closed0 = transition(open0, END);
const finalized0 = transition(closed0, END + 2_000, { statistics: stats(q1, 0, 2, 3) });
const open1 = transition(finalized0, END + 7_000, { nextQuestion: q2 }); // q2: 2 options, answer 0

const attempt = (over: Partial<AnswerAttempt> = {}): AnswerAttempt => ({
  episode: open0,
  question_id: 'q1',
  user_id: 'user-1',
  answer: 2,
  now: OPEN + 3_000,
  ...over,
});

const REGISTERED: PlayerRecord = { registered: true };

describe('checkWindow: the window by the server clock', () => {
  it('accepts inside the window, from its first to its last millisecond', () => {
    for (const now of [OPEN, OPEN + 1, OPEN + 5_000, END - 1, END]) {
      expect(checkWindow(attempt({ now }))).toEqual({ questionIndex: 0 });
    }
  });

  it('refuses before the window opens with question_not_open (409)', () => {
    const err = domainError(() => checkWindow(attempt({ now: OPEN - 1 })));
    expect(err.kind).toBe('conflict');
    expect(err.code).toBe('question_not_open');
  });

  it('refuses after the end with answer_window_closed (409) and tells the client the times', () => {
    for (const now of [END + 1, END + 60_000]) {
      const err = domainError(() => checkWindow(attempt({ now })));
      expect(err.kind).toBe('conflict');
      expect(err.code).toBe('answer_window_closed');
      expect(err.details).toEqual({ question_end_timestamp: END, server_time: now });
    }
  });

  it('refuses once the question is CLOSED even if the clock says it is still inside the window', () => {
    for (const e of [closed0, finalized0]) {
      const err = domainError(() => checkWindow(attempt({ episode: e, now: OPEN + 1_000 })));
      expect(err.kind).toBe('conflict');
      expect(err.code).toBe('answer_window_closed');
    }
  });

  it('refuses an answer to a question that is not the current one with question_not_open', () => {
    for (const question_id of ['q2', 'q3', 'nope']) {
      const err = domainError(() => checkWindow(attempt({ question_id })));
      expect(err.kind).toBe('conflict');
      expect(err.code).toBe('question_not_open');
    }
    // the previous question, once the next one is open
    const err = domainError(() => checkWindow(attempt({ episode: open1, question_id: 'q1', now: open1.question_start_timestamp + 1 })));
    expect(err.code).toBe('question_not_open');
  });

  it('refuses with question_not_open before any question and when the episode is over', () => {
    const ended = transition(transition(transition(episode({}, { participants: 2 }), START), OPEN, { nextQuestion: q1 }), END);
    const endedFinal = transition(transition(ended, END + 2_000, { statistics: stats(q1, 0, 1, 2) }), END + 7_000);
    expect(endedFinal.state).toBe('ENDED');
    for (const e of [episode({}, { participants: 5 }), started, endedFinal, cancel(open0, OPEN + 1)]) {
      const err = domainError(() => checkWindow(attempt({ episode: e, now: OPEN + 1 })));
      expect(err.kind).toBe('conflict');
      expect(err.code).toBe('question_not_open');
    }
  });

  it('accepts every option index and refuses out-of-range ones as unprocessable (422)', () => {
    for (const answer of [0, 1, 2]) expect(checkWindow(attempt({ answer })).questionIndex).toBe(0);
    for (const answer of [3, 4, 9]) {
      const err = domainError(() => checkWindow(attempt({ answer })));
      expect(err.kind).toBe('unprocessable');
      expect(err.code).toBe('answer_out_of_range');
    }
    // q2 has two options
    const second = { episode: open1, question_id: 'q2', now: open1.question_start_timestamp };
    expect(checkWindow(attempt({ ...second, answer: 1 }))).toEqual({ questionIndex: 1 });
    expect(domainError(() => checkWindow(attempt({ ...second, answer: 2 }))).code).toBe('answer_out_of_range');
  });

  it('checks the window before the option: a late out-of-range answer is a closed window', () => {
    expect(domainError(() => checkWindow(attempt({ answer: 7, now: END + 1 }))).code).toBe('answer_window_closed');
  });
});

describe('checkPlayer', () => {
  it('question 0 needs only a registration', () => {
    expect(() => checkPlayer(0, REGISTERED)).not.toThrow();
    expect(() => checkPlayer(0, { registered: true, previous: { correct: false } })).not.toThrow();
  });

  it('refuses a player who is not registered with forbidden not_registered (403)', () => {
    for (const i of [0, 1, 5]) {
      const err = domainError(() => checkPlayer(i, { registered: false, previous: { correct: true } }));
      expect(err.kind).toBe('forbidden');
      expect(err.code).toBe('not_registered');
    }
  });

  it('refuses a second answer with conflict duplicate_answer (409)', () => {
    for (const [i, player] of [
      [0, { registered: true, current: { answer: 1 } }],
      [3, { registered: true, previous: { correct: true }, current: { answer: 0 } }],
    ] as const) {
      const err = domainError(() => checkPlayer(i, player));
      expect(err.kind).toBe('conflict');
      expect(err.code).toBe('duplicate_answer');
    }
  });

  it('refuses an eliminated player (previous answer wrong or missing) with forbidden eliminated (403)', () => {
    for (const player of [{ registered: true, previous: { correct: false } }, { registered: true }]) {
      for (const i of [1, 2, 9]) {
        const err = domainError(() => checkPlayer(i, player));
        expect(err.kind).toBe('forbidden');
        expect(err.code).toBe('eliminated');
      }
    }
  });

  it('lets a player whose previous answer was right answer question i > 0', () => {
    expect(() => checkPlayer(1, { registered: true, previous: { correct: true } })).not.toThrow();
    expect(() => checkPlayer(7, { registered: true, previous: { correct: true } })).not.toThrow();
  });
});

describe('isInGame', () => {
  it('is registered, and for i > 0 right on i - 1', () => {
    expect(isInGame(0, { registered: true })).toBe(true);
    expect(isInGame(0, { registered: false })).toBe(false);
    expect(isInGame(1, { registered: true })).toBe(false);
    expect(isInGame(1, { registered: true, previous: { correct: false } })).toBe(false);
    expect(isInGame(1, { registered: true, previous: { correct: true } })).toBe(true);
    expect(isInGame(4, { registered: false, previous: { correct: true } })).toBe(false);
  });
});

describe('acceptAnswer', () => {
  it('returns the message to queue, stamped with the server time and the shard count', () => {
    const q = acceptAnswer(attempt({ user_id: 'u-42', answer: 1, now: OPEN + 1_234 }), REGISTERED);
    expect(q).toEqual({
      episode_id: 'ep1',
      question_id: 'q1',
      question_index: 0,
      user_id: 'u-42',
      answer: 1,
      received_at: OPEN + 1_234,
      shard_count: 8,
    });
    expect(toQueuedAnswer(attempt({ user_id: 'u-42', answer: 1, now: OPEN + 1_234 }), 0)).toEqual(q);
  });

  it('answers question 1 for a player right on question 0', () => {
    const q = acceptAnswer(
      attempt({ episode: open1, question_id: 'q2', answer: 0, now: open1.question_start_timestamp + 10 }),
      { registered: true, previous: { correct: true } },
    );
    expect(q.question_index).toBe(1);
    expect(q.question_id).toBe('q2');
  });

  it('checks the window before the player: a closed window wins over not_registered', () => {
    expect(domainError(() => acceptAnswer(attempt({ now: END + 1 }), { registered: false })).code).toBe('answer_window_closed');
    expect(domainError(() => acceptAnswer(attempt({ question_id: 'q2' }), { registered: false })).code).toBe('question_not_open');
    expect(domainError(() => acceptAnswer(attempt(), { registered: false })).code).toBe('not_registered');
    expect(domainError(() => acceptAnswer(attempt(), { registered: true, current: { answer: 0 } })).code).toBe('duplicate_answer');
    const eliminated = domainError(() =>
      acceptAnswer(attempt({ episode: open1, question_id: 'q2', answer: 0, now: open1.question_start_timestamp }), {
        registered: true,
        previous: { correct: false },
      }),
    );
    expect(eliminated.code).toBe('eliminated');
  });
});

describe('grade', () => {
  const queued: QueuedAnswer = {
    episode_id: 'ep1',
    question_id: 'q1',
    question_index: 0,
    user_id: 'u1',
    answer: 1,
    received_at: OPEN + 1,
    shard_count: 16,
  };

  it('marks the right option correct and every other option wrong, keeping the message', () => {
    expect(grade(queued, 1)).toEqual({ ...queued, correct: true });
    expect(grade(queued, 0)).toEqual({ ...queued, correct: false });
    expect(grade({ ...queued, answer: 0 }, 0).correct).toBe(true);
    expect(grade({ ...queued, answer: 3 }, 2).correct).toBe(false);
  });

  it('does not mutate its input', () => {
    const copy = { ...queued };
    grade(queued, 1);
    expect(queued).toEqual(copy);
    expect(queued).not.toHaveProperty('correct');
  });
});

describe('shardOf', () => {
  it('is FNV-1a (32 bit) over the id', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
  });

  it('is stable: the same user always lands on the same shard', () => {
    expect(shardOf('user-1', 16)).toBe(fnv1a('user-1') % 16);
    expect(shardOf('a', 16)).toBe(0xe40c292c % 16);
    for (let i = 0; i < 200; i++) {
      const id = `player-${i}`;
      expect(shardOf(id, 16)).toBe(shardOf(id, 16));
      expect(shardOf(id, 7)).toBe(shardOf(`player-${i}`, 7));
    }
  });

  it('is an integer in [0, shardCount)', () => {
    for (const n of [1, 2, 3, 7, 16, 64, 1000]) {
      for (let i = 0; i < 500; i++) {
        const s = shardOf(`u${i}-${n}`, n);
        expect(Number.isInteger(s)).toBe(true);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThan(n);
      }
    }
    expect(shardOf('anyone', 1)).toBe(0);
  });

  it('spreads users roughly uniformly', () => {
    const shards = 16;
    const users = 32_000;
    const expected = users / shards;
    for (const idOf of [(i: number) => `user-${i}`, (i: number) => `8f1c${i.toString(16).padStart(6, '0')}-cognito`]) {
      const counts = new Array<number>(shards).fill(0);
      for (let i = 0; i < users; i++) counts[shardOf(idOf(i), shards)]++;
      for (const c of counts) {
        expect(c).toBeGreaterThan(expected * 0.85);
        expect(c).toBeLessThan(expected * 1.15);
      }
      // chi-square with 15 degrees of freedom: 37.7 is the 0.1% critical value
      const chi2 = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
      expect(chi2).toBeLessThan(37.7);
    }
  });
});

describe('standingOf', () => {
  const right = { answer: 1, correct: true };
  const wrong = { answer: 0, correct: false };
  const at = (state: Episode['state'], current: number, finalized: number): Episode => ({
    ...episode({}, { participants: 3 }),
    state,
    current_question_index: current,
    finalized_index: finalized,
  });

  it('not registered, playing, eliminated at the first question without a right answer, winner at the end', () => {
    expect(standingOf(at('QUESTION_OPEN', 0, -1), false, new Map())).toEqual({ episode_id: 'ep1', registered: false, status: 'not_registered' });
    expect(standingOf(at('QUESTION_OPEN', 1, 0), true, new Map([[0, right]]))).toMatchObject({ status: 'playing' });
    expect(standingOf(at('QUESTION_RESULTS', 1, 1), true, new Map([[0, right], [1, wrong]]))).toMatchObject({
      status: 'eliminated',
      eliminated_at_question: 1,
      current_answer: '0',
    });
    expect(standingOf(at('QUESTION_RESULTS', 1, 0), true, new Map())).toMatchObject({ status: 'eliminated', eliminated_at_question: 0 });
    expect(standingOf(at('ENDED', 1, 1), true, new Map([[0, right], [1, right]]))).toMatchObject({ status: 'winner' });
  });

  it('an answer to the open question is the player’s own, without its correctness (rule 6)', () => {
    const s = standingOf(at('QUESTION_OPEN', 1, 0), true, new Map([[0, right], [1, wrong]]));
    expect(s).toEqual({ episode_id: 'ep1', registered: true, status: 'playing', current_answer: '0' });
  });
});
