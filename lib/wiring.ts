/**
 * The one definition of how the system is wired: tables, queues, and which function serves which route, queue,
 * stream or schedule, with what batch size and which grants. The CDK stack (lib/trivia-stack.ts) and the local
 * stack (lib/local/) are both built from this, so the two cannot drift apart.
 *
 * Plain data only: no CDK or SDK imports, so the local stack and the tests can read it cheaply.
 */

export type TableId = 'questions' | 'games' | 'episodes' | 'participants' | 'responses' | 'statistics' | 'users';
export type QueueId = 'answers' | 'runnerTicks';
export type TopicId = 'notifications';

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

export const tables: Record<TableId, TableSpec> = {
  questions: { partitionKey: { name: 'id', type: 'S' } },
  games: { partitionKey: { name: 'id', type: 'S' } },
  episodes: {
    partitionKey: { name: 'id', type: 'S' },
    // Sparse index: only episodes still running carry `live`, so the runner's sweep never scans finished shows.
    globalSecondaryIndexes: [{ indexName: 'live', partitionKey: { name: 'live', type: 'S' }, sortKey: { name: 'id', type: 'S' } }],
  },
  // pk = `${episode_id}#${shard}`: registrations for one episode spread over `shard_count` partitions.
  participants: {
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'user_id', type: 'S' },
    stream: 'NEW_IMAGE',
  },
  // pk = `${episode_id}#${question_index}#${shard}`: one item per counted answer, no shared item per answer.
  // The stream carries old images too: when an earlier answer replaces a later one, the grader moves the count.
  responses: {
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'user_id', type: 'S' },
    stream: 'NEW_AND_OLD_IMAGES',
    timeToLiveAttribute: 'expires_at',
  },
  // Per-batch partial sums (sk = `p#${firstSequence}`) and final statistics (sk = `final`); pk = `${episode_id}#q${i}` or `${episode_id}#registrations`.
  statistics: {
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
  },
  users: { partitionKey: { name: 'id', type: 'S' } },
};

export interface QueueSpec {
  visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the queue's dead-letter queue. */
  maxReceiveCount: number;
  retentionDays: number;
}

export const queues: Record<QueueId, QueueSpec> = {
  answers: { visibilityTimeoutSeconds: 60, maxReceiveCount: 5, retentionDays: 4 },
  runnerTicks: { visibilityTimeoutSeconds: 60, maxReceiveCount: 5, retentionDays: 1 },
};

export const topics: TopicId[] = ['notifications'];

export type Auth = 'public' | 'user' | 'admin';
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
  publishes?: TopicId[];
}

const http = (method: HttpMethod, path: string, auth: Auth): HttpTrigger => ({ kind: 'http', method, path, auth });

const api = (entry: string, description: string, triggers: HttpTrigger[], grants: Partial<FunctionSpec>): FunctionSpec => ({
  entry: `lambda/http/${entry}.ts`,
  description,
  memorySize: 512,
  timeoutSeconds: 10,
  triggers,
  ...grants,
});

export const functions = {
  health: api('health', 'GET /api/v1/health', [http('GET', '/api/v1/health', 'public')], {}),
  createQuestion: api('createQuestion', 'Admin creates a question', [http('POST', '/api/v1/question', 'admin')], { readWrites: ['questions'] }),
  getQuestion: api('getQuestion', 'Admin reads a question with its answer', [http('GET', '/api/v1/question/{id}', 'admin')], { reads: ['questions'] }),
  createGame: api('createGame', 'Admin creates a game', [http('POST', '/api/v1/game', 'admin')], { reads: ['questions'], readWrites: ['games'] }),
  getGame: api('getGame', 'Read a game', [http('GET', '/api/v1/game/{id}', 'user')], { reads: ['games'] }),
  createEpisode: api('createEpisode', 'Admin creates an episode of a game', [http('POST', '/api/v1/episode', 'admin')], {
    reads: ['games', 'questions'],
    readWrites: ['episodes'],
  }),
  getEpisode: api('getEpisode', 'Read an episode (cached briefly)', [http('GET', '/api/v1/episode/{id}', 'user')], { reads: ['episodes'] }),
  cancelEpisode: api('cancelEpisode', 'Admin cancels an episode', [http('POST', '/api/v1/episode/{id}/cancel', 'admin')], {
    readWrites: ['episodes'],
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
    }),
    memorySize: 1024,
  },
  getReport: api('getReport', 'Admin report of an episode', [http('GET', '/api/v1/report/episode/{id}', 'admin')], {
    reads: ['episodes', 'statistics', 'responses', 'users'],
  }),
  getMe: api('getMe', 'The signed-in user', [http('GET', '/api/v1/user/me', 'user')], { readWrites: ['users'] }),
  updateMe: api('updateMe', 'Update the signed-in user', [http('PUT', '/api/v1/user/me', 'user')], { readWrites: ['users'] }),

  recordAnswers: {
    entry: 'lambda/queue/recordAnswers.ts',
    description: 'Stores queued answers, graded, first answer wins',
    memorySize: 1024,
    timeoutSeconds: 30,
    triggers: [{ kind: 'queue', queue: 'answers', batchSize: 100, maxBatchingWindowSeconds: 1 }],
    reads: ['episodes', 'questions'],
    writes: ['responses'],
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
    publishes: ['notifications'],
  },
} satisfies Record<string, FunctionSpec>;

export type FunctionId = keyof typeof functions;

/** Environment variable names that carry resource names into functions (same in AWS and locally). */
export const envNames = {
  table: (t: TableId) => `${t.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}_TABLE`,
  queue: (q: QueueId) => `${q.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}_QUEUE_URL`,
  topic: (t: TopicId) => `${t.toUpperCase()}_TOPIC_ARN`,
};

/** Every table and queue a function touches, for its environment. */
export function resourcesOf(spec: FunctionSpec): { tables: TableId[]; queues: QueueId[]; topics: TopicId[] } {
  const tableSet = new Set<TableId>([...(spec.reads ?? []), ...(spec.writes ?? []), ...(spec.readWrites ?? [])]);
  return { tables: [...tableSet], queues: spec.sends ?? [], topics: spec.publishes ?? [] };
}

export const httpRoutes = () =>
  Object.entries(functions).flatMap(([id, spec]) =>
    (spec.triggers as Trigger[]).filter((t): t is HttpTrigger => t.kind === 'http').map((t) => ({ functionId: id as FunctionId, ...t })),
  );
