/** BatchWriteItem of many items: 25 a request, unprocessed items retried with backoff. */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from './clients.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** BatchWriteItem in chunks of 25, retrying unprocessed items with backoff; throws if some are still left. */
export async function batchPut(table: string, items: Record<string, unknown>[]): Promise<number> {
  let requests = 0;
  for (let i = 0; i < items.length; i += 25) {
    let pending = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= 8) throw new Error(`BatchWriteItem: ${pending.length} items still unprocessed`);
      if (attempt > 0) await sleep(25 * 2 ** attempt);
      requests++;
      const out = await documents.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (out.UnprocessedItems?.[table] ?? []) as typeof pending;
    }
  }
  return requests;
}

