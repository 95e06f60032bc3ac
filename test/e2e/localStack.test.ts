/**
 * The local stack behaves like the deployed one at its edges: API Gateway's routing and JWT authorizer, Cognito
 * sign-in and token claims, the event sources (stream and SQS pollers, the schedule) wired to the real handlers.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { localPlan } from '../../lib/local/plan.ts';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD } from '../../client/demoUsers.ts';
import { api, eventually, handMadeAccessToken, handMadeIdToken, signIn, signedInUser, stack } from './support/index.ts';

const stats = async () => (await api().get('/_local/stats')).body;

describe('API Gateway emulation', () => {
  it('serves GET /api/v1/health without a token', async () => {
    const res = await api().get('/api/v1/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok' });
    expect(res.headers.get('apigw-requestid')).toBeTruthy();
  });

  it('treats a trailing slash as the same route', async () => {
    const [plain, slash] = await Promise.all([api().get('/api/v1/health'), api().get('/api/v1/health/')]);
    expect(slash.status).toBe(200);
    // The same answer but for the clock: `server_time` is read when each request is served.
    expect({ ...slash.body, server_time: 0 }).toEqual({ ...plain.body, server_time: 0 });
    const admin = await signIn(DEMO_ADMIN_EMAIL);
    const id = `slash-${randomUUID()}`;
    const question = { id, question: 'Which one?', options: ['a', 'b'], answer: '1' };
    const first = await api(admin.accessToken).post('/api/v1/question/', question);
    const again = await api(admin.accessToken).post('/api/v1/question', question);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect((await api(admin.accessToken).get(`/api/v1/question/${id}/`)).body).toMatchObject({ id, answer: '1' });
  });

  it("answers an unknown route with API Gateway's 404 body", async () => {
    const res = await api().get('/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: 'Not Found' });
    expect((await api().request('DELETE', '/api/v1/health')).status).toBe(404);
  });

  it('answers a body over 10 MB with 413, as API Gateway does', async () => {
    const res = await api().request('POST', '/api/v1/question', 'x'.repeat(10 * 1024 * 1024 + 1), { 'content-type': 'text/plain' });
    expect(res.status).toBe(413);
  });

  it('answers a CORS preflight itself', async () => {
    const res = await api().request('OPTIONS', '/api/v1/game', undefined, { origin: 'http://example.com', 'access-control-request-method': 'POST' });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('JWT authorizer', () => {
  const protectedPath = `/api/v1/game/${randomUUID()}`;

  it('rejects a request without a token with API Gateway’s own 401', async () => {
    const res = await api().get(protectedPath);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ message: 'Unauthorized' });
  });

  it('rejects garbage, a forged token, an expired token, a wrong audience and a wrong issuer', async () => {
    const { outputs } = stack();
    const tokens = {
      garbage: 'not-a-jwt',
      forged: await handMadeAccessToken({ forged: true }),
      expired: await handMadeAccessToken({ expiresIn: -60 }),
      audience: await handMadeAccessToken({ audience: 'some-other-client' }),
      issuer: await handMadeAccessToken({ issuer: `${outputs.CognitoEndpoint}/local_other` }),
    };
    for (const [kind, token] of Object.entries(tokens)) {
      const res = await api(token).get(protectedPath);
      expect({ kind, status: res.status, body: res.body }).toEqual({ kind, status: 401, body: { message: 'Unauthorized' } });
    }
    // The control: the same kind of token, valid, gets past the authorizer.
    expect((await api(await handMadeAccessToken()).get(protectedPath)).status).not.toBe(401);
  });

  it('lets a signed-in admin through with the access token, with or without "Bearer "', async () => {
    const admin = await signIn(DEMO_ADMIN_EMAIL, DEMO_PASSWORD);
    const path = `/api/v1/question/${randomUUID()}`;
    for (const authorization of [`Bearer ${admin.accessToken}`, admin.accessToken]) {
      const res = await api(undefined).request('GET', path, undefined, { authorization });
      expect(res.status).toBe(404); // reached the handler: the question does not exist
      expect(res.body).toMatchObject({ error: { code: expect.any(String) } });
    }
  });

  it('refuses an ID token in the handler layer, as in AWS (the JWT authorizer lets it through)', async () => {
    const admin = await signIn(DEMO_ADMIN_EMAIL, DEMO_PASSWORD);
    for (const token of [admin.idToken, await handMadeIdToken()]) {
      const res = await api(token).get(`/api/v1/question/${randomUUID()}`);
      expect({ status: res.status, body: res.body }).toMatchObject({ status: 401, body: { error: { code: 'access_token_required' } } });
    }
  });

  it('hands the claims over as API Gateway does: sub and groups reach the handler', async () => {
    const sub = randomUUID();
    const player = await signedInUser({ sub });
    const me = await api(player.accessToken).get('/api/v1/user/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: sub });
    // "[admin]" is parsed by the handler side: a player is refused an admin route, an admin is not.
    const question = { question: 'Claims?', options: ['yes', 'no'], answer: 0 };
    expect((await api(player.accessToken).post('/api/v1/question', question)).status).toBe(403);
    const admin = await signedInUser({ admin: true });
    expect((await api(admin.accessToken).post('/api/v1/question', question)).status).toBe(201);
  });
});

describe('Cognito (cognito-local)', () => {
  it('issues tokens with the claims the API relies on', async () => {
    const sub = '4e1f7af7-2ac6-45bb-834c-a4269fe6d4fd';
    const { outputs } = stack();
    const user = await signedInUser({ sub, admin: true });
    const id = decodeJwt(user.idToken);
    const access = decodeJwt(user.accessToken);
    const iss = `${outputs.CognitoEndpoint}/${outputs.UserPoolId}`;
    expect(id).toMatchObject({ iss, aud: outputs.UserPoolClientId, token_use: 'id', sub, email: user.email, 'cognito:groups': ['admin'] });
    expect(access).toMatchObject({ iss, client_id: outputs.UserPoolClientId, token_use: 'access', sub, 'cognito:groups': ['admin'] });
    expect(access.aud).toBeUndefined();
    expect(access.email).toBeUndefined();
    expect(id.exp! - id.iat!).toBe(3600);
  });

  it('refuses a wrong password', async () => {
    await expect(signIn(DEMO_ADMIN_EMAIL, 'wrong-password')).rejects.toThrow();
  });
});

describe('event sources on the real handlers', () => {
  it('serves every route, queue, stream and schedule of the wiring', async () => {
    const plan = localPlan();
    const { served } = await stats();
    expect([...served.routes].sort()).toEqual(plan.routes.map((r) => r.routeKey).sort());
    expect(served.queueSources).toEqual(plan.queueSources.map((s) => `sqs:${s.queue}->${s.functionId}`));
    expect(served.streamSources).toEqual(plan.streamSources.map((s) => `stream:${s.table}->${s.functionId}`));
    expect(served.schedules).toEqual(plan.schedules.map((s) => `schedule:${s.functionId}`));
  });

  it('fires the schedule (every 2 s in tests) at the runner', async () => {
    const before = (await stats()).sources['schedule:episodeRunner']?.invocations ?? 0;
    await eventually(
      async () => {
        // Whether the runner's sweep succeeds is the runner's business; the timer's is that it fires.
        const now = (await stats()).sources['schedule:episodeRunner'];
        expect(now?.invocations ?? 0).toBeGreaterThan(before);
      },
      { timeoutMs: 6_000 },
    );
  });

  it('carries registrations through the participants stream, the runner tick through SQS, the start notice to the outbox', async () => {
    const admin = await signIn(DEMO_ADMIN_EMAIL);
    const as = api(admin.accessToken);
    const q = await as.post('/api/v1/question', { question: 'Stream?', options: ['a', 'b'], answer: 0 });
    const game = await as.post('/api/v1/game', { qset: [q.body.id] });
    const episodeId = `e2e-${randomUUID()}`;
    const created = await as.post('/api/v1/episode', { id: episodeId, game_id: game.body.id, min_participant: 2, lead_seconds: 600 });
    expect(created.status).toBe(201);
    const ticksBefore = (await stats()).sources['sqs:runnerTicks->episodeRunner']?.records ?? 0;

    const players = await Promise.all([signedInUser(), signedInUser()]);
    for (const p of players) expect((await api(p.accessToken).post('/api/v1/participant', { episode_id: episodeId })).status).toBe(201);

    await eventually(
      async () => {
        const res = await api(players[0].accessToken).get(`/api/v1/episode/${episodeId}`);
        expect(res.body).toMatchObject({ participant_count: 2 });
      },
      { timeoutMs: 15_000, intervalMs: 200 },
    );
    expect((await stats()).sources['stream:participants->countRegistrations'].invocations).toBeGreaterThan(0);
    // Reaching min_participant makes countRegistrations send the runner a tick, which the SQS poller delivers.
    await eventually(async () => expect((await stats()).sources['sqs:runnerTicks->episodeRunner']?.records ?? 0).toBeGreaterThan(ticksBefore), {
      timeoutMs: 10_000,
    });
    // The runner started the show and told the players through the local outbox (no SNS locally).
    await eventually(
      () => {
        const lines = readFileSync(stack().outboxFile, 'utf8').trim().split('\n');
        expect(lines.map((l) => JSON.parse(l) as unknown)).toContainEqual(expect.objectContaining({ type: 'episode.starting', episode_id: episodeId }));
      },
      { timeoutMs: 10_000, intervalMs: 200 },
    );
    expect((await api(players[1].accessToken).get(`/api/v1/episode/${episodeId}`)).body).toMatchObject({ state: 'STARTED' });
  });
});
