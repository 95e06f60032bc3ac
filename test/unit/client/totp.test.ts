/** RFC 6238 codes (client/totp.ts): the RFC's SHA-1 test vectors, and the base32 form of secrets Cognito hands out. */
import { describe, expect, it } from 'vitest';
import { base32Decode, totpCode } from '../../../client/totp.ts';

// RFC 6238, appendix B: the SHA-1 seed is the ASCII "12345678901234567890".
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const vectors: [seconds: number, eightDigits: string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('totpCode', () => {
  it.each(vectors)('at %i s gives the RFC 6238 code %s (8 digits), and its last 6 digits for Cognito', (seconds, code) => {
    expect(totpCode(RFC_SECRET, seconds * 1000, 8)).toBe(code);
    expect(totpCode(RFC_SECRET, seconds * 1000)).toBe(code.slice(2));
  });

  it('keeps one code through a 30 s step and changes at its end', () => {
    expect(totpCode(RFC_SECRET, 1111111110_000)).toBe(totpCode(RFC_SECRET, 1111111139_999));
    expect(totpCode(RFC_SECRET, 1111111139_999)).not.toBe(totpCode(RFC_SECRET, 1111111140_000));
  });
});

describe('base32Decode', () => {
  it('reads a secret in any case, grouped with spaces, padded or not', () => {
    expect(base32Decode(RFC_SECRET).toString('ascii')).toBe('12345678901234567890');
    expect(base32Decode('gezd gnbv gy3t qojq gezd gnbv gy3t qojq').toString('ascii')).toBe('12345678901234567890');
    expect(base32Decode('MZXW6===').toString('ascii')).toBe('foo');
  });

  it('refuses a character outside the base32 alphabet', () => {
    expect(() => base32Decode('GEZD1')).toThrow(/not a base32 secret/);
  });
});
