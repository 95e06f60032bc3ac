/**
 * Signing in from a browser: Cognito's JSON protocol over fetch (InitiateAuth with USER_PASSWORD_AUTH, refresh with
 * REFRESH_TOKEN_AUTH, SignUp and ConfirmSignUp), against AWS and cognito-local alike. The AWS SDK and the SRP code of
 * client/auth.ts are Node-bound and far too heavy for the player app's budget; the token logic is the same
 * (`TokenSource`: a token that is refreshed shortly before it expires, and once more after a 401).
 * The API and the live channel take the access token; the ID token is read only for who is signed in.
 *
 * Tokens live in sessionStorage: a reload keeps the player signed in, closing the tab signs out.
 */
import type { TokenSource } from '../../client/auth.ts';
import type { AppConfig } from './config.ts';

export interface SessionTokens {
  /** Sent to the API and the live channel (they take access tokens only). */
  accessToken: string;
  /** Read for who is signed in (email) and the groups. */
  idToken: string;
  refreshToken?: string;
  /** epoch ms */
  expiresAt: number;
}

export class CognitoError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CognitoError';
  }
}

/** The claims of a JWT, unverified (the API verifies; the app only reads who and which groups). */
export function claimsOf(token: string): Record<string, unknown> {
  const part = token.split('.')[1] ?? '';
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

/** Cognito's groups claim: a JSON array, or cognito-local's and API Gateway's `[a b]` rendering. */
export function groupsOf(claims: Record<string, unknown>): string[] {
  const g = claims['cognito:groups'];
  if (Array.isArray(g)) return g.map(String);
  if (typeof g === 'string') return g.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean);
  return [];
}

const STORAGE_KEY = 'trivia.session';
const REFRESH_MARGIN_MS = 60_000;

interface AuthAnswer {
  ChallengeName?: string;
  ChallengeParameters?: Record<string, string>;
  Session?: string;
  AuthenticationResult?: { IdToken?: string; AccessToken?: string; RefreshToken?: string; ExpiresIn?: number };
}

export class Session implements TokenSource {
  private tokens?: SessionTokens;
  /** The open SOFTWARE_TOKEN_MFA challenge of a sign-in (Cognito's session for it lasts 3 minutes). */
  private pendingTotp?: { username: string; session: string };
  private inflight?: Promise<void>;

  constructor(private readonly config: AppConfig) {
    const saved = sessionStorage.getItem(STORAGE_KEY);
    if (saved) {
      try {
        this.tokens = JSON.parse(saved) as SessionTokens;
        if (!this.tokens.accessToken) throw new Error('an older session without an access token');
      } catch {
        this.tokens = undefined;
        sessionStorage.removeItem(STORAGE_KEY);
      }
    }
  }

  get signedIn(): boolean {
    return this.tokens !== undefined;
  }

  get claims(): Record<string, unknown> {
    return this.tokens ? claimsOf(this.tokens.idToken) : {};
  }

  get email(): string {
    return String(this.claims.email ?? '');
  }

  get isAdmin(): boolean {
    return groupsOf(this.claims).includes('admin') || (this.tokens ? groupsOf(claimsOf(this.tokens.accessToken)).includes('admin') : false);
  }

  private async call<T>(target: string, body: unknown): Promise<T> {
    const res = await fetch(this.config.CognitoEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${target}` },
      body: JSON.stringify(body),
    });
    const out = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok) {
      const code = String(out.__type ?? out.code ?? `http_${res.status}`).split('#').pop()!;
      throw new CognitoError(code, String(out.message ?? out.Message ?? code));
    }
    return out as T;
  }

  private accept(result: { IdToken?: string; AccessToken?: string; RefreshToken?: string; ExpiresIn?: number } | undefined, previousRefresh?: string) {
    if (!result?.IdToken || !result.AccessToken) throw new CognitoError('no_tokens', 'Cognito returned no tokens');
    const exp = claimsOf(result.AccessToken).exp;
    const refreshToken = result.RefreshToken ?? previousRefresh;
    this.tokens = {
      accessToken: result.AccessToken,
      idToken: result.IdToken,
      ...(refreshToken ? { refreshToken } : {}),
      expiresAt: typeof exp === 'number' ? exp * 1000 : Date.now() + (result.ExpiresIn ?? 3600) * 1000,
    };
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(this.tokens));
  }

  /**
   * USER_PASSWORD_AUTH. `totp` when the account has TOTP (every admin: lambda/domain/adminMfa.ts): the sign-in is
   * finished by `answerTotp` with the code of the authenticator app.
   */
  async signIn(email: string, password: string): Promise<'signedIn' | 'totp'> {
    const out = await this.call<AuthAnswer>('InitiateAuth', {
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: this.config.UserPoolClientId,
      AuthParameters: { USERNAME: email, PASSWORD: password },
    });
    if (out.ChallengeName === 'SOFTWARE_TOKEN_MFA' && out.Session) {
      this.pendingTotp = { username: out.ChallengeParameters?.USER_ID_FOR_SRP ?? email, session: out.Session };
      return 'totp';
    }
    if (out.ChallengeName) throw new CognitoError('challenge', `sign-in asks for ${out.ChallengeName}`);
    this.accept(out.AuthenticationResult);
    return 'signedIn';
  }

  /** Answers the SOFTWARE_TOKEN_MFA challenge of the last `signIn`. A wrong code throws `CodeMismatchException`; the challenge stays open. */
  async answerTotp(code: string): Promise<void> {
    const pending = this.pendingTotp;
    if (!pending) throw new CognitoError('no_challenge', 'sign in with the password first');
    const out = await this.call<AuthAnswer>('RespondToAuthChallenge', {
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      ClientId: this.config.UserPoolClientId,
      Session: pending.session,
      ChallengeResponses: { USERNAME: pending.username, SOFTWARE_TOKEN_MFA_CODE: code.trim() },
    });
    if (out.ChallengeName) throw new CognitoError('challenge', `sign-in asks for ${out.ChallengeName}`);
    this.pendingTotp = undefined;
    this.accept(out.AuthenticationResult);
  }

  async signUp(email: string, password: string): Promise<void> {
    await this.call('SignUp', { ClientId: this.config.UserPoolClientId, Username: email, Password: password, UserAttributes: [{ Name: 'email', Value: email }] });
  }

  async confirmSignUp(email: string, code: string): Promise<void> {
    await this.call('ConfirmSignUp', { ClientId: this.config.UserPoolClientId, Username: email, ConfirmationCode: code });
  }

  signOut(): void {
    this.tokens = undefined;
    sessionStorage.removeItem(STORAGE_KEY);
  }

  private refreshTokens(): Promise<void> {
    this.inflight ??= (async () => {
      try {
        const refreshToken = this.tokens?.refreshToken;
        if (!refreshToken) throw new CognitoError('not_signed_in', 'sign in again');
        const out = await this.call<{ AuthenticationResult?: { IdToken?: string; AccessToken?: string; ExpiresIn?: number } }>('InitiateAuth', {
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          ClientId: this.config.UserPoolClientId,
          AuthParameters: { REFRESH_TOKEN: refreshToken },
        });
        this.accept(out.AuthenticationResult, refreshToken);
      } finally {
        this.inflight = undefined;
      }
    })();
    return this.inflight;
  }

  async token(): Promise<string> {
    if (!this.tokens) throw new CognitoError('not_signed_in', 'not signed in');
    if (this.tokens.expiresAt - Date.now() < REFRESH_MARGIN_MS) await this.refreshTokens();
    return this.tokens!.accessToken;
  }

  async refresh(): Promise<boolean> {
    if (!this.tokens?.refreshToken) return false;
    try {
      await this.refreshTokens();
      return true;
    } catch {
      return false;
    }
  }
}
