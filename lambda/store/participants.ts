/**
 * The participants table: one item per (episode, user). The partition key carries a shard of the user id, so an
 * episode's registrations spread over `shard_count` partitions instead of one hot key.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { shardOf } from '../domain/answers.ts';
import type { Episode, Participant } from '../domain/schemas.ts';
import { tableName } from '../shared/env.ts';
import { documents } from './clients.ts';

const table = () => tableName('participants');

export const participantKey = (episode: Pick<Episode, 'id' | 'shard_count'>, userId: string) => ({
  pk: `${episode.id}#${shardOf(userId, episode.shard_count)}`,
  user_id: userId,
});

const toParticipant = (item: Record<string, unknown>): Participant => ({
  episode_id: item.episode_id as string,
  user_id: item.user_id as string,
  registered_at: item.registered_at as number,
});

/** Registers once: a second registration returns the first, unchanged. */
export async function register(episode: Episode, userId: string, now: number): Promise<{ participant: Participant; created: boolean }> {
  const participant: Participant = { episode_id: episode.id, user_id: userId, registered_at: now };
  try {
    await documents.send(
      new PutCommand({
        TableName: table(),
        Item: { ...participantKey(episode, userId), ...participant },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return { participant, created: true };
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
    const existing = await documents.send(new GetCommand({ TableName: table(), Key: participantKey(episode, userId), ConsistentRead: true }));
    return { participant: existing.Item ? toParticipant(existing.Item) : participant, created: false };
  }
}
