/**
 * The DynamoDB Streams event source, as Lambda runs it for the deployed stack (TRIM_HORIZON, ReportBatchItemFailures,
 * BisectBatchOnFunctionError, MaximumRetryAttempts, an SQS OnFailure destination):
 *
 * - every shard is read in order (a child shard only after its parent is finished), one batch at a time, up to
 *   `batchSize` records gathered within the batching window; the checkpoint is kept per shard;
 * - success (no response, or empty `batchItemFailures`): the checkpoint moves past the batch;
 * - partial failure: the checkpoint moves to just before the lowest reported sequence number and only the rest of
 *   the batch is retried (bisected at that record);
 * - function error, timeout or an invalid response (an item identifier that is empty or not in the batch): the batch
 *   is split in two and each half retried on its own;
 * - every failed invocation counts as a retry of the batch's first record; when more than `retryAttempts` retries
 *   failed, a failure record describing the batch (Lambda's OnFailure format) goes to the failure destination and
 *   the batch is skipped.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
  type _Record as StreamRecord,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { streamRecord } from './events.ts';
import { errorFields, silentLog, type LocalLog } from './log.ts';
import type { Invoke } from './runtime.ts';
import type { BatchOutcome, Poller } from './sqsPoller.ts';

/* ---------------------------------------------------------------- the rules, without I/O */

export type StreamVerdict = { kind: 'success' } | { kind: 'partial'; fromIndex: number } | { kind: 'error'; reason: string };

/** How Lambda reads a stream function's response (ReportBatchItemFailures on). */
export function streamVerdict(result: unknown, sequenceNumbers: string[]): StreamVerdict {
  if (result === null || result === undefined || typeof result !== 'object') return { kind: 'success' };
  const failures = (result as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures)) return { kind: 'error', reason: 'batchItemFailures is not a list' };
  if (failures.length === 0) return { kind: 'success' };
  let lowest = Infinity;
  for (const f of failures) {
    const id = (f as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    const index = typeof id === 'string' && id !== '' ? sequenceNumbers.indexOf(id) : -1;
    if (index < 0) return { kind: 'error', reason: `invalid itemIdentifier ${JSON.stringify(id)}` };
    lowest = Math.min(lowest, index);
  }
  return { kind: 'partial', fromIndex: lowest };
}

export interface BatchPlan {
  /** Sizes of the batches still to retry before normal batching resumes (bisected halves, the rest of a partial). */
  pending: number[];
  /** Failed invocations since the head record last moved. */
  attempts: number;
}

export type PlanStep =
  | { action: 'advance'; count: number; plan: BatchPlan }
  | { action: 'retry'; advance: number; plan: BatchPlan }
  | { action: 'discard'; count: number; plan: BatchPlan };

/** What to do after an invocation of a batch of `size` records: the engine of checkpointing, bisecting and retrying. */
export function nextStep(verdict: StreamVerdict, size: number, plan: BatchPlan, options: { retryAttempts: number; bisect: boolean }): PlanStep {
  const rest = plan.pending.slice(1);
  if (verdict.kind === 'success') return { action: 'advance', count: size, plan: { pending: rest, attempts: 0 } };
  const exhausted = (attempts: number) => options.retryAttempts >= 0 && attempts > options.retryAttempts;
  if (verdict.kind === 'partial') {
    const advance = verdict.fromIndex;
    const remaining = size - advance;
    const attempts = advance > 0 ? 1 : plan.attempts + 1;
    if (exhausted(attempts)) return { action: 'discard', count: size, plan: { pending: rest, attempts: 0 } };
    return { action: 'retry', advance, plan: { pending: [remaining, ...rest], attempts } };
  }
  const attempts = plan.attempts + 1;
  if (exhausted(attempts)) return { action: 'discard', count: size, plan: { pending: rest, attempts: 0 } };
  const halves = options.bisect && size > 1 ? [Math.ceil(size / 2), Math.floor(size / 2)] : [size];
  return { action: 'retry', advance: 0, plan: { pending: [...halves, ...rest], attempts } };
}

/* ---------------------------------------------------------------- checkpoints */

export interface CheckpointStore {
  get(key: string): string | undefined;
  set(key: string, sequenceNumber: string): void;
}

export const memoryCheckpoints = (): CheckpointStore => {
  const map = new Map<string, string>();
  return { get: (k) => map.get(k), set: (k, v) => void map.set(k, v) };
};

/** Checkpoints that survive a restart with a data directory (written at most every 200 ms). */
export function fileCheckpoints(file: string): CheckpointStore & { flush(): void } {
  const map = new Map<string, string>(existsSync(file) ? Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : []);
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    writeFileSync(file, JSON.stringify(Object.fromEntries(map), null, 1));
  };
  return {
    get: (k) => map.get(k),
    set: (k, v) => {
      map.set(k, v);
      timer ??= setTimeout(flush, 200);
    },
    flush,
  };
}

/* ---------------------------------------------------------------- the poller */

export interface StreamFailureRecord {
  requestContext: { requestId: string; functionArn: string; condition: 'RetryAttemptsExhausted'; approximateInvokeCount: number };
  responseContext: { statusCode: number; executedVersion: string; functionError: string };
  version: '1.0';
  timestamp: string;
  DDBStreamBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
    streamArn: string;
  };
}

export interface StreamPollerOptions {
  name: string;
  client: DynamoDBStreamsClient;
  streamArn: string;
  invoke: Invoke;
  functionArn: string;
  batchSize: number;
  batchingWindowMs: number;
  /** -1: retry until the records expire. */
  retryAttempts: number;
  bisectOnError?: boolean;
  /** Where discarded batches are described (the stream DLQ); a failure to deliver keeps the batch for later. */
  onFailure?: (record: StreamFailureRecord) => Promise<void>;
  checkpoints?: CheckpointStore;
  /** GetRecords interval of an idle shard, ms (default 100). */
  pollIntervalMs?: number;
  /** DescribeStream interval for new shards, ms (default 1000). */
  discoverIntervalMs?: number;
  /** Pause before a retry, ms, times the attempt (default 100, at most 2 s). */
  retryDelayMs?: number;
  log?: LocalLog;
  onBatch?: (outcome: BatchOutcome) => void;
}

const abortableSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });

const compareSeq = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0);

export function startStreamPoller(options: StreamPollerOptions): Poller {
  const log = options.log ?? silentLog;
  const abort = new AbortController();
  const { signal } = abort;
  const checkpoints = options.checkpoints ?? memoryCheckpoints();
  const pollMs = options.pollIntervalMs ?? 100;
  const discoverMs = options.discoverIntervalMs ?? 1000;
  const retryDelayMs = options.retryDelayMs ?? 100;
  const bisect = options.bisectOnError ?? true;
  const checkpointKey = (shardId: string) => `${options.name}|${options.streamArn}|${shardId}`;

  interface ShardState {
    shard: Shard;
    started: boolean;
    done: boolean;
  }
  const shards = new Map<string, ShardState>();
  const running = new Set<Promise<void>>();
  let gone = false;

  const iteratorAt = async (shardId: string): Promise<string | undefined> => {
    const checkpoint = checkpoints.get(checkpointKey(shardId));
    try {
      const out = await options.client.send(
        new GetShardIteratorCommand({
          StreamArn: options.streamArn,
          ShardId: shardId,
          ...(checkpoint ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: checkpoint } : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      );
      return out.ShardIterator;
    } catch (err) {
      if ((err as Error).name !== 'TrimmedDataAccessException') throw err;
      const out = await options.client.send(new GetShardIteratorCommand({ StreamArn: options.streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }));
      return out.ShardIterator;
    }
  };

  const readShard = async (state: ShardState) => {
    const shardId = state.shard.ShardId!;
    let iterator = await iteratorAt(shardId);
    let buffer: StreamRecord[] = [];
    let bufferedSince = 0;
    let plan: BatchPlan = { pending: [], attempts: 0 };

    const checkpoint = (record: StreamRecord | undefined) => {
      const seq = record?.dynamodb?.SequenceNumber;
      if (!seq) return;
      const current = checkpoints.get(checkpointKey(shardId));
      if (!current || compareSeq(seq, current) > 0) checkpoints.set(checkpointKey(shardId), seq);
    };

    while (!signal.aborted) {
      if (iterator && buffer.length < options.batchSize) {
        try {
          const out = await options.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: Math.min(1000, options.batchSize - buffer.length) }));
          iterator = out.NextShardIterator;
          if (out.Records?.length) {
            if (buffer.length === 0) bufferedSince = Date.now();
            buffer.push(...out.Records);
            // More may be waiting right behind: read on while the batch is not full and its window is open.
            if (buffer.length < options.batchSize && Date.now() - bufferedSince < options.batchingWindowMs) continue;
          }
        } catch (err) {
          const name = (err as Error).name;
          if (signal.aborted) break;
          if (name === 'ResourceNotFoundException') {
            gone = true;
            return;
          }
          if (name === 'ExpiredIteratorException' || name === 'TrimmedDataAccessException') {
            buffer = [];
            plan = { pending: [], attempts: 0 };
            iterator = await iteratorAt(shardId);
            continue;
          }
          log.warn('GetRecords failed; retrying', { source: options.name, shardId, ...errorFields(err) });
          await abortableSleep(1000, signal);
          continue;
        }
      }
      if (buffer.length === 0) {
        if (!iterator) break; // a closed shard, read to its end
        await abortableSleep(pollMs, signal);
        continue;
      }
      // Gather up to the batch size within the batching window (unless a retry plan fixes the size).
      if (plan.pending.length === 0 && buffer.length < options.batchSize && iterator && Date.now() - bufferedSince < options.batchingWindowMs) {
        await abortableSleep(Math.min(pollMs, options.batchingWindowMs), signal);
        continue;
      }

      const size = Math.min(plan.pending[0] ?? options.batchSize, buffer.length);
      const batch = buffer.slice(0, size);
      const started = Date.now();
      const sequenceNumbers = batch.map((r) => r.dynamodb?.SequenceNumber ?? '');
      const event: DynamoDBStreamEvent = { Records: batch.map((r) => streamRecord(r, options.streamArn)) };
      let verdict: StreamVerdict;
      try {
        verdict = streamVerdict(await options.invoke(event), sequenceNumbers);
      } catch (err) {
        verdict = { kind: 'error', reason: (err as Error).message };
      }
      const step = nextStep(verdict, size, plan, { retryAttempts: options.retryAttempts, bisect });
      const outcome: BatchOutcome = {
        source: options.name,
        records: size,
        failed: step.action === 'advance' ? 0 : step.action === 'retry' ? size - step.advance : size,
        ms: Date.now() - started,
        ...(verdict.kind === 'error' ? { error: verdict.reason } : {}),
      };
      options.onBatch?.(outcome);

      if (step.action === 'discard') {
        const record = failureRecord(shardId, batch, plan.attempts + 1);
        try {
          await options.onFailure?.(record);
        } catch (err) {
          log.error('could not deliver a failed stream batch to its failure destination; retrying', { source: options.name, ...errorFields(err) });
          await abortableSleep(1000, signal);
          continue;
        }
        log.error('stream batch discarded after its retries', { ...outcome, shardId, first: sequenceNumbers[0], last: sequenceNumbers[size - 1] });
      } else if (step.action === 'retry') {
        log.warn('stream batch failed; retrying', { ...outcome, shardId, attempt: step.plan.attempts, next: step.plan.pending[0] });
      } else {
        log.debug('batch', { ...outcome, shardId });
      }
      const consumed = step.action === 'retry' ? step.advance : step.count;
      if (consumed > 0) {
        checkpoint(buffer[consumed - 1]);
        buffer = buffer.slice(consumed);
        bufferedSince = 0; // what is left has waited long enough
      }
      plan = step.plan;
      if (step.action === 'retry') await abortableSleep(Math.min(2000, retryDelayMs * step.plan.attempts), signal);
    }
    if (!signal.aborted) state.done = true;
  };

  const failureRecord = (shardId: string, batch: StreamRecord[], invokeCount: number): StreamFailureRecord => {
    const first = batch[0]?.dynamodb;
    const last = batch[batch.length - 1]?.dynamodb;
    const iso = (d: Date | undefined) => (d ? new Date(d).toISOString() : new Date().toISOString());
    return {
      requestContext: { requestId: randomUUID(), functionArn: options.functionArn, condition: 'RetryAttemptsExhausted', approximateInvokeCount: invokeCount },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: new Date().toISOString(),
      DDBStreamBatchInfo: {
        shardId,
        startSequenceNumber: first?.SequenceNumber ?? '',
        endSequenceNumber: last?.SequenceNumber ?? '',
        approximateArrivalOfFirstRecord: iso(first?.ApproximateCreationDateTime),
        approximateArrivalOfLastRecord: iso(last?.ApproximateCreationDateTime),
        batchSize: batch.length,
        streamArn: options.streamArn,
      },
    };
  };

  const startReady = () => {
    if (signal.aborted || gone) return;
    for (const state of shards.values()) {
      if (state.started) continue;
      const parentId = state.shard.ParentShardId;
      const parent = parentId ? shards.get(parentId) : undefined;
      if (parent && !parent.done) continue;
      state.started = true;
      const p: Promise<void> = readShard(state)
        .catch(async (err) => {
          if (signal.aborted) return;
          log.error('stream shard reader stopped on an error; it restarts', { source: options.name, ...errorFields(err) });
          await abortableSleep(1000, signal);
          state.started = false;
        })
        .finally(() => {
          running.delete(p);
          startReady();
        });
      running.add(p);
    }
  };

  const discover = async () => {
    let exclusiveStartShardId: string | undefined;
    do {
      const out = await options.client.send(new DescribeStreamCommand({ StreamArn: options.streamArn, ExclusiveStartShardId: exclusiveStartShardId }));
      for (const shard of out.StreamDescription?.Shards ?? []) {
        if (shard.ShardId && !shards.has(shard.ShardId)) shards.set(shard.ShardId, { shard, started: false, done: false });
      }
      exclusiveStartShardId = out.StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
    startReady();
  };

  const discovery = (async () => {
    while (!signal.aborted && !gone) {
      try {
        await discover();
      } catch (err) {
        if (signal.aborted) break;
        if ((err as Error).name === 'ResourceNotFoundException') break;
        log.warn('DescribeStream failed; retrying', { source: options.name, ...errorFields(err) });
      }
      await abortableSleep(discoverMs, signal);
    }
  })();

  return {
    stop: async () => {
      abort.abort();
      await discovery;
      while (running.size) await Promise.all([...running]);
    },
  };
}
