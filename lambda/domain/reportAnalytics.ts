/**
 * The report's analytics of an episode: how hard each question was, and how long players took to answer.
 * Pure: no AWS.
 */
import type { QuestionStatistics } from './schemas.ts';

export interface LatencyDistribution {
  count: number;
  min_ms: number | null;
  p50_ms: number | null;
  p90_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
  mean_ms: number | null;
  histogram: { from_ms: number; to_ms: number; count: number }[];
  sampled: boolean;
}

const HISTOGRAM_BUCKET_MS = 1000;

/** The nearest-rank percentile of sorted values (p in 0..100). */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

/**
 * Latencies (ms from the question's opening to the server's `received_at`) summed up: percentiles and a histogram of
 * one-second buckets covering `windowMs` (a latency at or past the end falls in the last bucket).
 */
export function latencyDistribution(latencies: number[], windowMs: number, sampled = false): LatencyDistribution {
  // Records without a usable time (none should exist) are left out rather than poisoning the numbers.
  const sorted = latencies.filter(Number.isFinite).map((l) => Math.max(0, Math.round(l))).sort((a, b) => a - b);
  const span = Number.isFinite(windowMs) ? windowMs : 0;
  const buckets = Math.max(1, Math.ceil(Math.max(span, sorted.at(-1) ?? 0, 1) / HISTOGRAM_BUCKET_MS));
  const histogram = Array.from({ length: buckets }, (_, i) => ({ from_ms: i * HISTOGRAM_BUCKET_MS, to_ms: (i + 1) * HISTOGRAM_BUCKET_MS, count: 0 }));
  for (const l of sorted) histogram[Math.min(buckets - 1, Math.floor(l / HISTOGRAM_BUCKET_MS))].count++;
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    min_ms: sorted[0] ?? null,
    p50_ms: percentile(sorted, 50),
    p90_ms: percentile(sorted, 90),
    p99_ms: percentile(sorted, 99),
    max_ms: sorted.at(-1) ?? null,
    mean_ms: sorted.length ? Math.round((sum / sorted.length) * 10) / 10 : null,
    histogram,
    sampled,
  };
}

export interface Difficulty {
  /** Right answers / players in the game when the question opened. */
  share_right: number;
  /** Right answers / answers given. */
  share_right_of_answers: number;
  level: 'easy' | 'medium' | 'hard';
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : 0);

export function difficultyOf(s: Pick<QuestionStatistics, 'advancing_count' | 'answered_count' | 'players_before'>): Difficulty {
  const share = ratio(s.advancing_count, s.players_before);
  return {
    share_right: share,
    share_right_of_answers: ratio(s.advancing_count, s.answered_count),
    level: share >= 0.8 ? 'easy' : share >= 0.5 ? 'medium' : 'hard',
  };
}
