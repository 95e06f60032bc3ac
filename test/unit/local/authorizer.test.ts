import { beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, type CryptoKey, type JWTVerifyGetKey } from 'jose';
import { createJwtAuthorizer, type JwtAuthorizer } from '../../../lib/local/authorizer.ts';

const issuer = 'http://127.0.0.1:9229/local_pool';
const clientId = 'client-1';

describe('JWT authorizer (API Gateway’s rules)', () => {
  let key: CryptoKey;
  let otherKey: CryptoKey;
  let authorize: JwtAuthorizer;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    key = pair.privateKey;
    otherKey = (await generateKeyPair('RS256')).privateKey;
    const jwks: JWTVerifyGetKey = createLocalJWKSet({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] });
    authorize = createJwtAuthorizer({ issuer, audience: [clientId], jwksUri: 'http://unused' }, jwks);
  });

  const token = (claims: Record<string, unknown>, opts: { exp?: number; iss?: string; signWith?: CryptoKey } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(opts.iss ?? issuer)
      .setIssuedAt()
      .setExpirationTime(opts.exp ?? Math.floor(Date.now() / 1000) + 3600)
      .sign(opts.signWith ?? key);

  it('accepts an ID token by aud and an access token by client_id, with or without "Bearer "', async () => {
    const id = await token({ sub: 'u1', aud: clientId, token_use: 'id', 'cognito:groups': ['admin', 'players'], email_verified: true });
    const access = await token({ sub: 'u1', client_id: clientId, token_use: 'access', scope: 'aws.cognito.signin.user.admin' });
    const a = await authorize(`Bearer ${id}`);
    expect(a).toMatchObject({ ok: true, scopes: null, claims: { sub: 'u1', aud: clientId, 'cognito:groups': '[admin players]', email_verified: 'true' } });
    expect(a.ok && typeof a.claims.exp).toBe('string');
    expect(await authorize(access)).toMatchObject({ ok: true, scopes: ['aws.cognito.signin.user.admin'], claims: { client_id: clientId } });
  });

  it('rejects what API Gateway rejects', async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases = {
      missing: undefined,
      empty: 'Bearer ',
      garbage: 'Bearer abc.def.ghi',
      expired: await token({ sub: 'u', aud: clientId }, { exp: now - 10 }),
      otherIssuer: await token({ sub: 'u', aud: clientId }, { iss: 'http://elsewhere/pool' }),
      otherAudience: await token({ sub: 'u', aud: 'someone-else' }),
      noAudience: await token({ sub: 'u' }),
      forged: await token({ sub: 'u', aud: clientId }, { signWith: otherKey }),
    };
    for (const [name, header] of Object.entries(cases)) {
      expect({ name, ok: (await authorize(header)).ok }).toEqual({ name, ok: false });
    }
  });
});
