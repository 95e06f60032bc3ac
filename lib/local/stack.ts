/**
 * The whole system on one machine: the same handlers with the same wiring (lib/wiring.ts) against real protocol
 * peers — DynamoDB Local (with streams), local-aws-sqs, cognito-local, an AppSync Events server — behind an API Gateway emulation, with
 * Lambda-like event sources (SQS and stream pollers, schedule timers) and Lambda-like runtime threads (API, pipeline).
 *
 * This file composes the parts: peers.ts (the services), functionRuntime.ts (the functions' threads and environment),
 * eventSources.ts (pollers and schedules), stats.ts (what every source did), and the API server in front.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { StackOutputs } from '../../client/outputs.ts';
import type { QueueId, TableId } from '../../lambda/shared/resources.ts';
import { REPO_ROOT } from '../repoRoot.ts';
import { WEB_DIST } from '../webBuild.ts';
import { startApiServer } from './apiServer.ts';
import { createCleanups } from './cleanups.ts';
import { createLocalUser, type LocalUser, type LocalUserInput } from './cognito.ts';
import { seedDemo as seedDemoContent } from './demo.ts';
import type { DynamoProxy } from './dynamoProxy.ts';
import { startEventSources } from './eventSources.ts';
import { createFunctionRuntime } from './functionRuntime.ts';
import { checkJava } from './java.ts';
import { createLog, type LocalLog } from './log.ts';
import { STACK_NAME } from './names.ts';
import { startPeers } from './peers.ts';
import { localPlan } from './plan.ts';
import { LOCAL_HOST, assertPortFree } from './ports.ts';
import { createRouter } from './router.ts';
import { urlsOf } from './sqs.ts';
import { createSourceCounters, type LocalStackStats } from './stats.ts';
import { createLocalWebApps, type WebAppConfig } from './webApps.ts';

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

/**
 * The outputs `npm start` writes to cdk-outputs.local.json, as `cdk deploy --outputs-file` would (client/outputs.ts):
 * a local stack has every one of them — the live channel at `http://127.0.0.1:PORT/event` and
 * `ws://127.0.0.1:PORT/event/realtime`, the player app (`/`) and the host console (`/console/`) on the API's origin.
 */
export type LocalStackOutputs = Required<
  Pick<StackOutputs, 'ApiUrl' | 'UserPoolId' | 'UserPoolClientId' | 'CognitoEndpoint' | 'EventApiHttpEndpoint' | 'EventApiRealtimeEndpoint' | 'AppUrl'>
>;

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

export interface LocalStack extends LocalStackInfo {
  info(): LocalStackInfo;
  proxy?: DynamoProxy;
  stats(): LocalStackStats;
  /** A confirmed user with a permanent password (AdminCreateUser keeps a given `sub`). */
  createUser(input: LocalUserInput): Promise<LocalUser>;
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? createLog({ level: options.quiet ? 'WARN' : 'INFO' });
  const rootDir = options.rootDir ?? REPO_ROOT;
  const persistent = options.dataDir !== undefined;
  let stopping: Promise<void> | undefined;
  const cleanups = createCleanups(log);

  checkJava();
  if (options.port) await assertPortFree(options.port, options.host ?? LOCAL_HOST, 'the API', 'set PORT to a free port');
  if (options.eventsPort) await assertPortFree(options.eventsPort, options.host ?? LOCAL_HOST, 'the Event API', 'set EVENTS_PORT to a free port');
  const dataDir = persistent ? resolve(options.dataDir!) : mkdtempSync(join(tmpdir(), 'trivia-local-'));
  mkdirSync(dataDir, { recursive: true });
  if (!persistent) cleanups.add(() => rmSync(dataDir, { recursive: true, force: true }));

  try {
    const started = Date.now();
    const plan = localPlan();
    const peers = await startPeers({ ...options, dataDir, persistent, namespaces: plan.namespaces, log, cleanups });
    const { cognito, pool, eventApi, proxy } = peers;

    const files = { outboxFile: join(dataDir, 'outbox.jsonl'), eventsArchiveDir: join(dataDir, 'events'), clockFile: join(dataDir, 'clock.json') };
    const functions = createFunctionRuntime(peers, { ...options, rootDir, files, log, cleanups });

    const counters = createSourceCounters();
    const router = createRouter(plan.routes);
    const served: LocalStackStats['served'] = { routes: router.routes.map((r) => r.routeKey), queueSources: [], streamSources: [], schedules: [] };
    const stats = (): LocalStackStats => ({ served, sources: counters.snapshot(), eventApi: eventApi.stats() });
    // Filled in once the API's URL is known; served as /config.json (no sign-up: cognito-local sends no mail).
    const webConfig: WebAppConfig = { ApiUrl: '', UserPoolId: pool.userPoolId, UserPoolClientId: pool.clientId, CognitoEndpoint: cognito.endpoint, SignUpEnabled: false, Stage: 'local' };
    const api = await startApiServer({
      port: options.port ?? 0,
      host: options.host,
      router,
      authorizer: peers.authorizer,
      invoke: async (functionId, event) => {
        const t0 = Date.now();
        try {
          const result = await functions.invoke(functionId, event);
          counters.count({ source: `http:${functionId}`, records: 1, failed: 0, ms: Date.now() - t0 });
          return result;
        } catch (err) {
          counters.count({ source: `http:${functionId}`, records: 1, failed: 1, ms: Date.now() - t0, error: (err as Error).message });
          throw err;
        }
      },
      local: (path) => (path === '/_local/stats' ? stats() : undefined),
      media: peers.media,
      web: createLocalWebApps({ distDir: WEB_DIST, config: () => webConfig }),
      log,
    });
    webConfig.ApiUrl = api.url;
    cleanups.add(() => api.stop());
    // Nothing has been invoked yet, so every function starts with the API's URL in its environment.
    functions.useApiUrl(api.url);

    Object.assign(
      served,
      startEventSources({
        plan,
        peers,
        functions,
        checkpointDir: persistent ? dataDir : undefined,
        scheduleIntervalMs: options.scheduleIntervalMs,
        batchingWindowCapMs: options.batchingWindowCapMs,
        streamPollIntervalMs: options.streamPollIntervalMs,
        onBatch: counters.count,
        log,
        cleanups,
      }),
    );

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
      dynamoEndpoint: peers.dynamo.endpoint,
      sqsEndpoint: peers.sqs.endpoint,
      tableNames: peers.localTables.tableNames,
      queueUrls: urlsOf(peers.localQueues.queues),
      dlqUrls: urlsOf(peers.localQueues.dlqs),
      streamDlqUrl: peers.localQueues.streamDlq.url,
      streamArns: peers.localTables.streamArns,
      ...files,
      dataDir,
      ...(proxy ? { dynamoProxyEndpoint: proxy.endpoint } : {}),
    };
    // config.json carries the outputs (the Event API's endpoints among them), as the deployed stack writes it.
    Object.assign(webConfig, info.outputs);

    if (options.seedDemo) await seedDemoContent({ apiUrl: api.url, cognitoEndpoint: cognito.endpoint, clientId: pool.clientId }, log);
    functions.warmUp(() => stopping !== undefined);
    log.info('local stack is up', { stack: STACK_NAME, apiUrl: api.url, ms: Date.now() - started, dataDir: persistent ? dataDir : undefined });

    return {
      ...info,
      info: () => structuredClone(info),
      proxy,
      stats,
      createUser: (input) => createLocalUser({ endpoint: cognito.endpoint, userPoolId: pool.userPoolId }, input),
      stop: () => (stopping ??= cleanups.run()),
    };
  } catch (err) {
    await cleanups.run();
    throw err;
  }
}
