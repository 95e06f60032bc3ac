import { notFound } from '../domain/errors.ts';
import { episodeView } from '../domain/episode.ts';
import { idParams } from '../domain/schemas.ts';
import { httpHandler, json, validate } from './httpHandler.ts';
import { getEpisodeCached } from '../store/episodes.ts';

/** The most-read route of a live show: served from a 1-second cache here, and by CloudFront for 1 second in AWS. */
export const handler = httpHandler({ auth: 'user' }, async ({ params, now }) => {
  const { id } = validate(idParams, params, 'invalid_path');
  const { value: episode } = await getEpisodeCached(id);
  if (!episode) throw notFound('episode', id);
  return json(200, episodeView(episode, now), { 'cache-control': 'public, max-age=1' });
});
