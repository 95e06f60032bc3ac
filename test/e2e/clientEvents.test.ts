/**
 * The Eye against the local stack: a batch with good and bad events is accepted in part (every bad event is in the
 * errors with its reason, every good one is stored: counted in and out); queries by session, by category and by time
 * return exactly the expected events across page boundaries; a visitor's touches attribute its sign-up, and the
 * funnel counts the page views and the sign-up. Every response is checked against the OpenAPI document.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { admin, player, type Player } from './support/game.ts';
import { api, eventually, uniqueEmail } from './support/index.ts';
import type { ClientEventsPage } from '../../lambda/domain/clientEvents.ts';
import type { AttributionOut, FunnelOut } from '../../lambda/domain/contract.ts';
import type { ErrorsPage } from '../../lambda/domain/operations.ts';

const RUN = randomUUID().slice(0, 8);
const DAY = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe('client events', () => {
  let boss: Player;
  let app: Player;
  /** The server's clock, from the first 202 (the stack's clock may be moved by other tests). */
  let now: number;

  const get = async <T>(path: string, query: Record<string, string | number>): Promise<T> => {
    const res = await boss.call('GET', `${path}?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as T;
  };
  /** Every page of a query, following `next`; returns the event ids in order and the number of pages. */
  const allPages = async (query: Record<string, string | number>) => {
    const ids: string[] = [];
    let pages = 0;
    let next: string | undefined;
    do {
      const page = await get<ClientEventsPage>('/api/v1/client-events', { ...query, ...(next ? { next } : {}) });
      ids.push(...page.items.map((e) => String(e.data.n)));
      next = page.next;
      pages++;
    } while (next && pages < 50);
    return { ids, pages };
  };
  const send = async (events: unknown[]) => {
    const res = await app.call('POST', '/api/v1/client-events', { events });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body as { queued: number; received_at: number };
  };

  beforeAll(async () => {
    boss = await admin();
    app = await player(uniqueEmail('app'), {});
    // The first request loads the function (a cold start can outlast its timeout on a busy machine): retried, as clients do.
    for (let attempt = 0; !now; attempt++) {
      const res = await api(app.token).post('/api/v1/client-events', { events: [{ session_id: `${RUN}-warmup`, category: 'app', name: 'started', timestamp: Date.now() }] });
      if (res.status === 202) now = (res.body as { received_at: number }).received_at;
      else if (res.status < 500 || attempt >= 4) throw new Error(`warm-up: ${res.status} ${JSON.stringify(res.body)}`);
    }
  });

  it('accepts a batch in part: good events stored, each bad one recorded with its reason, none lost', async () => {
    const session = `${RUN}-mixed`;
    const good = Array.from({ length: 12 }, (_, i) => ({ session_id: session, category: 'page', name: 'page_view', timestamp: now - 60_000 + i, data: { n: `g${i}` } }));
    const bad: [unknown, string][] = [
      [42, 'client_event_not_object'],
      [{ category: 'page', name: 'page_view', timestamp: now, data: { n: 'b1' } }, 'client_event_missing_session'],
      [{ session_id: session, category: 'page', name: 'page_view', timestamp: now, data: ['b2'] }, 'client_event_data_not_object'],
      [{ session_id: session, category: 'page', name: 'page_view', timestamp: now, data: { n: 'b3', blob: 'x'.repeat(5000) } }, 'client_event_oversized'],
      [{ session_id: session, category: 'page', name: 'page_view', timestamp: now + 3600_000, data: { n: 'b4' } }, 'client_event_in_future'],
    ];
    const batch = [...good.slice(0, 6), ...bad.map(([raw]) => raw), ...good.slice(6)];
    const accepted = await send(batch);
    expect(accepted.queued).toBe(batch.length);

    const stored = await eventually(async () => {
      const { ids } = await allPages({ session_id: session, limit: 100 });
      expect(ids).toHaveLength(good.length);
      return ids;
    }, { timeoutMs: 30_000 });
    expect(stored).toEqual(good.map((g) => g.data.n));
    const recorded = await eventually(async () => {
      const page = await get<ErrorsPage>('/api/v1/errors', { from: accepted.received_at - 1000, to: accepted.received_at + 1000, limit: 1000 });
      const mine = page.items.filter((e) => e.source === 'sqs:clientEvents' && e.user_id === app.sub && e.at === accepted.received_at);
      expect(mine).toHaveLength(bad.length);
      return mine;
    }, { timeoutMs: 30_000 });
    expect(recorded.map((e) => e.reason).sort()).toEqual(bad.map(([, reason]) => reason).sort());
    expect(stored.length + recorded.length).toBe(batch.length);
  });

  it('queries by session, by category and by time range return exactly the expected events across pages', async () => {
    const category = `c${RUN.replace(/[^a-z0-9]/g, '')}`.slice(0, 20);
    const sessions = [`${RUN}-s1`, `${RUN}-s2`];
    // 17 events over two sessions and two days, plus 3 of another category in the same session and time.
    const times = Array.from({ length: 17 }, (_, i) => now - (i % 2 ? DAY : 0) - 10 * 60_000 + i * 1000);
    const events = times.map((timestamp, i) => ({ session_id: sessions[i % 2], category, name: 'tapped', timestamp, data: { n: `e${i}` } }));
    const others = [0, 1, 2].map((i) => ({ session_id: sessions[0], category: 'other', name: 'tapped', timestamp: times[0] + 500 + i, data: { n: `o${i}` } }));
    await send([...events, ...others]);
    const expectedIn = (pred: (i: number) => boolean) =>
      events.map((e, i) => ({ ...e, i })).filter((e) => pred(e.i)).sort((a, b) => a.timestamp - b.timestamp).map((e) => e.data.n);

    await eventually(async () => expect((await allPages({ category, from: now - 2 * DAY, to: now, limit: 100 })).ids).toHaveLength(17), { timeoutMs: 30_000 });

    const bySession = await allPages({ session_id: sessions[0], limit: 4 });
    const session0 = [...expectedIn((i) => i % 2 === 0), 'o0', 'o1', 'o2'];
    expect([...bySession.ids].sort()).toEqual([...session0].sort());
    expect(bySession.ids.slice(0, 1)).toEqual(['e0']); // oldest first
    expect(bySession.pages).toBeGreaterThan(2);

    const byCategory = await allPages({ category, from: now - 2 * DAY, to: now, limit: 5 });
    expect(byCategory.ids).toEqual(expectedIn(() => true));
    expect(byCategory.pages).toBeGreaterThanOrEqual(4);

    // A range that holds only the older day's events of this run (and, in the time index, nothing else of this run).
    const olderDay = events.filter((_, i) => i % 2);
    const from = Math.min(...olderDay.map((e) => e.timestamp));
    const to = Math.max(...olderDay.map((e) => e.timestamp));
    const byTime = await allPages({ from, to, limit: 3 });
    expect(byTime.ids.filter((n) => n.startsWith('e'))).toEqual(expectedIn((i) => i % 2 === 1));
    expect(byTime.pages).toBeGreaterThanOrEqual(3);
  });

  it('attributes a sign-up to its first and last touch, and the funnel counts it', async () => {
    const day = dayOf(now);
    const [attributionBefore, funnelBefore] = await Promise.all([
      get<AttributionOut>('/api/v1/growth/attribution', { from: day, to: day }),
      get<FunnelOut>('/api/v1/growth/funnel', { from: day, to: day }),
    ]);
    const anon = `${RUN}-visitor`;
    const source = `src${RUN.replace(/[^a-z0-9]/g, '')}`;
    const visit = (t: number, campaign: string) => ({ session_id: `${RUN}-v`, anonymous_id: anon, category: 'page', name: 'page_view', timestamp: t, data: { utm_source: source, utm_medium: 'email', utm_campaign: campaign } });
    // Two earlier visits in a batch of their own (stored before the sign-up's batch), then the sign-up.
    await send([visit(now - 3000, 'first'), visit(now - 2000, 'last')]);
    await eventually(async () => expect((await allPages({ session_id: `${RUN}-v` })).ids).toHaveLength(2), { timeoutMs: 30_000 });
    await send([{ session_id: `${RUN}-v`, anonymous_id: anon, category: 'account', name: 'sign_up', timestamp: now - 1000 }]);
    const attribution = await eventually(async () => {
      const a = await get<AttributionOut>('/api/v1/growth/attribution', { from: day, to: day });
      expect(a.sign_ups).toBe(attributionBefore.sign_ups + 1);
      return a;
    }, { timeoutMs: 30_000 });
    const mine = attribution.campaigns.filter((c) => c.source === source);
    expect(mine).toEqual([
      { source, medium: 'email', campaign: 'first', first_touch: 1, last_touch: 0 },
      { source, medium: 'email', campaign: 'last', first_touch: 0, last_touch: 1 },
    ]);
    const funnel = await get<FunnelOut>('/api/v1/growth/funnel', { from: day, to: day });
    expect(funnel.totals.sign_ups - funnelBefore.totals.sign_ups).toBe(1);
    expect(funnel.totals.page_views - funnelBefore.totals.page_views).toBe(2);
  });

  it('refuses bad queries with 400 and non-admins with 403', async () => {
    expect((await boss.call('GET', '/api/v1/client-events?session_id=a&category=b')).status).toBe(400);
    expect((await boss.call('GET', `/api/v1/client-events?from=${now - 10 * DAY}&to=${now}`)).status).toBe(400);
    expect((await boss.call('GET', '/api/v1/client-events?next=not-a-cursor')).status).toBe(400);
    expect((await boss.call('GET', '/api/v1/growth/funnel?from=2026-13-01')).status).toBe(400);
    expect((await app.call('GET', '/api/v1/growth/attribution')).status).toBe(403);
  });
});
