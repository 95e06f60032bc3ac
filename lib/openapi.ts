/**
 * OpenAPI 3.1 for API v1, generated from the wiring (lib/wiring.ts: every http route, its method, path and auth) and
 * from the zod schemas the handlers validate with (lambda/domain/schemas.ts) and the response shapes
 * (lambda/domain/contract.ts).
 *
 * `routeDocs` maps each function id to what its route takes and answers. A route in the wiring without an entry makes
 * the generator throw, so a new route cannot ship undocumented. `npm run openapi` writes docs/openapi.json;
 * `GET /api/v1/openapi.json` serves the same document.
 *
 * Pure: no CDK, no SDK (it is bundled into the openapiSpec function).
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z, type ZodObject, type ZodType } from 'zod';
import * as c from '../lambda/domain/contract.ts';
import { ERROR_CODES } from '../lambda/domain/errorCodes.ts';
import * as ops from '../lambda/domain/operations.ts';
import type { Auth } from '../lambda/shared/http.ts';
import { httpRoutes, type FunctionId, type HttpMethod } from './wiring.ts';

/** The contract's version (API v1), not the package's: the document changes only when the contract does. */
export const API_VERSION = '1.0.0';
export const OPENAPI_PATH = '/api/v1/openapi.json';

type Status = 200 | 201 | 202 | 204 | 400 | 403 | 404 | 409 | 413 | 415 | 422;

export interface RouteDoc {
  summary: string;
  description?: string;
  tag: string;
  params?: ZodObject;
  query?: ZodObject;
  body?: ZodType;
  /** Success and route-specific error statuses. 401 (non-public), 403 (admin), 429 and 500 are added for every route. */
  /** A response without `schema` has no body (204). */
  responses: Partial<Record<Status, { description: string; schema?: ZodType; headers?: Record<string, string> }>>;
}

const err = (description: string) => ({ description, schema: c.errorBody });
const badBody = err(
  'malformed JSON (`malformed_json`), or the body does not match the schema (`invalid_body`: the message names the field and the rule, `details` has every field)',
);
const badPath = err('a path parameter is malformed (`invalid_path`)');
const tooLarge = err('the body is larger than 16 KiB (`body_too_large`)');
const notJson = err('the body was not sent as `Content-Type: application/json` (`unsupported_media_type`)');
const noQuery = 'this route takes no query parameters (`invalid_query`)';

/** What a create-once POST answers (lambda/store/createOnce.ts): 201, 200 for the same body again, 409 for another. */
const createdOnce = (what: string, schema: ZodType, conflict: string, unprocessable: string): RouteDoc['responses'] => ({
  201: { description: 'created', schema },
  200: { description: `the same ${what} was already stored under this id`, schema },
  400: badBody,
  409: err(conflict),
  413: tooLarge,
  422: err(unprocessable),
});

/** What every http function's route takes and answers, by function id. */
export const routeDocs: Partial<Record<FunctionId, RouteDoc>> = {
  health: {
    summary: 'Liveness check',
    tag: 'meta',
    responses: { 200: { description: 'the API is up', schema: c.health } },
  },
  openapiSpec: {
    summary: 'This document',
    tag: 'meta',
    responses: { 200: { description: 'the OpenAPI 3.1 document of API v1', schema: c.openapiDocument } },
  },
  createQuestion: {
    summary: 'Create a question',
    description: 'Posting the same id with the same body again answers 200 with the stored question; a different body under that id is 409.',
    tag: 'content',
    body: c.questionInput,
    responses: createdOnce(
      'question',
      c.question,
      'a different question already has this id (`id_conflict`)',
      '`answer` is not an index of `options` (`answer_out_of_range`), or a translation has another number of options (`translation_options_mismatch`)',
    ),
  },
  listQuestions: {
    summary: 'List questions (a page at a time)',
    description: 'Pages through the question bank; pass `next` from one page to get the following one. Order is unspecified.',
    tag: 'content',
    query: c.questionListQuery,
    responses: {
      200: { description: 'one page', schema: c.questionPage },
      400: err('`limit` or `next` is malformed, or an unknown parameter (`invalid_query`); `next` is not a cursor this listing handed out (`invalid_cursor`)'),
    },
  },
  getQuestion: {
    summary: 'Read a question with its answer',
    tag: 'content',
    params: c.idPath,
    responses: { 200: { description: 'the question', schema: c.question }, 400: badPath, 404: err('no such question') },
  },
  createGame: {
    summary: 'Create a game (an ordered set of questions)',
    tag: 'content',
    body: c.gameInput,
    responses: createdOnce('game', c.game, 'a different game already has this id', 'an id in `qset` is not a question (`unknown_questions`, `details.missing`)'),
  },
  getGame: {
    summary: 'Read a game',
    tag: 'content',
    params: c.idPath,
    responses: { 200: { description: 'the game', schema: c.game }, 400: badPath, 404: err('no such game') },
  },
  createEpisode: {
    summary: 'Create an episode (a live run of a game)',
    tag: 'episodes',
    body: c.episodeInput,
    responses: createdOnce(
      'episode',
      c.episodeView,
      'a different episode already has this id (`id_conflict`), or a running episode uses some of its questions (`questions_in_use`)',
      'unknown game (`unknown_game`) or unknown questions in `qset` (`unknown_questions`); an id outside 1–50 characters of ' +
        '`[A-Za-z0-9-]` (`invalid_episode_id`: it names the live channel); `start_at` more than 60 s in the past (`start_at_in_past`)',
    ),
  },
  listEpisodes: {
    summary: 'List the upcoming and live episodes, soonest first (at most 50)',
    tag: 'episodes',
    responses: { 200: { description: 'the episodes that are not over', schema: c.episodeList } },
  },
  getWinners: {
    summary: "An ended episode's winners, by nickname",
    description: 'Named when at most 100 players won (nicknames only, never user ids); `winners_count` is always exact.',
    tag: 'play',
    params: c.idPath,
    responses: {
      200: { description: 'the winners', schema: c.winners },
      400: badPath,
      404: err('no such episode'),
      409: err('the episode has not ended (`episode_not_ended`)'),
    },
  },
  getEpisode: {
    summary: 'Read an episode: state, current question, counts, server time',
    description:
      'The current question carries `answer` only once it has closed. `server_time` is the server clock: draw countdowns from ' +
      '`question_end_timestamp - server_time`. Cached for up to 1 s.',
    tag: 'episodes',
    params: c.idPath,
    responses: { 200: { description: 'the episode', schema: c.episodeView }, 400: badPath, 404: err('no such episode') },
  },
  getLiveSnapshot: {
    summary: 'The live snapshot of an episode (no token; one shared cache entry)',
    description:
      'For joining, reconnecting and filling a `seq` gap on the live channel (AppSync Events, channel `/episodes/{id}`). ' +
      'The same bytes for every caller for the same `seq`; `Cache-Control: public, max-age=1`, and CloudFront ignores query strings.',
    tag: 'live',
    params: c.idPath,
    responses: {
      200: { description: 'the last event’s episode view, and the statistics while the results are shown', schema: c.liveSnapshot, headers: { 'Cache-Control': 'public, max-age=1' } },
      400: badPath,
      404: err('no such episode'),
    },
  },
  getMyStanding: {
    summary: "The caller's own standing in an episode",
    description: 'Registered, still in, eliminated at which question, or a winner. Private: never cached by a shared cache.',
    tag: 'live',
    params: c.idPath,
    query: c.standingQuery,
    responses: {
      200: { description: 'the standing', schema: c.standing },
      400: err('the id is malformed (`invalid_path`), or `seq` is not a whole number (`invalid_query`)'),
      404: err('no such episode'),
    },
  },
  cancelEpisode: {
    summary: 'Cancel an episode',
    tag: 'episodes',
    params: c.idPath,
    responses: {
      200: { description: 'the cancelled episode', schema: c.episodeView },
      400: badPath,
      404: err('no such episode'),
      409: err('the episode is already over (`episode_over`) or moved meanwhile (`episode_moved`)'),
    },
  },
  getStatistics: {
    summary: 'Statistics of a closed question',
    tag: 'episodes',
    params: c.statisticsPath,
    responses: {
      200: { description: 'the final statistics', schema: c.statistics },
      400: badPath,
      404: err('no such episode, or no such question index'),
      409: err('the question has not closed yet, or is still being counted (`statistics_not_ready`)'),
    },
  },
  registerParticipant: {
    summary: 'Register the signed-in player for an episode',
    description: 'Registering twice returns the first registration (200).',
    tag: 'play',
    body: c.participantInput,
    responses: {
      201: { description: 'registered', schema: c.participant },
      200: { description: 'already registered: the first registration', schema: c.participant },
      400: badBody,
      403: err('`user_id` is not the signed-in user (`user_mismatch`)'),
      404: err('no such episode'),
      409: err('registration closed when the first question opened (`registration_closed`)'),
      413: tooLarge,
    },
  },
  submitResponse: {
    summary: 'Answer the open question',
    description:
      '202 once the answer is durably queued. Only the first answer counts: a second one gets 409 `duplicate_answer` once the first is ' +
      'stored (a client that retried a 202 may treat that 409 as success).',
    tag: 'play',
    body: c.responseInput,
    responses: {
      202: { description: 'accepted and queued', schema: c.accepted },
      400: badBody,
      403: err('not registered (`not_registered`), eliminated (`eliminated`) or another user (`user_mismatch`)'),
      404: err('no such episode'),
      409: err('`question_not_open`, `answer_window_closed` or `duplicate_answer`'),
      413: tooLarge,
      422: err('`answer` is not an option index (`answer_out_of_range`)'),
    },
  },
  getReport: {
    summary: 'Report of an episode: winners, per-question statistics, survival curve, timings',
    tag: 'episodes',
    params: c.idPath,
    responses: { 200: { description: 'the report', schema: c.report }, 400: badPath, 404: err('no such episode') },
  },
  listWinners: {
    summary: 'Every winner of an ended episode, a page at a time',
    description:
      'By user id; pass `next` from one page to get the following one (default 100 a page, at most 1000). `winners_count` is exact. ' +
      'Each page reads at most a page (and one more) of each response shard, however many players won.',
    tag: 'episodes',
    params: c.idPath,
    query: c.winnerListQuery,
    responses: {
      200: { description: 'one page', schema: c.winnerPage },
      400: err('malformed id, `limit` or `next`, or an unknown parameter; `next` is not a cursor this listing handed out for this episode (`invalid_cursor`)'),
      404: err('no such episode'),
      409: err('the episode has not ended (`episode_not_ended`)'),
    },
  },
  getLiveStats: {
    summary: 'Live aggregates of the domain events: totals, rates, top players, live episodes',
    description:
      'Summed from per-batch partials of the event stream over the window (the current minute and the ones before it, ' +
      '`window_minutes`, default 60); the moving average covers the last 60 seconds. Times are event times by the server clock. ' +
      'Computed at most once a second per server instance.',
    tag: 'analytics',
    query: c.liveStatsQuery,
    responses: { 200: { description: 'the aggregates', schema: c.liveStats }, 400: err('`window_minutes` is not an integer from 1 to 1440') },
  },
  getMe: {
    summary: 'The signed-in user (created on first sight)',
    tag: 'users',
    responses: { 200: { description: 'the user', schema: c.user }, 403: err('the account was erased (`account_erased`)') },
  },
  updateMe: {
    summary: "Change the signed-in user's nickname",
    tag: 'users',
    body: c.userUpdateInput,
    responses: { 200: { description: 'the user', schema: c.user }, 400: badBody, 403: err('the account was erased (`account_erased`)'), 413: tooLarge },
  },
  deleteMe: {
    summary: "Erase the signed-in player's personal data and account",
    description:
      'The profile (nickname) is erased and the Cognito account (email, password) deleted; the player cannot sign in again. ' +
      'Registrations and answers stay, keyed by the account subject, which then names no one, so every count of every game ' +
      'stays exact. Idempotent. A token issued before stays valid until it expires, but the profile never comes back ' +
      '(403 `account_erased` on `/user/me`).',
    tag: 'users',
    responses: { 204: { description: 'erased' } },
  },
  createMediaUpload: {
    summary: 'Get a presigned upload URL for question media',
    description:
      'Returns a presigned S3 PUT for a new object `media/<uuid>.<ext>` and the CDN URL it will be served at. PUT the bytes to ' +
      '`upload_url` with `upload_headers` (the Content-Type is signed; so is the length when `content_length` is given), then ' +
      "create the question with `media_url`. Locally the upload URL points at the local stack's file-backed store.",
    tag: 'content',
    body: c.mediaUploadInput,
    responses: {
      200: { description: 'the upload URL and the future media URL', schema: c.mediaUpload },
      400: err('malformed JSON, an unsupported `content_type`, or `content_length` out of range (`details` has the fields)'),
      413: tooLarge,
    },
  },
  listErrors: {
    summary: 'Recorded rejections and dead letters',
    description:
      'Every rejected request (the error code of its 4xx is the `reason`), every answer a consumer dropped as a duplicate, and every ' +
      'dead letter (`reason` `dead_letter`), newest first, with its source, time and redacted body. Rejections are sampled per ' +
      'function instance (`represents` tells how many a record stands for); dead letters never are. Kept 14 days. ' +
      'Filter by `reason`, by `episode_id`, or both; `from`/`to` cover at most 7 days (default: the last 24 h).',
    tag: 'operations',
    query: ops.errorsQuery,
    responses: {
      200: { description: 'the matching records, newest first', schema: ops.errorsPage },
      400: err('a malformed query (`invalid_query`), `from` after `to` (`invalid_range`), or more than 7 days (`range_too_large`)'),
    },
  },
  deadLetterStatus: {
    summary: 'Dead-letter queues: depth and redrives',
    description: 'Each queue\'s dead-letter queue and the stream failures\' (`streams`), with their depth and latest redrives.',
    tag: 'operations',
    responses: { 200: { description: 'every dead-letter queue', schema: ops.deadLetterStatus } },
  },
  redriveDeadLetters: {
    summary: 'Move the dead letters of a queue back to it',
    description:
      'Starts an SQS message move task from the dead-letter queue of `queue` (`answers` or `runnerTicks`) back to the queue, after a ' +
      'fix. SQS moves the messages over the next seconds; `GET /api/v1/dlq` shows the progress.',
    tag: 'operations',
    params: ops.redrivePath,
    responses: {
      202: { description: 'the move started', schema: ops.redriveStarted },
      400: badPath,
      404: err('no such queue (`queue_not_found`)'),
      409: err('a redrive of this queue is running (`redrive_running`), or the queue is `streams` (`not_redrivable`)'),
    },
  },
  collectClientEvents: {
    summary: "Send a batch of the client's events (The Eye)",
    description:
      '1–100 events; 202 once the batch is queued, with the server\'s receipt time. Each event is then checked on its own: one that ' +
      'does not validate (no `session_id`, a timestamp more than 5 minutes ahead of the server or more than 30 days old, `data` not ' +
      'an object, larger than 4 KiB, a malformed field) is recorded in the errors with its reason (`client_event_*`, ' +
      '`GET /api/v1/errors`), and the rest of the batch is kept. The sender is the token\'s subject, never the body. Events from ' +
      'before sign-in carry the device\'s `anonymous_id`; the client keeps them and sends them once signed in (the sign-up event ' +
      'with the same `anonymous_id` links them). Rate limit: 600 events a minute per user (429 `rate_limited` with `retry-after`). ' +
      'The body may be up to 200 KiB.',
    tag: 'analytics',
    body: c.clientEventBatchInput,
    responses: {
      202: { description: 'queued', schema: c.clientEventsAccepted },
      400: badBody,
      413: err('the body is larger than 200 KiB'),
    },
  },
  listClientEvents: {
    summary: 'Client events by session, by category or by time',
    description:
      'Oldest first, a page at a time (`next`). With `session_id`: that session\'s events (any time, or `from`/`to`). With `category`, or ' +
      'neither: the events of the range (default the last 24 h, at most 7 days), by event timestamp. Kept 90 days; the analytics lake keeps them longer.',
    tag: 'analytics',
    query: c.clientEventsQuery,
    responses: {
      200: { description: 'one page', schema: c.clientEventsPage },
      400: err('a malformed query or cursor (`invalid_query`, `invalid_cursor`), both `session_id` and `category`, `from` after `to` (`invalid_range`), or more than 7 days (`range_too_large`)'),
    },
  },
  getAttribution: {
    summary: 'Sign-ups by first- and last-touch campaign',
    description:
      'A touch is a page view (`page`/`page_view`) with `data.utm_source`; a sign-up (`account`/`sign_up`) is attributed from the touches of ' +
      'its `anonymous_id` in the 30 days before it: the earliest (first touch) and the latest (last touch); equal timestamps are ordered ' +
      'by `source/medium/campaign`. Without a touch: `(direct)`. Materialized per batch as events arrive; days are UTC.',
    tag: 'analytics',
    query: c.growthRange,
    responses: {
      200: { description: 'the attribution table', schema: c.attribution },
      400: err('days malformed (`invalid_query`), `from` after `to` (`invalid_range`), more than 92 days (`range_too_large`)'),
    },
  },
  getFunnel: {
    summary: 'The growth funnel by day: page views, sign-ups, joined, answered, won',
    description: 'Per UTC day of event time, from per-batch aggregates of the client events and of the domain events.',
    tag: 'analytics',
    query: c.growthRange,
    responses: {
      200: { description: 'the funnel', schema: c.funnel },
      400: err('days malformed (`invalid_query`), `from` after `to` (`invalid_range`), more than 92 days (`range_too_large`)'),
    },
  },
};

export interface DocumentedRoute {
  functionId: FunctionId;
  method: HttpMethod;
  path: string;
  auth: Auth;
}

export interface OpenApiMedia {
  content?: Record<string, { schema: unknown }>;
  description?: string;
}

export interface OpenApiOperation {
  operationId: string;
  summary?: string;
  description?: string;
  security: Record<string, string[]>[];
  'x-auth': Auth;
  requestBody?: OpenApiMedia & { required?: boolean };
  parameters?: { name: string; in: string; required?: boolean; schema: unknown }[];
  responses: Record<string, OpenApiMedia>;
  [k: string]: unknown;
}

export interface OpenApiDocument {
  openapi: string;
  info: Record<string, unknown>;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: Record<string, Record<string, unknown>>;
  [k: string]: unknown;
}

const AUTH_NOTE: Record<Auth, string> = {
  public: 'Public: no token.',
  user: 'Any signed-in user (Cognito ID or access token as `Authorization: Bearer …`).',
  admin: 'Admins only: a signed-in user in the Cognito group `admin` (others get 403 `admin_only`).',
};

/** Generates the document; throws when a route has no entry in `docs` or an entry has no route. */
export function generateOpenApi(routes: DocumentedRoute[] = httpRoutes(), docs: Partial<Record<string, RouteDoc>> = routeDocs): OpenApiDocument {
  const undocumented = routes.filter((r) => !docs[r.functionId]).map((r) => `${r.method} ${r.path} (${r.functionId})`);
  if (undocumented.length > 0) {
    throw new Error(`lib/openapi.ts: no routeDocs entry for ${undocumented.join(', ')}: describe its request and responses`);
  }
  const routed = new Set(routes.map((r) => r.functionId));
  const stale = Object.keys(docs).filter((id) => !routed.has(id as FunctionId));
  if (stale.length > 0) throw new Error(`lib/openapi.ts: routeDocs has entries for functions without an http route: ${stale.join(', ')}`);

  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A Cognito token of the stack\'s user pool (InitiateAuth with USER_PASSWORD_AUTH or USER_SRP_AUTH).',
  });

  const sorted = [...routes].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  for (const route of sorted) {
    const doc = docs[route.functionId]!;
    const responses: Record<string, ResponseConfig> = {};
    const add = (status: number, description: string, schema: ZodType | undefined, headers?: Record<string, string>) => {
      responses[String(status)] = {
        description,
        ...(schema ? { content: { 'application/json': { schema } } } : {}),
        ...(headers ? { headers: Object.fromEntries(Object.entries(headers).map(([k, d]) => [k, { description: d, schema: { type: 'string' } }])) } : {}),
      };
    };
    for (const [status, r] of Object.entries(doc.responses)) add(Number(status), r.description, r.schema, r.headers);
    if (doc.body && !responses['415']) add(415, notJson.description, notJson.schema);
    if (!doc.query) {
      const bad = responses['400'];
      if (bad) bad.description = `${bad.description}; ${noQuery}`;
      else add(400, noQuery, c.errorBody);
    }
    if (route.auth !== 'public') {
      add(401, "missing or invalid token (API Gateway's own body `{message}`)", z.union([c.unauthorizedBody, c.errorBody]));
    }
    if (route.auth === 'admin' && !responses['403']) add(403, 'the caller is not an admin (`admin_only`)', c.errorBody);
    add(429, 'throttled: retry with exponential backoff', c.errorBody, { 'retry-after': 'seconds to wait, when known' });
    add(500, 'internal error (never a stack trace)', c.errorBody);

    const config: RouteConfig = {
      method: route.method.toLowerCase() as RouteConfig['method'],
      path: route.path,
      operationId: route.functionId,
      summary: doc.summary,
      description: [doc.description, AUTH_NOTE[route.auth]].filter(Boolean).join('\n\n'),
      tags: [doc.tag],
      security: route.auth === 'public' ? [] : [{ [bearer.name]: [] }],
      'x-auth': route.auth,
      request: {
        ...(doc.params ? { params: doc.params } : {}),
        ...(doc.query ? { query: doc.query } : {}),
        ...(doc.body ? { body: { required: true, content: { 'application/json': { schema: doc.body } } } } : {}),
      },
      responses,
    };
    registry.registerPath(config);
  }

  const generator = new OpenApiGeneratorV31(registry.definitions);
  const document = generator.generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Trivia Live API',
      version: API_VERSION,
      description:
        'API v1 of Trivia Live: live trivia shows. JSON bodies with snake_case fields; a trailing slash is optional. ' +
        'Errors have the shape `{"error": {"code", "message", "details"?}}`. Times are epoch milliseconds. Bodies are sent as ' +
        '`Content-Type: application/json`. A path no route matches answers API Gateway\'s own 404 `{"message":"Not Found"}` ' +
        '(the typed client names it `route_not_found`), as a 401 of the JWT authorizer answers `{"message":"Unauthorized"}`.\n\n' +
        'Error codes:\n\n| code | status | meaning |\n| --- | --- | --- |\n' +
        Object.entries(ERROR_CODES).map(([code, [status, meaning]]) => `| \`${code}\` | ${status} | ${meaning} |`).join('\n'),
    },
    servers: [{ url: '/', description: 'the stack\'s ApiUrl (cdk-outputs.json)' }],
  });
  return JSON.parse(JSON.stringify(document)) as OpenApiDocument;
}

/** The document as committed in docs/openapi.json: two-space indentation and a final newline. */
export const renderOpenApi = (doc: OpenApiDocument = generateOpenApi()) => `${JSON.stringify(doc, null, 2)}\n`;
