import { conflict, notFound } from '../domain/errors.ts';
import { idParams, type Episode } from '../domain/schemas.ts';
import { TtlCache } from '../shared/cache.ts';
import { httpHandler, json, validate } from './httpHandler.ts';
import { getEpisodeCached } from '../store/episodes.ts';
import { listAnswers } from '../store/responses.ts';
import { getUsers } from '../store/users.ts';

/** Winners are named only when there are this few; a larger crowd gets its count (which the episode already has). */
export const MAX_NAMED_WINNERS = 100;

async function winnersOf(episode: Episode) {
  const winners_count = episode.participant_count - episode.eliminated_count;
  if (episode.finalized_index < 0 || winners_count > MAX_NAMED_WINNERS) return { episode_id: episode.id, winners_count, winners: [] };
  const ids = (await listAnswers(episode, episode.finalized_index, true)).map((r) => r.user_id).sort();
  const users = await getUsers(ids);
  return { episode_id: episode.id, winners_count, winners: ids.map((id) => ({ nickname: users.get(id)?.nickname ?? null })) };
}

// An ended episode never changes: every player asks at the same moment, so each container answers from memory.
const ended = new TtlCache<Awaited<ReturnType<typeof winnersOf>>>(3_600_000, async (id) => {
  const { value } = await getEpisodeCached(id);
  return winnersOf(value!);
});

/** `GET /api/v1/episode/{id}/winners`: once the episode has ended, its winners by nickname (no user ids). */
export const handler = httpHandler({ auth: 'user' }, async ({ params }) => {
  const { id } = validate(idParams, params, 'invalid_path');
  const { value: episode } = await getEpisodeCached(id);
  if (!episode) throw notFound('episode', id);
  if (episode.state !== 'ENDED') throw conflict('episode_not_ended', `episode ${id} is ${episode.state}: winners are known once it has ended`);
  return json(200, (await ended.get(id)).value, { 'cache-control': 'private, max-age=60' });
});
