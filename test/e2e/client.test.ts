/**
 * The typed client (client/) against the local stack: Cognito sign-in and refresh through cognito-local, a 401
 * answered by one refresh, the served OpenAPI document, the server clock, and responses checked against the spec.
 */
import { describe, expect, it } from 'vitest';
import { AuthError, CognitoAuth, TriviaClient, isApiError, jwtClaims } from '../../client/index.ts';
import { generateOpenApi } from '../../lib/openapi.ts';
import { stack } from './support/stack.ts';
import { checkResponse, validateResponse } from './support/openapi.ts';

const auth = (flow: 'password' | 'srp' = 'password') => {
  const { outputs } = stack();
  return new CognitoAuth({ clientId: outputs.UserPoolClientId, userPoolId: outputs.UserPoolId, endpoint: outputs.CognitoEndpoint, flow });
};

describe('TriviaClient on the local stack', () => {
  it('serves the generated OpenAPI document at /api/v1/openapi.json, with this API as its server', async () => {
    const api = new TriviaClient({ apiUrl: stack().apiUrl });
    const served = await api.openapi();
    const { servers, ...rest } = served;
    expect(servers).toEqual([{ url: stack().apiUrl }]);
    const { servers: _s, ...generated } = generateOpenApi();
    expect(rest).toEqual(generated);
  });

  it('signs in with USER_PASSWORD_AUTH, refreshes with REFRESH_TOKEN_AUTH, and both tokens work', async () => {
    const a = auth();
    const first = await a.signIn('player1@example.com', 'Passw0rd!');
    expect(first.refreshToken).toBeTruthy();
    expect(jwtClaims(first.idToken).email).toBe('player1@example.com');
    const api = new TriviaClient({ apiUrl: stack().apiUrl, auth: a });
    const me = await api.getMe();
    validateResponse('GET', '/api/v1/user/me', 200, me);
    const second = await a.refreshTokens();
    expect(second.refreshToken).toBe(first.refreshToken);
    expect(jwtClaims(second.idToken).sub).toBe(jwtClaims(first.idToken).sub);
    await expect(api.getMe()).resolves.toMatchObject({ id: me.id });
  });

  it('answers a 401 with one refresh and retries', async () => {
    const a = auth();
    const good = await a.signIn('player2@example.com', 'Passw0rd!');
    // A token the authorizer rejects, with a valid refresh token: as after a key rotation or an expired token.
    a.useTokens({ ...good, accessToken: `${good.accessToken.slice(0, -4)}AAAA`, expiresAt: Date.now() + 3_600_000 });
    const api = new TriviaClient({ apiUrl: stack().apiUrl, auth: a });
    await expect(api.getMe()).resolves.toMatchObject({ nickname: expect.any(String) });
    expect(a.tokens?.accessToken).not.toContain('AAAA');
  });

  it('reports cognito-local’s lack of USER_SRP_AUTH as an AuthError (SRP is unit-tested against a fake server)', async () => {
    const err = await auth('srp').signIn('player3@example.com', 'Passw0rd!').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toMatch(/USER_SRP_AUTH|Unsupported/i);
  });

  it('estimates the server clock from server_time, and its responses match the OpenAPI document', async () => {
    const a = auth();
    await a.signIn('admin@example.com', 'Passw0rd!');
    const api = new TriviaClient({ apiUrl: stack().apiUrl, auth: a });
    const id = `client-${Date.now()}`;
    const q = await api.createQuestion({ id: `${id}-q`, question: 'Typed?', options: ['yes', 'no'], answer: '0' });
    validateResponse('POST', '/api/v1/question/', 201, q);
    const g = await api.createGame({ id: `${id}-g`, qset: [q.id] });
    validateResponse('POST', '/api/v1/game/', 201, g);
    const e = await api.createEpisode({ id: `${id}-e`, game_id: g.id, answer_window_seconds: 2, reveal_seconds: 0, lead_seconds: 0 });
    validateResponse('POST', '/api/v1/episode/', 201, e);
    for (let i = 0; i < 3; i++) validateResponse('GET', `/api/v1/episode/${e.id}`, 200, await api.getEpisode(e.id));
    expect(api.clock.sampleCount).toBeGreaterThanOrEqual(4);
    expect(Math.abs(api.clock.offsetMs())).toBeLessThan(500); // one machine: the offset is the measurement error
    expect(api.clock.uncertaintyMs()).toBeLessThan(500);

    const missing = await api.request('GET', '/api/v1/episode/no-such-episode');
    expect(missing.status).toBe(404);
    validateResponse('GET', '/api/v1/episode/no-such-episode', 404, missing.body);
    const anonymous = await new TriviaClient({ apiUrl: stack().apiUrl }).request('GET', `/api/v1/episode/${e.id}`);
    expect(anonymous.status).toBe(401);
    validateResponse('GET', `/api/v1/episode/${e.id}`, 401, anonymous.body);
    const notReady = await api.getStatistics(e.id, 0).catch((err: unknown) => err);
    expect(isApiError(notReady, 'statistics_not_ready')).toBe(true);
    expect(checkResponse('GET', `/api/v1/episode/${e.id}/question/0/statistics`, 409, (notReady as { body: unknown }).body).ok).toBe(true);
  });
});
