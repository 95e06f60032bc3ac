/**
 * The functions' environment, locally: what the deployed stack gives each function (resource names through the
 * variables of `envNames`, Powertools settings, stage, version), plus the endpoints of the local peers. Every
 * function gets every resource name (they share one runtime); in AWS each gets only its own.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { LOCAL_RESPONSE_SHARDS } from '../sizing.ts';
import { buckets, buses, functions, tables, topics, type FunctionSpec } from '../wiring.ts';
import { envNames, queues, type BucketId, type QueueId, type TableId, type DeadLetterQueueId } from '../../lambda/shared/resources.ts';
import { localBucketName } from './media.ts';
import { LOCAL_CREDENTIALS, REGION } from './names.ts';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../lambda/shared/metricNames.ts';

export interface HandlerEnvInput {
  dynamoEndpoint: string;
  sqsEndpoint: string;
  cognitoEndpoint: string;
  tableNames: Record<TableId, string>;
  queueUrls: Record<QueueId, string>;
  /** Every dead-letter queue (each queue's, and the stream failures'). */
  deadLetterQueueUrls?: Partial<Record<DeadLetterQueueId, string>>;
  userPoolId: string;
  userPoolClientId: string;
  outboxFile: string;
  /** The local Event API's `POST /event` (lib/local/eventApi/), for the functions that publish to the live channel. */
  eventApiHttpEndpoint?: string;
  /** Where the stand-in for PutEvents archives the domain events (EVENT_BUS_NAME=local:archive). */
  eventsArchiveDir?: string;
  /** Test time control (lambda/shared/clock.ts): read only with STAGE=local and LOCAL=true. */
  clockFile?: string;
  settleMs?: number;
  quiet?: boolean;
  rootDir: string;
}

/** Signs page cursors (lambda/shared/cursor.ts): one key per process, so every runtime thread accepts every cursor. */
const LOCAL_CURSOR_KEY = randomBytes(32).toString('base64url');

/** Nothing listens here: an accidental SNS call fails at once instead of reaching AWS. */
const NO_SNS = 'http://127.0.0.1:9';

export function handlerEnvironment(input: HandlerEnvInput): Record<string, string> {
  const version = (JSON.parse(readFileSync(`${input.rootDir}/package.json`, 'utf8')) as { version: string }).version;
  const env: Record<string, string> = {
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    // The functions run on Node 22 in AWS; the SDK's warning about this machine's Node 20 is noise here.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ENDPOINT_URL_DYNAMODB: input.dynamoEndpoint,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: input.dynamoEndpoint,
    AWS_ENDPOINT_URL_SQS: input.sqsEndpoint,
    AWS_ENDPOINT_URL_SNS: NO_SNS,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: input.cognitoEndpoint,
    NOTIFICATIONS_OUTBOX_FILE: input.outboxFile,
    USER_POOL_ID: input.userPoolId,
    USER_POOL_CLIENT_ID: input.userPoolClientId,
    STAGE: 'local',
    LOCAL: 'true',
    APP_VERSION: version,
    POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    POWERTOOLS_TRACE_ENABLED: 'false',
    // Quiet (tests): warnings and errors only, no metric lines.
    LOG_LEVEL: input.quiet ? 'WARN' : 'INFO',
    ...(input.quiet ? { POWERTOOLS_METRICS_DISABLED: 'true' } : {}),
    ...(input.settleMs !== undefined ? { FINALIZE_SETTLE_MS: String(input.settleMs) } : {}),
  };
  for (const t of Object.keys(tables) as TableId[]) env[envNames.table(t)] = input.tableNames[t];
  // No local EventBridge: domain events go straight to the archive directory (lambda/store/events.ts).
  for (const b of buses) env[envNames.bus(b)] = 'local:archive';
  if (input.eventsArchiveDir) env.EVENTS_ARCHIVE_DIR = input.eventsArchiveDir;
  if (input.clockFile) env.LOCAL_CLOCK_FILE = input.clockFile;
  for (const q of Object.keys(queues) as QueueId[]) env[envNames.queue(q)] = input.queueUrls[q];
  for (const [q, url] of Object.entries(input.deadLetterQueueUrls ?? {})) env[envNames.deadLetterQueue(q as DeadLetterQueueId)] = url;
  // No local SNS: notifications go to the outbox file (lambda/store/notifications.ts).
  for (const t of topics) env[envNames.topic(t)] = 'local:outbox';
  // No local S3: lib/local/media.ts serves the buckets; stack.ts adds its endpoint and CDN_URL once the API is up.
  for (const b of Object.keys(buckets) as BucketId[]) env[envNames.bucket(b)] = localBucketName(b);
  env[envNames.setting('responseShards')] = String(LOCAL_RESPONSE_SHARDS);
  // Publishers sign with the credentials above (SigV4), which the local Event API checks.
  const publishesLive = (Object.values(functions) as FunctionSpec[]).some((f) => (f.publishesLive?.length ?? 0) > 0);
  if (publishesLive && input.eventApiHttpEndpoint) env[envNames.eventApi] = input.eventApiHttpEndpoint;
  env[envNames.setting('cursorKey')] = LOCAL_CURSOR_KEY;
  return env;
}
