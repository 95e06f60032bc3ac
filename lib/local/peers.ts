/**
 * The local stand-ins for the AWS services the functions talk to: DynamoDB Local (with streams, and optionally the
 * metering proxy in front of it), the SQS server, cognito-local with its user pool, the media store and the Event
 * API. Each is started, given the wiring's tables, queues and pool, and registered for clean-up as soon as it is up.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tables } from '../wiring.ts';
import type { TableId } from '../../lambda/shared/resources.ts';
import { createJwtAuthorizer, type JwtAuthorizer } from './authorizer.ts';
import type { Cleanups } from './cleanups.ts';
import { createDemoUsers, ensureUserPool, startCognitoLocal, type CognitoLocal, type UserPoolInfo } from './cognito.ts';
import { createTables, startDynamoLocal, type DynamoLocal, type LocalTables } from './dynamo.ts';
import { startDynamoProxy, type DynamoProxy } from './dynamoProxy.ts';
import { startEventApi, type EventApiServer } from './eventApi/server.ts';
import type { LocalLog } from './log.ts';
import { createLocalMedia, localMediaDir, type LocalMedia } from './media.ts';
import { LOCAL_CREDENTIALS, REGION } from './names.ts';
import type { LocalPlan } from './plan.ts';
import { createQueues, startSqsLocal, type LocalQueues, type SqsLocal } from './sqs.ts';

export interface PeerOptions {
  dataDir: string;
  /** The data directory outlives the stack: DynamoDB Local keeps its tables on disk there. */
  persistent: boolean;
  host?: string;
  eventsPort?: number;
  dynamoTimeoutMs?: number;
  demoUsers?: boolean;
  dynamoProxy?: boolean;
  namespaces: LocalPlan['namespaces'];
  log: LocalLog;
  cleanups: Cleanups;
}

export interface Peers {
  dynamo: DynamoLocal;
  sqs: SqsLocal;
  cognito: CognitoLocal;
  pool: UserPoolInfo;
  localTables: LocalTables;
  localQueues: LocalQueues;
  /** One authorizer for the REST API and the live channel: tokens are checked the same way on both. */
  authorizer: JwtAuthorizer;
  eventApi: EventApiServer;
  media: LocalMedia;
  /** The metering, fault-injecting proxy the functions reach DynamoDB through, when asked for. */
  proxy?: DynamoProxy;
}

export async function startPeers(options: PeerOptions): Promise<Peers> {
  const { dataDir, persistent, log, cleanups } = options;
  mkdirSync(join(dataDir, 'cognito'), { recursive: true });
  if (persistent) mkdirSync(join(dataDir, 'dynamodb'), { recursive: true });
  const [dynamoResult, sqsResult, cognitoResult] = await Promise.allSettled([
    startDynamoLocal({ dataDir: persistent ? join(dataDir, 'dynamodb') : undefined, timeoutMs: options.dynamoTimeoutMs, log }),
    startSqsLocal(),
    startCognitoLocal({ dataDir: join(dataDir, 'cognito') }),
  ]);
  for (const r of [dynamoResult, sqsResult, cognitoResult]) if (r.status === 'fulfilled') cleanups.add(() => r.value.stop());
  for (const r of [dynamoResult, sqsResult, cognitoResult]) if (r.status === 'rejected') throw r.reason;
  const dynamo = (dynamoResult as PromiseFulfilledResult<DynamoLocal>).value;
  const sqs = (sqsResult as PromiseFulfilledResult<SqsLocal>).value;
  const cognito = (cognitoResult as PromiseFulfilledResult<CognitoLocal>).value;

  const [localTables, localQueues, pool] = await Promise.all([createTables(dynamo.endpoint, log), createQueues(sqs.endpoint), ensureUserPool(cognito.endpoint)]);
  if (options.demoUsers ?? true) await createDemoUsers(pool);

  const authorizer = createJwtAuthorizer({ issuer: pool.issuer, audience: [pool.clientId], jwksUri: pool.jwksUri });
  const eventApi = await startEventApi({
    port: options.eventsPort ?? 0,
    host: options.host,
    namespaces: options.namespaces,
    authorizer,
    credentials: LOCAL_CREDENTIALS,
    region: REGION,
    log,
  });
  cleanups.add(() => eventApi.stop());

  let proxy: DynamoProxy | undefined;
  if (options.dynamoProxy) {
    const keyNames = new Map((Object.keys(tables) as TableId[]).map((t) => [localTables.tableNames[t], tableKeyNames(t)]));
    const started = await startDynamoProxy(dynamo.endpoint, (name) => keyNames.get(name) ?? []);
    cleanups.add(() => started.stop());
    proxy = started;
  }

  return {
    dynamo,
    sqs,
    cognito,
    pool,
    localTables,
    localQueues,
    authorizer,
    eventApi,
    media: createLocalMedia(localMediaDir(dataDir)),
    proxy,
  };
}

/** A wiring table's key attribute names, partition key first: what the metering proxy names an item by. */
export function tableKeyNames(id: TableId): string[] {
  const spec = tables[id];
  return [spec.partitionKey.name, ...(spec.sortKey ? [spec.sortKey.name] : [])];
}
