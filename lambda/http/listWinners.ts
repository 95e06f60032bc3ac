import { winnerListQuery } from '../domain/contract.ts';
import { conflict, notFound } from '../domain/errors.ts';
import { idParams } from '../domain/schemas.ts';
import { httpHandler, json, validate } from './httpHandler.ts';
import { getEpisode } from '../store/episodes.ts';
import { getFinal } from '../store/statistics.ts';
import { winnerPage, winnersCountOf } from '../usecases/winnerPage.ts';

/** `GET /api/v1/report/episode/{id}/winners?limit=&next=`: every winner of an ended episode, a page at a time (admins). */
export const handler = httpHandler({ auth: 'admin', query: winnerListQuery }, async ({ params, query: { limit, next } }) => {
  const { id } = validate(idParams, params, 'invalid_path');
  const episode = await getEpisode(id);
  if (!episode) throw notFound('episode', id);
  if (episode.state !== 'ENDED') throw conflict('episode_not_ended', `episode ${id} is ${episode.state}: winners are known once it has ended`);
  const [lastFinal, page] = await Promise.all([getFinal(id, episode.finalized_index), winnerPage(episode, limit ?? 100, next)]);
  return json(200, { episode_id: id, winners_count: winnersCountOf(episode, lastFinal), items: page.winners, ...(page.next ? { next: page.next } : {}) });
});
