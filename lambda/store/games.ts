/** The games table. */
import type { Game } from '../domain/schemas.ts';
import { tableName } from '../shared/env.ts';
import { createOnce, getById } from './createOnce.ts';

const table = () => tableName('games');

export const createGame = (g: Game, fp: string) => createOnce(table(), g, fp);
export const getGame = (id: string) => getById<Game>(table(), id);
