/**
 * The primary adapter for API Gateway (HTTP API, payload 2.0): parse and validate, identify the caller, call the
 * use case, and map every error to the contract's shape in one place.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { z, type ZodType } from 'zod';
import { DomainError, type ErrorKind } from '../domain/errors.ts';
import { logger } from './powertools.ts';
import { now } from './clock.ts';

export type Auth = 'public' | 'user' | 'admin';
export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResult = APIGatewayProxyStructuredResultV2;

export const MAX_BODY_BYTES = 16 * 1024;

const STATUS: Record<ErrorKind, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unprocessable: 422,
  throttled: 429,
  not_implemented: 501,
};

export interface Caller {
  sub: string;
  email?: string;
  groups: string[];
  isAdmin: boolean;
}

export interface Request<B> {
  body: B;
  params: Record<string, string>;
  query: Record<string, string>;
  caller: Caller | null;
  now: number;
  event: HttpEvent;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({ status, body, headers });

/** HTTP API's JWT authorizer hands array claims over as a string such as "[admin players]". */
export function parseGroups(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.map(String);
  if (typeof raw !== 'string' || raw === '') return [];
  const trimmed = raw.trim();
  if (trimmed.startsWith('[') && trimmed.includes('"')) {
    try {
      return (JSON.parse(trimmed) as unknown[]).map(String);
    } catch {
      /* fall through to the space-separated form */
    }
  }
  return trimmed.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean);
}

export function callerOf(event: HttpEvent): Caller | null {
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  if (!claims || typeof claims.sub !== 'string') return null;
  const groups = parseGroups(claims['cognito:groups']);
  return {
    sub: claims.sub,
    email: typeof claims.email === 'string' ? claims.email : undefined,
    groups,
    isAdmin: groups.includes('admin'),
  };
}

export function errorReply(err: unknown): Reply {
  if (err instanceof DomainError) {
    return json(STATUS[err.kind], {
      error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) },
    });
  }
  const name = (err as { name?: string })?.name ?? '';
  if (name === 'ProvisionedThroughputExceededException' || name === 'ThrottlingException' || name === 'RequestLimitExceeded') {
    return json(429, { error: { code: 'throttled', message: 'the service is busy; retry with backoff' } }, { 'retry-after': '1' });
  }
  logger.error('unhandled error', err as Error);
  return json(500, { error: { code: 'internal_error', message: 'internal error' } });
}

function parseBody(event: HttpEvent): unknown {
  const raw = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) {
    throw new DomainError('payload_too_large', 'body_too_large', `the body must be at most ${MAX_BODY_BYTES} bytes`);
  }
  if (raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new DomainError('bad_request', 'malformed_json', 'the body is not valid JSON');
  }
}

export function validate<T>(schema: ZodType<T>, value: unknown, code = 'invalid_body'): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new DomainError('bad_request', code, 'the request does not match the schema', z.flattenError(result.error as z.ZodError<unknown>));
  }
  return result.data;
}

function authorize(auth: Auth, caller: Caller | null): void {
  if (auth === 'public') return;
  // API Gateway's JWT authorizer has already rejected missing or bad tokens; this guards direct invocations.
  if (!caller) throw new DomainError('unauthorized', 'unauthorized', 'a valid token is required');
  if (auth === 'admin' && !caller.isAdmin) throw new DomainError('forbidden', 'admin_only', 'this route is for admins');
}

export interface RouteOptions<B> {
  auth: Auth;
  body?: ZodType<B>;
}

export function httpHandler<B = undefined>(opts: RouteOptions<B>, handle: (req: Request<B>) => Promise<Reply>) {
  const base = async (event: HttpEvent, _context: Context): Promise<HttpResult> => {
    let reply: Reply;
    try {
      const caller = callerOf(event);
      authorize(opts.auth, caller);
      const parsed = opts.body ? validate(opts.body, parseBody(event)) : (undefined as B);
      if (caller) logger.appendKeys({ user_id: caller.sub });
      reply = await handle({
        body: parsed,
        params: (event.pathParameters ?? {}) as Record<string, string>,
        query: (event.queryStringParameters ?? {}) as Record<string, string>,
        caller,
        now: now(),
        event,
      });
    } catch (err) {
      reply = errorReply(err);
    } finally {
      logger.removeKeys(['user_id', 'episode_id', 'question_index']);
    }
    return {
      statusCode: reply.status,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...reply.headers },
      body: reply.body === undefined ? '' : JSON.stringify(reply.body),
    };
  };
  return middy(base).use(injectLambdaContext(logger, { resetKeys: true }));
}

/** The caller's user id for a body that may name one: only the caller itself is allowed. */
export function ownUserId(caller: Caller | null, claimed: string | undefined): string {
  if (!caller) throw new DomainError('unauthorized', 'unauthorized', 'a valid token is required');
  if (claimed !== undefined && claimed !== caller.sub) {
    throw new DomainError('forbidden', 'user_mismatch', 'user_id must be the signed-in user');
  }
  return caller.sub;
}
