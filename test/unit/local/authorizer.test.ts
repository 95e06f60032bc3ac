import { beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, createLocalJWKSet, exportJWK, exportSPKI, generateKeyPair, type CryptoKey, type JWTVerifyGetKey } from 'jose';
import { createJwtAuthorizer, isAccessToken, type JwtAuthorizer } from '../../../lib/local/authorizer.ts';

const issuer = 'http://127.0.0.1:9229/local_pool';
const clientId = 'client-1';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('JWT authorizer (API Gateway’s rules, claim for claim)', () => {
  let key: CryptoKey;
  let otherKey: CryptoKey;
  let publicPem: string;
  let authorize: JwtAuthorizer;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    key = pair.privateKey;
    publicPem = await exportSPKI(pair.publicKey);
    otherKey = (await generateKeyPair('RS256')).privateKey;
    const jwks: JWTVerifyGetKey = createLocalJWKSet({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] });
    authorize = createJwtAuthorizer({ issuer, audience: [clientId], jwksUri: 'http://unused' }, jwks);
  });

  const nowSeconds = () => Math.floor(Date.now() / 1000);
  const access = { sub: 'u1', client_id: clientId, token_use: 'access', scope: 'aws.cognito.signin.user.admin' };
  const idClaims = { sub: 'u1', aud: clientId, token_use: 'id', email: 'u1@example.com' };

  interface TokenOptions {
    exp?: number;
    nbf?: number;
    iat?: number;
    iss?: string;
    signWith?: CryptoKey;
    header?: Record<string, unknown>;
  }
  const token = (claims: Record<string, unknown>, opts: TokenOptions = {}) => {
    const jwt = new SignJWT(claims)
      .setProtectedHeader(opts.header ? { alg: 'RS256', ...opts.header } : { alg: 'RS256', kid: 'k1' })
      .setIssuer(opts.iss ?? issuer)
      .setIssuedAt(opts.iat ?? nowSeconds())
      .setExpirationTime(opts.exp ?? nowSeconds() + 3600);
    if (opts.nbf !== undefined) jwt.setNotBefore(opts.nbf);
    return jwt.sign(opts.signWith ?? key);
  };

  it('accepts an access token by client_id and an ID token by aud, with or without "Bearer "', async () => {
    const id = await token({ ...idClaims, 'cognito:groups': ['admin', 'players'], email_verified: true });
    const a = await authorize(`Bearer ${id}`);
    expect(a).toMatchObject({ ok: true, scopes: null, claims: { sub: 'u1', aud: clientId, 'cognito:groups': '[admin players]', email_verified: 'true' } });
    expect(a.ok && typeof a.claims.exp).toBe('string');
    const b = await authorize(await token(access));
    expect(b).toMatchObject({ ok: true, scopes: ['aws.cognito.signin.user.admin'], claims: { client_id: clientId, token_use: 'access' } });
    // API Gateway does not check token_use: the ID token passes here, and the handler layer refuses it.
    expect([a.ok && isAccessToken(a.claims), b.ok && isAccessToken(b.claims)]).toEqual([false, true]);
  });

  it('refuses forged and misfit tokens, one row per way of forging (the control row is accepted)', async () => {
    const now = nowSeconds();
    const header = b64url({ alg: 'none', kid: 'k1', typ: 'JWT' });
    const body = b64url({ ...access, iss: issuer, iat: now, exp: now + 3600 });
    const rows: { name: string; header: string | undefined; accepted: boolean }[] = [
      { name: 'control: a valid access token', header: await token(access), accepted: true },
      { name: 'missing', header: undefined, accepted: false },
      { name: 'empty', header: 'Bearer ', accepted: false },
      { name: 'garbage', header: 'Bearer abc.def.ghi', accepted: false },
      { name: 'alg none', header: `${header}.${body}.`, accepted: false },
      {
        name: 'HS256 signed with the public key',
        header: await new SignJWT({ ...access })
          .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
          .setIssuer(issuer)
          .setIssuedAt()
          .setExpirationTime(now + 3600)
          .sign(new TextEncoder().encode(publicPem)),
        accepted: false,
      },
      { name: 'no kid', header: await token(access, { header: {} }), accepted: false },
      { name: 'unknown kid', header: await token(access, { header: { kid: 'k2' } }), accepted: false },
      { name: 'signed by another key', header: await token(access, { signWith: otherKey }), accepted: false },
      { name: 'another pool', header: await token(access, { iss: 'http://127.0.0.1:9229/other_pool' }), accepted: false },
      { name: 'expired by 1 s', header: await token(access, { exp: now - 1 }), accepted: false },
      { name: 'nbf in the future', header: await token(access, { nbf: now + 60 }), accepted: false },
      { name: 'issued in the future', header: await token(access, { iat: now + 60 }), accepted: false },
      { name: 'access token of another client', header: await token({ ...access, client_id: 'client-2' }), accepted: false },
      { name: 'ID token of another client', header: await token({ ...idClaims, aud: 'client-2' }), accepted: false },
      { name: 'aud of another client with a matching client_id', header: await token({ ...access, aud: 'client-2' }), accepted: false },
      { name: 'no aud and no client_id', header: await token({ sub: 'u1', token_use: 'access' }), accepted: false },
    ];
    const verdicts = await Promise.all(rows.map(async (r) => ({ name: r.name, accepted: (await authorize(r.header)).ok })));
    expect(verdicts).toEqual(rows.map((r) => ({ name: r.name, accepted: r.accepted })));
  });
});
