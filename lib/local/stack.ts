/**
 * The whole system on one machine: the same handlers with the same wiring (lib/wiring.ts) against real protocol
 * peers — DynamoDB Local (with streams), local-aws-sqs, cognito-local, an AppSync Events server — behind an API Gateway emulation, with
 * Lambda-like event sources (SQS and stream pollers, schedule timers) and Lambda-like runtime threads (API, pipeline).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { functions, tables, type FunctionId } from '../wiring.ts';
import { type QueueId, type TableId } from '../../lambda/shared/resources.ts';
import { createJwtAuthorizer } from './authorizer.ts';
import { startApiServer } from './apiServer.ts';
import { startEventApi, type EventApiStats } from './eventApi/server.ts';
import { createDemoUsers, createLocalUser, ensureUserPool, startCognitoLocal, type LocalUser, type LocalUserInput } from './cognito.ts';
import { createTables, startDynamoLocal } from './dynamo.ts';
import { handlerEnvironment } from './env.ts';
import { checkJava } from './java.ts';
import { createLog, errorFields, type LocalLog } from './log.ts';
import { LOCAL_CREDENTIALS, REGION, STACK_NAME, localFunctionArn, localRuleArn } from './names.ts';
import { localPlan } from './plan.ts';
import { LOCAL_HOST, assertPortFree } from './ports.ts';
import { createRouter } from './router.ts';
import { createLambdaRuntime, type RuntimeFunction } from './runtime.ts';
import { startSchedule } from './schedule.ts';
import { createQueues, sqsClient, startSqsLocal } from './sqs.ts';
import { startSqsPoller, type BatchOutcome, type Poller } from './sqsPoller.ts';
import { fileCheckpoints, memoryCheckpoints, startStreamPoller } from './streamPoller.ts';
import { seedDemo as seedDemoContent } from './demo.ts';
import { startDynamoProxy, type DynamoProxy } from './dynamoProxy.ts';
import { REQUEST_TIMEOUTS } from '../../lambda/shared/requestTimeouts.ts';
import { createLocalMedia, localMediaDir, localMediaEnvironment } from './media.ts';
import { createLocalWebApps, type WebAppConfig } from './webApps.ts';
import { WEB_DIST } from '../webBuild.ts';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface LocalStackOptions {
  /** API port (0 or absent: a free port). */
  port?: number;
  /** API host to bind (default 127.0.0.1). */
  host?: string;
  /** The Event API's port (live channel; 0 or absent: a free port). */
  eventsPort?: number;
  /** Keep DynamoDB tables, users and stream checkpoints in this directory (in memory and a temp dir otherwise). */
  dataDir?: string;
  /** Interval of the schedule triggers, ms (default: LOCAL_SCHEDULE_INTERVAL_MS, else the wiring's rate). */
  scheduleIntervalMs?: number;
  /** FINALIZE_SETTLE_MS for the functions (how long the runner waits for queued answers before finalizing). */
  settleMs?: number;
  /** Extra environment variables for every function (e.g. DEFAULT_LEAD_SECONDS for short shows in tests). */
  functionEnv?: Record<string, string>;
  /** Only warnings and errors (handlers included), no request lines or metrics. */
  quiet?: boolean;
  /** Where the functions' stdout (their INFO logs) goes, e.g. the log file of `npm start`: this process's stdout unless given. */
  functionOutput?: NodeJS.WritableStream;
  /** Create the demo questions and game through the API once it is up. */
  seedDemo?: boolean;
  /** Create admin@example.com and player1…20@example.com (default true). */
  demoUsers?: boolean;
  /** How long DynamoDB Local may take to start (default 30 s). */
  dynamoTimeoutMs?: number;
  /**
   * Upper bound for the wiring's batching windows, ms (default 100): locally nothing is gained by waiting a second
   * for more records, and the answer pipeline must settle well within FINALIZE_SETTLE_MS.
   */
  batchingWindowCapMs?: number;
  /** GetRecords interval of idle stream shards, ms (default 100). */
  streamPollIntervalMs?: number;
  /** Repository root (function entries are relative to it). */
  rootDir?: string;
  /**
   * Put a metering, fault-injecting proxy between the functions and DynamoDB Local (lib/local/dynamoProxy.ts):
   * the benchmark counts write requests with it, and fault tests inject throttling through its control endpoint.
   */
  dynamoProxy?: boolean;
  log?: LocalLog;
}

export interface LocalStackOutputs {
  ApiUrl: string;
  UserPoolId: string;
  UserPoolClientId: string;
  CognitoEndpoint: string;
  /** The live channel's HTTP publish endpoint, `http://127.0.0.1:PORT/event`. */
  EventApiHttpEndpoint: string;
  /** The live channel's WebSocket endpoint, `ws://127.0.0.1:PORT/event/realtime`. */
  EventApiRealtimeEndpoint: string;
  /** The player app (`/`) and the host console (`/console/`), on the API's origin. */
  AppUrl: string;
}

/** Everything a client or a test needs to reach the stack; plain data (it crosses to test workers). */
export interface LocalStackInfo {
  apiUrl: string;
  outputs: LocalStackOutputs;
  dynamoEndpoint: string;
  sqsEndpoint: string;
  tableNames: Record<TableId, string>;
  queueUrls: Record<QueueId, string>;
  dlqUrls: Record<QueueId, string>;
  streamDlqUrl: string;
  streamArns: Partial<Record<TableId, string>>;
  outboxFile: string;
  dataDir: string;
  /** The local analytics archive: domain events as JSON lines, `<dir>/<type>/<yyyy-mm-dd>.jsonl` (lambda/store/eventArchive.ts). */
  eventsArchiveDir: string;
  /** Test time control: JSON `{at, anchor, speed}` written here moves the functions' clock (lambda/shared/clock.ts). */
  clockFile: string;
  /** The endpoint the functions use for DynamoDB when a proxy is in front of it (control paths under `/__`). */
  dynamoProxyEndpoint?: string;
}

export interface SourceStats {
  invocations: number;
  records: number;
  failedRecords: number;
  errors: number;
  /** Sum of invocation durations, ms (the benchmark's Lambda compute model uses it). */
  totalMs: number;
}

export interface LocalStackStats {
  served: { routes: string[]; queueSources: string[]; streamSources: string[]; schedules: string[] };
  sources: Record<string, SourceStats>;
  /** The local Event API: connections, subscriptions, events published and data frames delivered. */
  eventApi: EventApiStats;
}

export interface LocalStack extends LocalStackInfo {
  info(): LocalStackInfo;
  proxy?: DynamoProxy;
  stats(): LocalStackStats;
  /** A confirmed user with a permanent password (AdminCreateUser keeps a given `sub`). */
  createUser(input: LocalUserInput): Promise<LocalUser>;
  stop(): Promise<void>;
}

const runtimeFunction = (id: FunctionId): RuntimeFunction => ({ id, spec: functions[id] });

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? createLog({ level: options.quiet ? 'WARN' : 'INFO' });
  const rootDir = options.rootDir ?? REPO_ROOT;
  const persistent = options.dataDir !== undefined;
  let stopping: Promise<void> | undefined;
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanup = async () => {
    while (cleanups.length) {
      const step = cleanups.pop()!;
      try {
        await step();
      } catch (err) {
        log.warn('clean-up step failed', errorFields(err));
      }
    }
  };

  checkJava();
  if (options.port) await assertPortFree(options.port, options.host ?? LOCAL_HOST, 'the API', 'set PORT to a free port');
  if (options.eventsPort) await assertPortFree(options.eventsPort, options.host ?? LOCAL_HOST, 'the Event API', 'set EVENTS_PORT to a free port');
  const dataDir = persistent ? resolve(options.dataDir!) : mkdtempSync(join(tmpdir(), 'trivia-local-'));
  mkdirSync(dataDir, { recursive: true });
  if (!persistent) cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));

  try {
    const started = Date.now();
    mkdirSync(join(dataDir, 'cognito'), { recursive: true });
    if (persistent) mkdirSync(join(dataDir, 'dynamodb'), { recursive: true });
    const [dynamoResult, sqsResult, cognitoResult] = await Promise.allSettled([
      startDynamoLocal({ dataDir: persistent ? join(dataDir, 'dynamodb') : undefined, timeoutMs: options.dynamoTimeoutMs, log }),
      startSqsLocal(),
      startCognitoLocal({ dataDir: join(dataDir, 'cognito') }),
    ]);
    for (const r of [dynamoResult, sqsResult, cognitoResult]) if (r.status === 'fulfilled') cleanups.push(() => r.value.stop());
    for (const r of [dynamoResult, sqsResult, cognitoResult]) if (r.status === 'rejected') throw r.reason;
    const dynamo = (dynamoResult as PromiseFulfilledResult<Awaited<ReturnType<typeof startDynamoLocal>>>).value;
    const sqs = (sqsResult as PromiseFulfilledResult<Awaited<ReturnType<typeof startSqsLocal>>>).value;
    const cognito = (cognitoResult as PromiseFulfilledResult<Awaited<ReturnType<typeof startCognitoLocal>>>).value;

    const [localTables, localQueues, pool] = await Promise.all([createTables(dynamo.endpoint, log), createQueues(sqs.endpoint), ensureUserPool(cognito.endpoint)]);
    if (options.demoUsers ?? true) await createDemoUsers(pool);

    const plan = localPlan();
    // One authorizer for the REST API and the live channel: tokens are checked the same way on both.
    const authorizer = createJwtAuthorizer({ issuer: pool.issuer, audience: [pool.clientId], jwksUri: pool.jwksUri });
    const eventApi = await startEventApi({
      port: options.eventsPort ?? 0,
      host: options.host,
      namespaces: plan.namespaces,
      authorizer,
      credentials: LOCAL_CREDENTIALS,
      region: REGION,
      log,
    });
    cleanups.push(() => eventApi.stop());

    const outboxFile = join(dataDir, 'outbox.jsonl');
    const eventsArchiveDir = join(dataDir, 'events');
    const clockFile = join(dataDir, 'clock.json');
    const queueUrls = Object.fromEntries(Object.entries(localQueues.queues).map(([k, v]) => [k, v.url])) as Record<QueueId, string>;
    const dlqUrls = Object.fromEntries(Object.entries(localQueues.dlqs).map(([k, v]) => [k, v.url])) as Record<QueueId, string>;
    let proxy: DynamoProxy | undefined;
    if (options.dynamoProxy) {
      const keyNames = new Map(
        (Object.keys(tables) as TableId[]).map((t) => [localTables.tableNames[t], [tables[t].partitionKey.name, ...(tables[t].sortKey ? [tables[t].sortKey!.name] : [])]]),
      );
      proxy = await startDynamoProxy(dynamo.endpoint, (name) => keyNames.get(name) ?? []);
      const started = proxy;
      cleanups.push(() => started.stop());
    }
    const baseEnv = handlerEnvironment({
      dynamoEndpoint: proxy?.endpoint ?? dynamo.endpoint,
      sqsEndpoint: sqs.endpoint,
      cognitoEndpoint: cognito.endpoint,
      tableNames: localTables.tableNames,
      queueUrls,
      deadLetterQueueUrls: { ...dlqUrls, streams: localQueues.streamDlq.url },
      userPoolId: pool.userPoolId,
      userPoolClientId: pool.clientId,
      outboxFile,
      eventApiHttpEndpoint: eventApi.httpEndpoint,
      eventsArchiveDir,
      clockFile,
      settleMs: options.settleMs,
      quiet: options.quiet,
      rootDir,
    });
    const env = { ...baseEnv, ...options.functionEnv };
    const runtime = createLambdaRuntime({
      rootDir,
      env,
      log,
      // Two runtime threads: the API's functions, and the pipeline's (queue, stream and schedule consumers). In AWS
      // they run in containers of their own; on one event loop a burst of requests would hold up the consumers that
      // drain it (npm run bench: ~1.4x -> ~1.6x the baseline's answers/s). A thread per function was slower still:
      // every thread compiles the SDK anew and keeps its own copy (1.5 GB for all functions).
      threadOf: (id) => (functions[id as FunctionId].triggers.some((t) => t.kind === 'http') ? 'api' : 'pipeline'),
      // Quiet, or logs in a file: Powertools' notice about a flush without metrics (on stderr, after most invocations) is noise.
      ...(options.quiet || options.functionOutput ? { outputFilter: (line: string) => !line.startsWith('No application metrics to publish') } : {}),
      ...(options.functionOutput ? { stdoutTo: options.functionOutput } : {}),
    });
    cleanups.push(() => runtime.stop());

    /* statistics of every event source, for /_local/stats and tests */
    const sources: Record<string, SourceStats> = {};
    const count = (o: BatchOutcome) => {
      const s = (sources[o.source] ??= { invocations: 0, records: 0, failedRecords: 0, errors: 0, totalMs: 0 });
      s.invocations++;
      s.totalMs += o.ms;
      s.records += o.records;
      s.failedRecords += o.failed;
      if (o.error) s.errors++;
    };

    const served: LocalStackStats['served'] = { routes: [], queueSources: [], streamSources: [], schedules: [] };

    const router = createRouter(plan.routes);
    served.routes = router.routes.map((r) => r.routeKey);
    // Filled in once the API's URL is known; served as /config.json (no sign-up: cognito-local sends no mail).
    const webConfig: WebAppConfig = { ApiUrl: '', UserPoolId: pool.userPoolId, UserPoolClientId: pool.clientId, CognitoEndpoint: cognito.endpoint, SignUpEnabled: false, Stage: 'local' };
    const api = await startApiServer({
      port: options.port ?? 0,
      host: options.host,
      router,
      authorizer,
      invoke: async (functionId, event) => {
        const t0 = Date.now();
        try {
          const result = await runtime.invoke(runtimeFunction(functionId), event);
          count({ source: `http:${functionId}`, records: 1, failed: 0, ms: Date.now() - t0 });
          return result;
        } catch (err) {
          count({ source: `http:${functionId}`, records: 1, failed: 1, ms: Date.now() - t0, error: (err as Error).message });
          throw err;
        }
      },
      local: (path) => (path === '/_local/stats' ? stats() : undefined),
      media: createLocalMedia(localMediaDir(dataDir)),
      web: createLocalWebApps({ distDir: WEB_DIST, config: () => webConfig }),
      log,
    });
    webConfig.ApiUrl = api.url;
    cleanups.push(() => api.stop());
    // The media endpoint and CDN_URL need the API's URL. The runtime reads `env` when it starts its thread, at the
    // first invocation, and nothing has been invoked yet.
    Object.assign(env, localMediaEnvironment(api.url), options.functionEnv);

    /* event sources */
    const windowMs = (seconds: number) => Math.min(seconds * 1000, options.batchingWindowCapMs ?? 100);
    const sqsForPollers = sqsClient(sqs.endpoint);
    const streamsClient = new DynamoDBStreamsClient({ region: REGION, endpoint: dynamo.endpoint, credentials: LOCAL_CREDENTIALS, requestHandler: REQUEST_TIMEOUTS });
    cleanups.push(() => {
      sqsForPollers.destroy();
      streamsClient.destroy();
    });
    const pollers: Poller[] = [];
    cleanups.push(async () => {
      await Promise.all(pollers.map((p) => p.stop()));
    });

    for (const source of plan.queueSources) {
      const name = `sqs:${source.queue}->${source.functionId}`;
      pollers.push(
        startSqsPoller({
          name,
          client: sqsForPollers,
          queueUrl: localQueues.queues[source.queue].url,
          queueArn: localQueues.queues[source.queue].arn,
          invoke: runtime.invoker(runtimeFunction(source.functionId)),
          batchSize: source.batchSize,
          batchingWindowMs: windowMs(source.maxBatchingWindowSeconds),
          concurrency: Math.min(source.maxConcurrency ?? 2, 2),
          log,
          onBatch: count,
        }),
      );
      served.queueSources.push(name);
    }

    const fileStore = persistent ? fileCheckpoints(join(dataDir, 'stream-checkpoints.json')) : undefined;
    const checkpoints = fileStore ?? memoryCheckpoints();
    // Flushed after the pollers stop (clean-ups run last in, first out).
    if (fileStore) cleanups.splice(cleanups.length - 1, 0, () => fileStore.flush());
    for (const source of plan.streamSources) {
      const streamArn = localTables.streamArns[source.table];
      if (!streamArn) throw new Error(`table ${source.table} has no stream, but ${source.functionId} reads it`);
      const name = `stream:${source.table}->${source.functionId}`;
      pollers.push(
        startStreamPoller({
          name,
          client: streamsClient,
          streamArn,
          invoke: runtime.invoker(runtimeFunction(source.functionId)),
          functionArn: localFunctionArn(source.functionId),
          batchSize: source.batchSize,
          batchingWindowMs: windowMs(source.maxBatchingWindowSeconds),
          retryAttempts: source.retryAttempts,
          bisectOnError: true,
          onFailure: async (record) => {
            await sqsForPollers.send(new SendMessageCommand({ QueueUrl: localQueues.streamDlq.url, MessageBody: JSON.stringify(record) }));
          },
          checkpoints,
          pollIntervalMs: options.streamPollIntervalMs ?? 100,
          log,
          onBatch: count,
        }),
      );
      served.streamSources.push(name);
    }

    const envInterval = Number(process.env.LOCAL_SCHEDULE_INTERVAL_MS);
    for (const source of plan.schedules) {
      const name = `schedule:${source.functionId}${source.index ? `#${source.index}` : ''}`;
      const intervalMs = options.scheduleIntervalMs ?? (envInterval > 0 ? envInterval : source.rateMinutes * 60_000);
      pollers.push(
        startSchedule({
          name,
          intervalMs,
          ruleArn: localRuleArn(source.functionId, source.index),
          invoke: runtime.invoker(runtimeFunction(source.functionId)),
          log,
          onFire: count,
        }),
      );
      served.schedules.push(name);
    }

    const info: LocalStackInfo = {
      apiUrl: api.url,
      outputs: {
        ApiUrl: api.url,
        UserPoolId: pool.userPoolId,
        UserPoolClientId: pool.clientId,
        CognitoEndpoint: cognito.endpoint,
        EventApiHttpEndpoint: eventApi.httpEndpoint,
        EventApiRealtimeEndpoint: eventApi.realtimeEndpoint,
        AppUrl: `${api.url}/`,
      },
      dynamoEndpoint: dynamo.endpoint,
      sqsEndpoint: sqs.endpoint,
      tableNames: localTables.tableNames,
      queueUrls,
      dlqUrls,
      streamDlqUrl: localQueues.streamDlq.url,
      streamArns: localTables.streamArns,
      outboxFile,
      dataDir,
      eventsArchiveDir,
      clockFile,
      ...(proxy ? { dynamoProxyEndpoint: proxy.endpoint } : {}),
    };
    // config.json carries the outputs (the Event API's endpoints among them), as the deployed stack writes it.
    Object.assign(webConfig, info.outputs);
    function stats(): LocalStackStats {
      return { served, sources: structuredClone(sources), eventApi: eventApi.stats() };
    }

    if (options.seedDemo) await seedDemoContent({ apiUrl: api.url, cognitoEndpoint: cognito.endpoint, clientId: pool.clientId }, log);
    // Warm starts: import the functions one by one in the background, so that first requests rarely pay for it and
    // a module that does not load shows up at once. (A request never waits for this: it loads its own module.)
    void (async () => {
      for (const id of Object.keys(functions) as FunctionId[]) {
        if (stopping) return;
        await runtime.load(runtimeFunction(id)).catch((err: unknown) => {
          if (!stopping) log.warn('a function module does not load', { function: id, ...errorFields(err) });
        });
      }
    })();
    log.info('local stack is up', { stack: STACK_NAME, apiUrl: api.url, ms: Date.now() - started, dataDir: persistent ? dataDir : undefined });

    return {
      ...info,
      info: () => structuredClone(info),
      proxy,
      stats,
      createUser: (input) => createLocalUser({ endpoint: cognito.endpoint, userPoolId: pool.userPoolId }, input),
      stop: () => (stopping ??= cleanup()),
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
