import { standingOf } from '../domain/answers.ts';
import { notFound } from '../domain/errors.ts';
import { idParams } from '../domain/schemas.ts';
import { httpHandler, json, validate } from './httpHandler.ts';
import { getEpisodeCached } from '../store/episodes.ts';
import { loadPlayerAnswers } from '../store/responses.ts';

/** `GET /api/v1/episode/{id}/me`: the caller's own standing; private, so never cached by a shared cache. */
export const handler = httpHandler({ auth: 'user' }, async ({ params, caller }) => {
  const { id } = validate(idParams, params, 'invalid_path');
  const { value: episode } = await getEpisodeCached(id);
  if (!episode) throw notFound('episode', id);
  const { registered, answers } = await loadPlayerAnswers(episode, caller!.sub, episode.current_question_index);
  return json(200, standingOf(episode, registered, answers), { 'cache-control': 'private, no-store' });
});
