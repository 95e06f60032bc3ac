/**
 * The canary's least privilege (lambda/domain/canaryScope.ts, enforced by the one auth check of lambda/shared/http.ts):
 * a member of the `canary` group may create its own question, game and `canary-…` episodes, and no other admin thing;
 * a player may do none of them. Table-driven over every admin route of lib/wiring.ts, so a new admin route is covered.
 * Handlers (lambda/): every http/ handler of an admin route.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { CANARY_GAME, CANARY_QUESTION } from '../../lambda/domain/canaryScope.ts';
import type { HttpEvent, HttpResult } from '../../lambda/shared/http.ts';
import { httpRoutes, type FunctionId } from '../../lib/wiring.ts';
import { CANARY, PLAYER, TABLES, expectError, httpEvent, lambdaContext, parse, post, isolateEachTest, type Claims } from './support.ts';
import { loadHandlers, type HandlerName } from './loadHandlers.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const ctx = lambdaContext();

const adminRoutes = httpRoutes().filter((r) => r.auth === 'admin');
const handlerNames = [...new Set(adminRoutes.map((r) => r.functionId))] as (FunctionId & HandlerName)[];
const handlers = loadHandlers(handlerNames) as unknown as Record<string, (event: HttpEvent, context: Context) => Promise<HttpResult>>;

isolateEachTest({ mocks: [ddb] });

const CANARY_EPISODE = { id: 'canary-20261202T050000-abc123', game_id: CANARY_GAME.id, min_participant: 1, lead_seconds: 0, answer_window_seconds: 5, reveal_seconds: 0 };
/** What the canary sends to the routes it may call (lambda/usecases/canaryCheck.ts). */
const canaryBodies: Partial<Record<string, unknown>> = {
  'POST /api/v1/question': CANARY_QUESTION,
  'POST /api/v1/game': CANARY_GAME,
  'POST /api/v1/episode': CANARY_EPISODE,
};

/** A request to an admin route, its path parameters filled in and, for a POST, the canary's body where it has one. */
function requestTo(route: (typeof adminRoutes)[number], claims: Claims) {
  const params = Object.fromEntries([...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name, name === 'queue' ? 'answers' : 'canary-x']));
  const rawPath = Object.entries(params).reduce((p, [k, v]) => p.replace(`{${k}}`, v), route.path);
  const body = route.method === 'POST' ? (canaryBodies[`${route.method} ${route.path}`] ?? {}) : undefined;
  return httpEvent(route.method, route.path, rawPath, { claims, body, pathParameters: params });
}

const call = async (route: (typeof adminRoutes)[number], claims: Claims) => parse(await handlers[route.functionId]!(requestTo(route, claims), ctx));

describe('the canary may create its own content and episodes', () => {
  beforeEach(() => {
    ddb.on(PutCommand).resolves({});
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLES.questions]: [{ ...CANARY_QUESTION, created_at: 1 }] } });
    ddb.on(GetCommand, { TableName: TABLES.games }).resolves({ Item: { ...CANARY_GAME, created_at: 1 } });
    ddb.on(QueryCommand, { TableName: TABLES.episodes, IndexName: 'live' }).resolves({ Items: [] });
  });

  it.each(Object.keys(canaryBodies))('%s with its fixed body: created, with the canary as author', async (routeKey) => {
    const route = adminRoutes.find((r) => `${r.method} ${r.path}` === routeKey)!;
    const res = await call(route, CANARY);
    expect(res.status, res.raw).toBe(201);
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input.Item).toMatchObject({ created_by: CANARY.sub });
  });

  const outOfScope: [string, string, unknown][] = [
    ['another question', '/api/v1/question', { ...CANARY_QUESTION, id: 'q-real' }],
    ['the canary question changed', '/api/v1/question', { ...CANARY_QUESTION, answer: 1 }],
    ['the canary question with media', '/api/v1/question', { ...CANARY_QUESTION, media_url: 'https://cdn.example.com/media/x.png' }],
    ['another game', '/api/v1/game', { ...CANARY_GAME, id: 'g-real' }],
    ['the canary game with other questions', '/api/v1/game', { ...CANARY_GAME, qset: ['q-real'] }],
    ['an episode of another game', '/api/v1/episode', { ...CANARY_EPISODE, game_id: 'g-real' }],
    ['an episode with its own qset', '/api/v1/episode', { ...CANARY_EPISODE, qset: ['q-real'] }],
    ['an episode not named canary-…', '/api/v1/episode', { ...CANARY_EPISODE, id: 'friday-show' }],
    ['an episode that waits for players', '/api/v1/episode', { ...CANARY_EPISODE, min_participant: 2 }],
    ['an episode without min_participant (default 2)', '/api/v1/episode', { id: CANARY_EPISODE.id, game_id: CANARY_GAME.id }],
    ['an episode scheduled for later', '/api/v1/episode', { ...CANARY_EPISODE, start_at: 1_800_000_000_000 }],
    ['an episode with a long lobby', '/api/v1/episode', { ...CANARY_EPISODE, lead_seconds: 3600 }],
  ];

  it.each(outOfScope)('but not %s: 403 admin_only, nothing read or written', async (_what, path, body) => {
    const route = adminRoutes.find((r) => r.method === 'POST' && r.path === path)!;
    expectError(parse(await handlers[route.functionId]!(post(path, body, CANARY), ctx)), 403, 'admin_only');
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe('every other admin route refuses the canary, and every admin route refuses a player', () => {
  const others = adminRoutes.filter((r) => !(`${r.method} ${r.path}` in canaryBodies));

  it('covers the admin routes of lib/wiring.ts (reports, errors, dead letters, media, growth, …)', () => {
    expect(others.map((r) => r.path)).toEqual(expect.arrayContaining(['/api/v1/report/episode/{id}', '/api/v1/errors', '/api/v1/dlq', '/api/v1/media']));
    expect(others.length + Object.keys(canaryBodies).length).toBe(adminRoutes.length);
  });

  it.each(others.map((r) => [`${r.method} ${r.path}`, r] as const))('%s: 403 admin_only to the canary, nothing touched', async (_key, route) => {
    expectError(await call(route, CANARY), 403, 'admin_only');
    expect(ddb.calls()).toHaveLength(0);
  });

  it.each(adminRoutes.map((r) => [`${r.method} ${r.path}`, r] as const))('%s: 403 admin_only to a player, even with the canary’s body', async (_key, route) => {
    expectError(await call(route, PLAYER), 403, 'admin_only');
    expect(ddb.calls()).toHaveLength(0);
  });
});
