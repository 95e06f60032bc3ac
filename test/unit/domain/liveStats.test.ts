/**
 * Live aggregates: per-batch partials keyed by the batch's first record of each minute, summed on read. A retried or
 * bisected batch overwrites its own partials, so the sum over the stored partials counts every record exactly once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { participantEvent, responseEvent, endedEvent, type DomainEvent } from '../../../lambda/domain/events.ts';
import {
  addLiveTallies,
  emptyLiveTally,
  livePartials,
  minuteOf,
  summarize,
  topOf,
  windowMinutes,
  type Contribution,
  type LivePartial,
} from '../../../lambda/domain/liveStats.ts';
import { T0, episode } from './fixtures.ts';

const registered = (user: string, at: number): DomainEvent => participantEvent({ episode_id: 'ep1', user_id: user, registered_at: at });
const answered = (user: string, at: number): DomainEvent =>
  responseEvent({ episode_id: 'ep1', question_id: 'q1', question_index: 0, user_id: user, answer: 1, received_at: at, shard_count: 16, correct: true });

/** Contribution n: a registration at T0 + n * stepMs, and a right answer for every third one. */
function contributions(n: number, stepMs: number): Contribution[] {
  return Array.from({ length: n }, (_, i) => {
    const at = T0 + i * stepMs;
    const user = `u${i % 5}`;
    return i % 3 === 0
      ? { sequence: String(1000 + i), events: [answered(user, at)], correct: { user_id: user, delta: 1, at } }
      : { sequence: String(1000 + i), events: [registered(user, at)] };
  });
}

/** What the table holds after the given batches were processed, in order: partials by (minute, first sequence). */
function store(batches: Contribution[][]): LivePartial[] {
  const table = new Map<string, LivePartial>();
  for (const b of batches) for (const p of livePartials(b)) table.set(`${p.minute}#${p.firstSequence}`, p);
  return [...table.values()];
}

const total = (partials: LivePartial[]) => partials.reduce((t, p) => addLiveTallies(t, p.value), emptyLiveTally());

describe('per-batch partials', () => {
  it('one per minute of event time, keyed by the first record of that minute in the batch', () => {
    const batch = contributions(10, 15_000); // 10 records over 2.25 minutes
    const partials = livePartials(batch);
    expect(partials.map((p) => [p.minute - minuteOf(T0), p.firstSequence, p.value.events])).toEqual(
      [...new Set(batch.map((c) => minuteOf(Date.parse(c.events[0].time))))].map((m) => {
        const inMinute = batch.filter((c) => minuteOf(Date.parse(c.events[0].time)) === m);
        return [m - minuteOf(T0), inMinute[0].sequence, inMinute.length];
      }),
    );
    expect(total(partials).events).toBe(10);
    expect(total(partials).correct).toEqual({ u0: 1, u3: 1, u1: 1, u4: 1 });
  });

  it('count wins from episode.ended, and move a right answer when an earlier answer replaces it', () => {
    const ended = endedEvent({ ...episode({}, { participants: 3 }), state: 'ENDED', finalized_index: 2, ended_at: T0 + 60_000, end_reason: 'last_question' }, ['a', 'b']);
    const partials = livePartials([
      { sequence: '1', events: [ended] },
      { sequence: '2', events: [answered('a', T0)], correct: { user_id: 'a', delta: 1, at: T0 } },
      { sequence: '3', events: [answered('a', T0 - 5)], correct: { user_id: 'a', delta: -1, at: T0 - 5 } },
    ]);
    const t = total(partials);
    expect(t.wins).toEqual({ a: 1, b: 1 });
    expect(t.correct).toEqual({});
    expect(t.by_type).toEqual({ 'episode.ended': 1, 'response.accepted': 2 });
  });

  it('count every record exactly once however a batch is retried or bisected (property)', () => {
    // A batch, then any sequence of retries of contiguous sub-batches (as Lambda bisects and retries them):
    // every retry writes all its partials before the batch is considered done, and the first attempt of any
    // (sub)batch may have written some partials before failing.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1000, max: 40_000 }), fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 6 }), (n, step, cuts) => {
        const batch = contributions(n, step);
        const attempts: Contribution[][] = [batch];
        // Bisection: a sub-batch always starts at a record where an earlier attempt also had a record, and the halves
        // of the last attempt together cover it.
        let current = batch;
        for (const [a] of cuts) {
          if (current.length < 2) break;
          const mid = 1 + (a % (current.length - 1));
          const [left, right] = [current.slice(0, mid), current.slice(mid)];
          attempts.push(left, right);
          current = a % 2 ? left : right;
        }
        const expected = total(livePartials(batch));
        expect(total(store(attempts))).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});

describe('reading the window', () => {
  const now = T0 + 30 * 60_000 + 12_345; // half an hour after T0

  it('sums the minutes of the window, and the last 60 seconds for the moving average', () => {
    const batch = contributions(40, 60_000); // one record a minute from T0, for 40 minutes
    const partials = livePartials(batch);
    const stats = summarize(partials, now, 10, 3);
    const { first, last } = windowMinutes(now, 10);
    const inWindow = batch.filter((c) => {
      const m = minuteOf(Date.parse(c.events[0].time));
      return m >= first && m <= last;
    });
    expect(stats.events_total).toBe(inWindow.length);
    expect(stats.window_minutes).toBe(10);
    expect(stats.events_per_minute).toBe(Math.round((inWindow.length / 10) * 1000) / 1000);
    const lastMinute = batch.filter((c) => {
      const s = Math.floor(Date.parse(c.events[0].time) / 1000);
      return s > Math.floor(now / 1000) - 60 && s <= Math.floor(now / 1000);
    }).length;
    expect(lastMinute).toBe(1);
    expect(stats.events_per_second_moving_average).toBe(Math.round((lastMinute / 60) * 1000) / 1000);
    expect(stats.live_episodes).toBe(3);
    expect(stats.as_of).toBe(now);
  });

  it('names the top players, ties to the smallest id, and null when nobody counts', () => {
    expect(topOf({ b: 3, a: 3, c: 1 })).toEqual({ id: 'a', count: 3 });
    expect(topOf({ z: 0, y: -1 })).toBeNull();
    expect(topOf({})).toBeNull();
    const stats = summarize(livePartials(contributions(9, 1000)), T0 + 10_000, 60, 0);
    expect(stats.top_player_correct_answers).toEqual({ id: 'u0', count: 1 });
    expect(stats.top_player_wins).toBeNull();
  });
});
