/**
 * Growth analytics: sign-ups attributed to campaigns, and the funnel page view → sign-up → joined an episode →
 * answered → won, by day. Pure: no AWS.
 *
 * Both are materialized incrementally, like the live stats (lambda/domain/liveStats.ts): each batch (a queued
 * batch of client events, or a stream batch of domain events) is added up in memory into one small partial per day
 * it touches, keyed by the batch, so a retried batch overwrites its own partial instead of counting twice. A read
 * sums the partials of the days asked for; nothing reads the events.
 *
 * The attribution rule:
 * - A touch is a client event `page`/`page_view` whose `data.utm_source` is a non-empty string; its campaign is
 *   `utm_source` / `utm_medium` / `utm_campaign` (a missing medium or campaign is `(none)`).
 * - A sign-up is a client event `account`/`sign_up`. Its touches are those of the same `anonymous_id` with a
 *   timestamp in [sign-up − 30 days, sign-up] (both ends included). A sign-up without `anonymous_id`, or without a
 *   touch in that window, is attributed to `(direct)` for both.
 * - First touch: the earliest touch; last touch: the latest. Ties (the same timestamp): campaigns are ordered by
 *   their key (`source/medium/campaign`), so the first touch takes the smallest key and the last touch the largest.
 * - Touches must reach the collector before or with their sign-up (clients send the events they kept before
 *   sign-in in the same batch as the sign-up, or earlier); a touch that arrives after its sign-up is not re-attributed.
 */
import type { ClientEvent } from './clientEvents.ts';
import { badRequest } from './errors.ts';
import type { DomainEvent } from './events.ts';

export const ATTRIBUTION_LOOKBACK_MS = 30 * 24 * 3600_000;
export const DIRECT = '(direct)';
const NONE = '(none)';

export interface Touch {
  at: number;
  source: string;
  medium: string;
  campaign: string;
}

const isPageView = (e: Pick<ClientEvent, 'category' | 'name'>) => e.category === 'page' && e.name === 'page_view';
export const isSignUp = (e: Pick<ClientEvent, 'category' | 'name'>) => e.category === 'account' && e.name === 'sign_up';

const utm = (data: Record<string, unknown>, key: string) => {
  const v = data[key];
  // `/` separates the parts of a campaign key: inside a value it is escaped.
  return typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, 100).replaceAll('/', '%2F') : undefined;
};

/** The touch an event is, if it is one. */
export function touchOf(e: Pick<ClientEvent, 'category' | 'name' | 'timestamp' | 'data'>): Touch | undefined {
  if (!isPageView(e)) return undefined;
  const source = utm(e.data, 'utm_source');
  if (!source) return undefined;
  return { at: e.timestamp, source, medium: utm(e.data, 'utm_medium') ?? NONE, campaign: utm(e.data, 'utm_campaign') ?? NONE };
}

const campaignKey = (t: Pick<Touch, 'source' | 'medium' | 'campaign'>) => `${t.source}/${t.medium}/${t.campaign}`;

export interface Attribution {
  first: string;
  last: string;
}

/** First- and last-touch campaign keys of a sign-up at `signUpAt`, from the visitor's touches (any order). */
export function attribute(signUpAt: number, touches: Touch[]): Attribution {
  const eligible = touches
    .filter((t) => t.at <= signUpAt && t.at >= signUpAt - ATTRIBUTION_LOOKBACK_MS)
    .map((t) => ({ at: t.at, key: campaignKey(t) }))
    .sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  if (eligible.length === 0) return { first: DIRECT, last: DIRECT };
  return { first: eligible[0].key, last: eligible[eligible.length - 1].key };
}

/** What one batch adds to one day. */
export interface GrowthTally {
  page_views: number;
  sign_ups: number;
  joined: number;
  answered: number;
  won: number;
  /** Sign-ups per first-touch campaign key. */
  first_touch: Record<string, number>;
  /** Sign-ups per last-touch campaign key. */
  last_touch: Record<string, number>;
}

const emptyGrowthTally = (): GrowthTally => ({ page_views: 0, sign_ups: 0, joined: 0, answered: 0, won: 0, first_touch: {}, last_touch: {} });

export const dayOf = (epochMs: number) => new Date(epochMs).toISOString().slice(0, 10);

export interface GrowthPartial {
  day: string;
  value: GrowthTally;
}

const bump = (m: Record<string, number>, key: string, by = 1) => (m[key] = (m[key] ?? 0) + by);

function partials(): { of: (day: string) => GrowthTally; list: () => GrowthPartial[] } {
  const byDay = new Map<string, GrowthTally>();
  return {
    of: (day) => {
      let t = byDay.get(day);
      if (!t) byDay.set(day, (t = emptyGrowthTally()));
      return t;
    },
    list: () => [...byDay].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, value]) => ({ day, value })),
  };
}

/** A batch of client events, with the attribution of each of its sign-ups (by event id). */
export function clientGrowth(events: ClientEvent[], attributions: Map<string, Attribution>): GrowthPartial[] {
  const p = partials();
  for (const e of events) {
    if (isPageView(e)) p.of(dayOf(e.timestamp)).page_views += 1;
    if (isSignUp(e)) {
      const t = p.of(dayOf(e.timestamp));
      const a = attributions.get(e.event_id) ?? { first: DIRECT, last: DIRECT };
      t.sign_ups += 1;
      bump(t.first_touch, a.first);
      bump(t.last_touch, a.last);
    }
  }
  return p.list();
}

/**
 * A batch of domain events: a registration is a player joining; a first answer to question 0 is a player answering
 * in that episode (a wrong or missing answer eliminates, so whoever answered at all answered question 0; an answer
 * that replaces an earlier-stored one is the same player again); an episode's end adds its winners.
 */
export function domainGrowth(events: DomainEvent[]): GrowthPartial[] {
  const p = partials();
  for (const e of events) {
    const day = e.time.slice(0, 10);
    if (e.type === 'participant.registered') p.of(day).joined += 1;
    else if (e.type === 'response.accepted' && e.data.question_index === 0 && e.data.replaces === null) p.of(day).answered += 1;
    else if (e.type === 'episode.ended' && e.data.winners_count > 0) p.of(day).won += e.data.winners_count;
  }
  return p.list().filter(({ value: v }) => v.joined + v.answered + v.won > 0);
}

function addGrowthTallies(a: GrowthTally, b: GrowthTally): GrowthTally {
  const out: GrowthTally = {
    page_views: a.page_views + b.page_views,
    sign_ups: a.sign_ups + b.sign_ups,
    joined: a.joined + b.joined,
    answered: a.answered + b.answered,
    won: a.won + b.won,
    first_touch: { ...a.first_touch },
    last_touch: { ...a.last_touch },
  };
  for (const [k, n] of Object.entries(b.first_touch)) bump(out.first_touch, k, n);
  for (const [k, n] of Object.entries(b.last_touch)) bump(out.last_touch, k, n);
  return out;
}

/** The days from `from` to `to` (yyyy-mm-dd, inclusive). */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) days.push(dayOf(t));
  return days;
}
const MAX_GROWTH_DAYS = 92;

/** The days of a growth query: `from`/`to` are days (yyyy-mm-dd, UTC); default the last 7 days to today. */
export function growthDays(q: { from?: string; to?: string }, now: number): { from: string; to: string } {
  const to = q.to ?? dayOf(now);
  const from = q.from ?? dayOf(Date.parse(`${to}T00:00:00Z`) - 6 * 86_400_000);
  if (!Number.isFinite(Date.parse(`${from}T00:00:00Z`)) || !Number.isFinite(Date.parse(`${to}T00:00:00Z`))) {
    throw badRequest('invalid_query', '`from` and `to` must be days (yyyy-mm-dd)');
  }
  if (from > to) throw badRequest('invalid_range', '`from` is after `to`');
  if (daysBetween(from, to).length > MAX_GROWTH_DAYS) throw badRequest('range_too_large', `a query covers at most ${MAX_GROWTH_DAYS} days`);
  return { from, to };
}

export interface FunnelDay {
  day: string;
  page_views: number;
  sign_ups: number;
  joined: number;
  answered: number;
  won: number;
}

/** The funnel of each day of [from, to], zeros included, from the partials of those days. */
export function funnel(from: string, to: string, parts: GrowthPartial[]): { from: string; to: string; days: FunnelDay[]; totals: Omit<FunnelDay, 'day'> } {
  const byDay = new Map<string, GrowthTally>();
  for (const part of parts) byDay.set(part.day, addGrowthTallies(byDay.get(part.day) ?? emptyGrowthTally(), part.value));
  const days = daysBetween(from, to).map((day) => {
    const t = byDay.get(day) ?? emptyGrowthTally();
    return { day, page_views: t.page_views, sign_ups: t.sign_ups, joined: t.joined, answered: t.answered, won: t.won };
  });
  const totals = { page_views: 0, sign_ups: 0, joined: 0, answered: 0, won: 0 };
  for (const d of days) for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += d[k];
  return { from, to, days, totals };
}

export interface CampaignRow {
  source: string;
  medium: string;
  campaign: string;
  first_touch: number;
  last_touch: number;
}

const splitKey = (key: string) => {
  if (key === DIRECT) return { source: DIRECT, medium: NONE, campaign: NONE };
  const [source, medium, ...rest] = key.split('/');
  return { source, medium, campaign: rest.join('/') };
};

/** Sign-ups of [from, to] by campaign: first- and last-touch counts, biggest first (then by key). */
export function attributionTable(from: string, to: string, parts: GrowthPartial[]): { from: string; to: string; sign_ups: number; campaigns: CampaignRow[] } {
  let total = emptyGrowthTally();
  for (const part of parts) if (part.day >= from && part.day <= to) total = addGrowthTallies(total, part.value);
  const keys = [...new Set([...Object.keys(total.first_touch), ...Object.keys(total.last_touch)])];
  const campaigns = keys
    .map((key) => ({ key, ...splitKey(key), first_touch: total.first_touch[key] ?? 0, last_touch: total.last_touch[key] ?? 0 }))
    .sort((a, b) => b.first_touch + b.last_touch - (a.first_touch + a.last_touch) || (a.key < b.key ? -1 : 1))
    .map(({ key: _key, ...row }) => row);
  return { from, to, sign_ups: total.sign_ups, campaigns };
}
