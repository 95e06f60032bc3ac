/**
 * The primary adapter for API Gateway (HTTP API, payload 2.0): parse and validate, identify the caller, call the
 * use case, and map every error to the contract's shape in one place.
 *
 * Every rejection (a DomainError: bad body, late or duplicate answer, …) is counted (metric `Rejections` by reason)
 * and recorded, sampled, in the errors table with its reason, route, time and redacted body (GET /api/v1/errors).
 * Recording is best effort and in the background (lambda/shared/background.ts): the response never waits for it.
 *
 * The adapter knows no table: what it needs from the store (the rejection recorder, the origin secret) it is handed as
 * `HttpPorts` by lambda/http/httpHandler.ts, which every route imports.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { z, type ZodType } from 'zod';
import { envNames } from './resources.ts';
import { DomainError, badRequest, type ErrorKind } from '../domain/errors.ts';
import { ADMIN_GROUP } from '../domain/adminMfa.ts';
import { CANARY_GROUP, canaryMayCall, canaryMaySend } from '../domain/canaryScope.ts';
import type { ErrorEntry } from '../domain/operations.ts';
import { inBackground } from './background.ts';
import { logger, metrics, observed } from './powertools.ts';
import { metricName } from './metricNames.ts';
import { now } from './clock.ts';
import { requireCloudFront, type OriginSecretValues } from './originCheck.ts';
import { redactPayload } from './redact.ts';

/** Who may call a route (lib/wiring.ts gives each route one). */
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
  unsupported_media_type: 415,
  unprocessable: 422,
  throttled: 429,
  not_implemented: 501,
};

export interface Caller {
  sub: string;
  /** The Cognito user name (`username` in access tokens, `cognito:username` in ID tokens): what Cognito's admin APIs take. */
  username?: string;
  email?: string;
  groups: string[];
  isAdmin: boolean;
  /** In the `canary` group: a few admin routes, for the canary's own content only (lambda/domain/canaryScope.ts). */
  isCanary: boolean;
}

export interface Request<B, Q = Record<string, never>> {
  body: B;
  params: Record<string, string>;
  /** The query, validated by the route's `query` schema; a route without one refuses every query parameter. */
  query: Q;
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
    username: [claims.username, claims['cognito:username']].find((u): u is string => typeof u === 'string'),
    email: typeof claims.email === 'string' ? claims.email : undefined,
    groups,
    isAdmin: groups.includes(ADMIN_GROUP),
    isCanary: groups.includes(CANARY_GROUP),
  };
}

/** Correlation keys of the request being served: in the logs, and in the error record if it is rejected. */
export interface RequestKeys {
  episode_id?: string;
  question_index?: number;
}

const requestKeys = new AsyncLocalStorage<RequestKeys>();

/** Adds correlation keys to the current request's log lines (and to its error record, if it is rejected). */
export function annotate(keys: RequestKeys): void {
  const store = requestKeys.getStore();
  if (store) Object.assign(store, keys);
  logger.appendKeys({ ...keys });
}

/** What the adapter needs from outside lambda/shared/ (lambda/http/httpHandler.ts hands it over). */
export interface HttpPorts {
  /**
   * How many rejections of `reason` the next record stands for, 0 when none is recorded now: the errors table takes a
   * sample per function instance and reason (a burst of 5, then one every 5 s: lambda/store/errorRecords.ts).
   */
  sampleRejection: (reason: string) => number;
  /** Stores a rejection's record (in the background: the response never waits for it). */
  recordRejection: (entry: ErrorEntry) => Promise<void>;
  /** The values the origin secret header may carry (lambda/shared/originCheck.ts). */
  originSecretValues: OriginSecretValues;
}

const rawBody = (event: HttpEvent) =>
  event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : undefined;

/** At most 200 characters, as from the body: a longer id could not be a key of the errors table's episode index. */
const episodeInPath = (event: HttpEvent) => {
  const id = event.pathParameters?.id;
  return id && id.length <= 200 && /\/episode\/\{id\}/.test(event.routeKey ?? '') ? id : undefined;
};
/** Only a path index the route could accept (digits, 0–99) is a correlation key: `99999999999999999999` cannot be stored. */
const indexInPath = (event: HttpEvent): RequestKeys => {
  const index = event.pathParameters?.index;
  return index !== undefined && /^\d{1,2}$/.test(index) ? { question_index: Number(index) } : {};
};

/** The episode a rejected request was about: from the handler, the body, or the path. */
function episodeOf(event: HttpEvent, keys: RequestKeys, raw: string | undefined): string | undefined {
  if (keys.episode_id) return keys.episode_id;
  if (raw && raw.length <= MAX_BODY_BYTES) {
    try {
      const id = (JSON.parse(raw) as { episode_id?: unknown } | null)?.episode_id;
      if (typeof id === 'string' && id.length > 0 && id.length <= 200) return id;
    } catch {
      // Not JSON (malformed_json): the episode is still worth knowing when the text names one.
      const named = /"episode_id"\s*:\s*"([^"\\]{1,200})"/.exec(raw)?.[1];
      if (named) return named;
    }
  }
  return episodeInPath(event);
}

async function recordRejection(ports: HttpPorts, err: DomainError, status: number, event: HttpEvent, caller: Caller | null, keys: RequestKeys): Promise<void> {
  const counted = metrics.singleMetric();
  counted.addDimension('reason', err.code);
  counted.addMetric(metricName.Rejections, MetricUnit.Count, 1);
  if (!process.env[envNames.table('errors')]) return; // a function without the errors table (public routes)
  const represents = ports.sampleRejection(err.code);
  if (represents === 0) return;
  const raw = rawBody(event);
  const index = keys.question_index ?? indexInPath(event).question_index;
  const entry = {
    reason: err.code,
    source: event.routeKey ?? `${event.requestContext?.http?.method} ${event.rawPath}`,
    at: now(),
    status,
    detail: err.message,
    episode_id: episodeOf(event, keys, raw),
    question_index: index,
    user_id: caller?.sub,
    payload: redactPayload(raw),
    represents,
  };
  await inBackground('recording a rejection', () => ports.recordRejection(entry));
}

export function errorReply(err: unknown): Reply {
  if (err instanceof DomainError) {
    const retryAfter = (err.details as { retry_after_seconds?: unknown } | undefined)?.retry_after_seconds;
    return json(
      STATUS[err.kind],
      { error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) } },
      typeof retryAfter === 'number' ? { 'retry-after': String(retryAfter) } : {},
    );
  }
  const name = (err as { name?: string })?.name ?? '';
  if (name === 'ProvisionedThroughputExceededException' || name === 'ThrottlingException' || name === 'RequestLimitExceeded') {
    return json(429, { error: { code: 'throttled', message: 'the service is busy; retry with backoff' } }, { 'retry-after': '1' });
  }
  logger.error('unhandled error', err as Error);
  return json(500, { error: { code: 'internal_error', message: 'internal error' } });
}

/** `application/json` or a `+json` type, with any parameters (`; charset=utf-8`). */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

function parseBody(event: HttpEvent, maxBytes: number): unknown {
  const raw = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
  if (Buffer.byteLength(raw, 'utf8') > maxBytes) {
    throw new DomainError('payload_too_large', 'body_too_large', `the body must be at most ${maxBytes} bytes`);
  }
  if (raw.trim() === '') return undefined;
  const contentType = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'content-type')?.[1];
  if (!contentType || !JSON_MEDIA_TYPE.test(contentType)) {
    throw new DomainError(
      'unsupported_media_type',
      'unsupported_media_type',
      `the body must be sent with Content-Type: application/json (got ${contentType ? JSON.stringify(contentType.slice(0, 100)) : 'none'})`,
    );
  }
  try {
    return JSON.parse(raw);
  } catch {
    throw new DomainError('bad_request', 'malformed_json', 'the body is not valid JSON');
  }
}

/** `options.1: at least one visible character; answer: …`: the first few issues, each with the field it is about. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], shown = 3): string {
  const described = issues.slice(0, shown).map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(whole)'}: ${issue.message}`);
  const more = issues.length > shown ? ` (and ${issues.length - shown} more)` : '';
  return `${described.join('; ')}${more}`;
}

export function validate<T>(schema: ZodType<T>, value: unknown, code = 'invalid_body'): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const error = result.error as z.ZodError<unknown>;
    throw new DomainError('bad_request', code, `invalid input: ${describeIssues(error.issues)}`, z.flattenError(error));
  }
  return result.data;
}

function parseQuery<Q>(schema: ZodType<Q> | undefined, query: Record<string, string | undefined>): Q {
  if (schema) return validate(schema, query, 'invalid_query');
  const names = Object.keys(query);
  if (names.length > 0) {
    throw badRequest('invalid_query', `this route takes no query parameters (got ${names.slice(0, 5).map((n) => n.slice(0, 50)).join(', ')})`);
  }
  return {} as Q;
}

function authorize(auth: Auth, caller: Caller | null, event: HttpEvent): void {
  if (auth === 'public') return;
  // API Gateway's JWT authorizer has already rejected missing or bad tokens; this guards direct invocations.
  if (!caller) throw new DomainError('unauthorized', 'unauthorized', 'a valid token is required');
  // The JWT authorizer checks the signature, issuer, expiry and audience (an ID token's aud, an access token's
  // client_id) but not token_use, so it lets ID tokens through: only access tokens may call the API.
  if (event.requestContext?.authorizer?.jwt?.claims?.token_use !== 'access') {
    throw new DomainError('unauthorized', 'access_token_required', 'send the access token (token_use access), not the ID token');
  }
  if (auth === 'admin' && !caller.isAdmin && !(caller.isCanary && canaryMayCall(event.routeKey))) {
    throw new DomainError('forbidden', 'admin_only', 'this route is for admins');
  }
}

/** The second half of `authorize` for a canary on an admin route: only once its body is read can its scope be judged. */
function authorizeBody(auth: Auth, caller: Caller | null, event: HttpEvent, body: unknown): void {
  if (auth === 'admin' && caller && !caller.isAdmin && !canaryMaySend(event.routeKey, body)) {
    throw new DomainError('forbidden', 'admin_only', 'this route is for admins; the canary may only create its own question, game and canary-… episodes');
  }
}

export interface RouteOptions<B, Q> {
  auth: Auth;
  body?: ZodType<B>;
  /** A larger body limit than MAX_BODY_BYTES, for a route that takes batches (POST /api/v1/client-events). */
  maxBodyBytes?: number;
  /** The query parameters the route takes (a strict object: unknown ones are refused, as unknown body fields are). */
  query?: ZodType<Q>;
}

/** The handler factory every route uses, bound to its ports (lambda/http/httpHandler.ts). */
export const httpAdapter =
  (ports: HttpPorts) =>
  <B = undefined, Q = Record<string, never>>(opts: RouteOptions<B, Q>, handle: (req: Request<B, Q>) => Promise<Reply>) => {
  const serve = async (event: HttpEvent, keys: RequestKeys): Promise<HttpResult> => {
    let reply: Reply;
    let caller: Caller | null = null;
    logger.appendKeys({ request_id: event.requestContext?.requestId, route: event.routeKey });
    const pathEpisode = episodeInPath(event);
    if (pathEpisode) annotate({ episode_id: pathEpisode, ...indexInPath(event) });
    try {
      await requireCloudFront(event, ports.originSecretValues);
      caller = callerOf(event);
      if (caller) logger.appendKeys({ user_id: caller.sub });
      authorize(opts.auth, caller, event);
      const query = parseQuery(opts.query, event.queryStringParameters ?? {});
      const parsed = opts.body ? validate(opts.body, parseBody(event, opts.maxBodyBytes ?? MAX_BODY_BYTES)) : (undefined as B);
      authorizeBody(opts.auth, caller, event, parsed);
      reply = await handle({
        body: parsed,
        params: (event.pathParameters ?? {}) as Record<string, string>,
        query,
        caller,
        now: now(),
        event,
      });
    } catch (err) {
      reply = errorReply(err);
      if (err instanceof DomainError) await recordRejection(ports, err, reply.status, event, caller, keys);
    } finally {
      logger.removeKeys(['request_id', 'route', 'user_id', 'episode_id', 'question_index']);
    }
    return {
      statusCode: reply.status,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...reply.headers },
      body: reply.body === undefined ? '' : JSON.stringify(reply.body),
    };
  };
  const base = async (event: HttpEvent, _context: Context): Promise<HttpResult> => {
    const keys: RequestKeys = {};
    return requestKeys.run(keys, () => serve(event, keys));
  };
  return observed(base);
};

/** The caller's user id for a body that may name one: only the caller itself is allowed. */
export function ownUserId(caller: Caller | null, claimed: string | undefined): string {
  if (!caller) throw new DomainError('unauthorized', 'unauthorized', 'a valid token is required');
  if (claimed !== undefined && claimed !== caller.sub) {
    throw new DomainError('forbidden', 'user_mismatch', 'user_id must be the signed-in user');
  }
  return caller.sub;
}
