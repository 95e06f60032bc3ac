import { episodeView, isTerminal } from '../domain/episode.ts';
import type { Episode } from '../domain/schemas.ts';
import { httpHandler, json } from './httpHandler.ts';
import { getEpisodeCached, listLiveEpisodeIds } from '../store/episodes.ts';

/** At most this many episodes are listed: a lobby shows a handful, and each costs one (cached) read. */
export const MAX_LISTED_EPISODES = 50;

/** When an episode is due, for ordering a lobby: the set start, else when it was created. */
const dueAt = (e: Episode) => e.start_at ?? e.started_at ?? e.created_at;

/**
 * `GET /api/v1/episode`: the episodes that are not over (upcoming and live), soonest first — the player app's lobby.
 * Read from the sparse `live` index, so finished shows cost nothing; each episode through the 1-second cache.
 */
export const handler = httpHandler({ auth: 'user' }, async ({ now }) => {
  const ids = (await listLiveEpisodeIds()).slice(0, MAX_LISTED_EPISODES);
  const episodes = (await Promise.all(ids.map(async (id) => (await getEpisodeCached(id)).value))).filter((e): e is Episode => e !== undefined && !isTerminal(e));
  episodes.sort((a, b) => dueAt(a) - dueAt(b) || a.id.localeCompare(b.id));
  return json(200, { items: episodes.map((e) => episodeView(e, now)) });
});
