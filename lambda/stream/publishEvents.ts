/**
 * Domain events from the table streams (episodes, participants, responses): each batch's changes become events
 * (lambda/usecases/domainEvents.ts), published to the event bus, then added up into one live-aggregate partial per
 * minute of event time (lambda/domain/liveStats.ts). On any failure the whole batch is reported failed (its first
 * record) and retried or bisected by Lambda: events carry stable ids and times, and partials are keyed by the batch,
 * so a retry republishes the same events (consumers dedupe by id; the local archive does) and never counts twice.
 * Events are published before the partials are written: a batch that fails for good has counted nothing.
 */
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { domainGrowth } from '../domain/growth.ts';
import { livePartials } from '../domain/liveStats.ts';
import { tableName } from '../shared/env.ts';
import { logger, observed } from '../shared/powertools.ts';
import { publishEvents } from '../store/events.ts';
import { putGrowthPartials } from '../store/growth.ts';
import { putLivePartials } from '../store/liveStats.ts';
import { contributionsOf, eventsOf, type EventSource } from '../usecases/domainEvents.ts';
import { allOrNothing } from './batches.ts';

const SOURCES: EventSource[] = ['episodes', 'participants', 'responses'];

/** The table a stream ARN belongs to: `arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>`. */
export function sourceOf(eventSourceArn: string | undefined): EventSource | undefined {
  const name = eventSourceArn?.split('/')[1];
  return SOURCES.find((s) => name !== undefined && name === tableName(s));
}

const isObject = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object';

const VALID: Record<EventSource, (image: unknown) => boolean> = {
  episodes: (e) => isObject(e) && typeof e.id === 'string' && typeof e.state === 'string' && Array.isArray(e.qset),
  participants: (p) => isObject(p) && typeof p.episode_id === 'string' && typeof p.user_id === 'string' && typeof p.registered_at === 'number',
  responses: (r) =>
    isObject(r) &&
    typeof r.episode_id === 'string' &&
    typeof r.user_id === 'string' &&
    Number.isInteger(r.question_index) &&
    Number.isInteger(r.answer) &&
    typeof r.received_at === 'number' &&
    typeof r.correct === 'boolean',
};

const base = async (event: DynamoDBStreamEvent, _context: Context) => {
  // One invocation reads one shard of one stream.
  const source = sourceOf(event.Records.find((r) => r.eventSourceARN)?.eventSourceARN);
  if (!source) {
    logger.error('records from a stream this function does not know; skipped', { arn: event.Records[0]?.eventSourceARN });
    return { batchItemFailures: [] };
  }
  return allOrNothing<unknown>(event, VALID[source], async (batch) => {
    const contributions = await contributionsOf(source, batch.changes);
    const events = eventsOf(contributions);
    await publishEvents(events);
    const partials = livePartials(contributions);
    await putLivePartials(source, partials);
    // The funnel's joined / answered / won, one partial per day, keyed like the live partials by the batch's first record.
    if (contributions.length > 0) await putGrowthPartials(source, contributions[0].sequence, domainGrowth(events));
    logger.debug('events published', { source, changes: batch.changes.length, events: events.length, partials: partials.length });
  });
};

export const handler = observed(base);
