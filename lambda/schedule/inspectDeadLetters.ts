/**
 * The dead-letter sweep (every minute): looks at the messages of every dead-letter queue — each queue's and the
 * stream failures' — and records those not recorded yet in the errors table (reason `dead_letter`), leaving them in
 * place for operators and for redrive. A consumer that knows why a message failed records it on its last attempt
 * (lambda/usecases/deadLetters.ts); this sweep catches the rest: crashes, timeouts, and stream batches that failed all
 * their retries (Lambda writes those to the stream DLQ itself).
 *
 * Why not a consumer on each DLQ: SQS hands a message to one consumer, which must delete it; a DLQ's messages are for
 * people to see and to redrive. The sweep only receives them for a moment and makes them visible again.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Message } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { deadLetterQueueIds, type DeadLetterQueueId } from '../shared/resources.ts';
import { CONSUMER_REASONS } from '../domain/operations.ts';
import { now } from '../shared/clock.ts';
import { logger, metrics, observed } from '../shared/powertools.ts';
import { metricName } from '../shared/metricNames.ts';
import { redactPayload } from '../shared/redact.ts';
import { deadLetterQueueUrl, peekMessages } from '../store/deadLetterQueues.ts';
import { putDeadLetter, recordedDeadLetters } from '../store/errorRecords.ts';

/** Messages looked at per queue and sweep: a flood is recorded over several sweeps (and the DLQ alarm fires at once). */
const MAX_PER_QUEUE = 100;

/** What a stream DLQ entry says (Lambda's on-failure record of a DynamoDB stream batch). */
function streamFailureDetail(body: string): string {
  try {
    const r = JSON.parse(body) as {
      requestContext?: { condition?: string; functionArn?: string };
      DDBStreamBatchInfo?: { shardId?: string; startSequenceNumber?: string; endSequenceNumber?: string; batchSize?: number };
    };
    const b = r.DDBStreamBatchInfo ?? {};
    const fn = r.requestContext?.functionArn?.split(':').pop();
    return `stream_batch_failed: ${r.requestContext?.condition ?? 'failed'} in ${fn ?? 'a stream processor'}; shard ${b.shardId}, sequences ${b.startSequenceNumber}..${b.endSequenceNumber} (${b.batchSize} records; they stay in the stream for 24 h)`;
  } catch {
    return 'stream_batch_failed: an unreadable failure record';
  }
}

function entryOf(queue: DeadLetterQueueId, m: Message) {
  const receiveCount = m.Attributes?.ApproximateReceiveCount;
  const from = m.Attributes?.DeadLetterQueueSourceArn?.split(':').pop();
  return {
    reason: CONSUMER_REASONS.deadLetter,
    source: `dlq:${queue}`,
    at: now(),
    detail:
      queue === 'streams'
        ? streamFailureDetail(m.Body ?? '')
        : `found_in_dlq: no consumer recorded why it failed${from ? ` (moved from ${from})` : ''}${receiveCount ? `; received ${receiveCount} times` : ''}`,
    message_id: m.MessageId!,
    payload: redactPayload(m.Body),
  };
}

async function sweep(queue: DeadLetterQueueId): Promise<number> {
  const messages = await peekMessages(deadLetterQueueUrl(queue), MAX_PER_QUEUE);
  if (messages.length === 0) return 0;
  const known = await recordedDeadLetters(messages.map((m) => m.MessageId!));
  let recorded = 0;
  for (const m of messages.filter((x) => !known.has(x.MessageId!))) {
    if (await putDeadLetter(entryOf(queue, m), true)) recorded++;
  }
  if (recorded > 0) {
    logger.warn('new dead letters recorded', { queue, recorded, looked_at: messages.length });
    const single = metrics.singleMetric();
    single.addDimension('queue', queue);
    single.addMetric(metricName.DeadLettersRecorded, MetricUnit.Count, recorded);
  }
  return recorded;
}

const base = async (_event: unknown, _context: Context) => {
  const results = await Promise.allSettled(deadLetterQueueIds().map(sweep));
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ queue: deadLetterQueueIds()[i], error: r.reason as Error }] : []));
  for (const f of failed) logger.error('dead-letter sweep failed for a queue', f);
  if (failed.length > 0) throw new Error(`the dead-letter sweep failed for ${failed.map((f) => f.queue).join(', ')}`);
  return { recorded: results.reduce((n, r) => n + (r.status === 'fulfilled' ? r.value : 0), 0) };
};

export const handler = observed(base, { metrics: true });
