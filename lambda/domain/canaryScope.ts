/**
 * What the canary may do, and nothing more (docs/SECURITY.md). The canary signs in with its password only, on a
 * schedule, from a secret: it cannot give a TOTP code, so it must not be an admin (lambda/domain/adminMfa.ts). Members of
 * the `canary` group may call three admin routes, each only for the canary's own fixed content:
 * - `POST /api/v1/question`: the canary question, exactly (created once; a changed copy is refused),
 * - `POST /api/v1/game`: the canary game, exactly (its one question),
 * - `POST /api/v1/episode`: an episode `canary-…` of the canary game that starts now, with one player enough and no
 *   `qset` of its own (so it can neither hold other questions nor linger in the lobby).
 * Every other admin route (reports, errors, dead letters, users' data, media, cancel, reads of questions) stays refused
 * with 403 `admin_only`; as a player, the canary plays its episode through the player routes.
 */
export const CANARY_GROUP = 'canary';
export const CANARY_QUESTION_ID = 'canary-question';
export const CANARY_GAME_ID = 'canary-game';
export const CANARY_EPISODE_PREFIX = 'canary-';
export const CANARY_QUESTION = { id: CANARY_QUESTION_ID, question: 'Canary: which option is right?', options: ['this one', 'not this one'], answer: 0 };
export const CANARY_GAME = { id: CANARY_GAME_ID, qset: [CANARY_QUESTION_ID], title: 'Canary' };

type Body = Record<string, unknown>;

/** The same keys with the same values (JSON-equal): zod's output orders keys by its schema, not by the request. */
const exactly = (expected: Body) => (body: Body) =>
  Object.keys(body).length === Object.keys(expected).length &&
  Object.entries(expected).every(([key, value]) => JSON.stringify(body[key]) === JSON.stringify(value));

const CANARY_EPISODE_FIELDS = new Set(['id', 'game_id', 'min_participant', 'answer_window_seconds', 'reveal_seconds', 'lead_seconds']);

const canaryEpisode = (body: Body) =>
  Object.keys(body).every((key) => CANARY_EPISODE_FIELDS.has(key)) &&
  typeof body.id === 'string' &&
  body.id.startsWith(CANARY_EPISODE_PREFIX) &&
  body.game_id === CANARY_GAME_ID &&
  body.min_participant === 1 &&
  (body.lead_seconds === undefined || body.lead_seconds === 0);

/** The admin routes a canary may call (by API Gateway route key), each with the bodies it may send. */
const CANARY_ROUTES: Record<string, (body: Body) => boolean> = {
  'POST /api/v1/question': exactly(CANARY_QUESTION),
  'POST /api/v1/game': exactly(CANARY_GAME),
  'POST /api/v1/episode': canaryEpisode,
};

/** Whether the route is one of the canary's few (checked before the body is read, so others are refused unread). */
export const canaryMayCall = (routeKey: string | undefined): boolean => routeKey !== undefined && Object.hasOwn(CANARY_ROUTES, routeKey);

/** Whether the canary may send this (validated) body to this route. */
export function canaryMaySend(routeKey: string | undefined, body: unknown): boolean {
  if (!canaryMayCall(routeKey) || typeof body !== 'object' || body === null) return false;
  return CANARY_ROUTES[routeKey!]!(body as Body);
}
