/**
 * Telling players about a committed write, as soon as it is committed.
 *
 * Primary course:
 * 1. Derive the live event from the episode before and after the write (lambda/domain/live.ts).
 * 2. Publish it to the episode's channel.
 * 3. Mark it published, so that the stream relay does not publish it a second time.
 *
 * A failure never fails the caller, whose write is committed: it is logged and counted (`LivePublishFailures`), and the
 * stream relay (lambda/stream/relayLiveEvents.ts) publishes every event that was not marked, from the table's stream.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { liveChannel, liveEventOf, type LiveEvent } from '../domain/live.ts';
import type { Episode } from '../domain/schemas.ts';
import { logger, metrics } from '../shared/powertools.ts';
import { metricName } from '../shared/metricNames.ts';
import { markPublished } from '../store/episodes.ts';
import { publishToChannel } from '../store/liveChannel.ts';

/** Publishes the event of the write `before` → `after` (if it raised `seq`); true once it is published and marked. */
export async function publishCommitted(before: Pick<Episode, 'state' | 'seq'> | undefined, after: Episode): Promise<boolean> {
  const event = liveEventOf(before, after);
  if (!event) return false;
  try {
    await publishEvent(event);
    return true;
  } catch (err) {
    metrics.singleMetric().addMetric(metricName.LivePublishFailures, MetricUnit.Count, 1);
    logger.warn('live event not published; the stream relay will publish it', {
      episode_id: event.episode_id,
      seq: event.seq,
      type: event.type,
      error: (err as Error).message,
    });
    return false;
  }
}

/** Announces a participant count that was just stored with `announceParticipantCount`. */
export const publishAnnouncement = (announced: Episode) =>
  publishCommitted({ state: announced.state, seq: (announced.seq ?? 1) - 1 }, announced);

/** Publishes one event and marks it published (throws when the publish fails). */
export async function publishEvent(event: LiveEvent): Promise<void> {
  await publishToChannel(liveChannel(event.episode_id), [event]);
  await markPublished(event.episode_id, event.seq);
}
