/**
 * Per-subject rate limits: one counter item per subject and minute (pk `${subject}#${minute}`), added to with a
 * condition that keeps it under the limit. One conditional write per request, on a key only that subject uses, and
 * exact across every container (a token bucket in a container would multiply the limit by the containers serving;
 * an API Gateway route throttle limits the route for everyone, not per client).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../shared/env.ts';
import { documents } from './clients.ts';

/** Adds `count` to the subject's counter of the minute of `now` if it stays at most `limit`; false when it would not. */
export async function takeFromMinute(subject: string, now: number, count: number, limit: number): Promise<boolean> {
  const minute = Math.floor(now / 60_000);
  try {
    await documents.send(
      new UpdateCommand({
        TableName: tableName('rateLimits'),
        Key: { pk: `${subject}#${minute}` },
        UpdateExpression: 'ADD #n :k SET expires_at = if_not_exists(expires_at, :x)',
        ConditionExpression: 'attribute_not_exists(#n) OR #n <= :room',
        ExpressionAttributeNames: { '#n': 'n' },
        ExpressionAttributeValues: { ':k': count, ':room': limit - count, ':x': (minute + 2) * 60 },
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException || (err as Error).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}
