/**
 * An admin's TOTP with the `trivia` CLI against the local stack (cognito-local implements AssociateSoftwareToken,
 * VerifySoftwareToken, SetUserMFAPreference and the SOFTWARE_TOKEN_MFA challenge): a new admin enrols, signs in
 * answering the challenge with a code computed from TRIVIA_TOTP_SECRET, and calls an admin route. Without a code, or
 * with a wrong one, sign-in fails with one clear line and exit code 1.
 *
 * The local stack does not run the pre token generation trigger (lambda/cognito/preTokenGeneration.ts): locally the
 * admin group is in the tokens with or without TOTP. test/handlers/preTokenGeneration.test.ts covers the gate.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../client/totp.ts';
import { triviaCli, type Trivia } from './support/cli.ts';
import { createUser, uniqueEmail } from './support/index.ts';

const PASSWORD = 'Passw0rd!';

/** A code that no step near now accepts (cognito-local takes the step before and after too). */
function wrongCode(secret: string): string {
  const near = [-30_000, 0, 30_000].map((d) => totpCode(secret, Date.now() + d));
  return ['000000', '111111', '222222', '333333'].find((c) => !near.includes(c))!;
}

describe('trivia mfa and sign-in with TOTP', () => {
  let trivia: Trivia;
  const email = uniqueEmail('totp-admin');
  const as = ['--user', email, '--password', PASSWORD];
  let secret: string;

  beforeAll(async () => {
    ({ trivia } = triviaCli('trivia-totp-e2e-'));
    await createUser({ email, password: PASSWORD, admin: true });
  });

  it('enrols: mfa setup prints the otpauth URI and secret, mfa verify turns TOTP on with a code of it', async () => {
    const setup = await trivia(['mfa', 'setup', ...as, '--json']);
    expect(setup.code, setup.stderr).toBe(0);
    const enrolment = JSON.parse(setup.stdout.trim()) as { secret: string; otpauth_uri: string };
    secret = enrolment.secret;
    expect(secret).toMatch(/^[A-Z2-7]+=*$/);
    expect(enrolment.otpauth_uri).toBe(
      `otpauth://totp/${encodeURIComponent('Trivia Live (TriviaLive-local)')}:${encodeURIComponent(email)}?secret=${secret}&issuer=${encodeURIComponent('Trivia Live (TriviaLive-local)')}&algorithm=SHA1&digits=6&period=30`,
    );
    const wrong = await trivia(['mfa', 'verify', ...as, '--totp-code', wrongCode(secret)]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/TOTP code was refused/);
    const verify = await trivia(['mfa', 'verify', ...as, '--json'], undefined, { TRIVIA_TOTP_SECRET: secret });
    expect(verify.code, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout.trim())).toEqual({ email, totp: 'enabled' });
  });

  it('refuses a sign-in without a code, or with a wrong one, in one line with exit code 1', async () => {
    const none = await trivia(['login', ...as]);
    expect(none.code).toBe(1);
    expect(none.stderr.trim()).toBe('error: this account has TOTP: pass --totp-code CODE, or set TRIVIA_TOTP_CODE or TRIVIA_TOTP_SECRET');
    const wrong = await trivia(['login', ...as, '--totp-code', wrongCode(secret)]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^error: the TOTP code was refused/);
  });

  it('signs in answering the challenge from TRIVIA_TOTP_SECRET, and calls an admin route with the saved session', async () => {
    const login = await trivia(['login', ...as, '--json'], undefined, { TRIVIA_TOTP_SECRET: secret });
    expect(login.code, login.stderr).toBe(0);
    expect(JSON.parse(login.stdout.trim())).toMatchObject({ email, groups: ['admin'] });
    const list = await trivia(['question', 'list', '--limit', '1', '--json']);
    expect(list.code, list.stderr).toBe(0);
  });
});
