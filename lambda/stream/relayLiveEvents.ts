/**
 * The live channel's safety net: every write that raised an episode's `seq` reaches this relay through the episodes
 * table's stream, in order. Whatever the writer did not mark published (it crashed after its commit, or its publish
 * failed) is published here, so no committed transition is lost; the rest is skipped, so a show's audience does not get
 * every event twice. A failed publish reports its own record, so Lambda retries from it and the order holds.
 */
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { liveEventOf } from '../domain/live.ts';
import type { Episode } from '../domain/schemas.ts';
import { logger, observed } from '../shared/powertools.ts';
import { getEpisode } from '../store/episodes.ts';
import { publishEvent } from '../usecases/publishLive.ts';
import { readBatch } from './batches.ts';

const base = async (event: DynamoDBStreamEvent, _context: Context): Promise<DynamoDBBatchResponse> => {
  const batch = readBatch<Episode>(event);
  for (const change of batch?.changes ?? []) {
    const live = liveEventOf(change.before, change.after);
    if (!live) continue;
    try {
      const current = await getEpisode(live.episode_id, true);
      if ((current?.published_seq ?? 0) >= live.seq) continue;
      await publishEvent(live);
      logger.info('live event relayed', { episode_id: live.episode_id, seq: live.seq, type: live.type });
    } catch (err) {
      logger.error('live event not relayed; retrying from it', { episode_id: live.episode_id, seq: live.seq, error: (err as Error).message });
      return { batchItemFailures: [{ itemIdentifier: change.sequence }] };
    }
  }
  return { batchItemFailures: [] };
};

export const handler = observed(base);
