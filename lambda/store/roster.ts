/**
 * Every registration of an episode, shard by shard (see participantKey in ./participants.ts): for the events of a
 * question's close (who was in the game at question 0) and for reports. Never on a hot path.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Episode, Participant, Response } from '../domain/schemas.ts';
import { tableName } from '../shared/env.ts';
import { documents } from './clients.ts';
import { queryAll } from './query.ts';

export async function listParticipants(episode: Pick<Episode, 'id' | 'shard_count'>): Promise<Participant[]> {
  const shards = await Promise.all(
    Array.from({ length: episode.shard_count }, (_, shard) =>
      queryAll<Participant>({
        TableName: tableName('participants'),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `${episode.id}#${shard}` },
        ProjectionExpression: 'episode_id, user_id, registered_at',
        ConsistentRead: true,
      }),
    ),
  );
  return shards.flat();
}

/**
 * Up to about `limit` stored answers to one question: the first page of each shard, `limit / shard_count` items
 * each. For reports of episodes too large to read whole; keys are spread by a hash of the user id, so a shard's
 * first items are no particular players.
 */
export async function sampleAnswers(episode: Pick<Episode, 'id' | 'shard_count'>, questionIndex: number, limit: number): Promise<Response[]> {
  const perShard = Math.max(1, Math.ceil(limit / episode.shard_count));
  const pages = await Promise.all(
    Array.from({ length: episode.shard_count }, (_, shard) =>
      documents.send(
        new QueryCommand({
          TableName: tableName('responses'),
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `${episode.id}#${questionIndex}#${shard}` },
          Limit: perShard,
        }),
      ),
    ),
  );
  return pages.flatMap((p) => (p.Items ?? []) as Response[]);
}
