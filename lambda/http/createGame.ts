import { randomUUID } from 'node:crypto';
import { unprocessable } from '../domain/errors.ts';
import { gameInput, type Game } from '../domain/schemas.ts';
import { httpHandler, json, ownUserId } from './httpHandler.ts';
import { createGame } from '../store/games.ts';
import { getQuestions } from '../store/questions.ts';
import { fingerprint } from '../store/createOnce.ts';

export const handler = httpHandler({ auth: 'admin', body: gameInput }, async ({ body, now, caller }) => {
  const found = await getQuestions(body.qset);
  const missing = body.qset.filter((id) => !found.has(id));
  if (missing.length > 0) throw unprocessable('unknown_questions', 'every id in qset must be an existing question', { missing });
  const { id, ...content } = body;
  const admin = ownUserId(caller, undefined);
  const game: Game = { id: id ?? randomUUID(), ...content, created_at: now, created_by: admin, updated_by: admin };
  const { item, created } = await createGame(game, fingerprint(content));
  return json(created ? 201 : 200, item);
});
