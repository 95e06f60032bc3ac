import { liveStatsQuery } from '../domain/contract.ts';
import { DEFAULT_LIVE_STATS_CACHE_MS, DEFAULT_WINDOW_MINUTES, summarize, windowMinutes, type LiveStats } from '../domain/liveStats.ts';
import { numberFromEnv } from '../shared/env.ts';
import { httpHandler, json } from './httpHandler.ts';
import { countLiveEpisodes, readLivePartials } from '../store/liveStats.ts';

/** The window when the query names none (LIVE_STATS_WINDOW_MINUTES, default an hour). */
const defaultWindow = () => Math.min(Math.max(1, Math.round(numberFromEnv('LIVE_STATS_WINDOW_MINUTES', DEFAULT_WINDOW_MINUTES))), 24 * 60);

/** Computed at most once per DEFAULT_LIVE_STATS_CACHE_MS, per container and window. */
const computed = new Map<number, { at: number; stats: LiveStats }>();

async function liveStats(now: number, minutes: number): Promise<LiveStats> {
  const { first, last } = windowMinutes(now, minutes);
  const [partials, live] = await Promise.all([readLivePartials(first, last), countLiveEpisodes()]);
  return summarize(partials, now, minutes, live);
}

/**
 * `GET /api/v1/stats/live?window_minutes=`: live aggregates of the domain events (admins): totals and rates, the
 * top players by wins and by right answers, and the episodes running now. Sums the per-batch partials of the
 * window's minutes (lambda/domain/liveStats.ts); never scans.
 */
export const handler = httpHandler({ auth: 'admin', query: liveStatsQuery }, async ({ query: { window_minutes }, now }) => {
  const minutes = window_minutes ?? defaultWindow();
  const maxAge = numberFromEnv('LIVE_STATS_CACHE_MS', DEFAULT_LIVE_STATS_CACHE_MS);
  const hit = computed.get(minutes);
  if (hit && Date.now() - hit.at < maxAge) return json(200, hit.stats);
  const stats = await liveStats(now, minutes);
  computed.set(minutes, { at: Date.now(), stats });
  return json(200, stats);
});
