/**
 * Lambda's event sources, locally: a poller per queue source (local-aws-sqs), a poller per stream source (DynamoDB
 * Local's streams, failures to the streams' dead-letter queue), and a timer per schedule — all from the local plan.
 */
import { join } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { REQUEST_TIMEOUTS } from '../../lambda/shared/requestTimeouts.ts';
import type { Cleanups } from './cleanups.ts';
import type { FunctionRuntime } from './functionRuntime.ts';
import type { LocalLog } from './log.ts';
import { LOCAL_CREDENTIALS, REGION, localFunctionArn, localRuleArn } from './names.ts';
import type { Peers } from './peers.ts';
import type { LocalPlan } from './plan.ts';
import { startSchedule } from './schedule.ts';
import { sqsClient } from './sqs.ts';
import { startSqsPoller, type BatchOutcome, type Poller } from './sqsPoller.ts';
import type { ServedSources } from './stats.ts';
import { fileCheckpoints, memoryCheckpoints, startStreamPoller } from './streamPoller.ts';

export interface EventSourceOptions {
  plan: LocalPlan;
  peers: Peers;
  functions: FunctionRuntime;
  /** Keep stream checkpoints in this directory (in memory otherwise). */
  checkpointDir?: string;
  /** Interval of the schedule triggers, ms (default: LOCAL_SCHEDULE_INTERVAL_MS, else the wiring's rate). */
  scheduleIntervalMs?: number;
  /** Upper bound for the wiring's batching windows, ms (default 100). */
  batchingWindowCapMs?: number;
  /** GetRecords interval of idle stream shards, ms (default 100). */
  streamPollIntervalMs?: number;
  onBatch: (outcome: BatchOutcome) => void;
  log: LocalLog;
  cleanups: Cleanups;
}

export type EventSourceNames = Omit<ServedSources, 'routes'>;

/** Starts every event source of the plan; its clean-up stops them, then saves the stream checkpoints and closes the clients. */
export function startEventSources(options: EventSourceOptions): EventSourceNames {
  const { plan, peers, functions, onBatch: count, log } = options;
  const served: EventSourceNames = { queueSources: [], streamSources: [], schedules: [] };
  const windowMs = (seconds: number) => Math.min(seconds * 1000, options.batchingWindowCapMs ?? 100);
  const sqsForPollers = sqsClient(peers.sqs.endpoint);
  const streamsClient = new DynamoDBStreamsClient({ region: REGION, endpoint: peers.dynamo.endpoint, credentials: LOCAL_CREDENTIALS, requestHandler: REQUEST_TIMEOUTS });
  const fileStore = options.checkpointDir === undefined ? undefined : fileCheckpoints(join(options.checkpointDir, 'stream-checkpoints.json'));
  const checkpoints = fileStore ?? memoryCheckpoints();
  const pollers: Poller[] = [];
  options.cleanups.add(async () => {
    try {
      await Promise.all(pollers.map((p) => p.stop()));
      // Saved once no poller moves a checkpoint any more.
      fileStore?.flush();
    } finally {
      sqsForPollers.destroy();
      streamsClient.destroy();
    }
  });

  for (const source of plan.queueSources) {
    const name = `sqs:${source.queue}->${source.functionId}`;
    pollers.push(
      startSqsPoller({
        name,
        client: sqsForPollers,
        queueUrl: peers.localQueues.queues[source.queue].url,
        queueArn: peers.localQueues.queues[source.queue].arn,
        invoke: functions.invoker(source.functionId),
        batchSize: source.batchSize,
        batchingWindowMs: windowMs(source.maxBatchingWindowSeconds),
        concurrency: Math.min(source.maxConcurrency ?? 2, 2),
        log,
        onBatch: count,
      }),
    );
    served.queueSources.push(name);
  }

  for (const source of plan.streamSources) {
    const streamArn = peers.localTables.streamArns[source.table];
    if (!streamArn) throw new Error(`table ${source.table} has no stream, but ${source.functionId} reads it`);
    const name = `stream:${source.table}->${source.functionId}`;
    pollers.push(
      startStreamPoller({
        name,
        client: streamsClient,
        streamArn,
        invoke: functions.invoker(source.functionId),
        functionArn: localFunctionArn(source.functionId),
        batchSize: source.batchSize,
        batchingWindowMs: windowMs(source.maxBatchingWindowSeconds),
        retryAttempts: source.retryAttempts,
        bisectOnError: true,
        onFailure: async (record) => {
          await sqsForPollers.send(new SendMessageCommand({ QueueUrl: peers.localQueues.streamDlq.url, MessageBody: JSON.stringify(record) }));
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
        invoke: functions.invoker(source.functionId),
        log,
        onFire: count,
      }),
    );
    served.schedules.push(name);
  }
  return served;
}
