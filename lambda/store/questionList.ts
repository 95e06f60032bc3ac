/**
 * Admin listing of questions: one page at a time, by a paginated Scan of the questions table.
 *
 * A Scan, because the table's only key is the question id and nothing else groups the items: a Scan-free listing
 * would need every question to carry a constant partition attribute for a GSI (written by createQuestion). This
 * route is admin-only, low-volume and bounded (at most 100 items a page), so a paginated Scan is acceptable.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { badRequest } from '../domain/errors.ts';
import { MAX_ID_LENGTH, type Question } from '../domain/schemas.ts';
import { openCursor, signCursor } from '../shared/cursor.ts';
import { tableName } from '../shared/env.ts';
import { documents } from './clients.ts';
import { withoutFingerprint } from './createOnce.ts';

export interface QuestionPage {
  items: Question[];
  next?: string;
}

const LISTING = 'questions';

/** The Scan's ExclusiveStartKey, from a signed cursor; checked again so that not even a leaked key can reach DynamoDB's validation. */
function decodeCursor(cursor: string): Record<string, unknown> {
  const key = openCursor(LISTING, cursor);
  const id = (key as { id?: unknown }).id;
  if (Object.keys(key).length === 1 && typeof id === 'string' && id.length >= 1 && id.length <= MAX_ID_LENGTH) return key;
  throw badRequest('invalid_cursor', 'next: the cursor does not name a position in this listing');
}

export async function listQuestions(limit: number, cursor?: string): Promise<QuestionPage> {
  const items: Question[] = [];
  let start = cursor ? decodeCursor(cursor) : undefined;
  // A Scan page may come back short (1 MB limit): keep reading until the page is full or the table is done.
  do {
    const out = await documents.send(
      new ScanCommand({ TableName: tableName('questions'), Limit: limit - items.length, ExclusiveStartKey: start }),
    );
    for (const item of out.Items ?? []) items.push(withoutFingerprint(item as Question & { fingerprint?: string }));
    start = out.LastEvaluatedKey;
  } while (start && items.length < limit);
  return { items, ...(start ? { next: signCursor(LISTING, start) } : {}) };
}
