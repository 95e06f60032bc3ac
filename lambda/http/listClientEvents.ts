import { MAX_CLIENT_QUERY_RANGE_MS, clientEventsQuery, type ClientEventsPage } from '../domain/clientEvents.ts';
import { badRequest } from '../domain/errors.ts';
import { DEFAULT_QUERY_RANGE_MS, parseInstant } from '../domain/operations.ts';
import { httpHandler, json } from './httpHandler.ts';
import { queryClientEvents } from '../store/clientEvents.ts';

/**
 * `GET /api/v1/client-events?session_id=|category=&from=&to=&limit=&next=` (admins): stored client events, oldest
 * first, a page at a time. A session is one partition (any range); a category or all events are read from the
 * day-sharded indexes, so their range is bounded (7 days). Never a scan.
 */
export const handler = httpHandler({ auth: 'admin', query: clientEventsQuery }, async ({ query: q, now }) => {
  if (q.session_id && q.category) throw badRequest('invalid_query', 'give `session_id` or `category`, not both');
  const to = q.to !== undefined ? parseInstant(q.to) : q.session_id ? Number.MAX_SAFE_INTEGER : now;
  const from = q.from !== undefined ? parseInstant(q.from) : q.session_id ? 0 : to - DEFAULT_QUERY_RANGE_MS;
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw badRequest('invalid_query', '`from` and `to` must be epoch milliseconds or ISO 8601 times');
  if (from > to) throw badRequest('invalid_range', '`from` is after `to`');
  if (!q.session_id && to - from > MAX_CLIENT_QUERY_RANGE_MS) throw badRequest('range_too_large', 'without `session_id` a query covers at most 7 days');
  const page: ClientEventsPage = await queryClientEvents({ sessionId: q.session_id, category: q.category, from, to, limit: q.limit ?? 100, next: q.next });
  return json(200, page);
});
