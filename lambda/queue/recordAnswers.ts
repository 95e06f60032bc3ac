/**
 * Consumer of the answers queue: grades each answer and stores it with a first-answer-wins condition.
 * One DynamoDB write per answer, on a key no other player shares. Failed records are retried by SQS and, after
 * the queue's maxReceiveCount, land in its dead-letter queue.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { grade, plainStoreDeadline } from '../domain/answers.ts';
import { AnswerTooLateError } from '../domain/errors.ts';
import { queuedAnswer, type QueuedAnswer } from '../domain/schemas.ts';
import { logger, metrics, observed } from '../shared/powertools.ts';
import { metricName } from '../shared/metricNames.ts';
import { now } from '../shared/clock.ts';
import { getEpisodeCached } from '../store/episodes.ts';
import { getQuestionCached } from '../store/questions.ts';
import { storeFirstAnswer, answerExists } from '../store/responses.ts';
import { releaseMessages } from '../store/queues.ts';
import { queueUrl } from '../shared/env.ts';
import { onRecordFailure, type RecordKeys } from '../usecases/deadLetters.ts';
import { CONSUMER_REASONS } from '../domain/operations.ts';
import { errorSampler, putError } from '../store/errorRecords.ts';

// A BatchProcessor holds one batch's results: each invocation gets its own. Lambda never runs two invocations in one
// environment, but the local runtime does, and a shared processor handed one batch's failures to the other (its
// failed records were then deleted as done: test/handlers/consumers.test.ts, "keeps two concurrent invocations apart").

/** Near finalization a cached episode could hide that the question's statistics are already final: read it fresh. */
const FRESH_READ_MARGIN_MS = 1000;

/** Dropped duplicates are recorded like HTTP rejections: sampled per instance (lambda/store/errorRecords.ts). */
const duplicateSampler = errorSampler();

/** One record: its failures are logged with their correlation keys, and recorded when they are the last attempt. */
async function recordAnswer(record: SQSRecord): Promise<void> {
  const keys: RecordKeys = {};
  try {
    await storeAnswer(record, keys);
  } catch (err) {
    await onRecordFailure('answers', record, err, keys);
    throw err;
  }
}

async function storeAnswer(record: SQSRecord, keys: RecordKeys): Promise<void> {
  const answer = queuedAnswer.parse(JSON.parse(record.body));
  Object.assign(keys, { episode_id: answer.episode_id, question_index: answer.question_index, user_id: answer.user_id });
  const cached = await getEpisodeCached(answer.episode_id);
  let episode = cached.value;
  if (episode && now() > episode.question_end_timestamp + episode.settle_ms - FRESH_READ_MARGIN_MS) {
    episode = (await getEpisodeCached(answer.episode_id, 0)).value;
  }
  if (!episode) throw new Error(`episode ${answer.episode_id} does not exist`);
  if (episode.finalized_index >= answer.question_index) return refuseLate(answer);
  const question = await getQuestionCached(answer.question_id);
  if (!question) throw new Error(`question ${answer.question_id} does not exist`);
  // The check above can be stale by the time the write lands: past the plain-store deadline, the write itself checks
  // the question's seal, so an answer is either stored before the runner's final count or refused (lambda/store/responses.ts).
  const outcome = await storeFirstAnswer(grade(answer, question.answer), plainStoreDeadline(episode, answer.question_index));
  if (outcome === 'sealed') return refuseLate(answer);
  metrics.addMetric(outcome === 'stored' ? metricName.AnswersStored : metricName.AnswersDuplicateDropped, MetricUnit.Count, 1);
  if (outcome === 'duplicate') await recordDuplicate(record, keys);
}

/**
 * The question's answers are sealed or final: storing this one now would make the statistics wrong. A redelivered copy
 * of an answer already stored is harmless; anything else goes to the dead-letter queue for an operator.
 */
async function refuseLate(answer: QueuedAnswer): Promise<void> {
  if (await answerExists(answer)) return;
  throw new AnswerTooLateError(`answer of ${answer.user_id} to question ${answer.question_index} arrived after its statistics were final`);
}

async function recordDuplicate(record: SQSRecord, keys: RecordKeys): Promise<void> {
  const represents = duplicateSampler(CONSUMER_REASONS.duplicateDropped);
  if (represents === 0) return;
  try {
    await putError({
      reason: CONSUMER_REASONS.duplicateDropped,
      source: 'sqs:answers',
      at: now(),
      detail: 'a second answer to the same question was still queued when the first was stored: only the first counts',
      message_id: record.messageId,
      represents,
      ...keys,
    });
  } catch (err) {
    logger.warn('could not record a dropped duplicate', { message_id: record.messageId, error: err as Error });
  }
}

const base = async (event: SQSEvent, context: Context) => {
  const response = await processPartialResponse(event, recordAnswer, new BatchProcessor(EventType.SQS), { context, throwOnFullBatchFailure: false });
  await retrySoon(event, response.batchItemFailures.map((f) => f.itemIdentifier));
  return response;
};

/**
 * Failed answers are made visible again at once instead of after the queue's visibility timeout: an answer must be
 * stored before its question's statistics are finalized, seconds after the window closes, or it ends in the
 * dead-letter queue. Repeated failures still reach the DLQ through the queue's maxReceiveCount.
 */
async function retrySoon(event: SQSEvent, failedIds: string[]): Promise<void> {
  if (failedIds.length === 0) return;
  const failed = event.Records.filter((r) => failedIds.includes(r.messageId));
  try {
    await releaseMessages(queueUrl('answers'), failed.map((r) => r.receiptHandle));
  } catch (err) {
    logger.warn('could not release failed answers early; they return after the visibility timeout', { error: err as Error });
  }
}

export const handler = observed(base, { metrics: true });
