/** Token refresh: before expiry (REFRESH_TOKEN_AUTH), once on 401, and a new sign-in when the refresh token is refused. */
import { describe, expect, it } from 'vitest';
import { CognitoAuth, regionOf, tokensFrom } from '../../../client/auth.ts';
import { TriviaClient } from '../../../client/client.ts';
import { AuthError, TotpError } from '../../../client/errors.ts';
import { fakeCognito, jwt, scriptedFetch, tokenNumber } from './fakes.ts';

const USER = { id: 'u1', nickname: 'admin', created_at: 1 };

function setup(opts: { ttlSeconds?: number; refreshFails?: boolean } = {}) {
  let now = 1_700_000_000_000;
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  const cognito = fakeCognito({ now: clock.now, ...opts });
  const auth = new CognitoAuth({ clientId: 'client-1', transport: cognito, now: clock.now, refreshMarginMs: 60_000 });
  return { clock, cognito, auth };
}

describe('CognitoAuth', () => {
  it('signs in with USER_PASSWORD_AUTH, reads the expiry from the ID token and calls the API with the access token', async () => {
    const { auth, cognito, clock } = setup();
    const tokens = await auth.signIn('admin@example.com', 'Passw0rd!');
    expect(cognito.calls).toEqual([{ op: 'InitiateAuth USER_PASSWORD_AUTH', input: expect.objectContaining({ ClientId: 'client-1', AuthParameters: { USERNAME: 'admin@example.com', PASSWORD: 'Passw0rd!' } }) }]);
    expect(tokens.expiresAt).toBe(Math.floor(clock.now() / 1000) * 1000 + 3_600_000);
    expect(tokens.refreshToken).toBe('refresh-1');
    expect(await auth.token()).toBe(tokens.accessToken);
  });

  it('refreshes with REFRESH_TOKEN_AUTH when the token is about to expire, keeping the refresh token', async () => {
    const { auth, cognito, clock } = setup({ ttlSeconds: 300 });
    await auth.signIn('admin@example.com', 'Passw0rd!');
    clock.advance(200_000); // 100 s left: more than the margin
    expect(tokenNumber(`Bearer ${await auth.token()}`)).toBe(1);
    clock.advance(50_000); // 50 s left: within the 60 s margin
    expect(tokenNumber(`Bearer ${await auth.token()}`)).toBe(2);
    expect(cognito.calls.map((c) => c.op)).toEqual(['InitiateAuth USER_PASSWORD_AUTH', 'InitiateAuth REFRESH_TOKEN_AUTH']);
    expect(cognito.calls[1].input.AuthParameters).toEqual({ REFRESH_TOKEN: 'refresh-1' });
    expect(auth.tokens?.refreshToken).toBe('refresh-1');
  });

  it('refreshes once for many concurrent callers', async () => {
    const { auth, cognito, clock } = setup({ ttlSeconds: 100 });
    await auth.signIn('admin@example.com', 'Passw0rd!');
    clock.advance(90_000);
    const tokens = await Promise.all(Array.from({ length: 10 }, () => auth.token()));
    expect(new Set(tokens).size).toBe(1);
    expect(cognito.calls.filter((c) => c.op.includes('REFRESH'))).toHaveLength(1);
  });

  it('signs in again when the refresh token is refused and the password is known', async () => {
    const { auth, cognito, clock } = setup({ ttlSeconds: 100, refreshFails: true });
    await auth.signIn('admin@example.com', 'Passw0rd!');
    clock.advance(90_000);
    await auth.token();
    expect(cognito.calls.map((c) => c.op)).toEqual(['InitiateAuth USER_PASSWORD_AUTH', 'InitiateAuth REFRESH_TOKEN_AUTH', 'InitiateAuth USER_PASSWORD_AUTH']);
  });

  it('fails clearly on a resumed session whose refresh token is refused', async () => {
    const { cognito, clock } = setup({ refreshFails: true });
    const auth = new CognitoAuth({ clientId: 'c', transport: cognito, now: clock.now });
    auth.useTokens(tokensFrom({ IdToken: jwt({ exp: 1 }), AccessToken: jwt({}), RefreshToken: 'old' }));
    await expect(auth.token()).rejects.toBeInstanceOf(AuthError);
    await expect(new CognitoAuth({ clientId: 'c', transport: cognito }).token()).rejects.toThrow(/not signed in/);
  });

  it('reports a wrong password', async () => {
    const { auth } = setup();
    await expect(auth.signIn('admin@example.com', 'wrong')).rejects.toThrow(/Incorrect username or password/);
  });

  it('derives the region from the endpoint or the pool id', () => {
    expect(regionOf('https://cognito-idp.eu-west-1.amazonaws.com')).toBe('eu-west-1');
    expect(regionOf(undefined, 'ap-southeast-2_AbCdEf')).toBe('ap-southeast-2');
    expect(regionOf('http://127.0.0.1:9229', 'local_3qiF1fl0')).toBe('us-east-1');
  });
});

describe('TriviaClient with CognitoAuth', () => {
  it('sends the ID token, and on a 401 refreshes once and retries', async () => {
    const { auth, cognito } = setup();
    await auth.signIn('admin@example.com', 'Passw0rd!');
    const { fetch, calls } = scriptedFetch((call) => (tokenNumber(call.headers.authorization) === 1 ? { status: 401, body: { message: 'Unauthorized' } } : { status: 200, body: USER }));
    const api = new TriviaClient({ apiUrl: 'http://api.test', auth, fetch, sleep: async () => {} });
    await expect(api.getMe()).resolves.toEqual(USER);
    expect(calls.map((c) => tokenNumber(c.headers.authorization))).toEqual([1, 2]);
    expect(cognito.calls.map((c) => c.op)).toContain('InitiateAuth REFRESH_TOKEN_AUTH');
  });

  it('does not loop on a persistent 401', async () => {
    const { auth } = setup();
    await auth.signIn('admin@example.com', 'Passw0rd!');
    const { fetch, calls } = scriptedFetch([{ status: 401, body: { message: 'Unauthorized' } }]);
    const api = new TriviaClient({ apiUrl: 'http://api.test', auth, fetch, sleep: async () => {} });
    await expect(api.getMe()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    expect(calls).toHaveLength(2);
  });

  it('sends no token to public routes', async () => {
    const { auth } = setup();
    await auth.signIn('admin@example.com', 'Passw0rd!');
    const { fetch, calls } = scriptedFetch([{ status: 200, body: { status: 'ok', version: '1', server_time: 1 } }]);
    await new TriviaClient({ apiUrl: 'http://api.test', auth, fetch }).health();
    expect(calls[0].headers.authorization).toBeUndefined();
  });
});

describe('CognitoAuth with TOTP (SOFTWARE_TOKEN_MFA)', () => {
  const now = () => 1_700_000_000_000;

  it('answers the challenge with the code from `totp`, the session and the user name Cognito gave', async () => {
    const cognito = fakeCognito({ now, totpCode: '123456' });
    const asked: unknown[] = [];
    const auth = new CognitoAuth({ clientId: 'c', transport: cognito, now, totp: async (challenge) => (asked.push(challenge), ' 123456 ') });
    const tokens = await auth.signIn('admin@example.com', 'Passw0rd!');
    expect(tokens.accessToken).toBeTruthy();
    expect(asked).toEqual([{ username: 'admin@example.com', friendlyDeviceName: 'phone' }]);
    expect(cognito.calls[1]).toEqual({
      op: 'RespondToAuthChallenge SOFTWARE_TOKEN_MFA',
      input: { ChallengeName: 'SOFTWARE_TOKEN_MFA', ClientId: 'c', ChallengeResponses: { USERNAME: 'u1', SOFTWARE_TOKEN_MFA_CODE: '123456' }, Session: 'mfa-session' },
    });
  });

  it('fails with a TotpError totp_code_mismatch for a wrong code, and totp_required when there is no way to get one', async () => {
    const cognito = fakeCognito({ now, totpCode: '123456' });
    const wrong = new CognitoAuth({ clientId: 'c', transport: cognito, now, totp: async () => '654321' });
    const refused = await wrong.signIn('admin@example.com', 'Passw0rd!').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TotpError);
    expect(refused).toMatchObject({ code: 'totp_code_mismatch' });
    expect(wrong.tokens).toBeUndefined();
    const none = await new CognitoAuth({ clientId: 'c', transport: cognito, now }).signIn('admin@example.com', 'Passw0rd!').catch((e: unknown) => e);
    expect(none).toMatchObject({ name: 'TotpError', code: 'totp_required' });
  });
});
