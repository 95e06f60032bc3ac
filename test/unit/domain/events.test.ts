/**
 * Domain events from stored changes: one lifecycle played with the domain's own `advance`, each transition turned
 * into events from its old and new image, as the episodes stream delivers them.
 */
import { describe, expect, it } from 'vitest';
import { advance, cancel } from '../../../lambda/domain/episode.ts';
import {
  EVENT_TYPES,
  EVENT_VERSION,
  compareEvents,
  eliminatedOn,
  episodeChanges,
  episodeEvents,
  eventId,
  participantEvent,
  rejectionEvent,
  responseEvent,
  type DomainEvent,
  type EpisodeFacts,
} from '../../../lambda/domain/events.ts';
import type { Episode, Response } from '../../../lambda/domain/schemas.ts';
import { QUESTIONS, T0, allKeys, episode, stats } from './fixtures.ts';

/** Every write of a whole show, as (before, after) pairs, with the facts each finalize needs. */
function lifecycle(advancing: number[] = [3, 2, 1]): { before?: Episode; after: Episode; facts: EpisodeFacts }[] {
  const writes: { before?: Episode; after: Episode; facts: EpisodeFacts }[] = [];
  let e = episode({}, { participants: 4 });
  writes.push({ after: e, facts: {} });
  let now = T0;
  for (let guard = 0; guard < 60 && e.state !== 'ENDED'; guard++) {
    now += 61_000;
    const facts: EpisodeFacts = {};
    let step = advance(e, now);
    if (step?.kind === 'needs') {
      const q = QUESTIONS[step.questionId];
      const before = step.questionIndex === 0 ? 4 : advancing[step.questionIndex - 1];
      const s = stats(q, step.questionIndex, advancing[step.questionIndex], before);
      const index = step.questionIndex;
      if (step.step === 'finalize') {
        facts.outcome = {
          statistics: { ...s, question_start_timestamp: e.question_start_timestamp, question_end_timestamp: e.question_end_timestamp, finalized_at: now },
          eliminated: Array.from({ length: before - advancing[step.questionIndex] }, (_, i) => ({
            user_id: `u${index}-${i}`,
            reason: i % 2 ? ('no_answer' as const) : ('wrong_answer' as const),
            answer: i % 2 ? null : 0,
          })),
        };
        facts.winners = ['w1'];
      }
      step = advance(e, now, step.step === 'open' ? { nextQuestion: q } : { statistics: s });
    }
    if (step?.kind === 'transition') {
      // The end follows the last results in a write of its own, which names the winners.
      if (step.step === 'end') facts.winners = ['w1'];
      writes.push({ before: e, after: step.episode, facts });
      e = step.episode;
    }
  }
  return writes;
}

const eventsOfLifecycle = (advancing?: number[]) => lifecycle(advancing).flatMap((w) => episodeEvents(w.before, w.after, w.facts));

describe('episode events from the episodes stream', () => {
  it('turn a whole show into the lifecycle sequence, in order', () => {
    const events = eventsOfLifecycle();
    expect(events.map((e) => `${e.type}${'question_index' in e.data ? `(${e.data.question_index})` : ''}`)).toEqual([
      'episode.created',
      'episode.started',
      'question.opened(0)',
      'question.closed(0)',
      'player.eliminated(0)',
      'question.opened(1)',
      'question.closed(1)',
      'player.eliminated(1)',
      'question.opened(2)',
      'question.closed(2)',
      'player.eliminated(2)',
      'episode.ended',
    ]);
    // Already in the canonical order: by time, then by type.
    expect([...events].sort(compareEvents)).toEqual(events);
  });

  it('emit nothing for writes that are no transition (the registration counter raising participant_count)', () => {
    const e = episode({}, { participants: 1 });
    expect(episodeChanges(e, { ...e, participant_count: 2 })).toEqual([]);
    expect(episodeEvents(e, { ...e, participant_count: 2 })).toEqual([]);
  });

  it('carry the versioned envelope, times in ISO 8601 from the domain, and no answer of an open question', () => {
    for (const e of eventsOfLifecycle()) {
      expect(Object.keys(e).sort()).toEqual(['data', 'episode_id', 'id', 'time', 'type', 'version']);
      expect(e.version).toBe(EVENT_VERSION);
      expect(e.episode_id).toBe('ep1');
      expect(e.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(EVENT_TYPES).toContain(e.type);
      if (e.type === 'question.opened') {
        expect(allKeys(e.data)).not.toContain('answer');
        expect(allKeys(e.data)).not.toContain('correct_answer');
        expect(Date.parse(e.time)).toBe(e.data.opened_at);
      }
    }
  });

  it('have ids that are the same on every derivation and unique across the show', () => {
    const a = eventsOfLifecycle();
    const b = eventsOfLifecycle();
    expect(a.map((e) => e.id)).toEqual(b.map((e) => e.id));
    expect(new Set(a.map((e) => e.id)).size).toBe(a.length);
    for (const e of a) expect(e.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('close a question with its final numbers, the split of the eliminated, at the moment the window closed', () => {
    const events = eventsOfLifecycle([3, 2, 1]);
    const closed = events.filter((e): e is Extract<DomainEvent, { type: 'question.closed' }> => e.type === 'question.closed');
    expect(closed.map((c) => [c.data.players_before, c.data.advancing_count, c.data.eliminated_count])).toEqual([
      [4, 3, 1],
      [3, 2, 1],
      [2, 1, 1],
    ]);
    for (const c of closed) {
      expect(c.data.eliminated_wrong + c.data.eliminated_silent).toBe(c.data.eliminated_count);
      expect(Date.parse(c.time)).toBe(c.data.closed_at);
    }
    const eliminated = events.filter((e) => e.type === 'player.eliminated');
    expect(eliminated).toHaveLength(3);
    expect(eliminated.every((e) => e.type === 'player.eliminated' && Date.parse(e.time) === closed[e.data.question_index].data.closed_at)).toBe(true);
  });

  it('end with the winners, and end a show that ran out of players early', () => {
    const ended = eventsOfLifecycle([3, 1, 1]).at(-1)!;
    expect(ended.type).toBe('episode.ended');
    if (ended.type !== 'episode.ended') return;
    expect(ended.data).toMatchObject({ reason: 'one_or_none_left', questions_played: 2, winners: ['w1'], winners_count: 1 });
  });

  it('refuse to close a question without its outcome (the batch is retried rather than publishing a close without numbers)', () => {
    const writes = lifecycle();
    const finalize = writes.find((w) => w.before && w.after.finalized_index > w.before.finalized_index)!;
    expect(() => episodeEvents(finalize.before, finalize.after, {})).toThrow(/outcome was not loaded/);
  });

  it('end a cancelled show without winners, and never start one cancelled before it started', () => {
    const e = episode({}, { participants: 1 });
    const cancelled = cancel(e, T0 + 5000);
    expect(episodeEvents(e, cancelled).map((x) => [x.type, x.type === 'episode.ended' ? x.data.reason : '', x.type === 'episode.ended' ? x.data.winners_count : -1])).toEqual([
      ['episode.ended', 'cancelled', 0],
    ]);
  });
});

describe('eliminations', () => {
  const answer = (user_id: string, answer: number, correct: boolean) => ({ user_id, answer, correct });

  it('are the players in the game without a right answer: wrong ones and silent ones, by user id', () => {
    expect(eliminatedOn(['c', 'a', 'b', 'd'], [answer('a', 1, true), answer('b', 0, false)])).toEqual([
      { user_id: 'b', reason: 'wrong_answer', answer: 0 },
      { user_id: 'c', reason: 'no_answer', answer: null },
      { user_id: 'd', reason: 'no_answer', answer: null },
    ]);
  });

  it('count each player once, and nobody outside the game', () => {
    expect(eliminatedOn(['a', 'a'], [answer('a', 0, false), answer('z', 0, false)])).toEqual([{ user_id: 'a', reason: 'wrong_answer', answer: 0 }]);
  });
});

describe('registrations, answers and refusals', () => {
  const response = (patch: Partial<Response> = {}): Response => ({
    episode_id: 'ep1',
    question_id: 'q1',
    question_index: 0,
    user_id: 'u1',
    answer: 1,
    received_at: T0 + 1234,
    shard_count: 16,
    correct: true,
    ...patch,
  });

  it('participant.registered at the registration time, keyed by episode and user', () => {
    const e = participantEvent({ episode_id: 'ep1', user_id: 'u1', registered_at: T0 });
    expect(e).toMatchObject({ type: 'participant.registered', episode_id: 'ep1', time: new Date(T0).toISOString(), data: { user_id: 'u1' } });
    expect(participantEvent({ episode_id: 'ep1', user_id: 'u1', registered_at: T0 + 1 }).id).toBe(e.id);
    expect(participantEvent({ episode_id: 'ep2', user_id: 'u1', registered_at: T0 }).id).not.toBe(e.id);
  });

  it('response.accepted without saying whether it is right (rule 6), and naming the answer it replaces', () => {
    const first = responseEvent(response());
    expect(first.data).toEqual({ question_index: 0, question_id: 'q1', user_id: 'u1', answer: 1, received_at: T0 + 1234, replaces: null });
    expect(allKeys(first)).not.toContain('correct');
    const earlier = responseEvent(response({ answer: 2, received_at: T0 + 1000, correct: false }), response());
    expect(earlier.data.replaces).toEqual({ answer: 1, received_at: T0 + 1234 });
    expect(earlier.id).not.toBe(first.id);
  });

  it('response.rejected keyed by the refused request', () => {
    const r = { request_id: 'req-1', episode_id: 'ep1', question_id: 'q1', question_index: 0, user_id: 'u1', answer: 1, code: 'answer_window_closed', status: 409, at: T0 };
    const e = rejectionEvent(r);
    expect(e).toMatchObject({ type: 'response.rejected', data: { code: 'answer_window_closed', status: 409, question_index: 0 } });
    expect(rejectionEvent(r).id).toBe(e.id);
    expect(rejectionEvent({ ...r, request_id: 'req-2' }).id).not.toBe(e.id);
  });

  it('ids are name-based UUIDs of the key', () => {
    expect(eventId('x')).toBe(eventId('x'));
    expect(eventId('x')).not.toBe(eventId('y'));
  });
});
