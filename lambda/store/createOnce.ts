/**
 * Create-once semantics shared by the content stores: a client may choose the id; posting the same id with the
 * same body again is idempotent, a different body under that id is a conflict.
 */
import { createHash } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { conflict } from '../domain/errors.ts';
import { documents } from './clients.ts';

/** A stable digest of a validated request, so "the same body" means the same meaning, not the same bytes. */
export function fingerprint(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, canonical(x)]))
        : v;
  return createHash('sha256').update(JSON.stringify(canonical(value))).digest('hex');
}

export interface Created<T> {
  item: T;
  created: boolean;
}

export async function createOnce<T extends { id: string }>(table: string, item: T, requestFingerprint: string): Promise<Created<T>> {
  try {
    await documents.send(
      new PutCommand({
        TableName: table,
        Item: { ...item, fingerprint: requestFingerprint },
        ConditionExpression: 'attribute_not_exists(id)',
      }),
    );
    return { item, created: true };
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
    const existing = await documents.send(new GetCommand({ TableName: table, Key: { id: item.id }, ConsistentRead: true }));
    const stored = existing.Item as (T & { fingerprint?: string }) | undefined;
    if (stored && stored.fingerprint === requestFingerprint) return { item: withoutFingerprint(stored), created: false };
    throw conflict('id_conflict', `a different record with id ${item.id} already exists`);
  }
}

export function withoutFingerprint<T>(item: T & { fingerprint?: string }): T {
  const { fingerprint: _ignored, ...rest } = item;
  return rest as T;
}

export async function getById<T>(table: string, id: string, consistent = false): Promise<T | undefined> {
  const out = await documents.send(new GetCommand({ TableName: table, Key: { id }, ConsistentRead: consistent }));
  return out.Item ? withoutFingerprint(out.Item as T & { fingerprint?: string }) : undefined;
}
