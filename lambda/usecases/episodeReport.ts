/** The admin report of an episode: winners, per-question statistics (with difficulty and answer latencies), the survival curve, timings and key events. */
import { survivalCurve } from '../domain/counting.ts';
import { episodeView } from '../domain/episode.ts';
import type { Episode } from '../domain/schemas.ts';
import { listAnswers } from '../store/responses.ts';
import { getFinal, type StoredStatistics } from '../store/statistics.ts';
import { defaultNickname, getUsers } from '../store/users.ts';
import { reportInsights } from './reportInsights.ts';

/** Reports list at most this many winners by name; `winners_count` is always exact. */
const MAX_NAMED_WINNERS = 1000;

export async function episodeReport(episode: Episode, now: number) {
  const finals = (
    await Promise.all(Array.from({ length: episode.finalized_index + 1 }, (_, i) => getFinal(episode.id, i)))
  ).filter((s): s is StoredStatistics => !!s);
  const ended = episode.state === 'ENDED';
  const last = episode.finalized_index;
  const winnerIds = ended && last >= 0 ? (await listAnswers(episode, last, true)).map((r) => r.user_id).sort() : [];
  const users = await getUsers(winnerIds.slice(0, MAX_NAMED_WINNERS));
  // Difficulty, answer latencies and the key events described for people (./reportInsights.ts).
  const insights = await reportInsights(episode, finals, winnerIds);
  return {
    episode: episodeView(episode, now),
    winners_count: winnerIds.length,
    // A winner who never opened their profile has no nickname yet: the display name is the one getMe would create.
    winners: winnerIds.slice(0, MAX_NAMED_WINNERS).map((id) => {
      const nickname = users.get(id)?.nickname ?? null;
      return { user_id: id, nickname, display_name: nickname ?? defaultNickname(id) };
    }),
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
