/** The per-event rules of the collector's consumer: each bad event gets exactly one reason, good ones keep their fields. */
import { describe, expect, it } from 'vitest';
import { CLIENT_EVENT_REASONS as R, MAX_EVENT_AGE_MS, MAX_FUTURE_SKEW_MS, checkClientEvent, lakeRecord } from '../../../lambda/domain/clientEvents.ts';

const NOW = 1_800_000_000_000;
const ctx = { event_id: 'e-1', user_id: 'u-1', received_at: NOW };
const good = { session_id: 's-1', anonymous_id: 'a-1', category: 'page', name: 'page_view', timestamp: NOW - 1000, data: { path: '/', utm_source: 'tv' } };

describe('checkClientEvent', () => {
  it('keeps a good event, stamped with the token subject, the receipt time and the event id', () => {
    expect(checkClientEvent({ ...good, user_id: 'someone-else' }, ctx)).toEqual({
      ok: true,
      event: { event_id: 'e-1', session_id: 's-1', anonymous_id: 'a-1', user_id: 'u-1', category: 'page', name: 'page_view', timestamp: NOW - 1000, received_at: NOW, data: good.data },
    });
  });

  it('takes an ISO 8601 timestamp and defaults data to {}', () => {
    const { data: _d, ...noData } = good;
    const out = checkClientEvent({ ...noData, timestamp: new Date(NOW - 5000).toISOString() }, ctx);
    expect(out).toMatchObject({ ok: true, event: { timestamp: NOW - 5000, data: {} } });
  });

  it.each([
    ['not an object', 'page_view', R.notAnObject],
    ['an array', [good], R.notAnObject],
    ['no session', { ...good, session_id: undefined }, R.missingSession],
    ['an empty session', { ...good, session_id: '' }, R.missingSession],
    ['data an array', { ...good, data: [1, 2] }, R.dataNotObject],
    ['data a string', { ...good, data: 'x' }, R.dataNotObject],
    ['data null', { ...good, data: null }, R.dataNotObject],
    ['oversized', { ...good, data: { blob: 'x'.repeat(5000) } }, R.oversized],
    ['a bad category', { ...good, category: 'Page!' }, R.invalid],
    ['no name', { ...good, name: undefined }, R.invalid],
    ['a timestamp that is no time', { ...good, timestamp: 'yesterday' }, R.invalid],
    ['beyond the skew', { ...good, timestamp: NOW + MAX_FUTURE_SKEW_MS + 1 }, R.inFuture],
    ['too old', { ...good, timestamp: NOW - MAX_EVENT_AGE_MS - 1 }, R.tooOld],
  ])('refuses %s with one reason', (_name, raw, reason) => {
    const out = checkClientEvent(raw, ctx);
    expect(out.ok).toBe(false);
    if (!out.ok) {
      expect(out.reason).toBe(reason);
      expect(out.detail.length).toBeGreaterThan(0);
    }
  });

  it('accepts the edges: exactly the skew ahead, exactly the age behind', () => {
    expect(checkClientEvent({ ...good, timestamp: NOW + MAX_FUTURE_SKEW_MS }, ctx).ok).toBe(true);
    expect(checkClientEvent({ ...good, timestamp: NOW - MAX_EVENT_AGE_MS }, ctx).ok).toBe(true);
  });
});

describe('lakeRecord', () => {
  it('is an envelope beside the domain events: type client.event, ISO times, data as JSON text', () => {
    const out = checkClientEvent(good, ctx);
    if (!out.ok) throw new Error('expected a good event');
    expect(lakeRecord(out.event)).toEqual({
      id: 'e-1',
      type: 'client.event',
      version: 1,
      time: new Date(NOW - 1000).toISOString(),
      received_at: new Date(NOW).toISOString(),
      session_id: 's-1',
      anonymous_id: 'a-1',
      user_id: 'u-1',
      category: 'page',
      name: 'page_view',
      data: JSON.stringify(good.data),
    });
  });
});
