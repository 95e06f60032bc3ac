/**
 * Growth analytics: the attribution rule pinned by scripted journeys with hand-computed first and last touches, and
 * the funnel of a scripted ten-day history, added up batch by batch (retried batches included) as the consumers do.
 */
import { describe, expect, it } from 'vitest';
import type { ClientEvent } from '../../../lambda/domain/clientEvents.ts';
import type { DomainEvent } from '../../../lambda/domain/events.ts';
import {
  ATTRIBUTION_LOOKBACK_MS,
  DIRECT,
  attribute,
  attributionTable,
  clientGrowth,
  domainGrowth,
  funnel,
  growthDays,
  touchOf,
  type GrowthPartial,
  type Touch,
} from '../../../lambda/domain/growth.ts';

const DAY = 86_400_000;
const T = Date.parse('2026-03-10T12:00:00Z');
const touch = (at: number, source: string, medium = 'cpc', campaign = 'spring'): Touch => ({ at, source, medium, campaign });

describe('attribution rule (lookback 30 days, first = earliest, last = latest, ties by campaign key)', () => {
  it.each([
    ['one campaign', [touch(T - 2 * DAY, 'tv', 'broadcast', 'launch')], 'tv/broadcast/launch', 'tv/broadcast/launch'],
    ['two campaigns', [touch(T - 3600_000, 'facebook', 'social', 'b'), touch(T - 10 * DAY, 'google', 'cpc', 'a')], 'google/cpc/a', 'facebook/social/b'],
    ['three touches, the middle one neither', [touch(T - 5 * DAY, 'a'), touch(T - 4 * DAY, 'b'), touch(T - DAY, 'c')], 'a/cpc/spring', 'c/cpc/spring'],
    ['no touch', [], DIRECT, DIRECT],
    ['only a touch outside the lookback', [touch(T - ATTRIBUTION_LOOKBACK_MS - 1, 'old')], DIRECT, DIRECT],
    ['a touch exactly at the lookback edge counts', [touch(T - ATTRIBUTION_LOOKBACK_MS, 'edge')], 'edge/cpc/spring', 'edge/cpc/spring'],
    ['one inside, one outside', [touch(T - 31 * DAY, 'old'), touch(T - 29 * DAY, 'new')], 'new/cpc/spring', 'new/cpc/spring'],
    ['a touch after the sign-up is ignored', [touch(T - DAY, 'before'), touch(T + 1, 'after')], 'before/cpc/spring', 'before/cpc/spring'],
    ['a touch at the sign-up instant counts', [touch(T - DAY, 'before'), touch(T, 'same')], 'before/cpc/spring', 'same/cpc/spring'],
    ['a tie: the smaller key is first, the larger last', [touch(T - DAY, 'zeta'), touch(T - DAY, 'alpha')], 'alpha/cpc/spring', 'zeta/cpc/spring'],
  ])('%s', (_name, touches, first, last) => {
    expect(attribute(T, touches)).toEqual({ first, last });
  });

  it('what counts as a touch: a page view with a non-empty utm_source; missing medium or campaign is (none)', () => {
    const ev = (category: string, name: string, data: Record<string, unknown>) => ({ category, name, timestamp: T, data });
    expect(touchOf(ev('page', 'page_view', { utm_source: 'news', utm_medium: 'email', utm_campaign: 'w1' }))).toEqual(touch(T, 'news', 'email', 'w1'));
    expect(touchOf(ev('page', 'page_view', { utm_source: 'news' }))).toEqual(touch(T, 'news', '(none)', '(none)'));
    expect(touchOf(ev('page', 'page_view', { utm_source: 'a/b' }))?.source).toBe('a%2Fb');
    expect(touchOf(ev('page', 'page_view', { path: '/' }))).toBeUndefined();
    expect(touchOf(ev('page', 'page_view', { utm_source: '  ' }))).toBeUndefined();
    expect(touchOf(ev('page', 'page_view', { utm_source: 7 }))).toBeUndefined();
    expect(touchOf(ev('page', 'click', { utm_source: 'news' }))).toBeUndefined();
  });
});

let seq = 0;
const clientEvent = (category: string, name: string, timestamp: number, data: Record<string, unknown> = {}, anonymous_id?: string): ClientEvent => ({
  event_id: `c${++seq}`,
  session_id: 's',
  user_id: 'u',
  category,
  name,
  timestamp,
  received_at: timestamp,
  data,
  ...(anonymous_id ? { anonymous_id } : {}),
});
const iso = (ms: number) => new Date(ms).toISOString();
const domain = (type: string, at: number, data: Record<string, unknown>) => ({ id: `d${++seq}`, type, version: 1, time: iso(at), episode_id: 'e', data }) as unknown as DomainEvent;

describe('attribution table', () => {
  it('counts each sign-up once per column, by the sign-up day, biggest campaigns first', () => {
    const signUps = [
      { first: 'google/cpc/a', last: 'facebook/social/b' },
      { first: 'google/cpc/a', last: 'google/cpc/a' },
      { first: DIRECT, last: DIRECT },
    ];
    const events = signUps.map((_, i) => clientEvent('account', 'sign_up', T + i * DAY));
    const parts = clientGrowth(events, new Map(events.map((e, i) => [e.event_id, signUps[i]])));
    const table = attributionTable('2026-03-10', '2026-03-11', parts);
    expect(table).toEqual({
      from: '2026-03-10',
      to: '2026-03-11',
      sign_ups: 2,
      campaigns: [
        { source: 'google', medium: 'cpc', campaign: 'a', first_touch: 2, last_touch: 1 },
        { source: 'facebook', medium: 'social', campaign: 'b', first_touch: 0, last_touch: 1 },
      ],
    });
  });
});

describe('funnel of a scripted ten-day history', () => {
  const DAY0 = Date.parse('2026-04-01T00:00:00Z');
  // Per day d: page views 20 + 3d, sign-ups 2 + d % 3, registrations 5 + d, first answers 4 + d (plus one replacing
  // answer to question 0 and one answer to question 1, neither counted), one episode ending with d % 4 winners.
  const expected = Array.from({ length: 10 }, (_, d) => ({
    day: `2026-04-${String(d + 1).padStart(2, '0')}`,
    page_views: 20 + 3 * d,
    sign_ups: 2 + (d % 3),
    joined: 5 + d,
    answered: 4 + d,
    won: d % 4,
  }));

  function history(): { client: ClientEvent[]; domain: DomainEvent[] } {
    const client: ClientEvent[] = [];
    const events: DomainEvent[] = [];
    for (let d = 0; d < 10; d++) {
      const at = (i: number) => DAY0 + d * DAY + 60_000 * (i + 1);
      for (let i = 0; i < 20 + 3 * d; i++) client.push(clientEvent('page', 'page_view', at(i), i % 2 ? { utm_source: 'tv' } : { path: '/' }, `a${d}-${i}`));
      for (let i = 0; i < 2 + (d % 3); i++) client.push(clientEvent('account', 'sign_up', at(100 + i), {}, `a${d}-${i}`));
      client.push(clientEvent('game', 'opened_app', at(200)));
      for (let i = 0; i < 5 + d; i++) events.push(domain('participant.registered', at(300 + i), { user_id: `p${i}`, registered_at: at(300 + i) }));
      for (let i = 0; i < 4 + d; i++) events.push(domain('response.accepted', at(400 + i), { question_index: 0, user_id: `p${i}`, replaces: null }));
      events.push(domain('response.accepted', at(450), { question_index: 0, user_id: 'p0', replaces: { answer: 1, received_at: at(449) } }));
      events.push(domain('response.accepted', at(460), { question_index: 1, user_id: 'p0', replaces: null }));
      events.push(domain('episode.ended', at(500), { winners_count: d % 4, winners: [] }));
      events.push(domain('question.opened', at(510), {}));
    }
    return { client, domain: events };
  }

  it('is exact, whatever the batching, with retried batches overwriting their own partials', () => {
    const { client, domain: events } = history();
    // The growth table: one partial per (source, batch, day); a retried batch writes the same keys again.
    const table = new Map<string, GrowthPartial>();
    const write = (source: string, batch: string, parts: GrowthPartial[]) => parts.forEach((p) => table.set(`${source}#${batch}#${p.day}`, p));
    for (let i = 0, n = 1; i < client.length; i += n, n = (n % 37) + 1) {
      const batch = client.slice(i, i + n);
      write('client', `m${i}`, clientGrowth(batch, new Map()));
      if (i % 3 === 0) write('client', `m${i}`, clientGrowth(batch, new Map())); // redelivered
    }
    for (let i = 0, n = 5; i < events.length; i += n, n = (n % 97) + 5) {
      write('responses', `seq${i}`, domainGrowth(events.slice(i, i + n)));
      write('responses', `seq${i}`, domainGrowth(events.slice(i, i + n))); // retried stream batch
    }
    const out = funnel('2026-03-31', '2026-04-11', [...table.values()]);
    const zero = { page_views: 0, sign_ups: 0, joined: 0, answered: 0, won: 0 };
    expect(out.days).toEqual([{ day: '2026-03-31', ...zero }, ...expected, { day: '2026-04-11', ...zero }]);
    // Hand-summed: 200 + 3·45, 20 + 9, 50 + 45, 40 + 45, 0+1+2+3+0+1+2+3+0+1.
    expect(out.totals).toEqual({ page_views: 335, sign_ups: 29, joined: 95, answered: 85, won: 13 });
  });
});

describe('growthDays', () => {
  const now = Date.parse('2026-04-10T15:00:00Z');
  it('defaults to the 7 days up to today', () => expect(growthDays({}, now)).toEqual({ from: '2026-04-04', to: '2026-04-10' }));
  it('refuses a reversed or too long range', () => {
    expect(() => growthDays({ from: '2026-04-10', to: '2026-04-01' }, now)).toThrow(expect.objectContaining({ code: 'invalid_range' }));
    expect(() => growthDays({ from: '2025-01-01', to: '2026-04-01' }, now)).toThrow(expect.objectContaining({ code: 'range_too_large' }));
  });
});
