/**
 * Consumer of the client-events queue: one message is one accepted batch (lambda/http/collectClientEvents.ts).
 * Each event is checked (lambda/domain/clientEvents.ts); the good ones are stored and forwarded to the lake beside
 * the domain events, the bad ones are recorded in the errors table with their reason (never sampled: each is
 * reported), and the batch's growth partial is written: page views, sign-ups and their attribution
 * (lambda/domain/growth.ts). Every step is idempotent (ids are stamped by the collector, the partial is keyed by the
 * message), so a retried message changes nothing; after maxReceiveCount it goes to the dead-letter queue.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { batchKey, checkClientEvent, lakeRecord, queuedClientBatch, type ClientEvent } from '../domain/clientEvents.ts';
import { ATTRIBUTION_LOOKBACK_MS, attribute, clientGrowth, isSignUp, touchOf, type Attribution, type Touch } from '../domain/growth.ts';
import type { ErrorEntry } from '../domain/operations.ts';
import { onRecordFailure } from '../usecases/deadLetters.ts';
import { logger, metrics, observed } from '../shared/powertools.ts';
import { metricName } from '../shared/metricNames.ts';
import { redactPayload } from '../shared/redact.ts';
import { putClientEvents, touchesOf } from '../store/clientEvents.ts';
import { putErrors } from '../store/errorRecords.ts';
import { publishEvents } from '../store/events.ts';
import { putGrowthPartials } from '../store/growth.ts';

// A BatchProcessor holds one batch's results: each invocation gets its own. Lambda never runs two invocations in one
// environment, but the local runtime does, and a shared processor handed one batch's failures to the other (its
// failed records were then deleted as done: test/handlers/consumers.test.ts, "keeps two concurrent invocations apart").

/** Each sign-up's first and last touch: this batch's own touches and the visitor's stored ones. */
async function attributions(events: ClientEvent[]): Promise<Map<string, Attribution>> {
  const inBatch = new Map<string, Touch[]>();
  for (const e of events) {
    const t = touchOf(e);
    if (t && e.anonymous_id) inBatch.set(e.anonymous_id, [...(inBatch.get(e.anonymous_id) ?? []), t]);
  }
  const out = new Map<string, Attribution>();
  for (const e of events.filter(isSignUp)) {
    if (!e.anonymous_id) {
      out.set(e.event_id, attribute(e.timestamp, []));
      continue;
    }
    // The index may not show this batch's own touches yet (it is eventually consistent): they come from memory.
    const stored = await touchesOf(e.anonymous_id, e.timestamp - ATTRIBUTION_LOOKBACK_MS, e.timestamp);
    out.set(e.event_id, attribute(e.timestamp, [...stored, ...(inBatch.get(e.anonymous_id) ?? [])]));
  }
  return out;
}

async function recordBatch(record: SQSRecord): Promise<void> {
  const batch = queuedClientBatch.parse(JSON.parse(record.body));
  const good: ClientEvent[] = [];
  const bad: ErrorEntry[] = [];
  const seen = new Set<string>();
  for (const { event_id, raw } of batch.events) {
    // The same client event_id twice in one batch is one event.
    if (seen.has(event_id)) continue;
    seen.add(event_id);
    const checked = checkClientEvent(raw, { event_id, user_id: batch.user_id, received_at: batch.received_at });
    if (checked.ok) good.push(checked.event);
    else {
      bad.push({
        id: event_id,
        reason: checked.reason,
        source: 'sqs:clientEvents',
        at: batch.received_at,
        status: 202,
        detail: checked.detail,
        user_id: batch.user_id,
        message_id: record.messageId,
        payload: redactPayload(JSON.stringify(raw ?? null)),
      });
    }
  }
  // The visitor's touches are stored before its sign-up is attributed, so a later batch sees this one's touches.
  await Promise.all([putClientEvents(good), putErrors(bad)]);
  await publishEvents(good.map(lakeRecord));
  // Keyed by the batch's events, not the message: a batch the client sent again (a retry) overwrites its own partial.
  await putGrowthPartials('client', batchKey(batch.events.map((e) => e.event_id)), clientGrowth(good, await attributions(good)));
  metrics.addMetric(metricName.ClientEventsStored, MetricUnit.Count, good.length);
  metrics.addMetric(metricName.ClientEventsRejected, MetricUnit.Count, bad.length);
  logger.debug('client events recorded', { message_id: record.messageId, stored: good.length, rejected: bad.length });
}

async function recordMessage(record: SQSRecord): Promise<void> {
  try {
    await recordBatch(record);
  } catch (err) {
    await onRecordFailure('clientEvents', record, err);
    throw err;
  }
}

const base = async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, recordMessage, new BatchProcessor(EventType.SQS), { context, throwOnFullBatchFailure: false });

export const handler = observed(base, { metrics: true });
