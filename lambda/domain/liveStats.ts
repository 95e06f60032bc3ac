/**
 * Live aggregates of the event stream, without a hot key and without a scan.
 *
 * The write side (publishEvents) adds up each stream batch in memory and writes one small partial per batch and
 * minute of event time, keyed like the counters' partials (lambda/domain/counting.ts): by the batch's first record
 * of that minute, so a retried or bisected batch overwrites its own partials instead of counting twice. Nothing is
 * written once per event. The read side (`GET /api/v1/stats/live`) sums the partials of the minutes in its window.
 *
 * Pure: no AWS.
 */
import type { DomainEvent } from './events.ts';

export interface LiveTally {
  events: number;
  /** Events per type. */
  by_type: Record<string, number>;
  /** Events per epoch second (for the moving average of the last minute). */
  seconds: Record<string, number>;
  /** Right answers per player (moved when an earlier answer replaces a stored one). */
  correct: Record<string, number>;
  /** Episodes won per player (from `episode.ended`). */
  wins: Record<string, number>;
}

export const emptyLiveTally = (): LiveTally => ({ events: 0, by_type: {}, seconds: {}, correct: {}, wins: {} });

const bump = (m: Record<string, number>, key: string, by = 1) => {
  const n = (m[key] ?? 0) + by;
  if (n === 0) delete m[key];
  else m[key] = n;
};

export const minuteOf = (epochMs: number) => Math.floor(epochMs / 60_000);

/** What one stream record adds: its events, and for a stored answer the change in right answers of its player. */
export interface Contribution {
  sequence: string;
  events: DomainEvent[];
  correct?: { user_id: string; delta: number; at: number };
}

export interface LivePartial {
  minute: number;
  firstSequence: string;
  lastSequence: string;
  value: LiveTally;
}

/** One partial per minute of event time touched by the batch, keyed by the first record that touched it. */
export function livePartials(contributions: Contribution[]): LivePartial[] {
  const byMinute = new Map<number, LivePartial>();
  const partialFor = (minute: number, sequence: string) => {
    let p = byMinute.get(minute);
    if (!p) byMinute.set(minute, (p = { minute, firstSequence: sequence, lastSequence: sequence, value: emptyLiveTally() }));
    p.lastSequence = sequence;
    return p.value;
  };
  for (const c of contributions) {
    for (const e of c.events) {
      const ms = Date.parse(e.time);
      const t = partialFor(minuteOf(ms), c.sequence);
      t.events += 1;
      bump(t.by_type, e.type);
      bump(t.seconds, String(Math.floor(ms / 1000)));
      if (e.type === 'episode.ended') for (const w of e.data.winners) bump(t.wins, w);
    }
    if (c.correct && c.correct.delta !== 0) bump(partialFor(minuteOf(c.correct.at), c.sequence).correct, c.correct.user_id, c.correct.delta);
  }
  return [...byMinute.values()];
}

export function addLiveTallies(a: LiveTally, b: LiveTally): LiveTally {
  const out: LiveTally = { events: a.events + b.events, by_type: { ...a.by_type }, seconds: { ...a.seconds }, correct: { ...a.correct }, wins: { ...a.wins } };
  for (const key of ['by_type', 'seconds', 'correct', 'wins'] as const) for (const [k, n] of Object.entries(b[key])) bump(out[key], k, n);
  return out;
}

export interface PlayerCount {
  id: string;
  count: number;
}

/** The player with the highest count; ties go to the smallest id, so the answer is stable. Null when nobody counts. */
export function topOf(counts: Record<string, number>): PlayerCount | null {
  let best: PlayerCount | null = null;
  for (const [id, count] of Object.entries(counts)) {
    if (count <= 0) continue;
    if (!best || count > best.count || (count === best.count && id < best.id)) best = { id, count };
  }
  return best;
}

export const DEFAULT_WINDOW_MINUTES = 60;
/** How long a container serves the live stats it computed (LIVE_STATS_CACHE_MS): a dashboard polled by many admins reads the table little. */
export const DEFAULT_LIVE_STATS_CACHE_MS = 1000;
export const MAX_WINDOW_MINUTES = 24 * 60;

/** The minutes of the window ending at `now`: the current (partial) minute and the `windowMinutes - 1` before it. */
export function windowMinutes(now: number, windowMinutesCount: number): { first: number; last: number } {
  const last = minuteOf(now);
  return { first: last - windowMinutesCount + 1, last };
}

export interface LiveStats {
  as_of: number;
  window_minutes: number;
  /** Events with a time in the window's minutes. */
  events_total: number;
  /** The window's average: events_total / window_minutes. */
  events_per_minute: number;
  /** Events in the last 60 seconds (by event time) divided by 60. */
  events_per_second_moving_average: number;
  events_by_type: Record<string, number>;
  top_player_wins: PlayerCount | null;
  top_player_correct_answers: PlayerCount | null;
  /** Episodes started and not yet over. */
  live_episodes: number;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

export function summarize(partials: Pick<LivePartial, 'minute' | 'value'>[], now: number, windowMinutesCount: number, liveEpisodes: number): LiveStats {
  const { first, last } = windowMinutes(now, windowMinutesCount);
  let total = emptyLiveTally();
  for (const p of partials) if (p.minute >= first && p.minute <= last) total = addLiveTallies(total, p.value);
  const nowSecond = Math.floor(now / 1000);
  let lastMinute = 0;
  for (const [second, n] of Object.entries(total.seconds)) {
    const s = Number(second);
    if (s > nowSecond - 60 && s <= nowSecond) lastMinute += n;
  }
  return {
    as_of: now,
    window_minutes: windowMinutesCount,
    events_total: total.events,
    events_per_minute: round3(total.events / windowMinutesCount),
    events_per_second_moving_average: round3(lastMinute / 60),
    events_by_type: total.by_type,
    top_player_wins: topOf(total.wins),
    top_player_correct_answers: topOf(total.correct),
    live_episodes: liveEpisodes,
  };
}
