/** The server clock from `server_time`, NTP-style: offset = server_time − midpoint, the shortest round trip wins. */
import { describe, expect, it } from 'vitest';
import { ServerClock } from '../../../client/clock.ts';
import { TriviaClient } from '../../../client/client.ts';
import { scriptedFetch } from './fakes.ts';

const view = (serverTime: number) => ({
  id: 'e1', game_id: 'g1', state: 'CREATED', qset: ['q1'], min_participant: 2, participant_count: 0, eliminated_count: 0, remaining_count: 0,
  current_question_index: -1, question_start_timestamp: 0, question_end_timestamp: 0, current_question: null, server_time: serverTime,
  start_at: null, next_step_at: 0, answer_window_seconds: 10, reveal_seconds: 5, lead_seconds: 60, created_at: 1,
});

describe('ServerClock', () => {
  it('takes the midpoint of the round trip', () => {
    const c = new ServerClock(() => 10_000);
    const s = c.sample(1000, 1200, 5100); // midpoint 1100 local = 5100 server
    expect(s).toEqual({ offsetMs: 4000, rttMs: 200, at: 1200 });
    expect(c.offsetMs()).toBe(4000);
    expect(c.uncertaintyMs()).toBe(100);
    expect(c.serverNow()).toBe(14_000);
  });

  it('prefers the sample with the shortest round trip', () => {
    const c = new ServerClock(() => 0);
    c.sample(0, 1000, 3500); // rtt 1000: offset 3000 ± 500
    c.sample(2000, 2040, 5030); // rtt 40: offset 3010 ± 20
    c.sample(3000, 3600, 6000); // rtt 600: offset 2700
    expect(c.offsetMs()).toBe(3010);
    expect(c.best()?.rttMs).toBe(40);
  });

  it('forgets samples beyond its window', () => {
    const c = new ServerClock(() => 0, 2);
    c.sample(0, 10, 105); // offset 100, rtt 10
    c.sample(0, 100, 250); // offset 200
    c.sample(0, 100, 350); // offset 300: the rtt-10 sample is gone
    expect(c.offsetMs()).toBe(200);
    expect(c.sampleCount).toBe(2);
  });

  it('is the local clock before any sample', () => {
    expect(new ServerClock(() => 42).serverNow()).toBe(42);
  });
});

describe('TriviaClient clock offset', () => {
  it('samples server_time of every episode read, timing each request with its own clock', async () => {
    let local = 1_000_000;
    // The server runs 5 s ahead; each request takes 80 ms, the server stamps it half way.
    const { fetch } = scriptedFetch(() => {
      local += 40;
      const step = { status: 200, body: view(local + 5000) };
      local += 40;
      return step;
    });
    const api = new TriviaClient({ apiUrl: 'http://api.test', fetch, now: () => local });
    expect(api.serverNow()).toBe(local);
    await api.getEpisode('e1');
    expect(api.clock.offsetMs()).toBe(5000);
    expect(api.serverNow()).toBe(local + 5000);
    await api.getEpisode('e1');
    expect(api.clock.sampleCount).toBe(2);
  });

  it('does not sample error bodies', async () => {
    const { fetch } = scriptedFetch([{ status: 409, body: { error: { code: 'x', message: 'y', details: { server_time: 1 } } }, }]);
    const api = new TriviaClient({ apiUrl: 'http://api.test', fetch });
    await expect(api.getEpisode('e1')).rejects.toThrow();
    expect(api.clock.sampleCount).toBe(0);
  });
});
