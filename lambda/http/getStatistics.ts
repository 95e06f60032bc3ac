import { conflict, notFound } from '../domain/errors.ts';
import { statisticsParams } from '../domain/schemas.ts';
import { httpHandler, json, validate } from './httpHandler.ts';
import { getEpisodeCached } from '../store/episodes.ts';
import { getFinal } from '../store/statistics.ts';

export const handler = httpHandler({ auth: 'user' }, async ({ params }) => {
  const { id, index } = validate(statisticsParams, params, 'invalid_path');
  const { value: episode } = await getEpisodeCached(id);
  if (!episode) throw notFound('episode', id);
  if (index >= episode.qset.length) throw notFound('question', `${id}/${index}`);
  if (index > episode.finalized_index) {
    throw conflict('statistics_not_ready', `question ${index} has not closed yet, or its statistics are still being counted`);
  }
  const stats = await getFinal(id, index);
  if (!stats) throw conflict('statistics_not_ready', `statistics of question ${index} are not stored yet`);
  const { episode_id: _e, finalized_at: _f, ...view } = stats;
  return json(200, view, { 'cache-control': 'public, max-age=60' });
});
