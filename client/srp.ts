/**
 * Cognito's Secure Remote Password sign-in (USER_SRP_AUTH → PASSWORD_VERIFIER), client side, with BigInt and
 * node:crypto: the password never leaves the client.
 *
 * The math follows Cognito's own client (amazon-cognito-identity-js, AuthenticationHelper): SRP-6a over the 3072-bit
 * group of RFC 5054 with g = 2, SHA-256, k = H(N | g), u = H(A | B), x = H(salt | H(poolName | username ":" password)),
 * S = (B - k·g^x)^(a + u·x) mod N, the key = HKDF(S, salt = u, info "Caldera Derived Key") cut to 16 bytes, and the
 * claim = HMAC(key, poolName | userIdForSrp | secretBlock | timestamp). Byte strings are Java-style two's complement
 * hex (`padHex`). test/unit/client/srp.test.ts checks it against amazon-cognito-identity-js and a fake SRP server.
 *
 * cognito-local (the local stack) does not implement USER_SRP_AUTH: locally, sign in with USER_PASSWORD_AUTH.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

export const N_HEX =
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
  'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
  'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
  '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
  'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
  '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
  'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
  'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF';

export const N = BigInt(`0x${N_HEX}`);
export const g = 2n;

/** Even-length hex of a non-negative integer, with a leading 00 when the top bit is set (Java's BigInteger.toByteArray). */
export function padHex(n: bigint): string {
  if (n < 0n) throw new Error('padHex: negative numbers do not occur in SRP');
  let hex = n.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return /^[89a-f]/i.test(hex) ? `00${hex}` : hex;
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();
/** SHA-256 of the bytes that a hex string spells, as 64 hex digits. */
export const hexHash = (hex: string) => sha256(Buffer.from(hex, 'hex')).toString('hex');
const toBig = (hex: string) => BigInt(`0x${hex}`);

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = ((base % modulus) + modulus) % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

export const k = toBig(hexHash(padHex(N) + padHex(g)));

/** The user pool's "name" as SRP uses it: the part of the pool id after the region and the underscore. */
export const poolNameOf = (userPoolId: string) => {
  const name = userPoolId.split('_')[1];
  if (!name) throw new Error(`"${userPoolId}" is not a user pool id (region_name)`);
  return name;
};

export interface SrpSession {
  /** The client's secret a. */
  a: bigint;
  /** A = g^a mod N, sent as SRP_A (hex). */
  A: bigint;
}

export function startSrp(random: (bytes: number) => Buffer = randomBytes): SrpSession {
  for (;;) {
    const a = toBig(random(128).toString('hex')) % N;
    const A = modPow(g, a, N);
    if (a !== 0n && A !== 0n) return { a, A };
  }
}

/** The 16-byte key both sides derive (the password authentication key). */
export function passwordAuthenticationKey(input: {
  session: SrpSession;
  poolName: string;
  /** USER_ID_FOR_SRP from the challenge. */
  userId: string;
  password: string;
  /** SRP_B (hex). */
  B: string;
  /** SALT (hex). */
  salt: string;
}): Buffer {
  const B = toBig(input.B);
  if (B % N === 0n) throw new Error('SRP: B mod N is 0');
  const { a, A } = input.session;
  const u = toBig(hexHash(padHex(A) + padHex(B)));
  if (u === 0n) throw new Error('SRP: u is 0');
  const userPasswordHash = sha256(`${input.poolName}${input.userId}:${input.password}`).toString('hex');
  const x = toBig(hexHash(padHex(toBig(input.salt)) + userPasswordHash));
  const base = (((B - k * modPow(g, x, N)) % N) + N) % N;
  const S = modPow(base, a + u * x, N);
  return hkdf(Buffer.from(padHex(S), 'hex'), Buffer.from(padHex(u), 'hex'));
}

/** HKDF-SHA256 (one block) with Cognito's info string, cut to 16 bytes. */
export function hkdf(ikm: Buffer, salt: Buffer): Buffer {
  const prk = createHmac('sha256', salt).update(ikm).digest();
  return createHmac('sha256', prk).update(Buffer.concat([Buffer.from('Caldera Derived Key', 'utf8'), Buffer.from([1])])).digest().subarray(0, 16);
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Cognito's TIMESTAMP: `ddd MMM D HH:mm:ss UTC YYYY` in UTC, the day not padded ("Tue Nov 2 07:05:09 UTC 2025"). */
export function srpTimestamp(date: Date = new Date()): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${WEEKDAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`;
}

/** PASSWORD_CLAIM_SIGNATURE: HMAC-SHA256(key, poolName | userId | secretBlock bytes | timestamp), base64. */
export function passwordClaimSignature(key: Buffer, poolName: string, userId: string, secretBlock: string, timestamp: string): string {
  return createHmac('sha256', key)
    .update(Buffer.concat([Buffer.from(poolName, 'utf8'), Buffer.from(userId, 'utf8'), Buffer.from(secretBlock, 'base64'), Buffer.from(timestamp, 'utf8')]))
    .digest('base64');
}

/** The ChallengeResponses of PASSWORD_VERIFIER, from the challenge's parameters. */
export function passwordVerifierResponses(input: {
  session: SrpSession;
  userPoolId: string;
  password: string;
  challenge: Record<string, string | undefined>;
  now?: Date;
}): Record<string, string> {
  const { SALT, SRP_B, SECRET_BLOCK, USER_ID_FOR_SRP } = input.challenge;
  if (!SALT || !SRP_B || !SECRET_BLOCK || !USER_ID_FOR_SRP) throw new Error('PASSWORD_VERIFIER challenge without SALT, SRP_B, SECRET_BLOCK or USER_ID_FOR_SRP');
  const poolName = poolNameOf(input.userPoolId);
  const key = passwordAuthenticationKey({ session: input.session, poolName, userId: USER_ID_FOR_SRP, password: input.password, B: SRP_B, salt: SALT });
  const timestamp = srpTimestamp(input.now);
  return {
    USERNAME: USER_ID_FOR_SRP,
    PASSWORD_CLAIM_SECRET_BLOCK: SECRET_BLOCK,
    TIMESTAMP: timestamp,
    PASSWORD_CLAIM_SIGNATURE: passwordClaimSignature(key, poolName, USER_ID_FOR_SRP, SECRET_BLOCK, timestamp),
  };
}
