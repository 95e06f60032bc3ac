import { notFound } from '../domain/errors.ts';
import { idParams } from '../domain/schemas.ts';
import { httpHandler, json, validate } from './httpHandler.ts';
import { getGame } from '../store/games.ts';

export const handler = httpHandler({ auth: 'user' }, async ({ params }) => {
  const { id } = validate(idParams, params, 'invalid_path');
  const game = await getGame(id);
  if (!game) throw notFound('game', id);
  return json(200, game);
});
