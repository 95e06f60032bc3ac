/** The player's screen as a function of the live items and the player's own answers (web/player/show.ts). */
import { describe, expect, it } from 'vitest';
import { initialShow, localized, phaseOf, secondsLeft, showReducer, type LiveItem, type ShowState } from '../../../web/player/show.ts';
import { messages } from '../../../web/shared/messages.ts';

const view = (state: string, index: number, extra: Record<string, unknown> = {}) =>
  ({ id: 'ep', state, current_question_index: index, current_question: { id: `q${index}`, question: 'Q?', options: ['a', 'b', 'c'] }, ...extra }) as unknown as LiveItem['episode'];
const item = (type: LiveItem['type'], seq: number, state: string, index: number, extra: Partial<LiveItem> = {}): LiveItem => ({ type, seq, server_time: seq, episode: view(state, index), ...extra });
const stats = (index: number, correct: string) => ({ question_index: index, correct_answer: correct, answer_counts: [] }) as unknown as LiveItem['statistics'];

const play = (actions: Parameters<typeof showReducer>[1][], from: ShowState = initialShow) => actions.reduce(showReducer, from);

describe('the player show', () => {
  it('keeps a player who picked the right option and eliminates one who picked wrong or nothing, at the results', () => {
    const opened = item('question.opened', 2, 'QUESTION_OPEN', 0);
    const results = item('question.results', 4, 'QUESTION_RESULTS', 0, { statistics: stats(0, '1') });
    const base = play([{ kind: 'standing', status: 'playing' }, { kind: 'live', item: opened }]);
    const right = play([{ kind: 'answered', index: 0, option: 1 }, { kind: 'live', item: item('question.closed', 3, 'QUESTION_CLOSED', 0) }], base);
    expect(right.standing).toBe('playing'); // not judged before the results are final
    expect(play([{ kind: 'live', item: results }], right)).toMatchObject({ standing: 'playing', statistics: stats(0, '1') });
    expect(play([{ kind: 'answered', index: 0, option: 2 }, { kind: 'live', item: results }], base)).toMatchObject({ standing: 'eliminated', eliminatedAt: 0 });
    expect(play([{ kind: 'live', item: results }], base)).toMatchObject({ standing: 'eliminated', eliminatedAt: 0 });
  });

  it('makes the players still in at the end winners, clears old statistics when the next question opens, and ignores stale items', () => {
    const s = play([
      { kind: 'standing', status: 'playing' },
      { kind: 'answered', index: 0, option: 1 },
      { kind: 'live', item: item('question.results', 4, 'QUESTION_RESULTS', 0, { statistics: stats(0, '1') }) },
      { kind: 'live', item: item('question.opened', 5, 'QUESTION_OPEN', 1) },
    ]);
    expect(s.statistics).toBeUndefined();
    expect(play([{ kind: 'live', item: item('question.opened', 2, 'QUESTION_OPEN', 0) }], s).episode?.current_question_index).toBe(1);
    expect(play([{ kind: 'live', item: item('episode.ended', 9, 'ENDED', 1) }], s).standing).toBe('winner');
  });

  it('takes a snapshot with statistics as the results of its question', () => {
    const s = play([{ kind: 'live', item: item('snapshot', 7, 'QUESTION_RESULTS', 2, { statistics: stats(2, '0') }) }]);
    expect(s.statistics).toEqual(stats(2, '0'));
    expect(phaseOf(s.episode)).toBe('results');
    // A silent player is judged by a snapshot's statistics too, and only once per question.
    const judged = play([{ kind: 'standing', status: 'playing' }, { kind: 'live', item: item('snapshot', 7, 'QUESTION_RESULTS', 2, { statistics: stats(2, '0') }) }]);
    expect(judged).toMatchObject({ standing: 'eliminated', eliminatedAt: 2, judged: 2 });
  });

  it('marks a player refused as eliminated as such', () => {
    const s = play([{ kind: 'standing', status: 'playing' }, { kind: 'answering', index: 2, option: 0 }, { kind: 'answerRefused', index: 2, eliminated: true }]);
    expect(s).toMatchObject({ standing: 'eliminated', pending: undefined });
  });

  it('shows the translation in the player language only when it has every option', () => {
    const q = { id: 'q', question: 'Largest planet?', options: ['Mars', 'Jupiter'], translations: { de: { question: 'Größter Planet?', options: ['Mars', 'Jupiter'] }, fr: { question: 'x', options: ['y'] } } };
    expect(localized(q, 'de')).toEqual({ question: 'Größter Planet?', options: ['Mars', 'Jupiter'] });
    expect(localized(q, 'fr').question).toBe('Largest planet?');
    expect(localized(q, 'en').question).toBe('Largest planet?');
  });

  it('counts down whole seconds by the server clock, never below zero', () => {
    expect(secondsLeft(10_000, 0)).toBe(10);
    expect(secondsLeft(10_000, 9_001)).toBe(1);
    expect(secondsLeft(10_000, 12_000)).toBe(0);
  });
});

describe('UI text', () => {
  it('has every English text in German too, with the same placeholders', () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, text] of Object.entries(messages.en)) {
      const de = messages.de[key];
      expect(de, key).toBeTruthy();
      expect(placeholders(de!), key).toEqual(placeholders(text!));
    }
  });
});
