/**
 * SRP (USER_SRP_AUTH → PASSWORD_VERIFIER), client side. cognito-local does not implement SRP, so the math is checked
 * here: against Cognito's own JavaScript client (amazon-cognito-identity-js, a dev dependency) on the same inputs,
 * against a fixed vector, and end to end against a fake Cognito that plays the server's half of SRP-6a.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { CognitoAuth, type AuthResult, type CognitoTransport } from '../../../client/auth.ts';
import { N, g, hexHash, hkdf, k, modPow, padHex, passwordAuthenticationKey, passwordVerifierResponses, poolNameOf, srpTimestamp, startSrp } from '../../../client/srp.ts';
import { jwt } from './fakes.ts';

const require = createRequire(import.meta.url);
type Big = { toString(radix: number): string };
const BigInteger = (require('amazon-cognito-identity-js/lib/BigInteger.js') as { default: new (hex: string, radix: number) => Big }).default;
const AuthenticationHelper = (require('amazon-cognito-identity-js/lib/AuthenticationHelper.js') as {
  default: new (poolName: string) => {
    smallAValue: Big;
    largeAValue?: Big;
    getLargeAValue(cb: (err: unknown, A: Big) => void): void;
    getPasswordAuthenticationKey(user: string, password: string, B: Big, salt: Big, cb: (err: unknown, key: Buffer) => void): void;
  };
}).default;

const big = (hex: string) => BigInt(`0x${hex}`);
const A_SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90'.repeat(8); // 128 bytes
const SALT = '8f3a5c2b1d4e6f70';
const POOL = 'us-east-1_AbCdEfGhI';
const USER_ID = 'c0ffee00-1234-4abc-9def-000000000001';
const PASSWORD = 'Passw0rd!';

/** The server's half: verifier v = g^x, B = k·v + g^b, S = (A·v^u)^b. */
function srpServer(password: string, salt = SALT, b = big(randomBytes(64).toString('hex'))) {
  const x = big(hexHash(padHex(big(salt)) + sha256Hex(`${poolNameOf(POOL)}${USER_ID}:${password}`)));
  const v = modPow(g, x, N);
  const B = (k * v + modPow(g, b, N)) % N;
  return {
    B,
    key(A: bigint) {
      const u = big(hexHash(padHex(A) + padHex(B)));
      const S = modPow((A * modPow(v, u, N)) % N, b, N);
      return hkdf(Buffer.from(padHex(S), 'hex'), Buffer.from(padHex(u), 'hex'));
    },
  };
}
const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');

describe('SRP math', () => {
  it('pads hex like Java’s BigInteger.toByteArray', () => {
    expect(padHex(0x14n)).toBe('14');
    expect(padHex(0xecn)).toBe('00ec');
    expect(padHex(0xc8n)).toBe('00c8');
    expect(padHex(0x123n)).toBe('0123');
    expect(padHex(0x8123n)).toBe('008123');
    expect(() => padHex(-1n)).toThrow();
  });

  it('formats TIMESTAMP as Cognito expects (day not padded, UTC)', () => {
    expect(srpTimestamp(new Date(Date.UTC(2025, 10, 2, 7, 5, 9)))).toBe('Sun Nov 2 07:05:09 UTC 2025');
    expect(srpTimestamp(new Date(Date.UTC(2024, 1, 29, 23, 59, 0)))).toBe('Thu Feb 29 23:59:00 UTC 2024');
  });

  it('agrees with amazon-cognito-identity-js on A and on the password authentication key', async () => {
    const server = srpServer(PASSWORD);
    const a = big(A_SECRET);
    const ours = { a, A: modPow(g, a, N) };
    const helper = new AuthenticationHelper(poolNameOf(POOL));
    helper.smallAValue = new BigInteger(A_SECRET, 16);
    helper.largeAValue = undefined;
    const theirA = await new Promise<Big>((resolve, reject) => helper.getLargeAValue((err, A) => (err ? reject(err) : resolve(A))));
    expect(theirA.toString(16)).toBe(ours.A.toString(16));
    const theirKey = await new Promise<Buffer>((resolve, reject) =>
      helper.getPasswordAuthenticationKey(USER_ID, PASSWORD, new BigInteger(server.B.toString(16), 16), new BigInteger(SALT, 16), (err, key) => (err ? reject(err) : resolve(key))),
    );
    const ourKey = passwordAuthenticationKey({ session: ours, poolName: poolNameOf(POOL), userId: USER_ID, password: PASSWORD, B: server.B.toString(16), salt: SALT });
    expect(ourKey.toString('hex')).toBe(Buffer.from(theirKey).toString('hex'));
    // …and the server derives the same key from A: the proof would verify.
    expect(server.key(ours.A).toString('hex')).toBe(ourKey.toString('hex'));
  });

  it('derives a fixed key for fixed inputs (regression vector, computed with amazon-cognito-identity-js)', () => {
    const a = big(A_SECRET);
    const B = (k * modPow(g, 12345n, N) + modPow(g, 67890n, N)) % N;
    const key = passwordAuthenticationKey({ session: { a, A: modPow(g, a, N) }, poolName: 'AbCdEfGhI', userId: USER_ID, password: PASSWORD, B: B.toString(16), salt: SALT });
    expect(key.toString('hex')).toBe(FIXED_KEY);
  });

  it('rejects B ≡ 0 (mod N)', () => {
    expect(() => passwordAuthenticationKey({ session: startSrp(), poolName: 'p', userId: 'u', password: 'x', B: N.toString(16), salt: '01' })).toThrow(/B mod N/);
  });
});

/** A fake Cognito that speaks USER_SRP_AUTH with the server's half of the protocol and checks the signature. */
function srpCognito(password: string): CognitoTransport & { verified: number } {
  const server = srpServer(password);
  const secretBlock = randomBytes(32).toString('base64');
  let A: bigint | undefined;
  const t = {
    verified: 0,
    async initiateAuth(input: { AuthFlow: string; AuthParameters: Record<string, string> }): Promise<AuthResult> {
      expect(input.AuthFlow).toBe('USER_SRP_AUTH');
      A = big(input.AuthParameters.SRP_A);
      return {
        ChallengeName: 'PASSWORD_VERIFIER',
        ChallengeParameters: { SALT, SRP_B: server.B.toString(16), SECRET_BLOCK: secretBlock, USER_ID_FOR_SRP: USER_ID, USERNAME: USER_ID },
      };
    },
    async respondToAuthChallenge(input: { ChallengeName: string; ChallengeResponses: Record<string, string> }): Promise<AuthResult> {
      const r = input.ChallengeResponses;
      expect(input.ChallengeName).toBe('PASSWORD_VERIFIER');
      expect(r.USERNAME).toBe(USER_ID);
      expect(r.PASSWORD_CLAIM_SECRET_BLOCK).toBe(secretBlock);
      const expected = createHmac('sha256', server.key(A!))
        .update(Buffer.concat([Buffer.from(poolNameOf(POOL)), Buffer.from(USER_ID), Buffer.from(secretBlock, 'base64'), Buffer.from(r.TIMESTAMP)]))
        .digest('base64');
      if (r.PASSWORD_CLAIM_SIGNATURE !== expected) throw Object.assign(new Error('Incorrect username or password.'), { name: 'NotAuthorizedException' });
      t.verified++;
      return { AuthenticationResult: { IdToken: jwt({ sub: USER_ID, exp: 4_000_000_000 }), AccessToken: jwt({ sub: USER_ID }), RefreshToken: 'r' } };
    },
  };
  return t;
}

describe('CognitoAuth with SRP', () => {
  it('signs in through PASSWORD_VERIFIER without sending the password', async () => {
    const cognito = srpCognito(PASSWORD);
    const sent: string[] = [];
    const spy: CognitoTransport = {
      initiateAuth: (i) => (sent.push(JSON.stringify(i)), cognito.initiateAuth(i)),
      respondToAuthChallenge: (i) => (sent.push(JSON.stringify(i)), cognito.respondToAuthChallenge(i)),
    };
    const auth = new CognitoAuth({ clientId: 'c', userPoolId: POOL, transport: spy, flow: 'srp' });
    const tokens = await auth.signIn('player1@example.com', PASSWORD);
    expect(cognito.verified).toBe(1);
    expect(tokens.refreshToken).toBe('r');
    expect(sent.join('\n')).not.toContain(PASSWORD);
  });

  it('fails with a wrong password', async () => {
    const auth = new CognitoAuth({ clientId: 'c', userPoolId: POOL, transport: srpCognito(PASSWORD), flow: 'srp' });
    await expect(auth.signIn('player1@example.com', 'Wrong-Passw0rd!')).rejects.toThrow(/Incorrect/);
  });

  it('needs the pool id', async () => {
    await expect(new CognitoAuth({ clientId: 'c', transport: srpCognito(PASSWORD), flow: 'srp' }).signIn('u', PASSWORD)).rejects.toThrow(/user pool id/);
  });

  it('builds the challenge responses from the challenge parameters', () => {
    const responses = passwordVerifierResponses({
      session: startSrp(),
      userPoolId: POOL,
      password: PASSWORD,
      challenge: { SALT, SRP_B: srpServer(PASSWORD).B.toString(16), SECRET_BLOCK: 'AAAA', USER_ID_FOR_SRP: USER_ID },
      now: new Date(Date.UTC(2025, 0, 5, 1, 2, 3)),
    });
    expect(responses).toMatchObject({ USERNAME: USER_ID, PASSWORD_CLAIM_SECRET_BLOCK: 'AAAA', TIMESTAMP: 'Sun Jan 5 01:02:03 UTC 2025' });
    expect(Buffer.from(responses.PASSWORD_CLAIM_SIGNATURE, 'base64')).toHaveLength(32);
  });
});

/** amazon-cognito-identity-js 6.3 (AuthenticationHelper) on the inputs of the regression test above. */
const FIXED_KEY = 'ddf2e47f9b02d24bf1d2f176334fc793';
