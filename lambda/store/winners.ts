/**
 * The winners of an episode, one page at a time, in `user_id` order: the right answers to its last question, merged
 * over the response shards. Each shard is a partition sorted by `user_id`, so a page is a k-way merge of each shard's
 * next `limit + 1` right answers after the cursor's `user_id`: at most shards × (limit + 1) winners read per page,
 * however many players won. One more than the page tells whether another page follows.
 */
import { badRequest } from '../domain/errors.ts';
import { MAX_ID_LENGTH, type Episode } from '../domain/schemas.ts';
import { openCursor, signCursor } from '../shared/cursor.ts';
import { tableName } from '../shared/env.ts';
import { queryUpTo } from './query.ts';

export interface WinnerIdPage {
  user_ids: string[];
  next?: string;
}

const LISTING = 'winners';

/** The `user_id` a page starts after; the cursor must have been handed out for this episode. */
function decodeCursor(episodeId: string, cursor: string): string {
  const position = openCursor(LISTING, cursor);
  const { episode_id, after } = position as { episode_id?: unknown; after?: unknown };
  if (Object.keys(position).length === 2 && episode_id === episodeId && typeof after === 'string' && after.length >= 1 && after.length <= MAX_ID_LENGTH) {
    return after;
  }
  throw badRequest('invalid_cursor', 'next: the cursor does not name a position in the winners of this episode');
}

/** Up to `want` right answers of one shard after `after`, in `user_id` order (a filtered page may come back short: read on). */
async function shardWinners(pk: string, want: number, after: string | undefined): Promise<string[]> {
  const { items } = await queryUpTo<{ user_id: string }>(
    {
      TableName: tableName('responses'),
      KeyConditionExpression: after === undefined ? 'pk = :pk' : 'pk = :pk AND user_id > :after',
      FilterExpression: 'correct = :yes',
      ProjectionExpression: 'user_id',
      ExpressionAttributeValues: { ':pk': pk, ':yes': true, ...(after === undefined ? {} : { ':after': after }) },
    },
    want,
  );
  return items.map((item) => item.user_id);
}

/** One page of the winners' ids of an ended episode (the right answers to `finalized_index`). */
export async function pageWinnerIds(episode: Pick<Episode, 'id' | 'shard_count' | 'finalized_index'>, limit: number, cursor?: string): Promise<WinnerIdPage> {
  if (episode.finalized_index < 0) return { user_ids: [] };
  const after = cursor === undefined ? undefined : decodeCursor(episode.id, cursor);
  const shards = await Promise.all(
    Array.from({ length: episode.shard_count }, (_, shard) => shardWinners(`${episode.id}#${episode.finalized_index}#${shard}`, limit + 1, after)),
  );
  const merged = shards.flat().sort();
  const user_ids = merged.slice(0, limit);
  return merged.length > limit ? { user_ids, next: signCursor(LISTING, { episode_id: episode.id, after: user_ids.at(-1) }) } : { user_ids };
}
