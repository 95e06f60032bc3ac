/** The winners of an ended episode for admins, a page at a time: ids from the shards' merge, names from the profiles. */
import type { Episode } from '../domain/schemas.ts';
import type { StoredStatistics } from '../store/statistics.ts';
import { defaultNickname, getUsers } from '../store/users.ts';
import { pageWinnerIds } from '../store/winners.ts';

/** Exact and read from the stored final statistics of the last question (its right answers), no scan. */
export function winnersCountOf(episode: Pick<Episode, 'state' | 'finalized_index'>, lastFinal: StoredStatistics | undefined): number {
  return episode.state === 'ENDED' && lastFinal?.question_index === episode.finalized_index ? lastFinal.advancing_count : 0;
}

export async function winnerPage(episode: Episode, limit: number, cursor?: string) {
  const page = episode.state === 'ENDED' ? await pageWinnerIds(episode, limit, cursor) : { user_ids: [] };
  const users = await getUsers(page.user_ids);
  // A winner who never opened their profile has no nickname yet: the display name is the one getMe would create.
  const winners = page.user_ids.map((id) => {
    const nickname = users.get(id)?.nickname ?? null;
    return { user_id: id, nickname, display_name: nickname ?? defaultNickname(id) };
  });
  return { winners, ...(page.next ? { next: page.next } : {}) };
}
