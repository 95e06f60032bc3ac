import { notFound } from '../domain/errors.ts';
import { idParams } from '../domain/schemas.ts';
import { httpHandler, json, validate } from './httpHandler.ts';
import { getEpisode } from '../store/episodes.ts';
import { episodeReport } from '../usecases/episodeReport.ts';

export const handler = httpHandler({ auth: 'admin' }, async ({ params, now }) => {
  const { id } = validate(idParams, params, 'invalid_path');
  const episode = await getEpisode(id, true);
  if (!episode) throw notFound('episode', id);
  return json(200, await episodeReport(episode, now));
});
