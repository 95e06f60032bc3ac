/** Rule 6 across episodes (lambda/domain/sharedQuestions.ts), against the episodes that are not over. */
import { conflict } from '../domain/errors.ts';
import { runningEpisodesSharing } from '../domain/sharedQuestions.ts';
import type { Episode } from '../domain/schemas.ts';
import { listLiveEpisodeQuestions } from '../store/episodes.ts';

/** The running episodes that share a question with `episode`. */
export async function runningEpisodesSharingQuestions(episode: Pick<Episode, 'id' | 'qset'>) {
  return runningEpisodesSharing(episode.id, episode.qset, await listLiveEpisodeQuestions());
}

/** Refuses (409 `questions_in_use`) an episode that shares a question with a running one. */
export async function assertQuestionsFree(episode: Pick<Episode, 'id' | 'qset'>): Promise<void> {
  const sharing = await runningEpisodesSharingQuestions(episode);
  if (sharing.length > 0) {
    throw conflict('questions_in_use', 'a running episode uses some of these questions: its statistics would reveal their answers', { episodes: sharing });
  }
}
