/**
 * The functions of the wiring on Lambda-like runtime threads: their environment (the peers' endpoints, table names,
 * queue URLs…), the split into an API thread and a pipeline thread, and the warm starts.
 */
import { functions, type FunctionId } from '../wiring.ts';
import type { Cleanups } from './cleanups.ts';
import { handlerEnvironment } from './env.ts';
import { errorFields, type LocalLog } from './log.ts';
import { localMediaEnvironment } from './media.ts';
import type { Peers } from './peers.ts';
import { urlsOf } from './sqs.ts';
import { createLambdaRuntime, type Invoke, type LambdaRuntime, type RuntimeFunction } from './runtime.ts';

export interface FunctionRuntimeOptions {
  rootDir: string;
  /** Where the functions keep local state: the outbox, the analytics archive, the test clock. */
  files: { outboxFile: string; eventsArchiveDir: string; clockFile: string };
  settleMs?: number;
  quiet?: boolean;
  functionEnv?: Record<string, string>;
  functionOutput?: NodeJS.WritableStream;
  log: LocalLog;
  cleanups: Cleanups;
}

export interface FunctionRuntime {
  runtime: LambdaRuntime;
  invoker(id: FunctionId): Invoke;
  invoke(id: FunctionId, event: unknown): Promise<unknown>;
  /** Hands the functions the API's URL (the media endpoint and CDN_URL need it); call before the first invocation. */
  useApiUrl(apiUrl: string): void;
  /**
   * Warm starts: imports the functions one by one in the background, so that first requests rarely pay for it and a
   * module that does not load shows up at once. (A request never waits for this: it loads its own module.)
   */
  warmUp(stopping: () => boolean): void;
}

export const runtimeFunction = (id: FunctionId): RuntimeFunction => ({ id, spec: functions[id] });

export function createFunctionRuntime(peers: Peers, options: FunctionRuntimeOptions): FunctionRuntime {
  const { log } = options;
  const env: Record<string, string> = {
    ...handlerEnvironment({
      dynamoEndpoint: peers.proxy?.endpoint ?? peers.dynamo.endpoint,
      sqsEndpoint: peers.sqs.endpoint,
      cognitoEndpoint: peers.cognito.endpoint,
      tableNames: peers.localTables.tableNames,
      queueUrls: urlsOf(peers.localQueues.queues),
      deadLetterQueueUrls: { ...urlsOf(peers.localQueues.dlqs), streams: peers.localQueues.streamDlq.url },
      userPoolId: peers.pool.userPoolId,
      userPoolClientId: peers.pool.clientId,
      ...options.files,
      eventApiHttpEndpoint: peers.eventApi.httpEndpoint,
      settleMs: options.settleMs,
      quiet: options.quiet,
      rootDir: options.rootDir,
    }),
    ...options.functionEnv,
  };
  const runtime = createLambdaRuntime({
    rootDir: options.rootDir,
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
  options.cleanups.add(() => runtime.stop());

  return {
    runtime,
    invoker: (id) => runtime.invoker(runtimeFunction(id)),
    invoke: (id, event) => runtime.invoke(runtimeFunction(id), event),
    // The runtime reads `env` when it starts its thread, at the first invocation.
    useApiUrl: (apiUrl) => void Object.assign(env, localMediaEnvironment(apiUrl), options.functionEnv),
    warmUp(stopping) {
      void (async () => {
        for (const id of Object.keys(functions) as FunctionId[]) {
          if (stopping()) return;
          await runtime.load(runtimeFunction(id)).catch((err: unknown) => {
            if (!stopping()) log.warn('a function module does not load', { function: id, ...errorFields(err) });
          });
        }
      })();
    },
  };
}
