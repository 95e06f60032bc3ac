/**
 * The cost model of the live channel (bench/liveCost.ts): what it counts for push and for polling, and the issue's
 * target at a million players (push at most a tenth of polling).
 */
import { describe, expect, it } from 'vitest';
import {
  LIVE_PRICES,
  MILLION_PLAYER_SHOW,
  pollCostPerShow,
  pushCostPerShow,
  pushCountsPerLobbyMinute,
  transitionsPerShow,
  type ShowModel,
} from '../../../bench/liveCost.ts';

const show: ShowModel = { ...MILLION_PLAYER_SHOW, eventBytes: 1000, snapshotBytes: 700, pollBodyBytes: 700 };
const line = (c: ReturnType<typeof pushCostPerShow>, start: string) => c.lines.find((l) => l.item.startsWith(start))!;

describe('live cost model', () => {
  it('counts the transitions of a show: started, three per question, ended', () => {
    expect(transitionsPerShow(12)).toBe(38);
    expect(transitionsPerShow(3)).toBe(11);
  });

  it('push: a connect, a subscribe and one delivery per transition per player, plus the publishes; 15 connection-minutes each', () => {
    const push = pushCostPerShow(show);
    expect(line(push, 'AppSync Events operations').quantity).toBe(1_000_000 * 2 + 38 + 38 * 1_000_000);
    expect(line(push, 'AppSync Events connection-minutes').quantity).toBe(15_000_000);
    expect(line(push, 'AppSync Events connection-minutes').usd).toBeCloseTo(1.2, 6);
    expect(line(push, 'AppSync Events operations').usd).toBeCloseTo(40.000038, 6);
  });

  it('push meters a message in 5 KB increments: a 6 KB event is two operations per delivery', () => {
    const big = pushCostPerShow({ ...show, eventBytes: 6 * 1024 });
    expect(LIVE_PRICES.eventApiMessageIncrementBytes).toBe(5120);
    expect(line(big, 'AppSync Events operations').quantity).toBe(2_000_000 + 2 * 38 + 2 * 38 * 1_000_000);
  });

  it('poll: every player every second through CloudFront, about one origin request a second with the shared entry', () => {
    const poll = pollCostPerShow(show);
    expect(line(poll, 'CloudFront HTTPS requests').quantity).toBe(900_000_000);
    expect(line(poll, 'CloudFront HTTPS requests').usd).toBeCloseTo(900, 6);
    expect(poll.originRequests).toBe(900);
    const gb = (900_000_000 * (700 + MILLION_PLAYER_SHOW.responseHeaderBytes)) / 1024 ** 3;
    expect(line(poll, 'CloudFront data transfer out').usd).toBeCloseTo(gb * 0.085, 6);
  });

  it('at a million players, push costs at most a tenth of polling', () => {
    const push = pushCostPerShow(show).usd;
    const poll = pollCostPerShow(show).usd;
    expect(push).toBeLessThanOrEqual(poll / 10);
    expect(push).toBeGreaterThan(40);
    expect(poll).toBeGreaterThan(900);
  });

  it('prices a lobby minute of participant counts (one a second to every player)', () => {
    expect(pushCountsPerLobbyMinute(show)).toBeCloseTo(60 + (60_000_000 * 1000 * 0.09) / 1024 ** 3, 6);
  });
});
