/**
 * RFC 6238 time-based one-time passwords as Cognito's SOFTWARE_TOKEN_MFA takes them: HMAC-SHA1, 30 s steps, 6 digits,
 * from the base32 secret that AssociateSoftwareToken hands out. For scripts and CI (`TRIVIA_TOTP_SECRET`); a person
 * types the code from an authenticator app instead.
 */
import { createHmac } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32, case-insensitive, padding and spaces ignored (authenticator apps show the secret in groups). */
export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const digit = BASE32.indexOf(ch);
    if (digit < 0) throw new Error(`not a base32 secret: unexpected "${ch}"`);
    value = (value << 5) | digit;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** The code for the 30 s step that holds `nowMs` (RFC 4226 dynamic truncation of HMAC-SHA1 over the step number). */
export function totpCode(secretBase32: string, nowMs: number, digits = 6, stepSeconds = 30): string {
  const step = Math.floor(nowMs / 1000 / stepSeconds);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secretBase32)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}
