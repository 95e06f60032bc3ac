/**
 * The one definition of how the system is wired: tables, queues, and which function serves which route, queue,
 * stream or schedule, with what batch size and which grants. The CDK stack (lib/triviaStack.ts) and the local
 * stack (lib/local/) are both built from this, so the two cannot drift apart.
 *
 * Plain data only: no CDK or SDK imports, so the local stack and the tests can read it cheaply. The facts functions
 * need at run time (resource ids, environment variable names, queue facts) are in lambda/shared/resources.ts.
 */
import type { Auth } from '../lambda/shared/http.ts';
import { LIVE_NAMESPACE } from '../lambda/domain/live.ts';
import type { BucketId, BusId, QueueId, SettingId, TableId, TopicId } from '../lambda/shared/resources.ts';

/** AppSync Events channel namespaces (lib/constructs/liveChannel.ts; locally lib/local/): one channel per episode. */
export type NamespaceId = typeof LIVE_NAMESPACE;

export interface KeySpec {
  name: string;
  type: 'S' | 'N';
}

export interface TableSpec {
  partitionKey: KeySpec;
  sortKey?: KeySpec;
  /** Stream view type where a stream processor reads the table. */
  stream?: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES';
  timeToLiveAttribute?: string;
  globalSecondaryIndexes?: { indexName: string; partitionKey: KeySpec; sortKey?: KeySpec }[];
}

/** Every key of every table is a string. */
const key = (name: string): KeySpec => ({ name, type: 'S' });
/** The shape of most sharded tables: a string `pk` and `sk`. */
const pkSk = { partitionKey: key('pk'), sortKey: key('sk') };
const index = (indexName: string, partitionKey: string, sortKey: string) => ({ indexName, partitionKey: key(partitionKey), sortKey: key(sortKey) });

export const tables: Record<TableId, TableSpec> = {
  questions: { partitionKey: key('id') },
  games: { partitionKey: key('id') },
  episodes: {
    partitionKey: key('id'),
    // Domain events (publishEvents) read each runner transition from the stream, old and new state side by side.
    stream: 'NEW_AND_OLD_IMAGES',
    // Sparse index: only episodes still running carry `live`, so the runner's sweep never scans finished shows.
    globalSecondaryIndexes: [index('live', 'live', 'id')],
  },
  // pk = `${episode_id}#${shard}`: registrations for one episode spread over `shard_count` partitions.
  participants: { partitionKey: key('pk'), sortKey: key('user_id'), stream: 'NEW_IMAGE' },
  // pk = `${episode_id}#${question_index}#${shard}`: one item per counted answer, no shared item per answer.
  // The stream carries old images too: when an earlier answer replaces a later one, the grader moves the count.
  responses: { partitionKey: key('pk'), sortKey: key('user_id'), stream: 'NEW_AND_OLD_IMAGES', timeToLiveAttribute: 'expires_at' },
  // Per-batch partial sums (sk = `p#${firstSequence}`) and final statistics (sk = `final`); pk = `${episode_id}#q${i}` or `${episode_id}#registrations`.
  statistics: { ...pkSk },
  users: { partitionKey: key('id') },
  // Live aggregates of the domain events (lambda/store/liveStats.ts): one small partial per stream batch and minute,
  // pk = `h#${hour}#${shard}`, sk = `m#${minute}#${source}#${firstSequence}`; items expire two days after their minute.
  liveStats: { ...pkSk, timeToLiveAttribute: 'expires_at' },
  // Rejected and unprocessable input, and dead letters (lambda/store/errorRecords.ts): pk = `${reason}#${day}#${shard}`,
  // sk = `${at}#${id}`. Sixteen shards (and sampling per container) keep a flood of one rejection during a show off any
  // one partition; the sparse `episode` index (`${episode_id}#${shard}`) finds an episode's errors, `time`
  // (`${day}#${shard}`) the latest of every reason. Items expire after 14 days, as long as a dead letter is kept.
  errors: { ...pkSk, timeToLiveAttribute: 'expires_at', globalSecondaryIndexes: [index('episode', 'episode_key', 'sk'), index('time', 'time_key', 'sk')] },
  // Client events (lambda/store/clientEvents.ts): pk `s#${session_id}`, sk `${timestamp}#${event_id}`. The indexes
  // spread each day over CLIENT_EVENT_SHARDS partitions: `category` (`${category}#${day}#${shard}`), `time`
  // (`${day}#${shard}`); the sparse `touches` index (`${anonymous_id}`) holds only page views with `utm_source`, so
  // attribution reads a visitor's touches and nothing else. Items expire after 90 days (the lake keeps them).
  clientEvents: {
    ...pkSk,
    timeToLiveAttribute: 'expires_at',
    globalSecondaryIndexes: [index('category', 'category_key', 'sk'), index('time', 'time_key', 'sk'), index('touches', 'touch_key', 'sk')],
  },
  // Growth aggregates (lambda/store/growth.ts): one partial per batch and day, pk `d#${day}#${shard}`,
  // sk `${source}#${batch}` (a retried batch overwrites its own partial). Funnel and attribution sum a range's days.
  growth: { ...pkSk },
  // Per-subject counters of client events per minute (lambda/store/rateLimits.ts): pk `${subject}#${minute}`, expiring.
  rateLimits: { partitionKey: key('pk'), timeToLiveAttribute: 'expires_at' },
};

export const topics: TopicId[] = ['notifications'];

export const buses: BusId[] = ['events'];

export const namespaces: NamespaceId[] = [LIVE_NAMESPACE];

export interface BucketSpec {
  /** The only key prefix functions may write to; CloudFront serves the bucket under the same path (`/media/*`). */
  prefix: string;
}

/** S3 buckets (lib/constructs/cdn.ts): question media, uploaded with presigned PUTs and served through CloudFront. */
export const buckets: Record<BucketId, BucketSpec> = {
  media: { prefix: 'media/' },
};

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface HttpTrigger {
  kind: 'http';
  method: HttpMethod;
  /** API Gateway route path, without a trailing slash (API Gateway serves `/x` and `/x/` alike). */
  path: string;
  auth: Auth;
}
export interface QueueTrigger {
  kind: 'queue';
  queue: QueueId;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  maxConcurrency?: number;
}
export interface StreamTrigger {
  kind: 'stream';
  table: TableId;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  retryAttempts: number;
  parallelizationFactor: number;
}
export interface ScheduleTrigger {
  kind: 'schedule';
  rateMinutes: number;
}
export type Trigger = HttpTrigger | QueueTrigger | StreamTrigger | ScheduleTrigger;

export interface FunctionSpec {
  /** Source file, relative to the repository root; it exports `handler`. */
  entry: string;
  description: string;
  memorySize: number;
  timeoutSeconds: number;
  triggers: Trigger[];
  reads?: TableId[];
  writes?: TableId[];
  /** Read and write. */
  readWrites?: TableId[];
  sends?: QueueId[];
  /** Queues whose depth it reads (sqs:GetQueueAttributes only): the runner waits for queued answers before finalizing. */
  watches?: QueueId[];
  publishes?: TopicId[];
  /** Event buses it puts events on (events:PutEvents on the bus only). */
  putsEvents?: BusId[];
  /** Buckets it may put objects into: s3:PutObject on the bucket's prefix only (it presigns uploads with it). */
  puts?: BucketId[];
  /**
   * Channel namespaces it publishes to (appsync:EventPublish on the namespace only, IAM-signed); the Event API's HTTP
   * endpoint reaches it as `envNames.eventApi`.
   */
  publishesLive?: NamespaceId[];
  /** Deployment settings it reads (environment variables named by `envNames.setting`). */
  settings?: SettingId[];
  /**
   * Access to every dead-letter queue (each queue's and the stream failures'), their URLs in the environment
   * (`envNames.deadLetterQueue`): `status` reads depth and move tasks; `inspect` also peeks at messages (receives and
   * releases them, never deletes); `redrive` moves them back to their source queue (SQS message move tasks).
   */
  deadLetters?: 'status' | 'inspect' | 'redrive';
  /** The stack's Cognito user pool (its id as `envNames.userPool`): `deleteUsers` is cognito-idp:AdminDeleteUser on it alone. */
  userPool?: 'deleteUsers';
}

const http = (method: HttpMethod, path: string, auth: Auth): HttpTrigger => ({ kind: 'http', method, path, auth });

const api = (entry: string, description: string, triggers: HttpTrigger[], grants: Partial<FunctionSpec>): FunctionSpec => ({
  entry: `lambda/http/${entry}.ts`,
  description,
  memorySize: 512,
  timeoutSeconds: 10,
  triggers,
  ...grants,
  // Every route that takes a token records what it rejects (lambda/shared/http.ts → the errors table).
  ...(triggers.some((t) => t.auth !== 'public') ? { writes: [...new Set([...(grants.writes ?? []), 'errors' as const])] } : {}),
});

export const functions = {
  health: api('health', 'GET /api/v1/health', [http('GET', '/api/v1/health', 'public')], {}),
  createQuestion: api('createQuestion', 'Admin creates a question', [http('POST', '/api/v1/question', 'admin')], {
    readWrites: ['questions'],
    // cdnUrl: a question's media_url must be on the stack's own CDN media path.
    settings: ['cdnUrl'],
  }),
  getQuestion: api('getQuestion', 'Admin reads a question with its answer', [http('GET', '/api/v1/question/{id}', 'admin')], { reads: ['questions'] }),
  createGame: api('createGame', 'Admin creates a game', [http('POST', '/api/v1/game', 'admin')], { reads: ['questions'], readWrites: ['games'] }),
  getGame: api('getGame', 'Read a game', [http('GET', '/api/v1/game/{id}', 'user')], { reads: ['games'] }),
  createEpisode: api('createEpisode', 'Admin creates an episode of a game', [http('POST', '/api/v1/episode', 'admin')], {
    reads: ['games', 'questions'],
    readWrites: ['episodes'],
    settings: ['responseShards'],
  }),
  listEpisodes: api('listEpisodes', 'List the upcoming and live episodes (the lobby)', [http('GET', '/api/v1/episode', 'user')], { reads: ['episodes'] }),
  getWinners: api('getWinners', "An ended episode's winners by nickname", [http('GET', '/api/v1/episode/{id}/winners', 'user')], {
    reads: ['episodes', 'responses', 'users'],
  }),
  getEpisode: api('getEpisode', 'Read an episode (cached briefly)', [http('GET', '/api/v1/episode/{id}', 'user')], { reads: ['episodes'] }),
  cancelEpisode: api('cancelEpisode', 'Admin cancels an episode', [http('POST', '/api/v1/episode/{id}/cancel', 'admin')], {
    readWrites: ['episodes'],
    publishesLive: ['episodes'],
  }),
  getLiveSnapshot: api('getLiveSnapshot', 'The public live snapshot of an episode (shared cache entry)', [http('GET', '/api/v1/live/{id}', 'public')], {
    reads: ['episodes'],
  }),
  getMyStanding: api('getMyStanding', "A player's own standing in an episode", [http('GET', '/api/v1/episode/{id}/me', 'user')], {
    reads: ['episodes', 'participants', 'responses'],
  }),
  getStatistics: api(
    'getStatistics',
    'Statistics of a closed question',
    [http('GET', '/api/v1/episode/{id}/question/{index}/statistics', 'user')],
    { reads: ['episodes', 'statistics'] },
  ),
  registerParticipant: api('registerParticipant', 'A player registers for an episode', [http('POST', '/api/v1/participant', 'user')], {
    reads: ['episodes'],
    readWrites: ['participants'],
  }),
  submitResponse: {
    ...api('submitResponse', 'A player answers the open question: checks, then queues', [http('POST', '/api/v1/response', 'user')], {
      reads: ['episodes', 'participants', 'responses'],
      sends: ['answers'],
      // response.rejected: refusals are stored nowhere, so the handler publishes them itself (lambda/http/submitResponse.ts).
      putsEvents: ['events'],
    }),
    memorySize: 1024,
  },
  getReport: api('getReport', 'Admin report of an episode', [http('GET', '/api/v1/report/episode/{id}', 'admin')], {
    reads: ['episodes', 'statistics', 'responses', 'users', 'participants', 'questions'],
  }),
  listWinners: api('listWinners', 'Every winner of an ended episode, a page at a time (admins)', [http('GET', '/api/v1/report/episode/{id}/winners', 'admin')], {
    reads: ['episodes', 'statistics', 'responses', 'users'],
  }),
  getMe: api('getMe', 'The signed-in user', [http('GET', '/api/v1/user/me', 'user')], { readWrites: ['users'] }),
  updateMe: api('updateMe', 'Update the signed-in user', [http('PUT', '/api/v1/user/me', 'user')], { readWrites: ['users'] }),
  // Erasure (docs/SECURITY.md#erasure): the profile and the Cognito account; game records stay, keyed by the subject alone.
  deleteMe: api('deleteMe', 'Erase the signed-in player: profile and account', [http('DELETE', '/api/v1/user/me', 'user')], {
    writes: ['users'],
    userPool: 'deleteUsers',
  }),
  openapiSpec: api('openapiSpec', 'The OpenAPI 3.1 document of API v1', [http('GET', '/api/v1/openapi.json', 'public')], {}),
  listQuestions: api('listQuestions', 'Admin lists questions, a page at a time (paginated Scan)', [http('GET', '/api/v1/question', 'admin')], {
    reads: ['questions'],
    settings: ['cursorKey'],
  }),
  createMediaUpload: api('createMediaUpload', 'Admin gets a presigned upload URL for question media', [http('POST', '/api/v1/media', 'admin')], {
    puts: ['media'],
    settings: ['cdnUrl'],
  }),

  recordAnswers: {
    entry: 'lambda/queue/recordAnswers.ts',
    description: 'Stores queued answers, graded, first answer wins',
    memorySize: 1024,
    timeoutSeconds: 30,
    triggers: [{ kind: 'queue', queue: 'answers', batchSize: 100, maxBatchingWindowSeconds: 1 }],
    // statistics: an answer stored once its question may be sealed checks the seal in the same transaction.
    reads: ['episodes', 'questions', 'statistics'],
    // errors: an answer that fails its last attempt is recorded (with why) before SQS moves it to the DLQ.
    writes: ['responses', 'errors'],
  },
  scoreResponses: {
    entry: 'lambda/stream/scoreResponses.ts',
    description: 'Adds up each batch of stored answers into one partial per question',
    memorySize: 512,
    timeoutSeconds: 30,
    triggers: [
      { kind: 'stream', table: 'responses', batchSize: 1000, maxBatchingWindowSeconds: 1, retryAttempts: 10, parallelizationFactor: 1 },
    ],
    writes: ['statistics'],
  },
  countRegistrations: {
    entry: 'lambda/stream/countRegistrations.ts',
    description: 'Adds up each batch of registrations and keeps participant_count exact',
    memorySize: 512,
    timeoutSeconds: 30,
    triggers: [
      { kind: 'stream', table: 'participants', batchSize: 1000, maxBatchingWindowSeconds: 1, retryAttempts: 10, parallelizationFactor: 1 },
    ],
    readWrites: ['statistics', 'episodes'],
    sends: ['runnerTicks'],
    // participants.counted: it announces the count it raised (at most once a second per episode).
    publishesLive: ['episodes'],
  },
  episodeRunner: {
    entry: 'lambda/queue/episodeRunner.ts',
    description: 'Advances episodes: on its own delayed ticks, and every minute as a safety net',
    memorySize: 512,
    timeoutSeconds: 30,
    triggers: [
      { kind: 'queue', queue: 'runnerTicks', batchSize: 10, maxBatchingWindowSeconds: 0 },
      { kind: 'schedule', rateMinutes: 1 },
    ],
    reads: ['questions', 'responses', 'participants'],
    readWrites: ['episodes', 'statistics'],
    sends: ['runnerTicks'],
    watches: ['answers'],
    publishes: ['notifications'],
    // Every transition is published to the episode's channel as soon as it is committed.
    publishesLive: ['episodes'],
    // A malformed tick that fails its last attempt is recorded before SQS moves it to the DLQ.
    writes: ['errors'],
  },
  relayLiveEvents: {
    entry: 'lambda/stream/relayLiveEvents.ts',
    description: 'Publishes from the episodes stream every live event the runner could not publish itself',
    memorySize: 512,
    timeoutSeconds: 30,
    // Small batches, no batching window: a relayed event is late already.
    triggers: [
      { kind: 'stream', table: 'episodes', batchSize: 10, maxBatchingWindowSeconds: 0, retryAttempts: 20, parallelizationFactor: 1 },
    ],
    // Reads published_seq (consistently) and marks what it published.
    readWrites: ['episodes'],
    publishesLive: ['episodes'],
  },

  /* operations (docs/operations.md) */
  listErrors: api('listErrors', 'Admin queries recorded rejections and dead letters', [http('GET', '/api/v1/errors', 'admin')], { reads: ['errors'] }),
  deadLetterStatus: api('deadLetterStatus', 'Admin reads the depth of every dead-letter queue and its redrives', [http('GET', '/api/v1/dlq', 'admin')], {
    deadLetters: 'status',
  }),
  redriveDeadLetters: api(
    'redriveDeadLetters',
    'Admin moves the dead letters of a queue back to it (an SQS message move task)',
    [http('POST', '/api/v1/dlq/{queue}/redrive', 'admin')],
    // sends: the move task puts the messages on the source queue on the caller's behalf.
    { deadLetters: 'redrive', sends: ['answers', 'runnerTicks', 'clientEvents'] },
  ),
  inspectDeadLetters: {
    entry: 'lambda/schedule/inspectDeadLetters.ts',
    description: 'Records new arrivals in the dead-letter queues in the errors table, leaving the messages in place',
    memorySize: 256,
    timeoutSeconds: 60,
    triggers: [{ kind: 'schedule', rateMinutes: 1 }],
    readWrites: ['errors'],
    deadLetters: 'inspect',
  },

  /* domain events and analytics (lambda/domain/events.ts, lib/constructs/analytics.ts) */
  getLiveStats: api('getLiveStats', 'Admin reads live aggregates of the domain events', [http('GET', '/api/v1/stats/live', 'admin')], {
    reads: ['liveStats', 'episodes'],
  }),
  publishEvents: {
    entry: 'lambda/stream/publishEvents.ts',
    description: 'Derives domain events from the table streams, puts them on the event bus, adds up live aggregates per batch',
    memorySize: 1024,
    timeoutSeconds: 120,
    // The second consumer of the participants and responses streams (after countRegistrations and scoreResponses).
    triggers: [
      { kind: 'stream', table: 'episodes', batchSize: 100, maxBatchingWindowSeconds: 1, retryAttempts: 10, parallelizationFactor: 1 },
      { kind: 'stream', table: 'participants', batchSize: 1000, maxBatchingWindowSeconds: 1, retryAttempts: 10, parallelizationFactor: 1 },
      { kind: 'stream', table: 'responses', batchSize: 1000, maxBatchingWindowSeconds: 1, retryAttempts: 10, parallelizationFactor: 1 },
    ],
    // episodes/participants/responses: the names that tell the streams apart, and the facts of a question's close.
    reads: ['episodes', 'participants', 'responses', 'statistics'],
    // growth: the funnel's joined / answered / won steps, one partial per batch and day (lambda/domain/growth.ts).
    writes: ['liveStats', 'growth'],
    putsEvents: ['events'],
  },

  /* client events and growth analytics (lambda/domain/clientEvents.ts, lambda/domain/growth.ts) */
  collectClientEvents: api('collectClientEvents', 'Trusted clients send batches of their events: checked, queued, 202', [http('POST', '/api/v1/client-events', 'user')], {
    readWrites: ['rateLimits'],
    sends: ['clientEvents'],
  }),
  recordClientEvents: {
    entry: 'lambda/queue/recordClientEvents.ts',
    description: 'Validates queued client events: stores the good ones, records the bad ones, forwards to the lake, adds up growth',
    memorySize: 512,
    timeoutSeconds: 60,
    triggers: [{ kind: 'queue', queue: 'clientEvents', batchSize: 10, maxBatchingWindowSeconds: 1 }],
    // clientEvents: reads a visitor's touches (the `touches` index) to attribute a sign-up.
    readWrites: ['clientEvents'],
    writes: ['errors', 'growth'],
    putsEvents: ['events'],
  },
  listClientEvents: api('listClientEvents', 'Admin queries client events by session, category or time', [http('GET', '/api/v1/client-events', 'admin')], {
    reads: ['clientEvents'],
  }),
  getAttribution: api('getAttribution', 'Admin reads sign-ups by first- and last-touch campaign', [http('GET', '/api/v1/growth/attribution', 'admin')], {
    reads: ['growth'],
  }),
  getFunnel: api('getFunnel', 'Admin reads the growth funnel by day', [http('GET', '/api/v1/growth/funnel', 'admin')], { reads: ['growth'] }),
} satisfies Record<string, FunctionSpec>;

/**
 * The canary (lambda/schedule/canary.ts): signs in and plays a one-question episode through the public API on a
 * schedule. Not in `functions`: it is deployed only where context `canary=true` (lib/constructs/monitoring.ts), and the
 * local stack never schedules it; `npm run canary` runs the same check (lambda/usecases/canaryCheck.ts) against any stack.
 */
export const canaryFunction: FunctionSpec = {
  entry: 'lambda/schedule/canary.ts',
  description: 'Canary: signs in, plays a one-question episode through the public API and checks the outcome',
  memorySize: 256,
  timeoutSeconds: 120,
  triggers: [{ kind: 'schedule', rateMinutes: 5 }],
};


export type FunctionId = keyof typeof functions;


/** Every table and queue a function touches, for its environment. */
export function resourcesOf(spec: FunctionSpec): { tables: TableId[]; queues: QueueId[]; topics: TopicId[]; buckets: BucketId[]; buses: BusId[] } {
  const tableSet = new Set<TableId>([...(spec.reads ?? []), ...(spec.writes ?? []), ...(spec.readWrites ?? [])]);
  return { tables: [...tableSet], queues: [...new Set([...(spec.sends ?? []), ...(spec.watches ?? [])])], topics: spec.publishes ?? [], buckets: spec.puts ?? [], buses: spec.putsEvents ?? [] };
}

export const httpRoutes = () =>
  Object.entries(functions).flatMap(([id, spec]) =>
    (spec.triggers as Trigger[]).filter((t): t is HttpTrigger => t.kind === 'http').map((t) => ({ functionId: id as FunctionId, ...t })),
  );
