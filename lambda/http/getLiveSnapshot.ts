import { notFound } from '../domain/errors.ts';
import { liveSnapshotOf } from '../domain/live.ts';
import { episodeIdParam } from '../domain/schemas.ts';
import { httpHandler, json, validate } from '../shared/http.ts';
import { getEpisodeCached } from '../store/episodes.ts';

/**
 * `GET /api/v1/live/{id}`: no token, and a function of the stored episode only, so every caller gets the same bytes
 * and CloudFront serves one shared entry per episode (about one origin request a second, whatever the audience).
 */
export const handler = httpHandler({ auth: 'public' }, async ({ params }) => {
  const { id } = validate(episodeIdParam, params, 'invalid_path');
  const { value: episode } = await getEpisodeCached(id);
  if (!episode) throw notFound('episode', id);
  return json(200, liveSnapshotOf(episode), { 'cache-control': 'public, max-age=1' });
});
