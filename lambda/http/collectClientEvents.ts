import { randomUUID } from 'node:crypto';
import { MAX_BATCH_BODY_BYTES, clientEventBatchInput, storedEventId, type QueuedClientBatch } from '../domain/clientEvents.ts';
import { throttled } from '../domain/errors.ts';
import { numberFromEnv } from '../shared/env.ts';
import { httpHandler, json, ownUserId } from './httpHandler.ts';
import { enqueueClientBatch } from '../store/queues.ts';
import { takeFromMinute } from '../store/rateLimits.ts';

/** Events one subject may send per minute (CLIENT_EVENTS_PER_MINUTE): a page view a second and then some. */
const perMinute = () => numberFromEnv('CLIENT_EVENTS_PER_MINUTE', 600);

/**
 * `POST /api/v1/client-events`: a trusted client's batch of 1–100 events. The envelope is checked here, the events
 * by the consumer (lambda/queue/recordClientEvents.ts), which keeps the good ones and records the bad ones with
 * their reason. The caller is the token's subject; the server stamps the receipt time and an id per event.
 */
export const handler = httpHandler({ auth: 'user', body: clientEventBatchInput, maxBodyBytes: MAX_BATCH_BODY_BYTES }, async ({ body, caller, now, event }) => {
  const userId = ownUserId(caller, undefined);
  if (!(await takeFromMinute(userId, now, body.events.length, perMinute()))) {
    const retryAfter = Math.ceil((60_000 - (now % 60_000)) / 1000);
    throw throttled('rate_limited', `at most ${perMinute()} events a minute per user; retry in ${retryAfter} s`, retryAfter);
  }
  const batch: QueuedClientBatch = {
    user_id: userId,
    received_at: now,
    request_id: event.requestContext?.requestId ?? randomUUID(),
    events: body.events.map((raw) => ({ event_id: storedEventId(raw, userId, randomUUID), raw })),
  };
  await enqueueClientBatch(batch);
  return json(202, { status: 'accepted', queued: batch.events.length, received_at: now });
});
