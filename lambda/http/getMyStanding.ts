import { standingOf } from '../domain/answers.ts';
import { notFound } from '../domain/errors.ts';
import { standingQuery } from '../domain/contract.ts';
import { idParams } from '../domain/schemas.ts';
import { httpHandler, json, validate } from './httpHandler.ts';
import { getEpisodeCached } from '../store/episodes.ts';
import { loadPlayerAnswers } from '../store/responses.ts';

/** `GET /api/v1/episode/{id}/me`: the caller's own standing; private, so never cached by a shared cache. */
export const handler = httpHandler({ auth: 'user', query: standingQuery }, async ({ params, query: { seq }, caller }) => {
  const { id } = validate(idParams, params, 'invalid_path');
  // A client that has just seen transition `seq` pushed must not get the standing of the one before from this
  // container's one-second cache: an older copy is read again (once per container and transition, then cached).
  let { value: episode } = await getEpisodeCached(id);
  if (episode && seq !== undefined && (episode.seq ?? 0) < seq) ({ value: episode } = await getEpisodeCached(id, 0));
  if (!episode) throw notFound('episode', id);
  const { registered, answers } = await loadPlayerAnswers(episode, caller!.sub, episode.current_question_index);
  return json(200, standingOf(episode, registered, answers), { 'cache-control': 'private, no-store' });
});
