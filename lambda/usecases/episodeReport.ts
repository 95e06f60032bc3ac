/** The admin report of an episode: winners, per-question statistics (with difficulty and answer latencies), the survival curve, timings and key events. */
import { survivalCurve } from '../domain/counting.ts';
import { episodeView } from '../domain/episode.ts';
import type { Episode } from '../domain/schemas.ts';
import { getFinal, type StoredStatistics } from '../store/statistics.ts';
import { reportInsights } from './reportInsights.ts';
import { winnerPage, winnersCountOf } from './winnerPage.ts';

/** Reports name the first this many winners (by user id); `winners_next` pages on through the winners route. */
const MAX_NAMED_WINNERS = 1000;

export async function episodeReport(episode: Episode, now: number) {
  const finals = (
    await Promise.all(Array.from({ length: episode.finalized_index + 1 }, (_, i) => getFinal(episode.id, i)))
  ).filter((s): s is StoredStatistics => !!s);
  const winners_count = winnersCountOf(episode, finals.at(-1));
  const firstWinners = await winnerPage(episode, MAX_NAMED_WINNERS);
  // Difficulty, answer latencies and the key events described for people (./reportInsights.ts).
  const insights = await reportInsights(episode, finals, { count: winners_count, firstIds: firstWinners.winners.map((w) => w.user_id) });
  return {
    episode: episodeView(episode, now),
    winners_count,
    winners: firstWinners.winners,
    ...(firstWinners.next ? { winners_next: firstWinners.next } : {}),
    questions: finals.map(({ episode_id: _e, ...s }) => ({ ...s, ...insights.perQuestion.get(s.question_index)! })),
    latency: insights.latency,
    key_events: insights.key_events,
    survival_curve: survivalCurve(episode.participant_count, finals),
    timings: {
      created_at: episode.created_at,
      started_at: episode.started_at ?? null,
      ended_at: episode.ended_at ?? null,
      duration_ms: episode.started_at && episode.ended_at ? episode.ended_at - episode.started_at : null,
      questions: finals.map((s) => ({
        question_index: s.question_index,
        opened_at: s.question_start_timestamp,
        closed_at: s.question_end_timestamp,
        finalized_at: s.finalized_at,
        close_to_final_ms: s.finalized_at - s.question_end_timestamp,
      })),
    },
  };
}
