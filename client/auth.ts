/**
 * Signing in to the stack's Cognito user pool: USER_PASSWORD_AUTH (works against AWS and cognito-local) or
 * USER_SRP_AUTH (the password never leaves the client; AWS only — cognito-local does not implement it), and
 * REFRESH_TOKEN_AUTH when the token is about to expire or the API answered 401. A user with TOTP enabled (every admin:
 * lambda/domain/adminMfa.ts) is challenged with SOFTWARE_TOKEN_MFA after the password; the `totp` option supplies the code.
 *
 * The API takes the ID token (it carries `email` and `cognito:groups`; API Gateway's JWT authorizer checks its `aud`).
 */
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  type AuthFlowType,
  type ChallengeNameType,
} from '@aws-sdk/client-cognito-identity-provider';
import { AuthError, TotpError } from './errors.ts';
import { passwordVerifierResponses, startSrp } from './srp.ts';

export interface AuthResult {
  ChallengeName?: string;
  ChallengeParameters?: Record<string, string>;
  Session?: string;
  AuthenticationResult?: { IdToken?: string; AccessToken?: string; RefreshToken?: string; ExpiresIn?: number };
}

/** The two Cognito calls a client needs (both unauthenticated). Tests pass a fake. */
export interface CognitoTransport {
  initiateAuth(input: { AuthFlow: string; ClientId: string; AuthParameters: Record<string, string> }): Promise<AuthResult>;
  respondToAuthChallenge(input: { ChallengeName: string; ClientId: string; ChallengeResponses: Record<string, string>; Session?: string }): Promise<AuthResult>;
}

/** The region of a Cognito endpoint or pool id: `https://cognito-idp.eu-west-1.amazonaws.com`, `eu-west-1_AbC`. */
export function regionOf(endpoint?: string, userPoolId?: string): string {
  const fromHost = endpoint ? /cognito-idp[.-]([a-z]{2}(?:-[a-z]+)+-\d)\./.exec(endpoint)?.[1] : undefined;
  const fromPool = userPoolId ? /^([a-z]{2}(?:-[a-z]+)+-\d)_/.exec(userPoolId)?.[1] : undefined;
  return fromHost ?? fromPool ?? 'us-east-1';
}

export interface CognitoEndpoint {
  endpoint?: string;
  region?: string;
  userPoolId?: string;
}

/** An SDK client for the user pool's unauthenticated and token-authorized calls (sign-in, TOTP enrolment). */
export function sdkCognitoClient(opts: CognitoEndpoint): CognitoIdentityProviderClient {
  const region = opts.region ?? regionOf(opts.endpoint, opts.userPoolId);
  const isAws = !opts.endpoint || /amazonaws\.com/.test(opts.endpoint);
  return new CognitoIdentityProviderClient({
    region,
    ...(isAws ? {} : { endpoint: opts.endpoint }),
    // These calls need no credentials; a custom endpoint may still want the SDK to sign.
    ...(isAws ? {} : { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    maxAttempts: 4,
  });
}

/** A transport over the AWS SDK: the endpoint is configurable (cognito-local), the region is derived from it. */
export function sdkCognitoTransport(opts: CognitoEndpoint): CognitoTransport {
  const client = sdkCognitoClient(opts);
  const call = async (cmd: InitiateAuthCommand | RespondToAuthChallengeCommand): Promise<AuthResult> => {
    try {
      return (await client.send(cmd as InitiateAuthCommand)) as AuthResult;
    } catch (err) {
      const name = (err as Error).name ?? 'Error';
      throw new AuthError(`${name}: ${(err as Error).message}`, name, err);
    }
  };
  return {
    initiateAuth: (input) => call(new InitiateAuthCommand({ ...input, AuthFlow: input.AuthFlow as AuthFlowType })),
    respondToAuthChallenge: (input) => call(new RespondToAuthChallengeCommand({ ...input, ChallengeName: input.ChallengeName as ChallengeNameType })),
  };
}

export interface Tokens {
  idToken: string;
  accessToken: string;
  refreshToken?: string;
  /** When the ID token expires, epoch ms (its `exp`). */
  expiresAt: number;
}

/** The claims of a JWT, unverified (the API verifies; a client only reads `exp`, `sub`, groups). */
export function jwtClaims(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (!part) throw new AuthError('not a JWT', 'invalid_token');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function tokensFrom(result: AuthResult['AuthenticationResult'], previousRefresh?: string, now = Date.now()): Tokens {
  if (!result?.IdToken || !result.AccessToken) throw new AuthError('Cognito returned no tokens', 'no_tokens');
  const exp = jwtClaims(result.IdToken).exp;
  const expiresAt = typeof exp === 'number' ? exp * 1000 : now + (result.ExpiresIn ?? 3600) * 1000;
  const refreshToken = result.RefreshToken ?? previousRefresh;
  return { idToken: result.IdToken, accessToken: result.AccessToken, ...(refreshToken ? { refreshToken } : {}), expiresAt };
}

/** What TriviaClient asks of an authenticator. */
export interface TokenSource {
  /** A token good for at least a little while (refreshed first when it is about to expire). */
  token(): Promise<string>;
  /** Called once when the API answered 401: get a fresh token; false when there is no way to. */
  refresh(): Promise<boolean>;
}

/** A fixed token (tests, scripts with a token from elsewhere). */
export const staticToken = (token: string): TokenSource => ({ token: async () => token, refresh: async () => false });

export type SignInFlow = 'password' | 'srp';

export interface CognitoAuthOptions {
  clientId: string;
  /** Needed for SRP (the pool name is part of the proof). */
  userPoolId?: string;
  /** Cognito endpoint: `https://cognito-idp.<region>.amazonaws.com`, or cognito-local's URL. */
  endpoint?: string;
  region?: string;
  transport?: CognitoTransport;
  /** Default `password` (USER_PASSWORD_AUTH). */
  flow?: SignInFlow;
  /** Refresh when the token has less than this left (default 60 s). */
  refreshMarginMs?: number;
  now?: () => number;
  /** Called whenever new tokens arrive (a CLI saves them). */
  onTokens?: (tokens: Tokens) => void;
  /** The current 6-digit code of the user's authenticator, asked for when Cognito challenges with SOFTWARE_TOKEN_MFA. */
  totp?: (challenge: TotpChallenge) => Promise<string>;
}

export interface TotpChallenge {
  username: string;
  /** The name the authenticator was enrolled under, when it was given one. */
  friendlyDeviceName?: string;
}

export class CognitoAuth implements TokenSource {
  private readonly transport: CognitoTransport;
  private current?: Tokens;
  private credentials?: { username: string; password: string };
  private inflight?: Promise<Tokens>;
  readonly flow: SignInFlow;

  constructor(private readonly opts: CognitoAuthOptions) {
    this.transport = opts.transport ?? sdkCognitoTransport({ endpoint: opts.endpoint, region: opts.region, userPoolId: opts.userPoolId });
    this.flow = opts.flow ?? 'password';
  }

  private now() {
    return (this.opts.now ?? Date.now)();
  }

  get tokens(): Tokens | undefined {
    return this.current;
  }

  /** Resumes a saved session (its refresh token is used when the ID token has expired). */
  useTokens(tokens: Tokens): void {
    this.current = tokens;
  }

  private accept(result: AuthResult['AuthenticationResult'], previousRefresh?: string): Tokens {
    this.current = tokensFrom(result, previousRefresh, this.now());
    this.opts.onTokens?.(this.current);
    return this.current;
  }

  /** Signs in; keeps the password in memory so that an expired refresh token can be replaced by a new sign-in. */
  async signIn(username: string, password: string, flow: SignInFlow = this.flow): Promise<Tokens> {
    this.credentials = { username, password };
    return flow === 'srp' ? this.signInSrp(username, password) : this.signInPassword(username, password);
  }

  private async signInPassword(username: string, password: string): Promise<Tokens> {
    const out = await this.transport.initiateAuth({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: this.opts.clientId,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    });
    return this.accept((await this.answerMfa(out, username)).AuthenticationResult);
  }

  private async signInSrp(username: string, password: string): Promise<Tokens> {
    if (!this.opts.userPoolId) throw new AuthError('SRP sign-in needs the user pool id', 'srp_needs_pool');
    const session = startSrp();
    const first = await this.transport.initiateAuth({
      AuthFlow: 'USER_SRP_AUTH',
      ClientId: this.opts.clientId,
      AuthParameters: { USERNAME: username, SRP_A: session.A.toString(16) },
    });
    if (first.ChallengeName !== 'PASSWORD_VERIFIER' || !first.ChallengeParameters) {
      throw new AuthError(`USER_SRP_AUTH answered ${first.ChallengeName ?? 'no challenge'}, not PASSWORD_VERIFIER`, 'srp_unexpected');
    }
    const responses = passwordVerifierResponses({
      session,
      userPoolId: this.opts.userPoolId,
      password,
      challenge: first.ChallengeParameters,
      now: new Date(this.now()),
    });
    const second = await this.transport.respondToAuthChallenge({
      ChallengeName: 'PASSWORD_VERIFIER',
      ClientId: this.opts.clientId,
      ChallengeResponses: responses,
      ...(first.Session ? { Session: first.Session } : {}),
    });
    return this.accept((await this.answerMfa(second, first.ChallengeParameters.USER_ID_FOR_SRP ?? username)).AuthenticationResult);
  }

  /** Answers a SOFTWARE_TOKEN_MFA challenge with a code from `totp`; any other challenge is not one this client answers. */
  private async answerMfa(out: AuthResult, username: string): Promise<AuthResult> {
    if (!out.ChallengeName) return out;
    if (out.ChallengeName !== 'SOFTWARE_TOKEN_MFA') {
      throw new AuthError(`sign-in needs the challenge ${out.ChallengeName}, which this client does not answer`, 'challenge');
    }
    if (!this.opts.totp) throw new TotpError('this account has TOTP: sign-in needs the current code of its authenticator app', 'totp_required');
    const friendlyDeviceName = out.ChallengeParameters?.FRIENDLY_DEVICE_NAME;
    const code = (await this.opts.totp({ username, ...(friendlyDeviceName ? { friendlyDeviceName } : {}) })).trim();
    try {
      const answered = await this.transport.respondToAuthChallenge({
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        ClientId: this.opts.clientId,
        ChallengeResponses: { USERNAME: out.ChallengeParameters?.USER_ID_FOR_SRP ?? username, SOFTWARE_TOKEN_MFA_CODE: code },
        ...(out.Session ? { Session: out.Session } : {}),
      });
      if (answered.ChallengeName) throw new AuthError(`after the TOTP code Cognito asked for ${answered.ChallengeName}`, 'challenge');
      return answered;
    } catch (err) {
      const name = err instanceof AuthError ? err.code : (err as Error).name;
      if (name === 'CodeMismatchException' || name === 'ExpiredCodeException') {
        throw new TotpError('the TOTP code was refused: check the authenticator (and this machine\'s clock), then try a fresh code', 'totp_code_mismatch', err);
      }
      throw err;
    }
  }

  /** REFRESH_TOKEN_AUTH; falls back to a new sign-in when the refresh token is gone or rejected and the password is known. */
  async refreshTokens(): Promise<Tokens> {
    this.inflight ??= (async () => {
      try {
        const refreshToken = this.current?.refreshToken;
        if (refreshToken) {
          try {
            const out = await this.transport.initiateAuth({
              AuthFlow: 'REFRESH_TOKEN_AUTH',
              ClientId: this.opts.clientId,
              AuthParameters: { REFRESH_TOKEN: refreshToken },
            });
            return this.accept(out.AuthenticationResult, refreshToken);
          } catch (err) {
            if (!this.credentials) throw err instanceof AuthError ? err : new AuthError((err as Error).message, 'refresh_failed', err);
          }
        }
        if (this.credentials) return await this.signIn(this.credentials.username, this.credentials.password);
        throw new AuthError('not signed in (no refresh token): sign in again', 'not_signed_in');
      } finally {
        this.inflight = undefined;
      }
    })();
    return this.inflight;
  }

  async token(): Promise<string> {
    const margin = this.opts.refreshMarginMs ?? 60_000;
    if (!this.current) {
      if (this.credentials) return (await this.refreshTokens()).accessToken;
      throw new AuthError('not signed in', 'not_signed_in');
    }
    if (this.current.expiresAt - this.now() < margin) return (await this.refreshTokens()).accessToken;
    return this.current.accessToken;
  }

  async refresh(): Promise<boolean> {
    if (!this.current?.refreshToken && !this.credentials) return false;
    await this.refreshTokens();
    return true;
  }
}
