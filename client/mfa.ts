/**
 * TOTP enrolment of a signed-in user (the admin's first step: lambda/domain/adminMfa.ts): AssociateSoftwareToken
 * hands out a secret, the authenticator app shows codes for it, VerifySoftwareToken checks one, and
 * SetUserMFAPreference turns TOTP on. From then on every sign-in is challenged with SOFTWARE_TOKEN_MFA (client/auth.ts).
 */
import {
  AssociateSoftwareTokenCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { AuthError, TotpError } from './errors.ts';

/** The `otpauth://` URI authenticator apps read (as a QR code or pasted): Cognito's codes are SHA-1, 6 digits, 30 s. */
export function otpauthUri(secret: string, account: string, issuer: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  return `otpauth://totp/${label}?secret=${secret}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=6&period=30`;
}

const authError = (err: unknown): AuthError => {
  const name = (err as Error).name ?? 'Error';
  if (name === 'CodeMismatchException' || name === 'EnableSoftwareTokenMFAException') {
    return new TotpError('the TOTP code was refused: check the authenticator (and this machine\'s clock), then try a fresh code', 'totp_code_mismatch', err);
  }
  return new AuthError(`${name}: ${(err as Error).message}`, name, err);
};

/** A new TOTP secret (base32) for the user of the access token; any earlier unverified one is replaced. */
export async function associateTotp(cognito: CognitoIdentityProviderClient, accessToken: string): Promise<string> {
  const out = await cognito.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken })).catch((err: unknown) => Promise.reject(authError(err)));
  if (!out.SecretCode) throw new AuthError('AssociateSoftwareToken returned no secret', 'no_secret');
  return out.SecretCode;
}

/** Checks a code of the associated secret, then makes TOTP the user's enabled and preferred MFA. */
export async function enableTotp(cognito: CognitoIdentityProviderClient, accessToken: string, code: string, deviceName?: string): Promise<void> {
  try {
    const verified = await cognito.send(
      new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: code.trim(), ...(deviceName ? { FriendlyDeviceName: deviceName } : {}) }),
    );
    if (verified.Status !== 'SUCCESS') throw new TotpError('the TOTP code was refused: try a fresh code', 'totp_code_mismatch');
    await cognito.send(new SetUserMFAPreferenceCommand({ AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
  } catch (err) {
    throw err instanceof AuthError ? err : authError(err);
  }
}
