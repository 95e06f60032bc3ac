/**
 * What a queue consumer does with a record that fails: log it with its correlation keys and, on its last attempt
 * (SQS moves it to the dead-letter queue after this), record it in the errors table with why it failed. The
 * dead-letter sweep (lambda/schedule/inspectDeadLetters.ts) records whatever reaches a DLQ without this (a crash, a
 * timeout, the stream failures), so each dead letter is recorded once either way.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import { ZodError } from 'zod';
import { AnswerTooLateError } from '../domain/errors.ts';
import { CONSUMER_REASONS } from '../domain/operations.ts';
import { now } from '../shared/clock.ts';
import { logger, metrics } from '../shared/powertools.ts';
import { redactPayload } from '../shared/redact.ts';
import { queues, type QueueId } from '../shared/resources.ts';
import { putDeadLetter } from '../store/errorRecords.ts';
import { metricName } from '../shared/metricNames.ts';

export interface RecordKeys {
  episode_id?: string;
  question_index?: number;
  user_id?: string;
}

/** SQS moves a message to its DLQ once it has been received maxReceiveCount times: this is the last try. */
const isLastAttempt = (queue: QueueId, record: SQSRecord) =>
  Number(record.attributes?.ApproximateReceiveCount ?? 1) >= queues[queue].maxReceiveCount;

/** A short, stable cause for the record's `detail`: `invalid_message`, `answer_too_late`, or the error's name. */
export function causeOf(err: unknown): string {
  if (err instanceof ZodError || err instanceof SyntaxError) return 'invalid_message';
  if (err instanceof AnswerTooLateError) return 'answer_too_late';
  const name = (err as Error)?.name ?? 'Error';
  return name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

const messageOf = (err: unknown) => (err instanceof ZodError ? 'the message does not match the schema' : ((err as Error)?.message ?? String(err)));

/** Logs a failed record; on its last attempt also records it as a dead letter. Never throws. */
export async function onRecordFailure(queue: QueueId, record: SQSRecord, err: unknown, keys: RecordKeys = {}): Promise<void> {
  const last = isLastAttempt(queue, record);
  const cause = causeOf(err);
  logger.warn(last ? 'record failed its last attempt: it moves to the dead-letter queue' : 'record failed: it will be retried', {
    queue,
    message_id: record.messageId,
    receive_count: Number(record.attributes?.ApproximateReceiveCount ?? 1),
    cause,
    ...keys,
    error: err as Error,
  });
  if (!last) return;
  try {
    await putDeadLetter(
      {
        reason: CONSUMER_REASONS.deadLetter,
        source: `sqs:${queue}`,
        at: now(),
        detail: `${cause}: ${messageOf(err)}`,
        message_id: record.messageId,
        payload: redactPayload(record.body),
        ...keys,
      },
      false,
    );
    const m = metrics.singleMetric();
    m.addDimension('queue', queue);
    m.addMetric(metricName.DeadLettersRecorded, MetricUnit.Count, 1);
  } catch (recordErr) {
    logger.warn('could not record a dead letter (the sweep will)', { message_id: record.messageId, error: recordErr as Error });
  }
}
