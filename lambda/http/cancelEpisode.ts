import { conflict, notFound } from '../domain/errors.ts';
import { cancel, episodeView } from '../domain/episode.ts';
import { idParams } from '../domain/schemas.ts';
import { httpHandler, json, ownUserId, validate } from './httpHandler.ts';
import { getEpisode, saveTransition } from '../store/episodes.ts';
import { publishCommitted } from '../usecases/publishLive.ts';

export const handler = httpHandler({ auth: 'admin' }, async ({ params, now, caller }) => {
  const { id } = validate(idParams, params, 'invalid_path');
  const episode = await getEpisode(id, true);
  if (!episode) throw notFound('episode', id);
  const cancelled = cancel(episode, now);
  const stored = await saveTransition(episode, cancelled, now, { by: ownUserId(caller, undefined), at: now });
  if (!stored) throw conflict('episode_moved', 'the episode changed meanwhile; retry');
  await publishCommitted(episode, stored);
  return json(200, episodeView(stored, now));
});
