/**
 * Shared builders for the handler tests: API Gateway HTTP API (payload 2.0) events with a Cognito JWT authorizer,
 * a fake Lambda context, SQS and DynamoDB stream events, the environment the functions read, and small helpers
 * to read what the mocked SDK clients were sent.
 *
 * Handlers read some settings when their modules load (log level, cache TTL), so tests call `stubEnvironment()`
 * first and import the handlers dynamically afterwards.
 */
import { afterEach, beforeEach, expect, vi } from 'vitest';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClientResolvedConfig, type ServiceInputTypes, type ServiceOutputTypes, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { AwsStub } from 'aws-sdk-client-mock';
import { marshall } from '@aws-sdk/util-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { HttpResponse, type HttpRequest } from '@smithy/protocol-http';
import { Readable } from 'node:stream';
import { envNames, type QueueId, type TableId } from '../../lambda/shared/resources.ts';
import { newEpisode } from '../../lambda/domain/episode.ts';
import type { Episode, Question } from '../../lambda/domain/schemas.ts';

/** A fixed "now" (2023-11-14T22:13:20Z): every timestamp the tests assert is a concrete number. */
export const NOW = 1_700_000_000_000;

export const TABLES: Record<TableId, string> = {
  questions: 'test-questions',
  games: 'test-games',
  episodes: 'test-episodes',
  participants: 'test-participants',
  responses: 'test-responses',
  statistics: 'test-statistics',
  users: 'test-users',
  errors: 'test-errors',
  liveStats: 'test-live-stats',
  clientEvents: 'test-client-events',
  growth: 'test-growth',
  rateLimits: 'test-rate-limits',
};

export const QUEUES: Record<QueueId, string> = {
  answers: 'https://sqs.eu-west-1.amazonaws.com/123456789012/test-answers',
  runnerTicks: 'https://sqs.eu-west-1.amazonaws.com/123456789012/test-runner-ticks',
  clientEvents: 'https://sqs.eu-west-1.amazonaws.com/123456789012/test-client-events',
};

export const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:test-notifications';

/** The Event API's HTTP publish endpoint the functions are given (requests to it are captured by `liveChannel()`). */
export const EVENT_API = 'https://test-events.appsync-api.eu-west-1.amazonaws.com/event';

/** Every variable the functions read, named as lib/wiring.ts names them. */
export function stubEnvironment(extra: Record<string, string> = {}): void {
  // Not the errors table: without its variable, rejections are not recorded, so that "writes nothing" means the game's
  // tables. test/handlers/operations.test.ts sets it (stubEnvironment({ ERRORS_TABLE: TABLES.errors })) to test recording.
  for (const [id, name] of Object.entries(TABLES)) if (id !== 'errors') vi.stubEnv(envNames.table(id as TableId), name);
  for (const [id, url] of Object.entries(QUEUES)) vi.stubEnv(envNames.queue(id as QueueId), url);
  vi.stubEnv(envNames.topic('notifications'), TOPIC_ARN);
  vi.stubEnv(envNames.eventApi, EVENT_API);
  vi.stubEnv(envNames.setting('cursorKey'), 'test-cursor-key');
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  vi.stubEnv('LOG_LEVEL', 'SILENT');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'TriviaLiveTest');
  for (const [k, v] of Object.entries(extra)) vi.stubEnv(k, v);
}

/** Pins `Date.now()` (and only the Date object: promises and timers stay real) at `at`. */
export function pinClock(at = NOW): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(at);
}

export interface IsolationOptions {
  /** SDK client mocks to reset before each test. */
  mocks: { reset(): void }[];
  /** Clears the handlers' module-level episode cache (imported after `stubEnvironment()`, hence a getter). */
  clearEpisodeCache?: () => void;
  /** Console methods whose output (Powertools warnings, say) is kept out of the test output. */
  quiet?: ('warn' | 'error' | 'log')[];
}

/** The per-test routine of the handler tests: fresh SDK mocks, an empty episode cache, a pinned clock, quiet console. */
export function isolateEachTest(options: IsolationOptions): void {
  beforeEach(() => {
    for (const mock of options.mocks) mock.reset();
    options.clearEpisodeCache?.();
    pinClock();
    for (const method of options.quiet ?? ['warn']) vi.spyOn(console, method).mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Callers and events

export interface Claims {
  sub: string;
  email?: string;
  /** As API Gateway's JWT authorizer passes array claims: a string such as "[admin]". */
  'cognito:groups'?: string;
}

export const ADMIN: Claims = { sub: 'admin-sub-0001', email: 'admin@example.com', 'cognito:groups': '[admin]' };
export const PLAYER: Claims = { sub: 'player-sub-0001', email: 'player1@example.com' };
/** The canary's user: in the `canary` group, not `admin` (lambda/domain/canaryScope.ts). */
export const CANARY: Claims = { sub: 'canary-sub-0001', email: 'canary@example.com', 'cognito:groups': '[canary]' };
export const OTHER_PLAYER: Claims = { sub: 'player-sub-0002', email: 'player2@example.com', 'cognito:groups': '[players]' };

export interface HttpEventOptions {
  /** Claims of the caller; `null` builds an event without an authorizer (a direct invocation). */
  claims?: Claims | null;
  /** A value is sent as JSON; a string is sent as is (to send malformed JSON). */
  body?: unknown;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  base64?: boolean;
}

export function httpEvent(method: string, routeKeyPath: string, rawPath: string, opts: HttpEventOptions = {}): APIGatewayProxyEventV2WithJWTAuthorizer {
  const rawBody = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  const claims = opts.claims === undefined ? PLAYER : opts.claims;
  const event = {
    version: '2.0',
    routeKey: `${method} ${routeKeyPath}`,
    rawPath,
    rawQueryString: new URLSearchParams(opts.query ?? {}).toString(),
    headers: {
      'content-type': 'application/json',
      host: 'abc123.execute-api.eu-west-1.amazonaws.com',
      ...(claims ? { authorization: 'Bearer eyJ.test.token' } : {}),
    },
    ...(opts.query ? { queryStringParameters: opts.query } : {}),
    ...(opts.pathParameters ? { pathParameters: opts.pathParameters } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'vitest' },
      requestId: 'req-0001',
      routeKey: `${method} ${routeKeyPath}`,
      stage: '$default',
      time: '14/Nov/2023:22:13:20 +0000',
      timeEpoch: NOW,
      ...(claims
        ? {
            authorizer: {
              principalId: '',
              integrationLatency: 0,
              jwt: {
                claims: { ...claims, iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_test', token_use: 'access' },
                scopes: null,
              },
            },
          }
        : {}),
    },
    ...(rawBody === undefined
      ? {}
      : opts.base64
        ? { body: Buffer.from(rawBody, 'utf8').toString('base64'), isBase64Encoded: true }
        : { body: rawBody, isBase64Encoded: false }),
  };
  if (!event.isBase64Encoded) (event as { isBase64Encoded?: boolean }).isBase64Encoded = false;
  return event as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

export const post = (path: string, body: unknown, claims?: Claims | null) =>
  httpEvent('POST', path, path.endsWith('/') ? path : `${path}/`, { body, claims });

export const getById = (routePath: string, params: Record<string, string>, claims?: Claims | null) => {
  const rawPath = Object.entries(params).reduce((p, [k, v]) => p.replace(`{${k}}`, encodeURIComponent(v)), routePath);
  return httpEvent('GET', routePath, rawPath, { pathParameters: params, claims });
};

export function lambdaContext(functionName = 'trivia-test-fn'): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2023/11/14/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Results

export interface Parsed {
  status: number;
  headers: Record<string, string>;
  raw: string;
  body: Record<string, unknown>;
}

export function parse(result: APIGatewayProxyStructuredResultV2 | string | undefined | void): Parsed {
  if (!result || typeof result === 'string') throw new Error(`expected a structured result, got ${JSON.stringify(result)}`);
  const raw = result.body ?? '';
  return {
    status: result.statusCode ?? 0,
    headers: (result.headers ?? {}) as Record<string, string>,
    raw,
    body: raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>),
  };
}

/** Asserts the contract's error shape, `{error: {code, message, details?}}`, and the status and code. */
export function expectError(res: Parsed, status: number, code: string): { code: string; message: string; details?: unknown } {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe('application/json');
  expect(Object.keys(res.body)).toEqual(['error']);
  const error = res.body.error as { code: string; message: string; details?: unknown };
  expect(error.code).toBe(code);
  expect(error.code).toMatch(/^[a-z][a-z0-9_]*$/);
  expect(typeof error.message).toBe('string');
  expect(error.message.length).toBeGreaterThan(0);
  for (const key of Object.keys(error)) expect(['code', 'message', 'details']).toContain(key);
  return error;
}

// ---------------------------------------------------------------------------------------------------------------
// Records

export const conditionalCheckFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: { httpStatusCode: 400 } });

/** A cancelled TransactWriteItems, with one cancellation reason per item ('None' for an item that passed). */
export const transactionCanceled = (codes: string[]) =>
  Object.assign(new Error('Transaction cancelled'), { name: 'TransactionCanceledException', CancellationReasons: codes.map((Code) => ({ Code })) });

export function question(id: string, answer = 1, options: string[] = ['alpha', 'bravo', 'charlie']): Question {
  return { id, question: `What is ${id}?`, options, answer, created_at: NOW - 86_400_000 };
}

/** An episode as `POST /episode/` stores it with the contract's defaults, then `patch`ed. */
export function episode(patch: Partial<Episode> = {}): Episode {
  const base = newEpisode(
    { game_id: 'g1', min_participant: 2, answer_window_seconds: 10, reveal_seconds: 5, lead_seconds: 60 },
    { id: 'g1', qset: ['q1', 'q2', 'q3'], created_at: NOW - 3_600_000 },
    { id: 'ep1', now: NOW - 600_000 },
  );
  return { ...base, ...patch };
}

/** Episode `ep1` with question `index` open since `openedAgoMs`, its window as the defaults make it. */
export function openEpisode(index = 0, openedAgoMs = 1000, q: Question = question(['q1', 'q2', 'q3'][index], 1)): Episode {
  const start = NOW - openedAgoMs;
  return episode({
    state: 'QUESTION_OPEN',
    participant_count: 5,
    current_question_index: index,
    question_start_timestamp: start,
    question_end_timestamp: start + 10_000,
    current_question: { id: q.id, question: q.question, options: q.options },
    current_answer: q.answer,
    finalized_index: index - 1,
    next_step_at: start + 10_000,
    started_at: NOW - 120_000,
    version: 2 + index * 3,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Queue and stream events

export function sqsRecord(messageId: string, body: string, eventSourceArn = 'arn:aws:sqs:eu-west-1:123456789012:test-answers'): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(NOW),
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: String(NOW),
    },
    messageAttributes: {},
    md5OfBody: 'd41d8cd98f00b204e9800998ecf8427e',
    eventSource: 'aws:sqs',
    eventSourceARN: eventSourceArn,
    awsRegion: 'eu-west-1',
  };
}

export const sqsEvent = (records: SQSRecord[]): SQSEvent => ({ Records: records });

export function streamRecord(
  sequenceNumber: string,
  newImage: Record<string, unknown>,
  opts: { eventName?: 'INSERT' | 'MODIFY' | 'REMOVE'; oldImage?: Record<string, unknown> } = {},
): DynamoDBRecord {
  type Image = NonNullable<DynamoDBRecord['dynamodb']>['NewImage'];
  const image = (item: Record<string, unknown>) => marshall(item, { removeUndefinedValues: true }) as Image;
  return {
    eventID: `evt-${sequenceNumber}`,
    eventName: opts.eventName ?? 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'eu-west-1',
    eventSourceARN: 'arn:aws:dynamodb:eu-west-1:123456789012:table/test/stream/2023-11-14T00:00:00.000',
    dynamodb: {
      ApproximateCreationDateTime: NOW / 1000,
      Keys: image({ pk: newImage.pk, user_id: newImage.user_id }),
      NewImage: image(newImage),
      ...(opts.oldImage ? { OldImage: image(opts.oldImage) } : {}),
      SequenceNumber: sequenceNumber,
      SizeBytes: 120,
      StreamViewType: opts.oldImage ? 'NEW_AND_OLD_IMAGES' : 'NEW_IMAGE',
    },
  };
}

export const streamEvent = (records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

// ---------------------------------------------------------------------------------------------------------------
// Reading what was sent

/** The `SET` of an UpdateCommand built by store/episodes.ts `saveTransition`, as field → value. */
export function setFields(input: {
  UpdateExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}): Record<string, unknown> {
  const set = (input.UpdateExpression ?? '').replace(/^SET /, '').split(/ (?:REMOVE|ADD) /)[0];
  const fields: Record<string, unknown> = {};
  for (const assignment of set.split(', ')) {
    const [name, value] = assignment.split(' = ');
    // A copy of another attribute (`#a = #b`) is the fake table's to apply; only placeholders' values are read here.
    if (value.startsWith(':')) fields[input.ExpressionAttributeNames?.[name] ?? name] = input.ExpressionAttributeValues?.[value];
  }
  return fields;
}

// ---------------------------------------------------------------------------------------------------------------
// The episodes table and the live channel, as fakes that behave like DynamoDB and AppSync Events

type DocumentsMock = AwsStub<ServiceInputTypes, ServiceOutputTypes, DynamoDBDocumentClientResolvedConfig>;

/** The items written to the errors table (rejections recorded by the HTTP adapter, dead letters by the sweep). */
export const errorTableItems = (ddb: DocumentsMock): Record<string, unknown>[] =>
  ddb
    .commandCalls(PutCommand)
    .map((c) => c.args[0].input)
    .filter((i) => i.TableName === TABLES.errors)
    .map((i) => i.Item as Record<string, unknown>);

/**
 * The episodes table holding one episode, honouring the conditions the store writes with (lambda/store/episodes.ts):
 * a transition applies only at the expected `version` and ADDs one to `seq`; an announcement only when the count is
 * owed and the last event is old enough; the published mark only moves from `seq - 1`; a count only rises.
 */
export function episodesTableFake(ddb: DocumentsMock, initial: Episode) {
  let item: Record<string, unknown> = { ...initial, live: 'live' };
  ddb.on(GetCommand, { TableName: TABLES.episodes }).callsFake(() => ({ Item: structuredClone(item) }));
  ddb.on(UpdateCommand, { TableName: TABLES.episodes }).callsFake((input: UpdateCommandInput) => {
    const values = input.ExpressionAttributeValues ?? {};
    const condition = input.ConditionExpression ?? '';
    const returned = () => (input.ReturnValues === 'ALL_NEW' ? { Attributes: structuredClone(item) } : {});
    if (condition === '#version = :expected') {
      if (item.version !== values[':expected']) throw conditionalCheckFailed();
      const next = { ...item, ...setFields(input) };
      if ((input.UpdateExpression ?? '').includes('#announced = #count')) next.announced_count = item.participant_count;
      const removes = (input.UpdateExpression ?? '').split(' REMOVE ')[1]?.split(' ADD ')[0];
      for (const name of removes ? removes.split(', ') : []) delete next[input.ExpressionAttributeNames?.[name] ?? name];
      if (/ ADD #seq :one$/.test(input.UpdateExpression ?? '')) next.seq = ((item.seq as number) ?? 0) + 1;
      item = next;
      return returned();
    }
    if (condition.includes('published_seq')) {
      const ok = values[':previous'] === undefined ? item.published_seq === undefined : item.published_seq === values[':previous'];
      if (!ok) throw conditionalCheckFailed();
      item = { ...item, published_seq: values[':seq'] };
      return returned();
    }
    if (condition.includes('announced_count')) {
      const owed = item.announced_count === undefined || item.announced_count !== item.participant_count;
      const open = item.state === 'CREATED' || item.state === 'STARTED';
      const oldEnough = item.seq_at === undefined || (item.seq_at as number) <= (values[':cutoff'] as number);
      if (!(owed && open && oldEnough)) throw conditionalCheckFailed();
      item = { ...item, announced_count: item.participant_count, seq_at: values[':now'], seq: ((item.seq as number) ?? 0) + 1 };
      return returned();
    }
    if (condition.includes('participant_count < :n')) {
      if (!((item.participant_count as number) < (values[':n'] as number))) throw conditionalCheckFailed();
      item = { ...item, participant_count: values[':n'] };
      return returned();
    }
    throw new Error(`the episodes fake does not know the condition ${condition}`);
  });
  return { current: () => item, set: (patch: Record<string, unknown>) => (item = { ...item, ...patch }) };
}

export interface CapturedPublish {
  channel: string;
  events: Record<string, unknown>[];
  signed: boolean;
}

/**
 * Captures what the functions publish to the Event API (requests to EVENT_API through the SDK's Node HTTP handler):
 * channel, events, and whether the request carried a SigV4 signature. `failNext(n)` makes the next n publishes fail
 * with a 500, as an unavailable endpoint would.
 */
export function liveChannel() {
  const published: CapturedPublish[] = [];
  let failures = 0;
  const endpoint = new URL(EVENT_API);
  const realHandle = NodeHttpHandler.prototype.handle;
  const reply = (status: number, body: string) => ({ response: new HttpResponse({ statusCode: status, headers: {}, body: Readable.from([Buffer.from(body)]) }) });
  vi.spyOn(NodeHttpHandler.prototype, 'handle').mockImplementation(async function (this: NodeHttpHandler, request: HttpRequest, options) {
    if (request.hostname !== endpoint.hostname || request.path !== endpoint.pathname) return realHandle.call(this, request, options);
    if (failures > 0) {
      failures--;
      return reply(500, '{"errors":[{"errorType":"InternalFailure"}]}');
    }
    const body = JSON.parse(String(request.body)) as { channel: string; events: string[] };
    published.push({
      channel: body.channel,
      events: body.events.map((e) => JSON.parse(e) as Record<string, unknown>),
      signed: String(request.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 '),
    });
    return reply(200, JSON.stringify({ successful: body.events.map((_, index) => ({ identifier: `id-${index}`, index })), failed: [] }));
  });
  return {
    published,
    events: () => published.flatMap((p) => p.events),
    failNext: (n: number) => {
      failures = n;
    },
  };
}
