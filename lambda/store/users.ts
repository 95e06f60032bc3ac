/**
 * The users table: a profile per Cognito subject, created on first sight. An erased player (DELETE /api/v1/user/me)
 * leaves a tombstone, `{id, erased_at}` and nothing else, so that a token still valid cannot create the profile again.
 */
import { GetCommand, PutCommand, UpdateCommand, BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { accountErased } from '../domain/errors.ts';
import type { User } from '../domain/schemas.ts';
import { tableName } from '../shared/env.ts';
import { documents } from './clients.ts';

const table = () => tableName('users');

export const defaultNickname = (id: string, email?: string) => (email ? email.split('@')[0] : `player-${id.slice(0, 8)}`).slice(0, 40);

export async function getOrCreateUser(id: string, email: string | undefined, now: number): Promise<User> {
  const found = await documents.send(new GetCommand({ TableName: table(), Key: { id } }));
  if (found.Item?.erased_at !== undefined) throw accountErased();
  if (found.Item) return found.Item as User;
  const user: User = { id, nickname: defaultNickname(id, email), created_at: now };
  try {
    await documents.send(new PutCommand({ TableName: table(), Item: user, ConditionExpression: 'attribute_not_exists(id)' }));
    return user;
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
    const item = (await documents.send(new GetCommand({ TableName: table(), Key: { id }, ConsistentRead: true }))).Item;
    if (item?.erased_at !== undefined) throw accountErased();
    return item as User;
  }
}

export async function setNickname(id: string, nickname: string, now: number): Promise<User> {
  try {
    const out = await documents.send(
      new UpdateCommand({
        TableName: table(),
        Key: { id },
        UpdateExpression: 'SET nickname = :n, created_at = if_not_exists(created_at, :now)',
        ConditionExpression: 'attribute_not_exists(erased_at)',
        ExpressionAttributeValues: { ':n': nickname, ':now': now },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return out.Attributes as User;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) throw accountErased();
    throw err;
  }
}

/** Replaces the profile with a tombstone: the nickname and every other attribute are gone; idempotent. */
export async function eraseUser(id: string, now: number): Promise<void> {
  await documents.send(
    new PutCommand({
      TableName: table(),
      Item: { id, erased_at: now },
      // A second erasure keeps the first time.
      ConditionExpression: 'attribute_not_exists(erased_at)',
    }),
  ).catch((err: unknown) => {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
  });
}

export async function getUsers(ids: string[]): Promise<Map<string, User>> {
  const found = new Map<string, User>();
  for (let i = 0; i < ids.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = ids.slice(i, i + 100).map((id) => ({ id }));
    while (keys && keys.length) {
      const out = await documents.send(new BatchGetCommand({ RequestItems: { [table()]: { Keys: keys } } }));
      for (const u of out.Responses?.[table()] ?? []) found.set(u.id as string, u as User);
      keys = out.UnprocessedKeys?.[table()]?.Keys as Record<string, unknown>[] | undefined;
    }
  }
  return found;
}
