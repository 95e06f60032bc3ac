/**
 * The clientEvents table (keys in lib/wiring.ts): one item per event, on a key no other event shares.
 *
 * - by session: the table's own partition `s#${session_id}`, sk `${timestamp}#${event_id}`;
 * - by category or by time: the `category` and `time` indexes, whose partitions are a day of event time split into
 *   CLIENT_EVENT_SHARDS by event id (a day's events are written to 8 partitions, not one). A page reads the shards
 *   of one day at a time, merges them by sort key, and its cursor keeps each shard's position;
 * - a visitor's touches: the sparse `touches` index (only page views with `utm_source` carry `touch_key`).
 *
 * Never a scan. Writes are BatchWriteItem, 25 items a request; a retried batch writes the same keys again.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { fnv1a } from '../domain/answers.ts';
import { dayOf, touchOf, type Touch } from '../domain/growth.ts';
import type { ClientEvent } from '../domain/clientEvents.ts';
import { badRequest } from '../domain/errors.ts';
import { tableName } from '../shared/env.ts';
import { batchPut } from './batchPut.ts';
import { documents } from './clients.ts';
import { queryUpTo } from './query.ts';

const CLIENT_EVENT_SHARDS = 8;
const RETENTION_MS = 90 * 24 * 3600_000;
const table = () => tableName('clientEvents');

const sortKey = (timestamp: number, eventId: string) => `${String(timestamp).padStart(15, '0')}#${eventId}`;
const bound = (timestamp: number, last: boolean) => `${String(timestamp).padStart(15, '0')}#${last ? '~' : ''}`;
const shardOf = (eventId: string) => fnv1a(eventId) % CLIENT_EVENT_SHARDS;

function itemOf(e: ClientEvent) {
  const day = dayOf(e.timestamp);
  const shard = shardOf(e.event_id);
  const touch = touchOf(e);
  return {
    pk: `s#${e.session_id}`,
    sk: sortKey(e.timestamp, e.event_id),
    category_key: `${e.category}#${day}#${shard}`,
    time_key: `${day}#${shard}`,
    ...(touch && e.anonymous_id ? { touch_key: e.anonymous_id } : {}),
    ...e,
    expires_at: Math.floor((e.received_at + RETENTION_MS) / 1000),
  };
}

export const putClientEvents = (events: ClientEvent[]) => batchPut(table(), events.map(itemOf));

const toEvent = (item: Record<string, unknown>): ClientEvent => {
  const { pk: _p, sk: _s, category_key: _c, time_key: _t, touch_key: _k, expires_at: _x, ...rest } = item;
  return rest as unknown as ClientEvent;
};

/** A visitor's touches with a timestamp in [from, to] (the sparse `touches` index). */
export async function touchesOf(anonymousId: string, from: number, to: number): Promise<Touch[]> {
  const touches: Touch[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await documents.send(
      new QueryCommand({
        TableName: table(),
        IndexName: 'touches',
        KeyConditionExpression: 'touch_key = :k AND sk BETWEEN :lo AND :hi',
        ExpressionAttributeValues: { ':k': anonymousId, ':lo': bound(from, false), ':hi': bound(to, true) },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) {
      const t = touchOf(toEvent(item));
      if (t) touches.push(t);
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return touches;
}

/** Where a page ended: the day (index from `from`'s day) and, per shard, the last item taken (its table and index keys). */
const cursorSchema = z.object({
  d: z.number().int().min(0),
  a: z.record(z.string(), z.object({ pk: z.string(), sk: z.string() })),
  s: z.record(z.string(), z.unknown()).optional(),
});
type Cursor = z.infer<typeof cursorSchema>;
const encode = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decode(next: string | undefined): Cursor | undefined {
  if (!next) return undefined;
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(next, 'base64url').toString('utf8')));
  } catch {
    throw badRequest('invalid_cursor', '`next` is not a cursor of this query');
  }
}

interface ClientEventsQuery {
  sessionId?: string;
  category?: string;
  from: number;
  to: number;
  limit: number;
  next?: string;
}

/** One session's events in [from, to], oldest first: one partition, DynamoDB's own cursor. */
async function bySession(q: ClientEventsQuery & { sessionId: string }): Promise<{ items: ClientEvent[]; next?: string }> {
  const cursor = decode(q.next);
  const out = await documents.send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
      ExpressionAttributeValues: { ':pk': `s#${q.sessionId}`, ':lo': bound(q.from, false), ':hi': bound(q.to, true) },
      Limit: q.limit,
      ExclusiveStartKey: cursor?.s,
    }),
  );
  const items = (out.Items ?? []).map(toEvent);
  return { items, ...(out.LastEvaluatedKey ? { next: encode({ d: 0, a: {}, s: out.LastEvaluatedKey }) } : {}) };
}

/** Up to `limit` items of one index partition after `after`, in sort-key order. */
async function shardPage(index: string, keyName: string, keyValue: string, lo: string, hi: string, limit: number, after?: { pk: string; sk: string }) {
  return queryUpTo(
    {
      TableName: table(),
      IndexName: index,
      KeyConditionExpression: '#k = :k AND sk BETWEEN :lo AND :hi',
      ExpressionAttributeNames: { '#k': keyName },
      ExpressionAttributeValues: { ':k': keyValue, ':lo': lo, ':hi': hi },
    },
    limit,
    after ? { pk: after.pk, sk: after.sk, [keyName]: keyValue } : undefined,
  );
}

/** A category's events, or every event, in [from, to], oldest first: day by day, the day's shards merged. */
async function byIndex(q: ClientEventsQuery): Promise<{ items: ClientEvent[]; next?: string }> {
  const [index, keyName] = q.category ? ['category', 'category_key'] : ['time', 'time_key'];
  const days: string[] = [];
  for (let t = Date.parse(`${dayOf(q.from)}T00:00:00Z`); t <= q.to; t += 86_400_000) days.push(dayOf(t));
  const cursor = decode(q.next) ?? { d: 0, a: {} };
  const lo = bound(q.from, false);
  const hi = bound(q.to, true);
  const taken: Record<string, unknown>[] = [];
  let d = cursor.d;
  let after = cursor.a;
  while (d < days.length && taken.length < q.limit) {
    const need = q.limit - taken.length;
    const shards = await Promise.all(
      Array.from({ length: CLIENT_EVENT_SHARDS }, (_, s) => {
        const key = q.category ? `${q.category}#${days[d]}#${s}` : `${days[d]}#${s}`;
        return shardPage(index, keyName, key, lo, hi, need, after[s]).then((r) => ({ shard: s, ...r }));
      }),
    );
    const merged = shards
      .flatMap((r) => r.items.map((item) => ({ shard: r.shard, item })))
      .sort((a, b) => (String(a.item.sk) < String(b.item.sk) ? -1 : 1));
    const page = merged.slice(0, need);
    taken.push(...page.map((m) => m.item));
    const dayDone = page.length === merged.length && shards.every((r) => !r.more);
    if (dayDone) {
      d++;
      after = {};
    } else {
      after = { ...after };
      for (const m of page) after[m.shard] = { pk: String(m.item.pk), sk: String(m.item.sk) };
    }
  }
  const next = d < days.length ? encode({ d, a: after }) : undefined;
  return { items: taken.map(toEvent), ...(next ? { next } : {}) };
}

export function queryClientEvents(q: ClientEventsQuery): Promise<{ items: ClientEvent[]; next?: string }> {
  return q.sessionId ? bySession({ ...q, sessionId: q.sessionId }) : byIndex(q);
}
