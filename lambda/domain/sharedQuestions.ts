/**
 * Rule 6 across episodes: statistics and the closed question carry `correct_answer`, so a question must never be open
 * in one episode while another episode reveals it. The rule enforced: two episodes that share a question are never
 * running (started and not over) at the same time. The runner does not start an episode while a running one shares a
 * question with it (it stays CREATED and starts once the other is over), and creating an episode that shares a question
 * with a running one is refused with 409 `questions_in_use`. Episodes that merely exist (CREATED) do not block each other:
 * only one of them can start while they overlap.
 */
import type { Episode } from './schemas.ts';

export type EpisodeQuestions = Pick<Episode, 'id' | 'state' | 'qset'>;

const running = (e: Pick<Episode, 'state'>) => e.state !== 'CREATED' && e.state !== 'ENDED' && e.state !== 'CANCELLED';

/** The running episodes (other than `id`) that share a question with `qset`, and which questions. */
export function runningEpisodesSharing(id: string, qset: readonly string[], others: readonly EpisodeQuestions[]): { episode_id: string; questions: string[] }[] {
  const mine = new Set(qset);
  return others
    .filter((e) => e.id !== id && running(e))
    .map((e) => ({ episode_id: e.id, questions: [...new Set(e.qset.filter((q) => mine.has(q)))] }))
    .filter((c) => c.questions.length > 0);
}
