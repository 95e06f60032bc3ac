/**
 * The SQS event source, as Lambda runs it: long-poll the queue, gather up to `batchSize` messages (up to 10 a call)
 * within the batching window, invoke the function with an SQSEvent, then delete the messages that did not
 * fail. With ReportBatchItemFailures (the deployed stack turns it on) the failures are the `batchItemFailures`;
 * a function error fails the whole batch. Failed messages are left alone: they come back after the visibility
 * timeout, and after maxReceiveCount receives the queue's redrive policy moves them to the dead-letter queue.
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { sqsRecord } from './events.ts';
import { errorFields, silentLog, type LocalLog } from './log.ts';
import type { Invoke } from './runtime.ts';
import { longPollTimeoutMs } from '../../lambda/shared/requestTimeouts.ts';

export interface SqsPollerOptions {
  name: string;
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  invoke: Invoke;
  batchSize: number;
  /** How long to gather messages for a batch once the first one arrived (Lambda's MaximumBatchingWindowInSeconds). */
  batchingWindowMs: number;
  /** Concurrent batches (Lambda polls with several pollers; its minimum maximum concurrency is 2). Default 1. */
  concurrency?: number;
  /** Long-poll wait of an idle poller, seconds (default 20, SQS's maximum). */
  waitTimeSeconds?: number;
  /** Pause between short polls while a batch is gathered, ms (default 25). */
  gatherPollMs?: number;
  log?: LocalLog;
  onBatch?: (outcome: BatchOutcome) => void;
}

export interface BatchOutcome {
  source: string;
  records: number;
  failed: number;
  error?: string;
  ms: number;
}

export interface Poller {
  stop(): Promise<void>;
}

/**
 * The message ids to keep (not delete) after an invocation, following Lambda's partial batch response rules:
 * no response, an empty or missing `batchItemFailures` → all succeeded; an item without a known message id → the
 * whole batch failed.
 */
export function failedMessageIds(result: unknown, records: Pick<SQSRecord, 'messageId'>[]): Set<string> {
  const all = new Set(records.map((r) => r.messageId));
  if (result === null || result === undefined || typeof result !== 'object') return new Set();
  const failures = (result as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return all;
  const failed = new Set<string>();
  for (const f of failures) {
    const id = (f as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !all.has(id)) return all;
    failed.add(id);
  }
  return failed;
}

/** A request to the local SQS server that takes longer than this (beyond its long-poll wait) is logged as slow. */
const SLOW_REQUEST_MS = 2000;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

export function startSqsPoller(options: SqsPollerOptions): Poller {
  const log = options.log ?? silentLog;
  const abort = new AbortController();
  const { signal } = abort;
  const waitTimeSeconds = options.waitTimeSeconds ?? 20;
  const gatherPollMs = options.gatherPollMs ?? 25;

  /**
   * Every request to SQS is timed and logged (DEBUG; WARN when it took longer than it should), so that a stalled
   * poller shows which call it was waiting on and for how long.
   */
  const timed = async <T>(request: string, expectedMs: number, send: () => Promise<T>, count: (out: T) => number): Promise<T> => {
    const started = Date.now();
    let outcome = 'ok';
    let messages: number | undefined;
    try {
      const out = await send();
      messages = count(out);
      return out;
    } catch (err) {
      outcome = (err as Error).name;
      throw err;
    } finally {
      const fields = { source: options.name, request, ms: Date.now() - started, outcome, ...(messages === undefined ? {} : { messages }) };
      if (fields.ms > expectedMs && !signal.aborted) log.warn('slow SQS request', fields);
      else log.debug('SQS request', fields);
    }
  };

  const receive = async (max: number, wait: number): Promise<Message[]> => {
    const out = await timed(
      `ReceiveMessage(wait ${wait}s)`,
      wait * 1000 + SLOW_REQUEST_MS,
      () =>
        options.client.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: Math.min(10, max),
            WaitTimeSeconds: wait,
            AttributeNames: ['All'],
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: signal, requestTimeout: longPollTimeoutMs(wait) },
        ),
      (o) => o.Messages?.length ?? 0,
    );
    return out.Messages ?? [];
  };

  const loop = async () => {
    while (!signal.aborted) {
      let messages: Message[];
      try {
        // local-aws-sqs answers a long poll only once MaxNumberOfMessages messages are there (or the wait is over),
        // where SQS answers as soon as any is: so wait for one, then gather the rest with short polls.
        messages = await receive(1, waitTimeSeconds);
        if (messages.length === 0) continue;
        const deadline = Date.now() + options.batchingWindowMs;
        while (messages.length < options.batchSize && !signal.aborted) {
          const more = await receive(options.batchSize - messages.length, 0);
          messages.push(...more);
          if (Date.now() >= deadline) break;
          if (more.length === 0) await sleep(Math.min(gatherPollMs, deadline - Date.now()), signal);
        }
      } catch (err) {
        if (signal.aborted) break;
        log.warn('SQS receive failed; retrying', { source: options.name, ...errorFields(err) });
        await sleep(1000, signal);
        continue;
      }
      await invokeBatch(messages);
    }
  };

  const invokeBatch = async (messages: Message[]) => {
    const started = Date.now();
    log.debug('invoking with a batch', { source: options.name, records: messages.length });
    const records = messages.map((m) => sqsRecord(m, options.queueArn));
    const event: SQSEvent = { Records: records };
    let failed: Set<string>;
    let error: string | undefined;
    try {
      failed = failedMessageIds(await options.invoke(event), records);
    } catch (err) {
      failed = new Set(records.map((r) => r.messageId));
      error = (err as Error).message;
    }
    const done = records.filter((r) => !failed.has(r.messageId));
    try {
      for (let i = 0; i < done.length; i += 10) {
        const entries = done.slice(i, i + 10).map((r, j) => ({ Id: String(i + j), ReceiptHandle: r.receiptHandle }));
        await timed(
          'DeleteMessageBatch',
          SLOW_REQUEST_MS,
          () => options.client.send(new DeleteMessageBatchCommand({ QueueUrl: options.queueUrl, Entries: entries })),
          (o) => o.Successful?.length ?? 0,
        );
      }
    } catch (err) {
      log.warn('SQS delete failed; the messages will be delivered again', { source: options.name, ...errorFields(err) });
    }
    const outcome: BatchOutcome = { source: options.name, records: records.length, failed: failed.size, ms: Date.now() - started, ...(error ? { error } : {}) };
    options.onBatch?.(outcome);
    if (error || failed.size) log.warn('batch failed', { ...outcome });
    else log.debug('batch', { ...outcome });
  };

  const loops = Array.from({ length: Math.max(1, options.concurrency ?? 1) }, () =>
    loop().catch((err) => log.error('SQS poller stopped on an error', { source: options.name, ...errorFields(err) })),
  );

  return {
    stop: async () => {
      abort.abort();
      await Promise.all(loops);
    },
  };
}
