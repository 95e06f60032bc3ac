import { z } from 'zod';
import { notFound } from '../domain/errors.ts';
import { liveSnapshotOf } from '../domain/live.ts';
import { idParams } from '../domain/schemas.ts';
import { httpHandler, json, validate } from './httpHandler.ts';
import { getEpisodeCached } from '../store/episodes.ts';

/**
 * `GET /api/v1/live/{id}`: no token, and a function of the stored episode only, so every caller gets the same bytes
 * and CloudFront serves one shared entry per episode (about one origin request a second, whatever the audience).
 * Query strings are ignored, not refused: CloudFront leaves them out of the cache key and the origin request, so a
 * cache-busting `?x=…` gets the shared entry there, and the same bytes here.
 */
const anyQuery = z.looseObject({});

export const handler = httpHandler({ auth: 'public', query: anyQuery }, async ({ params }) => {
  const { id } = validate(idParams, params, 'invalid_path');
  const { value: episode } = await getEpisodeCached(id);
  if (!episode) throw notFound('episode', id);
  return json(200, liveSnapshotOf(episode), { 'cache-control': 'public, max-age=1' });
});
