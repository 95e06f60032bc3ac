/**
 * The runtime half of the wiring: what a function needs to know at run time about the resources it reaches. Their ids,
 * the environment variables that carry their names (the same in AWS and locally), and the queue facts a consumer acts
 * on (after how many receives a message is dead). lib/wiring.ts builds the infrastructure from these same ids, so a
 * fact the functions and the stacks share is stated once, here, and functions never import lib/.
 *
 * Plain data only: no SDK imports.
 */

export type TableId =
  | 'questions'
  | 'games'
  | 'episodes'
  | 'participants'
  | 'responses'
  | 'statistics'
  | 'users'
  | 'errors'
  | 'liveStats'
  | 'clientEvents'
  | 'growth'
  | 'rateLimits';
export type QueueId = 'answers' | 'runnerTicks' | 'clientEvents';
export type TopicId = 'notifications';
/** EventBridge buses (lib/constructs/analytics.ts): the domain events. */
export type BusId = 'events';
/** S3 buckets (lib/constructs/cdn.ts): question media. */
export type BucketId = 'media';
/** Deployment settings that reach functions as environment variables (from CDK context in AWS; lib/local/env.ts locally). */
export type SettingId = 'cdnUrl' | 'responseShards' | 'cursorKey';

export interface QueueSpec {
  visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the queue's dead-letter queue. */
  maxReceiveCount: number;
  retentionDays: number;
}

export const queues: Record<QueueId, QueueSpec> = {
  // Failed answers are released for an immediate retry (lambda/queue/recordAnswers.ts), so a transient failure costs
  // a receive, not a minute; ten receives leave room for a few of them before a message is declared dead.
  answers: { visibilityTimeoutSeconds: 60, maxReceiveCount: 10, retentionDays: 4 },
  runnerTicks: { visibilityTimeoutSeconds: 60, maxReceiveCount: 5, retentionDays: 1 },
  // One message per accepted batch of client events (up to 100 events).
  clientEvents: { visibilityTimeoutSeconds: 60, maxReceiveCount: 5, retentionDays: 4 },
};

/** Dead-letter queues: one per queue, and one for stream batches that failed all their retries. */
export type DeadLetterQueueId = QueueId | 'streams';
export const deadLetterQueueIds = (): DeadLetterQueueId[] => [...(Object.keys(queues) as QueueId[]), 'streams'];

/** Environment variable names that carry resource names into functions (same in AWS and locally). */
export const envNames = {
  table: (t: TableId) => `${t.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}_TABLE`,
  queue: (q: QueueId) => `${q.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}_QUEUE_URL`,
  topic: (t: TopicId) => `${t.toUpperCase()}_TOPIC_ARN`,
  bus: (b: BusId) => (b === 'events' ? 'EVENT_BUS_NAME' : `${String(b).toUpperCase()}_EVENT_BUS_NAME`),
  bucket: (b: BucketId) => `${b.toUpperCase()}_BUCKET`,
  setting: (s: SettingId) => s.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase(),
  /** The Event API's HTTP endpoint (`https://…/event`), for functions that publish to the live channel. */
  eventApi: 'EVENT_API_HTTP_ENDPOINT',
  /** The Cognito user pool's id, for functions with `userPool` access (set for every function locally, lib/local/env.ts). */
  userPool: 'USER_POOL_ID',
  deadLetterQueue: (q: DeadLetterQueueId) => `${q.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}_DLQ_URL`,
};
