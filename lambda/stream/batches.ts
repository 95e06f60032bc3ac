/**
 * Shared shape of the counting stream processors: read the batch's new images, add them up in memory, write one
 * partial per group. All or nothing: on any failure the whole batch is reported failed (its first record), so
 * Lambda retries or bisects it and a partial is never left describing part of a batch it did not finish.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../shared/powertools.ts';

export interface Batch<T> {
  firstSequence: string;
  lastSequence: string;
  /** New images of inserted items. */
  inserted: T[];
  /** Items overwritten in place, with their old image. Deletions (TTL expiry) are never counted. */
  modified: { before: T; after: T }[];
}

export function readBatch<T>(event: DynamoDBStreamEvent): Batch<T> | null {
  const records = event.Records.filter((r: DynamoDBRecord) => r.dynamodb?.SequenceNumber);
  if (records.length === 0) return null;
  return {
    firstSequence: records[0].dynamodb!.SequenceNumber!,
    lastSequence: records[records.length - 1].dynamodb!.SequenceNumber!,
    inserted: records.filter((r) => r.eventName === 'INSERT' && r.dynamodb?.NewImage).map((r) => image<T>(r.dynamodb!.NewImage)),
    modified: records
      .filter((r) => r.eventName === 'MODIFY' && r.dynamodb?.NewImage && r.dynamodb?.OldImage)
      .map((r) => ({ before: image<T>(r.dynamodb!.OldImage), after: image<T>(r.dynamodb!.NewImage) })),
  };
}

const image = <T>(raw: unknown) => unmarshall(raw as Record<string, AttributeValue>) as T;

export async function allOrNothing<T>(event: DynamoDBStreamEvent, process: (batch: Batch<T>) => Promise<void>): Promise<DynamoDBBatchResponse> {
  const batch = readBatch<T>(event);
  if (!batch) return { batchItemFailures: [] };
  try {
    await process(batch);
    return { batchItemFailures: [] };
  } catch (err) {
    logger.error('batch failed; it will be retried whole', { error: err as Error, first_sequence: batch.firstSequence, records: event.Records.length });
    return { batchItemFailures: [{ itemIdentifier: batch.firstSequence }] };
  }
}
