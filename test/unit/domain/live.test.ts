import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { advance, cancel, episodeView, type StepFacts } from '../../../lambda/domain/episode.ts';
import {
  COUNT_ANNOUNCE_INTERVAL_MS,
  countAnnouncementAt,
  EPISODE_ID_PATTERN,
  liveChannel,
  liveEventOf,
  liveSnapshotOf,
  type LiveEvent,
} from '../../../lambda/domain/live.ts';
import type { Episode } from '../../../lambda/domain/schemas.ts';
import { allKeys, episode, QUESTIONS, stats, T0 } from './fixtures.ts';

const { q1, q2 } = QUESTIONS;

/** Applies a transition the way the store does: the next `seq`, stamped with the commit time. */
function commit(e: Episode, now: number, facts: StepFacts = {}): Episode {
  const r = advance(e, now, facts);
  if (r?.kind !== 'transition') throw new Error(`expected a transition at ${now}, got ${JSON.stringify(r)}`);
  return { ...r.episode, seq: (e.seq ?? 0) + 1, seq_at: now };
}

/** Every write of a two-question show in which two of three players survive question 0 and one wins. */
function show(): Episode[] {
  const writes: Episode[] = [];
  let e = episode({ lead_seconds: 1, reveal_seconds: 2 }, { participants: 3, settleMs: 500 });
  const push = (next: Episode) => writes.push((e = next));
  push(commit(e, T0 + 10));
  push(commit(e, T0 + 1_010, { nextQuestion: q1 }));
  push(commit(e, e.question_end_timestamp));
  push(commit(e, e.question_end_timestamp + 500, { statistics: stats(q1, 0, 2, 3) }));
  push(commit(e, e.next_step_at, { nextQuestion: q2 }));
  push(commit(e, e.question_end_timestamp));
  push(commit(e, e.question_end_timestamp + 500, { statistics: stats(q2, 1, 1, 2) }));
  push(commit(e, e.next_step_at));
  return writes;
}

const eventsOf = (writes: Episode[], first: Episode = episode({}, { participants: 3 })) =>
  writes.map((after, i) => liveEventOf(i === 0 ? first : writes[i - 1], after)!);

describe('liveEventOf', () => {
  it('names every transition of a show, with seq rising by one', () => {
    const events = eventsOf(show());
    expect(events.map((e) => e.type)).toEqual([
      'episode.started',
      'question.opened',
      'question.closed',
      'question.results',
      'question.opened',
      'question.closed',
      'question.results',
      'episode.ended',
    ]);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const e of events) expect(e.episode_id).toBe('ep1');
  });

  it('carries the episode view at the commit time, the answer once closed, the statistics with the results, the winners at the end', () => {
    const writes = show();
    const [, opened, closed, results, , , , ended] = eventsOf(writes);
    expect(opened.episode).toEqual(episodeView(writes[1], writes[1].seq_at!));
    expect(opened.server_time).toBe(writes[1].seq_at);
    expect(closed.correct_answer).toBe(String(q1.answer));
    expect(results.statistics).toEqual(stats(q1, 0, 2, 3));
    expect(results.episode).toMatchObject({ state: 'QUESTION_RESULTS', eliminated_count: 1, remaining_count: 2 });
    expect(ended.winners_count).toBe(1);
  });

  it('never carries the answer of an open question or a player id (rules 6 and privacy)', () => {
    for (const event of eventsOf(show())) {
      const keys = allKeys(event);
      expect(keys).not.toContain('current_answer');
      expect(keys).not.toContain('user_id');
      if (event.type === 'question.opened') {
        expect(keys).not.toContain('answer');
        expect(keys).not.toContain('correct_answer');
        expect(JSON.stringify(event)).not.toContain('"correct"');
      }
    }
  });

  it('is the same for the same write, whoever derives it and when (runner and relay publish identical bytes)', () => {
    const writes = show();
    const again = eventsOf(structuredClone(writes));
    expect(JSON.stringify(again)).toBe(JSON.stringify(eventsOf(writes)));
  });

  it('announces a raised count as participants.counted, and ignores writes that raised no seq', () => {
    const before = { ...episode({}, { participants: 3 }), seq: 4, seq_at: T0 };
    const announced = { ...before, participant_count: 7, announced_count: 7, seq: 5, seq_at: T0 + 2_000 };
    const event = liveEventOf(before, announced) as LiveEvent;
    expect(event).toMatchObject({ type: 'participants.counted', seq: 5, participant_count: 7, server_time: T0 + 2_000 });
    expect(liveEventOf(before, { ...before, participant_count: 9 })).toBeNull();
    expect(liveEventOf(undefined, episode())).toBeNull();
  });

  it('names a cancellation', () => {
    const open = { ...episode({}, { participants: 2 }), seq: 2, seq_at: T0 };
    const cancelled = { ...cancel(open, T0 + 5), seq: 3, seq_at: T0 + 5 };
    expect(liveEventOf(open, cancelled)?.type).toBe('episode.cancelled');
  });
});

describe('liveSnapshotOf', () => {
  it('depends on the stored record only: the same bytes for the same seq', () => {
    const writes = show();
    for (const w of writes) {
      expect(JSON.stringify(liveSnapshotOf(w))).toBe(JSON.stringify(liveSnapshotOf(structuredClone(w))));
      expect(liveSnapshotOf(w).seq).toBe(w.seq);
    }
  });

  it('carries the statistics only while the results are shown', () => {
    const writes = show();
    expect(liveSnapshotOf(writes[3]).statistics).toEqual(stats(q1, 0, 2, 3));
    expect(liveSnapshotOf(writes[4])).not.toHaveProperty('statistics');
    expect(liveSnapshotOf(writes[7])).not.toHaveProperty('statistics');
  });

  it('never carries an open answer', () => {
    const open = show()[1];
    expect(allKeys(liveSnapshotOf(open))).not.toContain('answer');
  });
});

describe('countAnnouncementAt', () => {
  it('is due a second after the last event while the count differs and registration is open', () => {
    const e = { ...episode({}, { participants: 5 }), announced_count: 3, seq: 2, seq_at: T0 };
    expect(countAnnouncementAt(e)).toBe(T0 + COUNT_ANNOUNCE_INTERVAL_MS);
    expect(countAnnouncementAt({ ...e, announced_count: 5 })).toBeNull();
    expect(countAnnouncementAt({ ...e, state: 'QUESTION_OPEN' })).toBeNull();
    expect(countAnnouncementAt({ ...e, state: 'STARTED' })).toBe(T0 + COUNT_ANNOUNCE_INTERVAL_MS);
  });

  it('at most one announcement per interval, whatever the arrival of registrations', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3_000 }), { minLength: 1, maxLength: 40 }), (gaps) => {
        let e: Episode = { ...episode({}, { participants: 0 }), seq: 0, seq_at: 0 };
        let now = T0;
        const announcedAt: number[] = [];
        for (const gap of gaps) {
          now += gap;
          e = { ...e, participant_count: e.participant_count + 1 };
          const at = countAnnouncementAt(e);
          if (at !== null && at <= now) {
            e = { ...e, announced_count: e.participant_count, seq: e.seq! + 1, seq_at: now };
            announcedAt.push(now);
          }
        }
        for (let i = 1; i < announcedAt.length; i++) expect(announcedAt[i] - announcedAt[i - 1]).toBeGreaterThanOrEqual(COUNT_ANNOUNCE_INTERVAL_MS);
      }),
    );
  });
});

describe('channels', () => {
  it('one channel per episode under the episodes namespace; ids fit a channel segment', () => {
    expect(liveChannel('e-1')).toBe('/episodes/e-1');
    expect(EPISODE_ID_PATTERN.test('0f8fad5b-d9cb-469f-a165-70867728950e')).toBe(true);
    for (const bad of ['', 'a'.repeat(51), 'a/b', 'a.b', 'a_b', '*']) expect(EPISODE_ID_PATTERN.test(bad)).toBe(false);
  });
});
