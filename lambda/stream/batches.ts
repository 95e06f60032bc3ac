/**
 * Shared shape of the counting stream processors: read the batch's changes, add them up in memory, write one
 * partial per group (see `Partial` in lambda/domain/counting.ts). On any failure the whole batch is reported failed
 * (its first record), so Lambda retries it from its start or bisects it, never from a record in the middle.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../shared/powertools.ts';

interface Change<T> {
  sequence: string;
  kind: 'INSERT' | 'MODIFY';
  /** The new image. */
  after: T;
  /** The old image, when an item was overwritten in place. Deletions (TTL expiry) are never counted. */
  before?: T;
}

export interface Batch<T> {
  firstSequence: string;
  changes: Change<T>[];
}

export function readBatch<T>(event: DynamoDBStreamEvent): Batch<T> | null {
  const records = event.Records.filter((r: DynamoDBRecord) => r.dynamodb?.SequenceNumber);
  if (records.length === 0) return null;
  return {
    firstSequence: records[0].dynamodb!.SequenceNumber!,
    changes: records
      .filter((r) => (r.eventName === 'INSERT' || r.eventName === 'MODIFY') && r.dynamodb?.NewImage)
      .map((r) => ({
        sequence: r.dynamodb!.SequenceNumber!,
        kind: r.eventName as 'INSERT' | 'MODIFY',
        after: image<T>(r.dynamodb!.NewImage),
        ...(r.eventName === 'MODIFY' && r.dynamodb?.OldImage ? { before: image<T>(r.dynamodb.OldImage) } : {}),
      })),
  };
}

const image = <T>(raw: unknown) => unmarshall(raw as Record<string, AttributeValue>) as T;

/**
 * Runs `process` on the batch. Records whose image is not what the processor counts (`valid`) are logged and left
 * out: retrying cannot fix them, and they must not hold up the records behind them.
 */
export async function allOrNothing<T>(
  event: DynamoDBStreamEvent,
  valid: (image: T) => boolean,
  process: (batch: Batch<T>) => Promise<void>,
): Promise<DynamoDBBatchResponse> {
  const read = readBatch<T>(event);
  if (!read) return { batchItemFailures: [] };
  const invalid = read.changes.filter((c) => !valid(c.after));
  if (invalid.length > 0) logger.warn('stream records that cannot be counted were skipped', { sequences: invalid.map((c) => c.sequence) });
  const batch = { ...read, changes: read.changes.filter((c) => valid(c.after)) };
  try {
    await process(batch);
    return { batchItemFailures: [] };
  } catch (err) {
    logger.error('batch failed; it will be retried whole', { error: err as Error, first_sequence: batch.firstSequence, records: event.Records.length });
    return { batchItemFailures: [{ itemIdentifier: batch.firstSequence }] };
  }
}
