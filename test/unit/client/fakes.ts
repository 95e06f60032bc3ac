/** A scripted fetch and a fake Cognito for the client's unit tests: no network, no timers. */
import type { AuthResult, CognitoTransport } from '../../../client/auth.ts';

export interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: unknown;
}

export type Step = { status: number; body?: unknown; headers?: Record<string, string> } | { error: Error };

/** A fetch that answers with `steps` in order (the last one repeats) and records every call. */
export function scriptedFetch(steps: Step[] | ((call: Call, n: number) => Step)) {
  const calls: Call[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const call: Call = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers: Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>)),
      ...(init?.body ? { body: JSON.parse(String(init.body)) } : {}),
    };
    calls.push(call);
    const step = typeof steps === 'function' ? steps(call, calls.length - 1) : steps[Math.min(calls.length - 1, steps.length - 1)];
    if ('error' in step) throw step.error;
    return new Response(step.body === undefined ? '' : JSON.stringify(step.body), {
      status: step.status,
      headers: { 'content-type': 'application/json', ...step.headers },
    });
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

/** What undici throws when nothing listens. */
export const connectionRefused = () => Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });

/** An unsigned JWT with the given claims (the client only reads them). */
export function jwt(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.sig`;
}

export interface FakeCognito extends CognitoTransport {
  calls: { op: string; input: Record<string, unknown> }[];
}

/**
 * USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH: each token expires `ttlSeconds` after `now()`, numbered so tests can tell them apart.
 * With `totpCode`, the password is followed by a SOFTWARE_TOKEN_MFA challenge that only that code answers.
 */
export function fakeCognito(opts: { now: () => number; ttlSeconds?: number; password?: string; refreshFails?: boolean; totpCode?: string }): FakeCognito {
  const calls: FakeCognito['calls'] = [];
  let n = 0;
  const issue = (withRefresh: boolean): AuthResult => {
    n++;
    const exp = Math.floor(opts.now() / 1000) + (opts.ttlSeconds ?? 3600);
    return {
      AuthenticationResult: {
        IdToken: jwt({ sub: 'u1', n, exp, token_use: 'id', 'cognito:groups': ['admin'] }),
        AccessToken: jwt({ sub: 'u1', n, exp, token_use: 'access' }),
        ...(withRefresh ? { RefreshToken: `refresh-${n}` } : {}),
        ExpiresIn: opts.ttlSeconds ?? 3600,
      },
    };
  };
  return {
    calls,
    async initiateAuth(input) {
      calls.push({ op: `InitiateAuth ${input.AuthFlow}`, input });
      if (input.AuthFlow === 'USER_PASSWORD_AUTH') {
        if (input.AuthParameters.PASSWORD !== (opts.password ?? 'Passw0rd!')) throw Object.assign(new Error('Incorrect username or password.'), { name: 'NotAuthorizedException' });
        if (opts.totpCode) return { ChallengeName: 'SOFTWARE_TOKEN_MFA', ChallengeParameters: { USER_ID_FOR_SRP: 'u1', FRIENDLY_DEVICE_NAME: 'phone' }, Session: 'mfa-session' };
        return issue(true);
      }
      if (input.AuthFlow === 'REFRESH_TOKEN_AUTH') {
        if (opts.refreshFails) throw Object.assign(new Error('Refresh Token has expired'), { name: 'NotAuthorizedException' });
        return issue(false);
      }
      throw new Error(`unsupported flow ${input.AuthFlow}`);
    },
    async respondToAuthChallenge(input) {
      calls.push({ op: `RespondToAuthChallenge ${input.ChallengeName}`, input });
      if (input.ChallengeName !== 'SOFTWARE_TOKEN_MFA' || !opts.totpCode || input.Session !== 'mfa-session') throw new Error('not used');
      if (input.ChallengeResponses.SOFTWARE_TOKEN_MFA_CODE !== opts.totpCode) throw Object.assign(new Error('Invalid code received for user'), { name: 'CodeMismatchException' });
      return issue(true);
    },
  };
}

/** The token number (`n` claim) in an Authorization header. */
export const tokenNumber = (authorization: string | undefined) =>
  authorization ? (JSON.parse(Buffer.from(authorization.replace('Bearer ', '').split('.')[1], 'base64url').toString()) as { n: number }).n : undefined;
