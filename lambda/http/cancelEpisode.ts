import { conflict, notFound } from '../domain/errors.ts';
import { cancel, episodeView } from '../domain/episode.ts';
import { episodeIdParam } from '../domain/schemas.ts';
import { httpHandler, json, ownUserId, validate } from '../shared/http.ts';
import { getEpisode, saveTransition } from '../store/episodes.ts';

export const handler = httpHandler({ auth: 'admin' }, async ({ params, now, caller }) => {
  const { id } = validate(episodeIdParam, params, 'invalid_path');
  const episode = await getEpisode(id, true);
  if (!episode) throw notFound('episode', id);
  const cancelled = cancel(episode, now);
  if (!(await saveTransition(episode, cancelled, { by: ownUserId(caller, undefined), at: now }))) throw conflict('episode_moved', 'the episode changed meanwhile; retry');
  return json(200, episodeView(cancelled, now));
});
