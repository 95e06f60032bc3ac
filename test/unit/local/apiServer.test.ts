import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { startApiServer, type ApiServer } from '../../../lib/local/apiServer.ts';
import { createRouter } from '../../../lib/local/router.ts';
import type { JwtAuthorizer } from '../../../lib/local/authorizer.ts';

describe('API Gateway emulation (fake functions)', () => {
  let server: ApiServer;
  const calls: { functionId: string; event: APIGatewayProxyEventV2WithJWTAuthorizer }[] = [];
  let behaviour: (event: APIGatewayProxyEventV2WithJWTAuthorizer) => unknown = () => ({ statusCode: 200, body: '{}' });
  const authorizer: JwtAuthorizer = async (header) =>
    header === 'Bearer good' || header === 'good'
      ? { ok: true, claims: { sub: 'u1', 'cognito:groups': '[admin]' }, scopes: null }
      : { ok: false, reason: 'bad' };

  beforeAll(async () => {
    server = await startApiServer({
      port: 0,
      router: createRouter(),
      authorizer,
      invoke: async (functionId, event) => {
        calls.push({ functionId, event: event as APIGatewayProxyEventV2WithJWTAuthorizer });
        return behaviour(event as APIGatewayProxyEventV2WithJWTAuthorizer);
      },
      local: (path) => (path === '/_local/ping' ? { pong: true } : undefined),
    });
  });
  afterAll(() => server.stop());

  const call = async (method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}) => {
    const res = await fetch(`${server.url}${path}`, { method, headers: init.headers, body: init.body });
    const text = await res.text();
    return { status: res.status, text, json: text ? (JSON.parse(text) as unknown) : undefined, headers: res.headers };
  };

  it('routes to the wiring’s function with a payload-2.0 event carrying claims and path parameters', async () => {
    behaviour = () => ({ statusCode: 200, headers: { 'content-type': 'application/json', 'x-custom': 'y' }, body: '{"ok":true}' });
    const res = await call('GET', '/api/v1/episode/e%2F1/question/2/statistics/?q=1', { headers: { authorization: 'Bearer good' } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ok: true });
    expect(res.headers.get('x-custom')).toBe('y');
    const { functionId, event } = calls.at(-1)!;
    expect(functionId).toBe('getStatistics');
    expect(event).toMatchObject({
      routeKey: 'GET /api/v1/episode/{id}/question/{index}/statistics',
      rawPath: '/api/v1/episode/e%2F1/question/2/statistics/',
      rawQueryString: 'q=1',
      pathParameters: { id: 'e/1', index: '2' },
      queryStringParameters: { q: '1' },
      requestContext: { authorizer: { jwt: { claims: { sub: 'u1', 'cognito:groups': '[admin]' }, scopes: null } }, stage: '$default' },
    });
  });

  it('does not authorize public routes', async () => {
    behaviour = () => ({ statusCode: 200, body: '{"status":"ok"}' });
    expect((await call('GET', '/api/v1/health')).status).toBe(200);
    expect(calls.at(-1)!.event.requestContext.authorizer).toBeUndefined();
  });

  it('answers 401 {"message":"Unauthorized"} without calling the function', async () => {
    const before = calls.length;
    const res = await call('GET', '/api/v1/user/me', { headers: { authorization: 'Bearer bad' } });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ message: 'Unauthorized' });
    expect(calls.length).toBe(before);
  });

  it('answers 500 {"message":"Internal Server Error"} when the function fails or returns nonsense', async () => {
    behaviour = () => {
      throw new Error('boom');
    };
    const thrown = await call('POST', '/api/v1/game', { headers: { authorization: 'good' }, body: '{}' });
    expect(thrown.status).toBe(500);
    expect(thrown.json).toEqual({ message: 'Internal Server Error' });
    behaviour = () => ({ statusCode: 'abc' });
    expect((await call('POST', '/api/v1/game', { headers: { authorization: 'good' }, body: '{}' })).status).toBe(500);
  });

  it('takes a result without statusCode as a 200 JSON body', async () => {
    behaviour = () => ({ hello: 'world' });
    const res = await call('POST', '/api/v1/game', { headers: { authorization: 'good' }, body: '{}' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ hello: 'world' });
  });

  it('answers unknown routes with 404 as API Gateway does ({"message":"Not Found"}), and serves local-only endpoints', async () => {
    const res = await call('GET', '/nope');
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ message: 'Not Found' });
    expect((await call('GET', '/_local/ping')).json).toEqual({ pong: true });
  });

  it('rejects a body over 10 MB with 413 before calling the function', async () => {
    const before = calls.length;
    const res = await call('POST', '/api/v1/game', { headers: { authorization: 'good' }, body: 'x'.repeat(10 * 1024 * 1024 + 1) });
    expect(res.status).toBe(413);
    expect(calls.length).toBe(before);
  });

  it('answers CORS preflights and adds the allow-origin header', async () => {
    const pre = await call('OPTIONS', '/api/v1/game', { headers: { origin: 'http://app', 'access-control-request-method': 'POST' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    behaviour = () => ({ statusCode: 200, body: '{}' });
    expect((await call('GET', '/api/v1/health', { headers: { origin: 'http://app' } })).headers.get('access-control-allow-origin')).toBe('*');
  });

  it('says which port is taken', async () => {
    await expect(startApiServer({ port: server.port, router: createRouter(), authorizer, invoke: async () => ({}) })).rejects.toMatchObject({
      code: 'port_in_use',
      message: `port ${server.port} is already in use (the API); set PORT to a free port`,
    });
  });
});
