/** Following a DynamoDB query's pages: to the end, or until enough items are read. */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { documents } from './clients.ts';

/** Every page of a query, followed to the end. */
export async function queryAll<T = Record<string, unknown>>(input: Omit<QueryCommandInput, 'ExclusiveStartKey'>): Promise<T[]> {
  const items: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await documents.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...((out.Items ?? []) as T[]));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/** How many items a query matches, over every page (Select COUNT: the items are read, not returned). */
export async function countAll(input: Omit<QueryCommandInput, 'ExclusiveStartKey' | 'Select'>): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await documents.send(new QueryCommand({ ...input, Select: 'COUNT', ExclusiveStartKey: start }));
    count += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return count;
}

/**
 * Pages of a query from `start` until `want` items are read or it ends: each page asks for what is still missing (a
 * filtered page may come back short, so it reads on). `more` says whether the query had items left.
 */
export async function queryUpTo<T = Record<string, unknown>>(
  input: Omit<QueryCommandInput, 'ExclusiveStartKey' | 'Limit'>,
  want: number,
  start?: Record<string, unknown>,
): Promise<{ items: T[]; more: boolean }> {
  const items: T[] = [];
  do {
    const out = await documents.send(new QueryCommand({ ...input, Limit: want - items.length, ExclusiveStartKey: start }));
    items.push(...((out.Items ?? []) as T[]));
    start = out.LastEvaluatedKey;
  } while (start && items.length < want);
  return { items, more: !!start };
}
