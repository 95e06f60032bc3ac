/**
 * Admin listing of questions: one page at a time, by a paginated Scan of the questions table.
 *
 * A Scan, because the table's only key is the question id and nothing else groups the items: a Scan-free listing
 * would need every question to carry a constant partition attribute for a GSI (written by createQuestion). This
 * route is admin-only, low-volume and bounded (at most 100 items a page), so a paginated Scan is acceptable.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { badRequest } from '../domain/errors.ts';
import type { Question } from '../domain/schemas.ts';
import { tableName } from '../shared/env.ts';
import { documents } from './clients.ts';
import { withoutFingerprint } from './records.ts';

export interface QuestionPage {
  items: Question[];
  next?: string;
}

const encodeCursor = (key: Record<string, unknown>) => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

function decodeCursor(cursor: string): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (key && typeof key === 'object' && !Array.isArray(key) && typeof (key as { id?: unknown }).id === 'string' && Object.keys(key).length === 1) {
      return key as Record<string, unknown>;
    }
  } catch {
    /* reported below */
  }
  throw badRequest('invalid_cursor', 'next is not a cursor this API handed out');
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
  return { items, ...(start ? { next: encodeCursor(start) } : {}) };
}
